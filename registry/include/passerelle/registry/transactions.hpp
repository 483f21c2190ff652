#pragma once

// The XDS.b transactions the registry and the repository perform:
// ITI-42 Register Document Set-b, ITI-41 Provide and Register Document
// Set-b, ITI-43 Retrieve Document Set. Inputs and outputs are plain values;
// the gateway turns them into SOAP.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/content.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/traces.hpp"  // issue 6: store::TransactionHook

namespace passerelle::registry {

// rs:RegistryResponse: Success, or Failure with every error found (a lot is
// never partly accepted).
struct RegistryResponse {
  bool success = true;
  std::vector<Error> errors;    // warnings may accompany success
  std::string internal_detail;  // cause of an XDSRegistryError, for the log only
};

struct ProvidedDocument {
  std::string id;  // the DocumentEntry id (xdsb:Document/@id) as sent
  DocumentContent content;
};

struct RetrieveItem {
  std::string home_community_id;  // "" when absent
  std::string repository_unique_id;
  std::string document_unique_id;
};

struct RetrievedDocument {
  std::string home_community_id;
  std::string repository_unique_id;
  std::string document_unique_id;
  std::string mime_type;
  std::string content;
};

// Success: all found; PartialSuccess: some; Failure: none.
struct RetrieveResponse {
  std::vector<RetrievedDocument> documents;
  std::vector<Error>
      errors;  // XDSDocumentUniqueIdError / XDSUnknownRepositoryId, location = uniqueId
  std::string internal_detail;  // cause of an XDSRepositoryError, for the log only
};

// ---- issue 8: CDA checks in ITI-41 (registry/src/transactions/cda_checks.cpp) ----
// Checks one CDA document of an ITI-41 lot (bytes as received) against its
// DocumentEntry and the lot's SubmissionSet. The check lives in cda/, which
// reads these metadata types (cda → registry); registry/ therefore cannot
// call cda/ itself, and the gateway, which links both, hands the check in
// here (cda::document_checker(), gateway/src/xds/xds_service.cpp). Returns
// the findings as Errors: code = rule id ("X-3", "R-CDA-12", "XSD"…),
// location = where in the CDA, severity Error or Warning. `predecessor`: when
// the entry replaces a document (RPLC) whose content this repository holds,
// that content, for the setId / versionNumber checks; else empty.
using DocumentChecker =
    std::function<std::vector<Error>(std::string_view bytes, const DocumentEntry& entry,
                                     const SubmissionSet* set, std::string_view predecessor)>;
// ---- end issue 8 ----

// ---- issue 9: lot signature (IHE DSG) check in ITI-41 ----
// Finds the lot's signature DocumentEntry, checks its metadata and verifies
// it against the bytes of the lot's documents; returns the refusals
// (RegistryErrors, empty = accepted). Lives in the gateway
// (gateway/src/xds/lot_signature_check.cpp), which links signature/.
// Called before anything is stored; `profile` decides whether an unsigned
// lot is refused (Profile::lot_signature_required).
using LotSignatureChecker = std::function<std::vector<Error>(
    const SubmitObjectsRequest& request, const std::vector<ProvidedDocument>& documents,
    const Profile& profile)>;
// ---- end issue 9 ----

struct RegistryOptions {
  std::shared_ptr<const Profile> profile;
  std::string repository_unique_id;  // this repository's OID
  // Issue 8: required when the profile turns CDA checks on (profile->validate_cda);
  // without it such a profile refuses every CDA lot (fails closed).
  DocumentChecker document_checker;
  // ---- issue 9 ----
  // Required when the profile requires lot signatures; without it such a
  // profile refuses every lot (fails closed). When set, any lot carrying a
  // signature document is verified.
  LotSignatureChecker lot_signature_checker = nullptr;
  // ---- end issue 9 ----
};

class Registry {
 public:
  Registry(std::shared_ptr<store::ConnectionPool> pool, RegistryOptions options);

  // Issue 6 (R-TRACE-1): `before_commit` runs inside the transaction that
  // stores the lot or the update, just before it commits (the gateway passes
  // store::append_traces_hook with the traces of the change); if it throws,
  // nothing is stored and the answer is XDSRegistryError. It does not run
  // when the request is refused, before or inside that transaction.
  RegistryResponse register_document_set(
      SubmitObjectsRequest request, const store::TransactionHook& before_commit = {});  // ITI-42
  RegistryResponse provide_and_register(
      SubmitObjectsRequest request, std::vector<ProvidedDocument> documents,
      const store::TransactionHook& before_commit = {});              // ITI-41
  RetrieveResponse retrieve(const std::vector<RetrieveItem>& items);  // ITI-43
  // ITI-57 Update Document Set (issue 5): new versions of DocumentEntries and
  // Folders, availability status changes (Approved, Deprecated and the
  // profile's lifecycle statuses), Submit Association.
  RegistryResponse update_document_set(SubmitObjectsRequest request,
                                       const store::TransactionHook& before_commit = {});
  // ---- issue 5: ITI-62 ----
  // ITI-62 Remove Metadata (operator use; the gateway checks the credential):
  // removes the registry metadata of `object_ids` (entryUUIDs of
  // DocumentEntries, Folders, SubmissionSets, Associations) all or nothing.
  // Failure with UnresolvedReferenceException, ReferencesExistException or
  // XDSUnreferencedObjectException (location = the object), or
  // XDSRegistryError when the database fails. Repository content stays.
  RegistryResponse remove_metadata(const std::vector<std::string>& object_ids);
  // ---- end ITI-62 ----

  const RegistryOptions& options() const { return options_; }

 private:
  std::shared_ptr<store::ConnectionPool> pool_;
  RegistryOptions options_;
};

// ebRS / XDS.b response bodies.
std::string registry_response_xml(const RegistryResponse& response);
std::string retrieve_response_xml(const RetrieveResponse& response,
                                  const std::vector<std::string>& content_ids);

}  // namespace passerelle::registry
