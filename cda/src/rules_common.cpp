// Helpers shared by the rule files, and the two cross-cutting actor rules:
// person names (R-CDA-52) and organisation ids (R-CDA-53).

#include <algorithm>
#include <cctype>
#include <regex>

#include "passerelle/cda/clinical_document.hpp"
#include "rules.hpp"

namespace passerelle::cda::detail {

void Context::report(Severity severity, std::string_view rule, std::string location,
                     std::string message) const {
  findings.push_back({std::string(rule), severity, std::move(location), std::move(message)});
}
void Context::error(std::string_view rule, std::string location, std::string message) const {
  report(Severity::Error, rule, std::move(location), std::move(message));
}
void Context::warning(std::string_view rule, std::string location, std::string message) const {
  report(Severity::Warning, rule, std::move(location), std::move(message));
}

std::vector<El*> kids(const El& parent, std::string_view name) {
  std::vector<El*> out;
  for (auto* child : parent.children) {
    if (child->ns == kHl7Namespace && (name.empty() || child->name == name)) out.push_back(child);
  }
  return out;
}

El* kid(const El& parent, std::string_view name) {
  for (auto* child : parent.children) {
    if (child->ns == kHl7Namespace && child->name == name) return child;
  }
  return nullptr;
}

std::vector<El*> kids_ns(const El& parent, std::string_view ns, std::string_view name) {
  std::vector<El*> out;
  for (auto* child : parent.children) {
    if (child->ns == ns && child->name == name) out.push_back(child);
  }
  return out;
}

std::vector<El*> non_null(const std::vector<El*>& elements) {
  std::vector<El*> out;
  for (auto* e : elements) {
    if (!is_null(*e)) out.push_back(e);
  }
  return out;
}

bool is_null(const El& element) { return element.attribute("nullFlavor") != nullptr; }

std::optional<std::string> attr(const El& element, std::string_view name) {
  const std::string* value = element.attribute(name);
  if (value == nullptr) return std::nullopt;
  return *value;
}

bool has(const El& element, std::string_view name) {
  const std::string* value = element.attribute(name);
  return value != nullptr && !value->empty();
}

std::string attr_or(const El& element, std::string_view name, std::string_view fallback) {
  const std::string* value = element.attribute(name);
  return value == nullptr ? std::string(fallback) : *value;
}

std::string trimmed_text(const El& element) {
  std::string text = text_content(element);
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  return text;
}

std::string local(const El& element) { return element.name; }

std::string path(const El& element) {
  std::string out;
  const El* current = &element;
  while (current != nullptr) {
    std::string step = current->name;
    if (current->ns == "urn:hl7-org:sdtc") step = "sdtc:" + step;
    if (current->ns == kHl7Namespace && current->name == "ClinicalDocument") {
      out = "/" + step + out;
      break;
    }
    const El* parent = current->parent;
    if (parent != nullptr) {
      const auto siblings = kids_ns(*parent, current->ns, current->name);
      if (siblings.size() > 1) {
        const auto index = std::find(siblings.begin(), siblings.end(), current) - siblings.begin();
        step += "[" + std::to_string(index + 1) + "]";
      }
    }
    out = "/" + step + out;
    current = parent;
  }
  return out;
}

std::string path(const El& parent, std::string_view child) {
  return path(parent) + "/" + std::string(child);
}

std::vector<El*> expect(const Context& ctx, std::string_view rule, const El& parent,
                        std::string_view name, int min, int max, bool non_null_only,
                        Severity severity) {
  auto found = kids(parent, name);
  if (non_null_only) found = non_null(found);
  const int n = static_cast<int>(found.size());
  if (n < min || (max >= 0 && n > max)) {
    std::string range =
        "[" + std::to_string(min) + ".." + (max < 0 ? "*" : std::to_string(max)) + "]";
    ctx.report(severity, rule, path(parent, name),
               std::string("expected ") + range + (non_null_only ? " non-null " : " ") +
                   std::string(name) + ", found " + std::to_string(n));
  }
  return found;
}

bool coded_in(const Context& ctx, std::string_view rule, const El& element,
              std::string_view value_set, Severity severity) {
  const std::string code = attr_or(element, "code");
  const std::string system = attr_or(element, "codeSystem");
  if (ctx.value_sets.contains(value_set, code, system)) return true;
  ctx.report(severity, rule, path(element),
             "(" + code + ", " + system + ") is not in value set " + std::string(value_set));
  return false;
}

bool fully_coded(const Context& ctx, std::string_view rule, const El& element) {
  std::string missing;
  for (const char* name : {"code", "codeSystem", "displayName"}) {
    if (!has(element, name)) missing += std::string(missing.empty() ? "" : ", ") + "@" + name;
  }
  if (missing.empty()) return true;
  ctx.error(rule, path(element), "missing " + missing);
  return false;
}

bool root_and_extension(const Context& ctx, std::string_view rule, const El& id) {
  if (has(id, "root") && has(id, "extension")) return true;
  ctx.error(rule, path(id), "identifier needs @root and a non-empty @extension");
  return false;
}

bool is_oid(std::string_view text) {
  static const std::regex oid(R"(^[0-2](\.(0|[1-9][0-9]*))*$)");
  return std::regex_match(text.begin(), text.end(), oid);
}

bool is_uuid(std::string_view text) {
  static const std::regex uuid(
      R"(^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$)");
  return std::regex_match(text.begin(), text.end(), uuid);
}

bool is_ts(std::string_view text, bool* short_offset) {
  static const std::regex ts(
      R"(^([0-9]{4})(([0-9]{2})(([0-9]{2})(([0-9]{2})(([0-9]{2})(([0-9]{2})(\.[0-9]+)?)?)?)?)?)?([+-][0-9]{1,4})?$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, ts)) return false;
  const auto number = [&](int group, int fallback) {
    return m[group].matched ? std::stoi(m[group].str()) : fallback;
  };
  const int year = number(1, 2000), month = number(3, 1), day = number(5, 1);
  const int hour = number(7, 0), minute = number(9, 0), second = number(11, 0);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day < 1 || day > kDays[month - 1] || (month == 2 && day == 29 && !leap)) return false;
  if (m[13].matched) {
    // Offsets are right-padded: "+100" reads +10:00.
    std::string offset = m[13].str().substr(1);
    if (short_offset != nullptr) *short_offset = offset.size() != 4;
    offset.resize(4, '0');
    if (std::stoi(offset.substr(0, 2)) > 14 || std::stoi(offset.substr(2)) > 59) return false;
  }
  return true;
}

void check_actor_name(const Context& ctx, const El& person, bool name_required) {
  static constexpr std::string_view rule = "R-CDA-52";
  const auto names = expect(ctx, rule, person, "name", name_required ? 1 : 0, 1);
  for (auto* name : names) {
    if (is_null(*name)) {
      ctx.error(rule, path(*name), "the name of an actor cannot be null");
      continue;
    }
    const auto parts = kids(*name);
    const bool has_text = name->own_text;
    if (has_text && !parts.empty()) {
      ctx.error(rule, path(*name), "a name mixes text and name parts");
    } else if (!has_text && parts.empty()) {
      ctx.error(rule, path(*name), "empty name");
    }
    if (parts.empty()) continue;
    expect(ctx, rule, *name, "family", 1, 1);
    expect(ctx, rule, *name, "given", 0, 1);
    for (auto* prefix : expect(ctx, rule, *name, "prefix", 0, 1)) {
      const std::string text = text_content(*prefix);
      if (!ctx.value_sets.contains_code(vs::kJ245, text)) {
        ctx.error(rule, path(*prefix), "civility '" + text + "' is not in JDV_J245");
      }
    }
    for (auto* suffix : expect(ctx, rule, *name, "suffix", 0, 1)) {
      const std::string text = text_content(*suffix);
      if (!ctx.value_sets.contains_code(vs::kJ246, text)) {
        ctx.error(rule, path(*suffix), "title '" + text + "' is not in JDV_J246");
      }
    }
    for (auto* part : parts) {
      if (!is_null(*part) && trimmed_text(*part).empty()) {
        ctx.warning(rule, path(*part), "empty name part");
      }
    }
  }
}

void check_organization(const Context& ctx, const El& organization) {
  static constexpr std::string_view rule = "R-CDA-53";
  int national = 0;
  for (auto* id : kids(organization, "id")) {
    if (attr_or(*id, "root") != kStructureRoot) continue;
    ++national;
    if (!has(*id, "extension")) {
      ctx.error(rule, path(*id), "a national structure id (1.2.250.1.71.4.2.2) needs @extension");
    }
  }
  if (national > 1) {
    ctx.error(rule, path(organization, "id"), "more than one national structure id");
  }
}

}  // namespace passerelle::cda::detail
