// query:AdhocQueryRequest → StoredQueryRequest, and the parameter value
// syntax of ITI TF-2 §3.18.4.1.2.3.5.

#include <cctype>
#include <string>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/stored_query.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "query/params.hpp"
#include "store/document_store_internal.hpp"

namespace passerelle::registry {
namespace {

[[noreturn]] void malformed(const std::string& parameter, const std::string& message) {
  throw Failure(xds_codes::kRegistryError, parameter,
                "stored query parameter " + parameter + ": " + message);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

StoredQueryRequest parse_adhoc_query(const xercesc::DOMElement& request_element) {
  StoredQueryRequest request;
  if (const auto* options =
          xml::first_child_element(request_element, ns::kQuery, "ResponseOption")) {
    request.return_type = xml::attribute(*options, "returnType").value_or("") == "LeafClass"
                              ? ReturnType::LeafClass
                              : ReturnType::ObjectRef;
    request.return_composed_objects =
        xml::attribute(*options, "returnComposedObjects").value_or("") == "true";
  }
  const auto* query = xml::first_child_element(request_element, ns::kRim, "AdhocQuery");
  if (query == nullptr) {
    throw Failure(xds_codes::kRegistryError, "AdhocQueryRequest", "rim:AdhocQuery is missing");
  }
  request.query_id = std::string(trim(xml::attribute(*query, "id").value_or("")));
  if (request.query_id.empty()) {
    throw Failure(xds_codes::kUnknownStoredQuery, "AdhocQuery", "rim:AdhocQuery has no id");
  }
  request.home_community_id = xml::attribute(*query, "home").value_or("");
  for (const auto* slot : xml::child_elements(*query, ns::kRim, "Slot")) {
    StoredQueryRequest::Parameter parameter;
    parameter.name = std::string(trim(xml::attribute(*slot, "name").value_or("")));
    if (const auto* list = xml::first_child_element(*slot, ns::kRim, "ValueList")) {
      for (const auto* value : xml::child_elements(*list, ns::kRim, "Value")) {
        parameter.values.push_back(xml::text_content(*value));
      }
    }
    request.parameters.push_back(std::move(parameter));
  }
  return request;
}

namespace query {

std::vector<std::string> parse_value(std::string_view raw, const std::string& parameter) {
  std::string_view text = trim(raw);
  std::vector<std::string> items;
  const bool list = !text.empty() && text.front() == '(';
  if (list) {
    if (text.back() != ')') malformed(parameter, "a list must end with ')'");
    text = text.substr(1, text.size() - 2);
  }
  std::size_t i = 0;
  const auto skip_spaces = [&] {
    while (i < text.size() && is_space(text[i])) ++i;
  };
  skip_spaces();
  if (i == text.size()) {
    if (list) malformed(parameter, "empty list");
    malformed(parameter, "empty value");
  }
  while (i < text.size()) {
    std::string item;
    if (text[i] == '\'') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\'') {
          if (i + 1 < text.size() && text[i + 1] == '\'') {
            item += '\'';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        item += text[i++];
      }
      if (!closed) malformed(parameter, "unterminated quoted string");
    } else {
      while (i < text.size() && text[i] != ',' && !is_space(text[i])) {
        if (text[i] == '\'' || text[i] == '(' || text[i] == ')') {
          malformed(parameter, "unexpected character in an unquoted value");
        }
        item += text[i++];
      }
    }
    items.push_back(std::move(item));
    skip_spaces();
    if (i == text.size()) break;
    if (text[i] != ',' || !list) malformed(parameter, "expected ',' between list items");
    ++i;
    skip_spaces();
    if (i == text.size()) malformed(parameter, "list ends with ','");
  }
  return items;
}

Code parse_code(const std::string& item, const std::string& parameter) {
  // code^display^scheme; the display name is ignored.
  const auto first = item.find('^');
  const auto second = first == std::string::npos ? first : item.find('^', first + 1);
  if (second == std::string::npos || item.find('^', second + 1) != std::string::npos) {
    malformed(parameter, "a code must be written code^^scheme, got '" + item + "'");
  }
  Code code{item.substr(0, first), item.substr(second + 1)};
  if (code.code.empty() || code.scheme.empty()) {
    malformed(parameter, "a code must be written code^^scheme, got '" + item + "'");
  }
  return code;
}

std::vector<const StoredQueryRequest::Parameter*> Parameters::slots(const std::string& name) const {
  std::vector<const StoredQueryRequest::Parameter*> found;
  for (const auto& parameter : request_.parameters) {
    if (parameter.name == name) found.push_back(&parameter);
  }
  return found;
}

bool Parameters::present(const std::string& name) const { return !slots(name).empty(); }

std::optional<std::string> Parameters::single(const std::string& name, bool required) const {
  const auto found = slots(name);
  if (found.empty()) {
    if (required) {
      throw Failure(xds_codes::kStoredQueryParamNumber, name,
                    "required parameter " + name + " is missing");
    }
    return std::nullopt;
  }
  if (found.size() > 1 || found.front()->values.size() != 1) {
    throw Failure(xds_codes::kStoredQueryParamNumber, name,
                  "parameter " + name + " takes a single value");
  }
  auto items = parse_value(found.front()->values.front(), name);
  if (items.size() != 1) {
    throw Failure(xds_codes::kStoredQueryParamNumber, name,
                  "parameter " + name + " takes a single value");
  }
  return std::move(items.front());
}

std::vector<std::string> Parameters::list(const std::string& name, bool required) const {
  std::vector<std::string> items;
  for (const auto& slot : and_or(name)) items.insert(items.end(), slot.begin(), slot.end());
  if (items.empty() && required) {
    throw Failure(xds_codes::kStoredQueryParamNumber, name,
                  "required parameter " + name + " is missing");
  }
  return items;
}

std::vector<std::vector<std::string>> Parameters::and_or(const std::string& name) const {
  std::vector<std::vector<std::string>> out;
  for (const auto* slot : slots(name)) {
    std::vector<std::string> items;
    for (const auto& value : slot->values) {
      auto parsed = parse_value(value, name);
      items.insert(items.end(), parsed.begin(), parsed.end());
    }
    if (items.empty()) malformed(name, "a slot without values");
    out.push_back(std::move(items));
  }
  return out;
}

std::vector<std::vector<Code>> Parameters::and_or_codes(const std::string& name) const {
  std::vector<std::vector<Code>> out;
  for (const auto& slot : and_or(name)) {
    std::vector<Code> codes;
    for (const auto& item : slot) codes.push_back(parse_code(item, name));
    out.push_back(std::move(codes));
  }
  return out;
}

std::vector<Code> Parameters::codes(const std::string& name) const {
  std::vector<Code> out;
  for (const auto& item : list(name, false)) out.push_back(parse_code(item, name));
  return out;
}

std::optional<std::string> Parameters::time(const std::string& name) const {
  const auto value = single(name, false);
  if (!value) return std::nullopt;
  const auto digits = std::string(trim(*value));
  if (digits.empty() || digits.size() > 14 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    malformed(name, "a time must be YYYY[MM[DD[hh[mm[ss]]]]], got '" + digits + "'");
  }
  return store::detail::normalise_dtm(digits);
}

std::string Parameters::one_of(const std::string& a, const std::string& b) const {
  return one_of(std::vector<std::string>{a, b});
}

std::string Parameters::one_of(const std::vector<std::string>& names) const {
  std::string found;
  std::string all;
  for (const auto& name : names) all += (all.empty() ? "" : ", ") + name;
  for (const auto& name : names) {
    if (!present(name)) continue;
    if (!found.empty()) {
      throw Failure(xds_codes::kStoredQueryParamNumber, name,
                    "only one of " + all + " may be given");
    }
    found = name;
  }
  if (found.empty()) {
    throw Failure(xds_codes::kStoredQueryMissingParam, names.front(),
                  "one of " + all + " is required");
  }
  return found;
}

}  // namespace query
}  // namespace passerelle::registry
