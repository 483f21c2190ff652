// query:AdhocQueryResponse (ebRS 3.0 §6.3, ITI TF-2 §3.18.4.1.3) and the
// LeafClass objects it carries.

#include <algorithm>
#include <map>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/stored_query.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "query/result_objects.hpp"
#include "store/document_store_internal.hpp"

namespace passerelle::registry {
namespace query {
namespace {

std::vector<RegistryObject> parse_objects(const std::vector<const std::string*>& xmls,
                                          const xml::ParserPool& parsers) {
  std::string envelope = std::string("<lcm:SubmitObjectsRequest xmlns:lcm=\"") + ns::kLcm +
                         "\" xmlns:rim=\"" + ns::kRim + "\"><rim:RegistryObjectList>";
  for (const auto* xml : xmls) envelope += *xml;
  envelope += "</rim:RegistryObjectList></lcm:SubmitObjectsRequest>";
  xml::Limits limits;
  limits.max_bytes = std::max(limits.max_bytes, envelope.size());
  const auto document = parsers.parse(envelope, limits, "stored objects");
  auto parsed = parse_submit_objects(document.root());
  if (parsed.objects.size() != xmls.size()) {
    throw Failure(xds_codes::kRegistryError, "stored query",
                  "stored objects parsed back as " + std::to_string(parsed.objects.size()) +
                      " objects, expected " + std::to_string(xmls.size()));
  }
  return std::move(parsed.objects);
}

// `xml` with [from, to) replaced by `text`, in one allocation: stored
// objects are copied once on their way into an answer.
std::string spliced(const std::string& xml, std::size_t from, std::size_t to,
                    const std::string& text) {
  std::string out;
  out.reserve(xml.size() - (to - from) + text.size());
  out.append(xml, 0, from);
  out += text;
  out.append(xml, to, std::string::npos);
  return out;
}

}  // namespace

std::string with_root_status(const std::string& xml, const std::string& status) {
  // Scan the start tag of the root, outside attribute values.
  const auto open = xml.find('<');
  if (open == std::string::npos) return xml;
  char quote = 0;
  std::size_t end = std::string::npos;
  for (std::size_t i = open + 1; i < xml.size(); ++i) {
    const char c = xml[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      continue;
    }
    if (c == '>') {
      end = i;
      break;
    }
    if ((c == ' ' || c == '\t' || c == '\n' || c == '\r') &&
        xml.compare(i + 1, 8, "status=\"") == 0) {
      const auto value = i + 9;
      const auto close = xml.find('"', value);
      if (close == std::string::npos) return xml;
      return spliced(xml, value, close, xml::escape(status));
    }
  }
  if (end == std::string::npos) return xml;
  const auto insert_at = xml[end - 1] == '/' ? end - 1 : end;
  return spliced(xml, insert_at, insert_at, " status=\"" + xml::escape(status) + "\"");
}

std::vector<std::string> result_objects_xml(const std::vector<StoredRow>& rows,
                                            const std::vector<std::string>& classifications,
                                            bool composed, const xml::ParserPool& parsers) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  // Packages and, without composed objects, everything go through the
  // model; the common case (composed DocumentEntries, Associations) is the
  // stored text with its status.
  std::vector<const std::string*> to_parse;
  std::vector<std::size_t> parsed_index;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const bool package =
        row.kind == store::detail::kKindSubmissionSet || row.kind == store::detail::kKindFolder;
    if (package || !composed) {
      to_parse.push_back(&row.object_xml);
      parsed_index.push_back(i);
      out.emplace_back();
    } else {
      out.push_back(with_root_status(row.object_xml, row.status));
    }
  }
  if (to_parse.empty()) return out;

  // The lots' Classifications and the objects to rebuild, in one parse: a
  // Xerces parse has a fixed cost that was a fifth of a small answer's time.
  std::vector<const std::string*> xmls;
  if (composed) {
    for (const auto& xml : classifications) xmls.push_back(&xml);
  }
  const std::size_t first_object = xmls.size();
  xmls.insert(xmls.end(), to_parse.begin(), to_parse.end());
  auto parsed = parse_objects(xmls, parsers);
  std::map<std::string, Classification> markers;  // classified object → node classification
  for (std::size_t k = 0; k < first_object; ++k) {
    const auto& object = parsed[k];
    if (!object.classification) continue;
    const auto& node = object.classification->classification_node;
    if (node == vocab::kSubmissionSetNode || node == vocab::kFolderNode) {
      markers.emplace(object.classification->classified_object, *object.classification);
    }
  }
  for (std::size_t k = 0; k < to_parse.size(); ++k) {
    auto& object = parsed[first_object + k];
    const auto& row = rows[parsed_index[k]];
    object.status = row.status;
    if (!composed) {
      object.classifications.clear();
      object.external_identifiers.clear();
    } else if (const auto marker = markers.find(object.id); marker != markers.end()) {
      const bool has =
          std::any_of(object.classifications.begin(), object.classifications.end(),
                      [&](const Classification& c) {
                        return c.classification_node == marker->second.classification_node;
                      });
      if (!has) object.classifications.push_back(marker->second);
    }
    out[parsed_index[k]] = serialize(object);
  }
  return out;
}

}  // namespace query

std::string adhoc_query_response_xml(const AdhocQueryResponse& response) {
  const bool success = response.success &&
                       std::none_of(response.errors.begin(), response.errors.end(),
                                    [](const Error& e) { return e.severity == Severity::Error; });
  std::string out = std::string("<query:AdhocQueryResponse xmlns:query=\"") + ns::kQuery +
                    "\" xmlns:rim=\"" + ns::kRim + "\" xmlns:rs=\"" + ns::kRs + "\" status=\"" +
                    (success ? vocab::kResponseSuccess : vocab::kResponseFailure) + "\">";
  if (!response.errors.empty()) {
    out += "<rs:RegistryErrorList highestSeverity=\"";
    out += success ? vocab::kSeverityWarning : vocab::kSeverityError;
    out += "\">";
    for (const auto& error : response.errors) {
      out += "<rs:RegistryError errorCode=\"" + xml::escape(error.code) + "\" codeContext=\"" +
             xml::escape(error.message) + "\" severity=\"" +
             (error.severity == Severity::Error ? vocab::kSeverityError : vocab::kSeverityWarning) +
             "\"";
      if (!error.location.empty()) out += " location=\"" + xml::escape(error.location) + "\"";
      out += "/>";
    }
    out += "</rs:RegistryErrorList>";
  }
  out += "<rim:RegistryObjectList>";
  if (success) {
    std::size_t size = out.size() + 64;
    for (const auto& object : response.objects_xml) size += object.size();
    out.reserve(size);
    for (const auto& id : response.object_refs) {
      out += "<rim:ObjectRef id=\"" + xml::escape(id) + "\"/>";
    }
    for (const auto& object : response.objects_xml) out += object;
  }
  out += "</rim:RegistryObjectList></query:AdhocQueryResponse>";
  return out;
}

}  // namespace passerelle::registry
