#pragma once

// Issue 8: the CDA ↔ metadata checks of ITI-41, run before anything is
// stored when the profile turns them on (Profile::validate_cda).

#include <functional>
#include <vector>

#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/transactions.hpp"

namespace passerelle::registry::detail {

// When options.profile->validate_cda: hands every CDA document of the lot
// (metadata mimeType text/xml or application/xml, except the IHE DSG
// signature document) to options.document_checker. Any error finding
// refuses the lot (XDSRepositoryMetadataError, location = the DocumentEntry
// id, codeContext "<rule> at <path>: <message>") and `register_lot` is not
// called; otherwise the warnings are added to what `register_lot` returns.
// Without the switch this is just `register_lot()`.
// `read_stored(entry_uuid)`: the stored content of a registered document
// ("" when this repository holds none), handed to the checker as the
// predecessor of an entry that replaces it (RPLC association in the lot).
using StoredContentReader = std::function<std::string(const std::string& entry_uuid)>;
// The reader over the repository's store (XdsStore::load_objects + read_content).
StoredContentReader stored_content_reader(store::ConnectionPool& pool);
RegistryResponse with_cda_checks(const RegistryOptions& options,
                                 const SubmitObjectsRequest& request,
                                 const std::vector<ProvidedDocument>& documents,
                                 const StoredContentReader& read_stored,
                                 const std::function<RegistryResponse()>& register_lot);

}  // namespace passerelle::registry::detail
