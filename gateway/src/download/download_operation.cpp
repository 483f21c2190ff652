#include "download/download_operation.hpp"

#include <utility>

#include "access/dmp_operations.hpp"
#include "download/download_codes.hpp"
#include "download/download_file.hpp"
#include "download/download_request.hpp"
#include "download/xdm_file.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace passerelle::gateway::download {
namespace {

// The one answer for a document that does not exist and for one the caller
// may not read (R-READ-1): same code, location and message.
[[noreturn]] void unknown(const std::string& unique_id) {
  throw Failure(passerelle::xds_codes::kDocumentUniqueIdError, unique_id,
                "no document with uniqueId '" + unique_id + "' in this repository");
}

// The stored document, read as ITI-43 reads it.
StoredDocument stored_document(registry::Registry& registry, const std::string& repository,
                               const std::string& unique_id) {
  auto answer = registry.retrieve({{"", repository, unique_id}});
  if (answer.documents.size() == 1) {
    auto& document = answer.documents.front();
    return {unique_id, std::move(document.mime_type), std::move(document.content)};
  }
  for (const auto& error : answer.errors) {
    if (error.code == passerelle::xds_codes::kDocumentUniqueIdError) unknown(unique_id);
  }
  throw Failure(passerelle::codes::kInternalError, unique_id,
                "the repository could not read the document: " + answer.internal_detail);
}

std::string response_xml(const DownloadFile& file, const std::string& content_id) {
  return std::string("<dmp:DownloadResponse xmlns:dmp=\"") + access::kDmpNamespace +
         "\"><dmp:FileName>" + xml::escape(file.file_name) + "</dmp:FileName><dmp:MediaType>" +
         xml::escape(file.media_type) +
         "</dmp:MediaType><dmp:Document><xop:Include "
         "xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:" +
         xml::escape(content_id) + "\"/></dmp:Document></dmp:DownloadResponse>";
}

}  // namespace

Operation make_download_operation(std::shared_ptr<store::ConnectionPool> pool,
                                  std::shared_ptr<registry::Registry> registry,
                                  std::shared_ptr<const access::AccessControl> access,
                                  DownloadOptions options) {
  Operation operation;
  operation.action = kDownloadAction;
  operation.handler = [pool, registry, access, options = std::move(options)](
                          const soap::SoapRequest& request, const CallContext& call) {
    // Who may read what is the access policy's: without a verified VIHF, or
    // with a profile that has the policy off, nothing is given.
    if (!call.access) {
      throw Failure(passerelle::codes::kFailedAuthentication, "wsse:Security",
                    "the Download operation needs a VIHF assertion");
    }
    if (!access->applies(call)) {
      throw Failure(codes::kPolicyOff, "AccessPolicy",
                    "downloads are decided by the DMP access policy, which this gateway's "
                    "profile has off: nothing can be downloaded");
    }
    const DownloadRequest asked = parse_download_request(request);
    const std::string& unique_id = asked.document_unique_id;
    // Throws the traced refusal; allowed, traces the read of the record.
    const auto grant = access->grant_read(call, "", store::TraceAction::Download);
    if (access->hidden_documents(*grant, {unique_id}).contains(unique_id)) unknown(unique_id);
    StoredDocument stored = stored_document(*registry, options.repository_unique_id, unique_id);
    DownloadFile file;
    switch (asked.format) {
      case Format::Original:
        file = original_file(std::move(stored));
        break;
      case Format::Cda:
        file = cda_file(std::move(stored));
        break;
      case Format::Xdm:
        try {
          file = xdm_file(
              *pool, unique_id,
              [access, grant = *grant](const std::vector<std::string>& unique_ids) {
                return access->hidden_documents(grant, unique_ids);
              },
              options.export_signing_key.get());
        } catch (const Failure& failure) {
          // Hidden or gone since it was read above: still the one answer.
          if (failure.error().code == passerelle::xds_codes::kDocumentUniqueIdError) {
            unknown(unique_id);
          }
          throw;
        }
        break;
    }
    trace_download(*access, *pool, *grant, unique_id, to_string(asked.format), options.misuse);
    const std::string content_id = "download." + call.request_id + "@passerelle";
    soap::SoapResponse answer{
        std::string(kDownloadAction) + "Response", "", response_xml(file, content_id), {}, ""};
    answer.attachments.push_back(
        soap::Attachment::from_bytes(content_id, file.media_type, std::move(file.bytes)));
    return answer;
  };
  return operation;
}

}  // namespace passerelle::gateway::download
