// ITI-43: every requested document this repository holds comes back; the
// others get one error each, so a mixed request is a PartialSuccess
// (ITI TF-2b §3.43.4.2.3).

#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/transactions.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace passerelle::registry {

RetrieveResponse Registry::retrieve(const std::vector<RetrieveItem>& items) {
  RetrieveResponse response;
  store::XdsStore store(*pool_);
  for (const auto& item : items) {
    if (item.repository_unique_id != options_.repository_unique_id) {
      response.errors.push_back(
          {xds_codes::kUnknownRepositoryId, Severity::Error, item.document_unique_id,
           "repositoryUniqueId '" + item.repository_unique_id + "' is not this repository (" +
               options_.repository_unique_id + ")"});
      continue;
    }
    try {
      const auto found = store.find_documents_by_unique_id({item.document_unique_id});
      const store::ExistingDocument* document = nullptr;
      for (const auto& candidate : found) {
        if (candidate.has_content && candidate.status != vocab::kDeleted) document = &candidate;
      }
      RetrievedDocument retrieved;
      if (document != nullptr) {
        retrieved.content.reserve(document->size);
        const bool read =
            store.read_content(options_.repository_unique_id, item.document_unique_id,
                               [&](std::string_view chunk) { retrieved.content.append(chunk); });
        if (!read) document = nullptr;
      }
      if (document == nullptr) {
        response.errors.push_back(
            {xds_codes::kDocumentUniqueIdError, Severity::Error, item.document_unique_id,
             "no document with uniqueId '" + item.document_unique_id + "' in this repository"});
        continue;
      }
      retrieved.home_community_id = item.home_community_id;
      retrieved.repository_unique_id = item.repository_unique_id;
      retrieved.document_unique_id = item.document_unique_id;
      retrieved.mime_type = document->mime_type;
      response.documents.push_back(std::move(retrieved));
    } catch (const Failure& failure) {
      response.errors.push_back({xds_codes::kRepositoryError, Severity::Error,
                                 item.document_unique_id, "internal repository error"});
      response.internal_detail = failure.error().message;
    }
  }
  return response;
}

}  // namespace passerelle::registry
