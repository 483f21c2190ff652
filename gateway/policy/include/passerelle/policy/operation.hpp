#pragma once

// What the caller wants to do, as plain values built by the transaction
// handlers (ITI-18/41/42/43/57 and the two DMP operations).

#include <span>
#include <string>
#include <variant>

#include "passerelle/policy/confidentiality.hpp"
#include "passerelle/registry/metadata.hpp"

namespace passerelle::policy {

// ITI-18 stored queries and ITI-43 retrieves: the decision carries the filter.
struct ReadDocuments {};

// ITI-41/42: the lot's documents. When the lot replaces entries (RPLC), the
// replaced entries are listed too: each is decided as DocumentChange::Replace
// (R-CHG-4), and the vaccination record may then be replaced (R-SPEC-1).
struct AddDocuments {
  std::span<const registry::DocumentEntry> documents;
  std::span<const registry::DocumentEntry> replaced;
};

// ITI-57: one change to one existing entry (use the classify_* helpers of
// confidentiality.hpp to turn an update into changes; one decision each).
struct ChangeDocument {
  DocumentChange change = DocumentChange::Mask;
  registry::DocumentEntry target;
};

// ITI-57 on a Folder: a new metadata version or an availability status
// change. The DMP rules say nothing of Folders; strict reading: the record
// access of adding documents (R-AUTH-*, R-ID-3) and, like every change,
// never in emergency (R-AUTH-7, R-CHG-1..5).
struct ChangeFolder {
  std::string entry_uuid;  // the registered Folder, the refusal's location
};
// ITI-57 on the associations between registered objects: a new one (Submit
// Association, e.g. a registered document put in a registered Folder) or an
// availability status change of one. Decided as a Folder change: the record
// access of adding documents, never in emergency.
struct ChangeAssociation {
  std::string entry_uuid;  // the association, the refusal's location
};

// urn:passerelle:dmp:RecordStatus (TD0.2): always answered; see
// authorisation_status() for the content.
struct RecordStatusQuery {};

// urn:passerelle:dmp:DeclareConsent (TD0.3): declare the patient's consent
// (R-AUTH-1) or end one's own authorisation (R-AUTH-4).
struct DeclareConsent {};
struct EndAuthorisation {};

// Block or unblock a professional (R-AUTH-3, R-AUTH-5): an MT's action.
struct ManageBlock {
  std::string person_id;
  bool block = true;
};

// Read the record's access history (R-TRACE-2): the decision carries which
// traces the caller may see.
struct ReadAccessHistory {};

using Operation = std::variant<ReadDocuments, AddDocuments, ChangeDocument, ChangeFolder,
                               ChangeAssociation, RecordStatusQuery, DeclareConsent,
                               EndAuthorisation, ManageBlock, ReadAccessHistory>;

}  // namespace passerelle::policy
