#pragma once

// Builds XDS.b requests the way a hospital client does and reads the
// answers, for integration tests and benchmarks. Requests are built from
// the valid lot fixture (tests/fixtures/xds/) with string edits, so a test
// shows exactly what it changed.

#include <map>
#include <string>
#include <vector>

#include "http_client.hpp"

namespace passerelle::testing {

inline constexpr const char* kTestPatient = "1234567890123^^^&1.2.250.1.213.1.4.10&ISO^NH";
inline constexpr const char* kTestRepository = "1.2.250.1.999.1.1.1";

// The SubmitObjectsRequest of tests/fixtures/xds/provide_and_register_two_docs.xml.
std::string two_document_metadata();
// Replaces every occurrence of `from` by `to`; throws when `from` is absent,
// so a fixture change cannot silently turn a test into a no-op.
std::string replace_all(std::string text, const std::string& from, const std::string& to);
// Gives the lot fresh unique ids (set, documents) so tests do not collide.
std::string with_fresh_unique_ids(std::string metadata, const std::string& salt);

// Bytes of tests/fixtures/<relative>; throws when missing or empty.
std::string read_fixture(const std::string& relative);
// Removes every <rim:Slot name="NAME">…</rim:Slot>; throws when there is none.
std::string without_slot(const std::string& metadata, const std::string& name);
// The fixture lot as two CDA documents: text/xml, hash and size left for the
// repository to compute.
std::string cda_metadata(const std::string& metadata);
// The uniqueId the metadata gives DocumentEntry `symbolic_id` (e.g. after
// with_fresh_unique_ids); throws when absent.
std::string document_unique_id(const std::string& metadata, const std::string& symbolic_id);

struct Part {
  std::string id;  // xdsb:Document/@id, e.g. Document01
  std::string mime_type;
  std::string bytes;
};

// ITI-41 as MTOM (documents as xop:Include parts) or inline base64.
struct HttpRequestBody {
  std::string content_type;
  std::string body;
};
HttpRequestBody provide_and_register_mtom(const std::string& metadata,
                                          const std::vector<Part>& documents);
HttpRequestBody provide_and_register_inline(const std::string& metadata,
                                            const std::vector<Part>& documents);
HttpRequestBody register_document_set(const std::string& metadata);

struct RetrieveKey {
  std::string repository_unique_id;
  std::string document_unique_id;
};
HttpRequestBody retrieve_document_set(const std::vector<RetrieveKey>& keys);

struct RegistryErrorSeen {
  std::string code;
  std::string context;
  std::string severity;
  std::string location;
};
struct RegistryAnswer {
  std::string status;  // full URN
  std::vector<RegistryErrorSeen> errors;
  bool success() const;
  std::string codes() const;  // "A,B" for messages
};
// Reads rs:RegistryResponse out of a SOAP reply (plain or MTOM).
RegistryAnswer read_registry_answer(const HttpReply& reply);

struct RetrievedPart {
  std::string repository_unique_id;
  std::string document_unique_id;
  std::string mime_type;
  std::string bytes;
};
struct RetrieveAnswer {
  RegistryAnswer registry;
  std::vector<RetrievedPart> documents;
};
RetrieveAnswer read_retrieve_answer(const HttpReply& reply);

std::string sha1_hex(const std::string& bytes);
// ---- ITI-18 Registry Stored Query (issue 4) ----
// One query parameter: a slot name and its rim:Value texts, as sent
// (quotes and parentheses included), e.g. {"$XDSDocumentEntryStatus",
// {"('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')"}}.
struct QueryParameter {
  std::string name;
  std::vector<std::string> values;
};
// query:AdhocQueryRequest for the stored query `query_id` (urn:uuid:…);
// return_type "LeafClass" or "ObjectRef". Values are XML-escaped here.
HttpRequestBody stored_query(const std::string& query_id,
                             const std::vector<QueryParameter>& parameters,
                             const std::string& return_type = "ObjectRef",
                             bool return_composed_objects = true);
struct QueryObject {
  std::string element;  // local name: ExtrinsicObject, RegistryPackage, Association, ObjectRef
  std::string id;
  std::string status;
  std::string patient_id;        // from the patientId ExternalIdentifier, "" if none
  std::string unique_id;         // from the uniqueId ExternalIdentifier, "" if none
  std::string association_type;  // Associations
  std::string source, target;    // Associations
  std::vector<std::string> classification_nodes;  // classificationNode of inner Classifications
  std::size_t classifications = 0;                // inner Classifications
  std::size_t external_identifiers = 0;
};
struct QueryAnswer {
  RegistryAnswer registry;           // status and RegistryErrors
  std::vector<QueryObject> objects;  // RegistryObjectList children, in order
  std::string xml;                   // the AdhocQueryResponse as received
  std::vector<std::string> ids() const;
  std::size_t count(const std::string& element) const;
};
// Reads query:AdhocQueryResponse out of a SOAP reply; throws when the reply
// is something else (a fault).
QueryAnswer read_query_answer(const HttpReply& reply);

}  // namespace passerelle::testing
