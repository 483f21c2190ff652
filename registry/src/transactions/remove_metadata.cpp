// ITI-62 Remove Metadata (ITI TF-2b §3.62): the registry metadata of the
// referenced objects goes, all or nothing; the repository keeps the content
// of removed DocumentEntries. Who may ask is the gateway's decision (the
// operator credential); what may go is the store's, inside its transaction.

#include "lot_registration.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/transactions.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace passerelle::registry {

RegistryResponse Registry::remove_metadata(const std::vector<std::string>& object_ids) {
  if (object_ids.empty()) {
    return detail::failure(Error{xds_codes::kRegistryMetadataError, Severity::Error,
                                 "ObjectRefList", "no object to remove"});
  }
  for (const auto& id : object_ids) {
    if (id.empty()) {
      return detail::failure(Error{xds_codes::kRegistryMetadataError, Severity::Error, "ObjectRef",
                                   "an ObjectRef without id"});
    }
  }
  try {
    auto refusals = store::XdsStore(*pool_).remove_objects(object_ids);
    if (!refusals.empty()) return detail::failure(std::move(refusals));
  } catch (const Failure& failure) {
    // The database's words stay in the log.
    auto response = detail::failure(Error{xds_codes::kRegistryError, Severity::Error, "registry",
                                          "internal registry error; nothing was removed"});
    const auto& error = failure.error();
    response.internal_detail = error.code + " at " + error.location + ": " + error.message;
    return response;
  }
  return RegistryResponse{};
}

}  // namespace passerelle::registry
