#pragma once

// ITI-18 Registry Stored Query (ITI TF-2 §3.18.4.1.2.3.7): the fourteen
// stored queries of XDS.b over the PostgreSQL store. Inputs and outputs are
// plain values; the gateway turns them into SOAP. Result order and
// parameter syntax are documented in docs/stored-queries.md.

#include <cstddef>
#include <functional>  // issue 6
#include <string>
#include <utility>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/store.hpp"

namespace passerelle::registry {

// Stored query ids (AdhocQuery/@id).
namespace sq {
inline constexpr const char* kFindDocuments = "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d";
inline constexpr const char* kFindSubmissionSets = "urn:uuid:f26abbcb-ac74-4422-8a30-edb644bbc1a9";
inline constexpr const char* kFindFolders = "urn:uuid:958f3006-baad-4929-a4de-ff1114824431";
inline constexpr const char* kGetAll = "urn:uuid:10b545ea-725c-446d-9b95-8aeb444eddf3";
inline constexpr const char* kGetDocuments = "urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4";
inline constexpr const char* kGetFolders = "urn:uuid:5737b14c-8a1a-4539-b659-e03a34a5e1e4";
inline constexpr const char* kGetAssociations = "urn:uuid:a7ae438b-4bc2-4642-93e9-be891f7bb155";
inline constexpr const char* kGetDocumentsAndAssociations =
    "urn:uuid:bab9529a-4a10-40b3-a01f-f68a615d247a";
inline constexpr const char* kGetSubmissionSets = "urn:uuid:51224314-5390-4169-9b91-b1980040715a";
inline constexpr const char* kGetSubmissionSetAndContents =
    "urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83";
inline constexpr const char* kGetFolderAndContents =
    "urn:uuid:b909a503-523d-4517-8acf-8e5834dfc4c7";
inline constexpr const char* kGetFoldersForDocument =
    "urn:uuid:10cae35a-c7f9-4cf5-b61e-fc3278ffb578";
inline constexpr const char* kGetRelatedDocuments = "urn:uuid:d90e5407-b356-4d91-a89f-873917b4b0e6";
inline constexpr const char* kFindDocumentsByReferenceId =
    "urn:uuid:12941a89-e02e-4be5-967c-ce4bfc8fe492";
}  // namespace sq

enum class ReturnType { ObjectRef, LeafClass };

// A query:AdhocQueryRequest as sent. Slot values are kept raw (quotes,
// parentheses); run() interprets them per query.
struct StoredQueryRequest {
  std::string query_id;  // rim:AdhocQuery/@id
  ReturnType return_type = ReturnType::ObjectRef;
  bool return_composed_objects = false;
  std::string home_community_id;  // rim:AdhocQuery/@home; ignored
  struct Parameter {
    std::string name;                 // e.g. "$XDSDocumentEntryPatientId"
    std::vector<std::string> values;  // one per rim:Value, raw text
  };
  std::vector<Parameter> parameters;  // one per rim:Slot, in document order
};

// ---- issue 6: access policy ----
struct DocumentEntry;
// A query restricted to what one caller may see (R-READ-1..6): only the
// objects of `patient_id`, no DocumentEntry for which `visible` is false and
// no Association with such an end. Applied to every candidate before the
// XDSTooManyResults cap and before ObjectRefs or LeafClass objects are built,
// so neither counts nor ids leak a hidden entry. `visible` is given the
// attributes the policy reads: entryUUID, status, typeCode,
// confidentialityCodes and authorPerson (docs/policy-enforcement.md).
struct QueryVisibility {
  std::string patient_id;
  std::function<bool(const DocumentEntry&)> visible;
};
// ---- end issue 6: access policy ----

struct QueryOptions {
  // XDSTooManyResults above this many objects in a LeafClass answer.
  std::size_t max_results = 1000;
};

// query:AdhocQueryResponse. Failure: errors (XDSUnknownStoredQuery,
// XDSStoredQueryParamNumber, XDSStoredQueryMissingParam,
// XDSResultNotSinglePatient, XDSTooManyResults, XDSRegistryError) and no
// objects.
struct AdhocQueryResponse {
  bool success = true;
  std::vector<Error> errors;
  ReturnType return_type = ReturnType::ObjectRef;
  std::vector<std::string> object_refs;  // ObjectRef: the ids, in result order
  std::vector<std::string> objects_xml;  // LeafClass: rim:* elements, in result order
  std::string internal_detail;           // cause of an XDSRegistryError, for the log only
};

class StoredQueries {
 public:
  StoredQueries(store::ConnectionPool& pool, QueryOptions options = {});

  // Never throws for query errors: they come back as a Failure response.
  AdhocQueryResponse run(const StoredQueryRequest& request);
  // issue 6: the same, restricted to what `visibility` lets through (null: no restriction).
  AdhocQueryResponse run(const StoredQueryRequest& request, const QueryVisibility* visibility);

 private:
  store::ConnectionPool& pool_;
  QueryOptions options_;
  xml::ParserPool parsers_;  // for the packages an answer rebuilds
};

// Reads a query:AdhocQueryRequest element. Throws Failure(XDSRegistryError,
// …) when it has no rim:AdhocQuery or no id.
StoredQueryRequest parse_adhoc_query(const xercesc::DOMElement& adhoc_query_request);

// The query:AdhocQueryResponse body (namespaces declared on its root).
std::string adhoc_query_response_xml(const AdhocQueryResponse& response);

}  // namespace passerelle::registry
