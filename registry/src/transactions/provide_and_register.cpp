// ITI-41, the repository's part: pair each document with its DocumentEntry,
// check hash and size when the client gave them and fill them when not, stamp
// our repositoryUniqueId, then register the lot with its content, all or
// nothing (ITI TF-2b §3.41.4.1.3).

#include <algorithm>
#include <map>
#include <set>

#include "cda_checks.hpp"  // issue 8
#include "lot_registration.hpp"
#include "passerelle/registry/transactions.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace passerelle::registry {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string unique_id_of(const RegistryObject& entry) {
  for (const auto& identifier : entry.external_identifiers) {
    if (identifier.identification_scheme == vocab::kDocUniqueId) return identifier.value;
  }
  return "";
}

Error repository_error(const char* code, const std::string& location, std::string message) {
  return Error{code, Severity::Error, location, std::move(message)};
}

}  // namespace

RegistryResponse Registry::provide_and_register(SubmitObjectsRequest request,
                                                std::vector<ProvidedDocument> documents,
                                                const store::TransactionHook& before_commit) {
  std::vector<Error> errors;
  std::map<std::string, ProvidedDocument*> by_id;
  for (auto& document : documents) {
    if (!by_id.emplace(document.id, &document).second) {
      errors.push_back(repository_error(xds_codes::kRepositoryMetadataError, document.id,
                                        "Document: id '" + document.id + "' appears twice"));
    }
  }

  std::set<std::string> paired;
  std::set<std::string> unique_ids;
  detail::LotContents contents;
  for (auto& entry : request.objects) {
    if (entry.kind != ObjectKind::ExtrinsicObject) continue;
    const bool on_demand = entry.object_type == vocab::kOnDemandDocumentEntry;
    const auto found = by_id.find(entry.id);
    if (found == by_id.end()) {
      if (!on_demand) {
        errors.push_back(repository_error(
            xds_codes::kMissingDocument, entry.id,
            "DocumentEntry '" + entry.id + "' has no xdsb:Document in the request"));
      }
      continue;
    }
    paired.insert(entry.id);
    const DocumentContent& content = found->second->content;

    const std::string unique_id = unique_id_of(entry);
    if (!unique_id.empty() && !unique_ids.insert(unique_id).second) {
      errors.push_back(repository_error(
          xds_codes::kRepositoryDuplicateUniqueIdInMessage, entry.id,
          "uniqueId '" + unique_id + "' is given to two documents of the request"));
      continue;
    }
    if (const Slot* hash = detail::find_slot(entry, "hash")) {
      const std::string sent = hash->values.empty() ? "" : hash->values.front();
      if (hash->values.size() != 1 || lower(sent) != content.sha1_hex) {
        errors.push_back(repository_error(
            xds_codes::kRepositoryMetadataError, entry.id,
            "hash: metadata says '" + sent + "', the document's SHA-1 is " + content.sha1_hex));
        continue;
      }
    } else {
      detail::set_slot(entry, "hash", content.sha1_hex);
    }
    const std::string actual_size = std::to_string(content.size);
    if (const Slot* size = detail::find_slot(entry, "size")) {
      const std::string sent = size->values.empty() ? "" : size->values.front();
      if (size->values.size() != 1 || sent != actual_size) {
        errors.push_back(repository_error(
            xds_codes::kRepositoryMetadataError, entry.id,
            "size: metadata says '" + sent + "', the document has " + actual_size + " bytes"));
        continue;
      }
    } else {
      detail::set_slot(entry, "size", actual_size);
    }
    if (const Slot* repository = detail::find_slot(entry, "repositoryUniqueId")) {
      const std::string sent = repository->values.empty() ? "" : repository->values.front();
      if (sent != options_.repository_unique_id) {
        errors.push_back(repository_error(xds_codes::kRepositoryMetadataError, entry.id,
                                          "repositoryUniqueId: metadata says '" + sent +
                                              "', this repository is " +
                                              options_.repository_unique_id));
        continue;
      }
    } else {
      detail::set_slot(entry, "repositoryUniqueId", options_.repository_unique_id);
    }
    contents.emplace_back(unique_id, content);
  }
  for (const auto& document : documents) {
    if (!paired.count(document.id)) {
      errors.push_back(repository_error(
          xds_codes::kMissingDocumentMetadata, document.id,
          "xdsb:Document '" + document.id + "' has no DocumentEntry in the metadata"));
    }
  }
  if (!errors.empty()) return detail::failure(std::move(errors));
  // ---- issue 9: the lot's IHE DSG signature, verified before anything is stored ----
  if (options_.lot_signature_checker) {
    std::vector<Error> refusals =
        options_.lot_signature_checker(request, documents, *options_.profile);
    if (!refusals.empty()) return detail::failure(std::move(refusals));
  } else if (options_.profile->lot_signature_required) {
    return detail::failure({repository_error(
        xds_codes::kRepositoryError, "SubmissionSet",
        "the profile requires signed lots but no signature trust anchors are configured")});
  }
  // ---- end issue 9 ----
  // ---- issue 8: CDA documents checked against their metadata (and the
  // stored predecessor of an RPLC) first (cda_checks.cpp) ----
  return detail::with_cda_checks(
      options_, request, documents, detail::stored_content_reader(*pool_), [&] {
        return detail::register_lot(*pool_, *options_.profile, std::move(request),
                                    std::move(contents), before_commit);
      });
  // ---- end issue 8 ----
}

}  // namespace passerelle::registry
