#pragma once

// What ITI-41 and ITI-42 share once the repository has done its part:
// resolve ids, validate, check the registry's state, store the lot.

#include <string>
#include <utility>
#include <vector>

#include "passerelle/registry/content.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/transactions.hpp"

namespace passerelle::registry::detail {

// Content by DocumentEntry uniqueId (ITI-41), empty for ITI-42.
using LotContents = std::vector<std::pair<std::string, DocumentContent>>;

// `before_commit`: run inside the lot's transaction (Registry's issue 6 hook).
RegistryResponse register_lot(store::ConnectionPool& pool, const Profile& profile,
                              SubmitObjectsRequest request, LotContents contents,
                              const store::TransactionHook& before_commit = {});

// ITI-57 Update Document Set (metadata_update.cpp).
RegistryResponse update_document_set(store::ConnectionPool& pool, const Profile& profile,
                                     SubmitObjectsRequest request,
                                     const store::TransactionHook& before_commit = {});

// The current time as an XDS DTM to the second, UTC (YYYYMMDDhhmmss).
std::string now_dtm();

// A database or pool failure is the registry's fault, whatever layer noticed
// it; its cause goes to the log, not to the client.
RegistryResponse internal_or_xds(const Error& error);

// Slot helpers for the few attributes the registry and repository set.
const Slot* find_slot(const RegistryObject& object, std::string_view name);
void set_slot(RegistryObject& object, std::string_view name, std::string value);

RegistryResponse failure(std::vector<Error> errors);
RegistryResponse failure(Error error);

}  // namespace passerelle::registry::detail
