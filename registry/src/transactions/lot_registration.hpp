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

RegistryResponse register_lot(store::ConnectionPool& pool, const Profile& profile,
                              SubmitObjectsRequest request, LotContents contents);

// Slot helpers for the few attributes the registry and repository set.
const Slot* find_slot(const RegistryObject& object, std::string_view name);
void set_slot(RegistryObject& object, std::string_view name, std::string value);

RegistryResponse failure(std::vector<Error> errors);
RegistryResponse failure(Error error);

}  // namespace passerelle::registry::detail
