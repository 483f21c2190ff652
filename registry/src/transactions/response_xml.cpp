// rs:RegistryResponse and xdsb:RetrieveDocumentSetResponse bodies
// (ebRS 3.0 §2.1.3, ITI TF-2b §3.41.4.2, §3.43.4.2).

#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/transactions.hpp"
#include "passerelle/registry/vocabulary.hpp"

namespace passerelle::registry {
namespace {

void append_error_list(std::string& out, const std::vector<Error>& errors) {
  if (errors.empty()) return;
  bool any_error = false;
  for (const auto& error : errors) any_error = any_error || error.severity == Severity::Error;
  out += "<rs:RegistryErrorList highestSeverity=\"";
  out += any_error ? vocab::kSeverityError : vocab::kSeverityWarning;
  out += "\">";
  for (const auto& error : errors) {
    out += "<rs:RegistryError errorCode=\"" + xml::escape(error.code) + "\" codeContext=\"" +
           xml::escape(error.message) + "\" severity=\"" +
           (error.severity == Severity::Error ? vocab::kSeverityError : vocab::kSeverityWarning) +
           "\"";
    if (!error.location.empty()) out += " location=\"" + xml::escape(error.location) + "\"";
    out += "/>";
  }
  out += "</rs:RegistryErrorList>";
}

bool has_error(const std::vector<Error>& errors) {
  for (const auto& error : errors) {
    if (error.severity == Severity::Error) return true;
  }
  return false;
}

}  // namespace

std::string registry_response_xml(const RegistryResponse& response) {
  const bool success = response.success && !has_error(response.errors);
  std::string out = std::string("<rs:RegistryResponse xmlns:rs=\"") + ns::kRs + "\" status=\"" +
                    (success ? vocab::kResponseSuccess : vocab::kResponseFailure) + "\">";
  append_error_list(out, response.errors);
  out += "</rs:RegistryResponse>";
  return out;
}

std::string retrieve_response_xml(const RetrieveResponse& response,
                                  const std::vector<std::string>& content_ids) {
  const char* status = !has_error(response.errors)  ? vocab::kResponseSuccess
                       : response.documents.empty() ? vocab::kResponseFailure
                                                    : vocab::kResponsePartialSuccess;
  std::string out = std::string("<xdsb:RetrieveDocumentSetResponse xmlns:xdsb=\"") + ns::kXdsb +
                    "\" xmlns:rs=\"" + ns::kRs + "\"><rs:RegistryResponse status=\"" + status +
                    "\">";
  append_error_list(out, response.errors);
  out += "</rs:RegistryResponse>";
  for (std::size_t i = 0; i < response.documents.size(); ++i) {
    const auto& document = response.documents[i];
    out += "<xdsb:DocumentResponse>";
    if (!document.home_community_id.empty()) {
      out += "<xdsb:HomeCommunityId>" + xml::escape(document.home_community_id) +
             "</xdsb:HomeCommunityId>";
    }
    out += "<xdsb:RepositoryUniqueId>" + xml::escape(document.repository_unique_id) +
           "</xdsb:RepositoryUniqueId><xdsb:DocumentUniqueId>" +
           xml::escape(document.document_unique_id) + "</xdsb:DocumentUniqueId><xdsb:mimeType>" +
           xml::escape(document.mime_type) +
           "</xdsb:mimeType><xdsb:Document><xop:Include "
           "xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:" +
           xml::escape(content_ids.at(i)) + "\"/></xdsb:Document></xdsb:DocumentResponse>";
  }
  out += "</xdsb:RetrieveDocumentSetResponse>";
  return out;
}

}  // namespace passerelle::registry
