// R-CDA-37 [S], the versioning half that needs the stored predecessor
// (cda-header-rules.md §16, dmp-xds-mapping.md §1 "replace"): a CDA that
// replaces another through an RPLC association keeps the predecessor's
// setId, carries a greater versionNumber, and its relatedDocument RPLC
// parentDocument/id names the predecessor's id.

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "header_checks.hpp"
#include "passerelle/cda/agreement.hpp"
#include "passerelle/cda/clinical_document.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "rules.hpp"

namespace passerelle::cda {
namespace {

constexpr std::string_view kRule = "R-CDA-37";

using detail::El;
using detail::kid;

// "root" or "root^extension" of an II, "" when absent.
std::string ii(const El* id) {
  if (id == nullptr) return "";
  std::string out = detail::attr_or(*id, "root");
  if (const std::string extension = detail::attr_or(*id, "extension"); !extension.empty()) {
    out += "^" + extension;
  }
  return out;
}

std::optional<long long> version_of(const El& doc) {
  const El* version = kid(doc, "versionNumber");
  if (version == nullptr) return std::nullopt;
  const std::string value = detail::attr_or(*version, "value");
  if (value.empty() || value.size() > 18 ||
      value.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(value);
}

}  // namespace

std::vector<Finding> check_replacement(const xercesc::DOMElement& clinical_document,
                                       std::string_view predecessor) {
  const auto tree = detail::tree_from_dom(clinical_document);
  return detail::check_replacement(*tree.root(), predecessor);
}

std::vector<Finding> detail::check_replacement(const El& clinical_document,
                                               std::string_view predecessor) {
  std::vector<Finding> findings;
  std::optional<xml::Document> stored;
  try {
    stored.emplace(xml::parse(predecessor, {}, "replaced document"));
  } catch (const Failure&) {
    findings.push_back({std::string(kRule), Severity::Warning, "/ClinicalDocument/setId",
                        "the replaced document is not XML: setId and versionNumber not compared"});
    return findings;
  }
  auto located = locate_clinical_document(stored->root());
  if (std::holds_alternative<Finding>(located)) {
    findings.push_back({std::string(kRule), Severity::Warning, "/ClinicalDocument/setId",
                        "the replaced document is no CDA: setId and versionNumber not compared"});
    return findings;
  }
  const auto old_tree = tree_from_dom(*std::get<LocatedDocument>(located).element);
  const El& old_doc = *old_tree.root();
  const El& new_doc = clinical_document;

  const std::string new_set = ii(kid(new_doc, "setId"));
  const std::string old_set = ii(kid(old_doc, "setId"));
  if (new_set != old_set) {
    findings.push_back({std::string(kRule), Severity::Error, "/ClinicalDocument/setId",
                        "a replacement keeps the setId of the document it replaces: '" + new_set +
                            "' is not the replaced document's '" + old_set + "'"});
  }
  const auto new_version = version_of(new_doc);
  const auto old_version = version_of(old_doc);
  if (new_version && old_version && *new_version <= *old_version) {
    findings.push_back({std::string(kRule), Severity::Error, "/ClinicalDocument/versionNumber",
                        "a replacement's versionNumber must be greater than the replaced "
                        "document's: " +
                            std::to_string(*new_version) + " is not greater than " +
                            std::to_string(*old_version)});
  }
  const std::string old_id = ii(kid(old_doc, "id"));
  bool declared = false;
  for (const El* related : detail::kids(new_doc, "relatedDocument")) {
    if (detail::attr_or(*related, "typeCode") != "RPLC") continue;
    declared = true;
    const El* parent = kid(*related, "parentDocument");
    const std::string parent_id = parent == nullptr ? "" : ii(kid(*parent, "id"));
    if (parent_id != old_id) {
      std::string message = "parentDocument/id '" + parent_id;
      message += "' is not the replaced document's id '";
      message += old_id;
      message += "'";
      findings.push_back({std::string(kRule), Severity::Error,
                          "/ClinicalDocument/relatedDocument/parentDocument/id",
                          std::move(message)});
    }
  }
  if (!declared) {
    findings.push_back({std::string(kRule), Severity::Error, "/ClinicalDocument/relatedDocument",
                        "a replacement carries relatedDocument typeCode RPLC naming the replaced "
                        "document '" +
                            old_id + "'"});
  }
  return findings;
}

}  // namespace passerelle::cda
