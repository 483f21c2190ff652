#pragma once

// issue 10: an imported XDM lot (registry::xdm::read_package) as ITI-41
// submits it, for the operator import (api/xdm_import_api.cpp) and
// `passerelle xdm import` (xdm_command.cpp) alike.

#include <cstdint>
#include <string>
#include <vector>

#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/transactions.hpp"
#include "passerelle/registry/xdm.hpp"

namespace passerelle::gateway {

struct LotSubmission {
  std::string subset;                    // "IHE_XDM/SUBSET01"
  std::string submission_set_unique_id;  // "" when METADATA.XML gives none
  registry::SubmitObjectsRequest request;
  std::vector<registry::xdm::ImportedDocument> documents;
};

// The lot's metadata without the DocumentEntries' `URI` slots: a URI names
// a file of the media (ITI-32) and means nothing once the document is in a
// repository, so it is not registered. Everything else is sent as the
// package holds it, for the registry to validate exactly as on ITI-41.
LotSubmission lot_submission(registry::xdm::ImportedLot lot);

// The documents as the registry reads them (ITI-41's xdsb:Document parts).
std::vector<registry::ProvidedDocument> provided_documents(const LotSubmission& lot);

// The import limits of --xdm-max-entries/-bytes/-ratio; the per-entry limit
// is the library's, capped by the total.
registry::xdm::Limits xdm_limits(std::uint64_t max_entries, std::uint64_t max_bytes,
                                 std::uint64_t max_ratio);

}  // namespace passerelle::gateway
