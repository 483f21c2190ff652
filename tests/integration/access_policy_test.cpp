#define BOOST_TEST_MODULE access_policy
#include <boost/test/unit_test.hpp>

// The access policy wired into the XDS transactions (issue 6 "Decisions",
// docs/policy-enforcement.md) over real TLS, with VIHF assertions signed by
// the test PKI, under the dmp profile (access_policy on). One seeded record:
// four ITI-41 lots of two documents each, the first document of three lots
// made masked (MASQUE_PS), of a type nurses may not read, and invisible to
// the patient. Raw answers (no VIHF: the policy does not apply) are the
// reference the filtered ones are compared with.

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <set>

#include "metadata_update_client.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/policy/read_filter.hpp"
#include "passerelle/registry/identifiers.hpp"
#include "passerelle/registry/record_state.hpp"
#include "passerelle/registry/stored_query.hpp"
#include "passerelle/registry/traces.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "policy_fixtures.hpp"  // with_policy, from_callers_structure, with_confidentiality_code
#include "remove_metadata_client.hpp"  // read_fault
#include "soap_messages.hpp"
#include "vihf_builder.hpp"
#include "xds_gateway.hpp"

using namespace passerelle;
using namespace passerelle::testing;

namespace {

struct Seeded;
std::unique_ptr<Seeded>& seed_slot();

// The seeded gateway goes before the runtimes it uses.
struct Runtimes {
  xml::Runtime xml_runtime;
  signature::Runtime signature_runtime;
  ~Runtimes() { seed_slot().reset(); }
};
BOOST_TEST_GLOBAL_FIXTURE(Runtimes);

const std::string kPdf1 = read_fixture("xds/document01.pdf");
const std::string kPdf2 = read_fixture("xds/document02.pdf");

constexpr const char* kDoctor = "810000000001";  // default VIHF: a GP, not the author
constexpr const char* kAuthor = "801234567890";  // authorPerson of the fixture lot
constexpr const char* kNurse = "810000000002";
constexpr const char* kStranger = "810000000003";  // no authorisation on the record

std::vector<Part> two_pdfs() {
  return {{"Document01", "application/pdf", kPdf1}, {"Document02", "application/pdf", kPdf2}};
}

VihfSpec doctor(const std::string& id = kDoctor) {
  VihfSpec spec;
  spec.name_id = id;
  return spec;
}

VihfSpec nurse() {
  VihfSpec spec;
  spec.name_id = kNurse;
  spec.set("urn:oasis:names:tc:xacml:2.0:subject:role", {},
           {{"60", "1.2.250.1.71.1.2.7", "Infirmier"}});
  return spec;
}

VihfSpec author() { return doctor(kAuthor); }

HttpRequestBody find_documents(const std::string& return_type,
                               const std::string& patient = kTestPatient) {
  return stored_query(
      registry::sq::kFindDocuments,
      {{"$XDSDocumentEntryPatientId", {"'" + patient + "'"}},
       {"$XDSDocumentEntryStatus", {"('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')"}}},
      return_type);
}

std::set<std::string> id_set(const QueryAnswer& answer) {
  const auto ids = answer.ids();
  return {ids.begin(), ids.end()};
}

// The seeded record, shared by the tests (each test reads only).
struct Seeded {
  XdsTestGateway gateway{nullptr, with_policy()};
  std::string masked, nurse_unreadable, invisible_to_patient;  // entryUUIDs of Document01s
  std::map<std::string, std::string> unique_id_of;             // entryUUID → uniqueId
  std::set<std::string> all;                                   // raw FindDocuments
  int salt = 0;

  std::string lot(const std::function<std::string(std::string)>& change) {
    auto metadata =
        change(with_fresh_unique_ids(two_document_metadata(), std::to_string(8000 + ++salt)));
    const auto answer = read_registry_answer(
        gateway.post("/xds/repository", provide_and_register_mtom(metadata, two_pdfs())));
    if (!answer.success()) throw std::runtime_error("seeding failed: " + answer.codes());
    return document_unique_id(metadata, "Document01");
  }

  // A stored lot (ITI-41, no VIHF) with a known entryUUID for Document01,
  // returned.
  std::string lot_with_uuid(const std::string& salt,
                            const std::function<std::string(std::string)>& change,
                            std::string* registered = nullptr) {
    auto metadata = change(with_fresh_unique_ids(two_document_metadata(), salt));
    const auto doc1 = registry::new_uuid_urn();
    const auto doc2 = registry::new_uuid_urn();
    metadata = with_entry_uuids(metadata, registry::new_uuid_urn(), {doc1, doc2});
    const auto stored = read_registry_answer(gateway.post(
        "/xds/repository",
        provide_and_register_mtom(
            metadata, {{doc1, "application/pdf", kPdf1}, {doc2, "application/pdf", kPdf2}})));
    if (!stored.success()) throw std::runtime_error("seeding failed: " + stored.codes());
    if (registered != nullptr) *registered = metadata;
    return doc1;
  }

  Seeded() {
    lot([](std::string m) { return m; });
    const auto masked_uid =
        lot([](std::string m) { return with_confidentiality_code(m, "MASQUE_PS"); });
    // 28617-9 (class 10): doctors read it, nurses do not (habilitation.json).
    const auto type_uid = lot([](std::string m) {
      return replace_all(m, "classifiedObject=\"Document01\" nodeRepresentation=\"11488-4\"",
                         "classifiedObject=\"Document01\" nodeRepresentation=\"28617-9\"");
    });
    const auto invisible_uid =
        lot([](std::string m) { return with_confidentiality_code(m, "INVISIBLE_PATIENT"); });
    const auto raw = read_query_answer(gateway.post("/xds/registry", find_documents("LeafClass")));
    if (!raw.registry.success()) throw std::runtime_error("raw query failed");
    for (const auto& object : raw.objects) {
      all.insert(object.id);
      unique_id_of[object.id] = object.unique_id;
      if (object.unique_id == masked_uid) masked = object.id;
      if (object.unique_id == type_uid) nurse_unreadable = object.id;
      if (object.unique_id == invisible_uid) invisible_to_patient = object.id;
    }
    // Consent declared for the professionals who read (R-AUTH-1).
    store::RecordStateStore states(*gateway.pool);
    const auto actor = store::operator_actor("seed");
    for (const char* person : {kDoctor, kNurse, kAuthor}) {
      states.authorise(kTestPatient, person, "patient", actor);
    }
  }
};

std::unique_ptr<Seeded>& seed_slot() {
  static std::unique_ptr<Seeded> slot;
  return slot;
}

Seeded& seeded() {
  if (!seed_slot()) seed_slot() = std::make_unique<Seeded>();
  return *seed_slot();
}

std::vector<store::Trace> traces_of(const std::string& person) {
  std::vector<store::Trace> out;
  for (auto& trace :
       store::list_traces(*seeded().gateway.pool, kTestPatient, std::nullopt, 1000).traces) {
    if (trace.actor.id == person) out.push_back(std::move(trace));
  }
  return out;
}

QueryAnswer query_as(const VihfSpec& spec, const std::string& return_type,
                     const std::string& patient = kTestPatient) {
  return read_query_answer(seeded().gateway.post(
      "/xds/registry", with_vihf(find_documents(return_type, patient), spec)));
}

}  // namespace

// R-READ-1, R-READ-3, R-READ-5: the doctor sees every entry a raw query
// returns but the masked one; ObjectRef and LeafClass agree; nothing is added.
BOOST_AUTO_TEST_CASE(find_documents_hides_exactly_what_the_rules_hide) {
  auto& s = seeded();
  BOOST_TEST_REQUIRE(s.all.size() == 8u);
  BOOST_TEST_REQUIRE(!s.masked.empty());
  BOOST_TEST_REQUIRE(!s.nurse_unreadable.empty());
  BOOST_TEST_REQUIRE(!s.invisible_to_patient.empty());

  auto expected = s.all;
  expected.erase(s.masked);
  const auto refs = query_as(doctor(), "ObjectRef");
  const auto leaves = query_as(doctor(), "LeafClass");
  BOOST_TEST_REQUIRE(refs.registry.success(), refs.registry.codes());
  BOOST_TEST_REQUIRE(leaves.registry.success(), leaves.registry.codes());
  BOOST_TEST((id_set(refs) == expected));
  BOOST_TEST((id_set(leaves) == expected));
  BOOST_TEST(refs.ids().size() == 7u);  // each once
  // INVISIBLE_PATIENT hides nothing from a professional (R-READ-2 is the patient's side).
  BOOST_TEST(id_set(refs).contains(s.invisible_to_patient));
}

// R-READ-5: the habilitation matrix: a nurse does not see 28617-9 (nor the masked one).
BOOST_AUTO_TEST_CASE(nurse_does_not_see_types_of_other_professions) {
  auto& s = seeded();
  auto expected = s.all;
  expected.erase(s.masked);
  expected.erase(s.nurse_unreadable);
  const auto refs = query_as(nurse(), "ObjectRef");
  BOOST_TEST_REQUIRE(refs.registry.success(), refs.registry.codes());
  BOOST_TEST((id_set(refs) == expected));
  const auto leaves = query_as(nurse(), "LeafClass");
  BOOST_TEST((id_set(leaves) == expected));
}

// R-READ-6: the author sees their own masked document.
BOOST_AUTO_TEST_CASE(author_sees_own_masked_document) {
  const auto refs = query_as(author(), "ObjectRef");
  BOOST_TEST_REQUIRE(refs.registry.success(), refs.registry.codes());
  BOOST_TEST((id_set(refs) == seeded().all));
}

// R-READ-1: XDSTooManyResults counts only what the caller may see: with a
// cap of 7 the raw LeafClass query (8) is refused, the doctor's (7) is not.
BOOST_AUTO_TEST_CASE(too_many_results_counts_visible_entries_only) {
  XdsGatewayOptions options = with_policy();
  options.max_query_results = 7;
  XdsTestGateway capped(nullptr, options);
  // Same record on a capped gateway: four lots as in the shared seed.
  for (int i = 0; i < 4; ++i) {
    auto metadata = with_fresh_unique_ids(two_document_metadata(), std::to_string(8100 + i));
    if (i == 1) metadata = with_confidentiality_code(metadata, "MASQUE_PS");
    const auto stored = read_registry_answer(
        capped.post("/xds/repository", provide_and_register_mtom(metadata, two_pdfs())));
    BOOST_TEST_REQUIRE(stored.success(), stored.codes());
  }
  store::RecordStateStore(*capped.pool)
      .authorise(kTestPatient, kDoctor, "patient", store::operator_actor("seed"));
  const auto raw = read_query_answer(capped.post("/xds/registry", find_documents("LeafClass")));
  BOOST_TEST(!raw.registry.success());
  BOOST_TEST(raw.registry.codes() == "XDSTooManyResults");
  const auto filtered = read_query_answer(
      capped.post("/xds/registry", with_vihf(find_documents("LeafClass"), doctor())));
  BOOST_TEST_REQUIRE(filtered.registry.success(), filtered.registry.codes());
  BOOST_TEST(filtered.count("ExtrinsicObject") == 7u);
}

// R-READ-1: associations to a hidden entry are not returned either (GetAll).
BOOST_AUTO_TEST_CASE(get_all_leaks_no_association_to_a_hidden_entry) {
  auto& s = seeded();
  const auto request = stored_query(
      registry::sq::kGetAll,
      {{"$patientId", {"'" + std::string(kTestPatient) + "'"}},
       {"$XDSDocumentEntryStatus", {"('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')"}},
       {"$XDSSubmissionSetStatus", {"('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')"}},
       {"$XDSFolderStatus", {"('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')"}}},
      "LeafClass");
  const auto raw = read_query_answer(s.gateway.post("/xds/registry", request));
  const auto filtered =
      read_query_answer(s.gateway.post("/xds/registry", with_vihf(request, doctor())));
  BOOST_TEST_REQUIRE(raw.registry.success(), raw.registry.codes());
  BOOST_TEST_REQUIRE(filtered.registry.success(), filtered.registry.codes());
  std::size_t raw_to_masked = 0;
  for (const auto& object : raw.objects) {
    if (object.target == s.masked || object.source == s.masked) ++raw_to_masked;
  }
  BOOST_TEST(raw_to_masked >= 1u);  // the test would prove nothing otherwise
  for (const auto& object : filtered.objects) {
    BOOST_TEST(object.id != s.masked);
    BOOST_TEST(object.target != s.masked);
    BOOST_TEST(object.source != s.masked);
  }
  const auto raw_ids = id_set(raw);
  for (const auto& id : filtered.ids()) BOOST_TEST(raw_ids.contains(id));  // adds nothing
  BOOST_TEST(filtered.objects.size() == raw.objects.size() - 1 - raw_to_masked);
  BOOST_TEST(!filtered.xml.empty());
}

// R-READ-1 (the VIHF binds the request to its patient): another patient's
// query is refused with a wsse:FailedAuthentication fault (dmp-xds-mapping.md
// §7), traced as a refused authenticate; R-AUTH-1: a professional without
// consent is refused; R-TRACE-1: both refusals and the allowed searches are
// traced.
BOOST_AUTO_TEST_CASE(refusals_are_answered_and_traced) {
  const auto other = read_fault(seeded().gateway.post(
      "/xds/registry",
      with_vihf(find_documents("ObjectRef", "9999999999999^^^&1.2.250.1.213.1.4.10&ISO^NH"),
                doctor())));
  BOOST_TEST(other.code == "Sender");
  BOOST_TEST(other.subcode == "FailedAuthentication");
  const auto mismatch = traces_of(kDoctor);
  BOOST_TEST_REQUIRE(!mismatch.empty());
  BOOST_TEST(!mismatch.front().allowed);
  BOOST_TEST((mismatch.front().action == store::TraceAction::Authenticate));
  BOOST_TEST(mismatch.front().reason_code == "wsse:FailedAuthentication");

  const auto stranger = query_as(doctor(kStranger), "ObjectRef");
  BOOST_TEST(!stranger.registry.success());
  BOOST_TEST(stranger.registry.codes() == "DMP_AUTH_CONSENT_REQUIRED");
  BOOST_TEST(stranger.objects.empty());

  const auto refused = traces_of(kStranger);
  BOOST_TEST_REQUIRE(refused.size() == 1u);
  BOOST_TEST(!refused[0].allowed);
  BOOST_TEST(refused[0].reason_code == "DMP_AUTH_CONSENT_REQUIRED");
  BOOST_TEST((refused[0].action == store::TraceAction::Search));

  const auto before = traces_of(kDoctor).size();
  BOOST_TEST_REQUIRE(query_as(doctor(), "ObjectRef").registry.success());
  const auto after = traces_of(kDoctor);
  BOOST_TEST_REQUIRE(after.size() == before + 1);
  BOOST_TEST(after.front().allowed);  // newest first
  BOOST_TEST((after.front().action == store::TraceAction::Search));
  BOOST_TEST(after.front().actor.structure == "10B0152872");
  BOOST_TEST(after.front().patient_id == kTestPatient);
}

// R-AUTH-3: a blocked professional is refused even with consent; R-AUTH-2:
// bris de glace reads without consent (purpose traced), unless the patient
// opposed it.
BOOST_AUTO_TEST_CASE(blocked_and_emergency_access_end_to_end) {
  XdsTestGateway gateway(nullptr, with_policy());
  const auto stored = read_registry_answer(gateway.post(
      "/xds/repository", provide_and_register_mtom(
                             with_fresh_unique_ids(two_document_metadata(), "8500"), two_pdfs())));
  BOOST_TEST_REQUIRE(stored.success(), stored.codes());
  store::RecordStateStore states(*gateway.pool);
  const auto actor = store::operator_actor("test");
  states.authorise(kTestPatient, kNurse, "patient", actor);
  states.block(kTestPatient, kNurse, actor);
  const auto query = [&](const VihfSpec& spec) {
    return read_query_answer(
        gateway.post("/xds/registry", with_vihf(find_documents("ObjectRef"), spec)));
  };
  const auto blocked = query(nurse());
  BOOST_TEST(blocked.registry.codes() == "DMP_AUTH_BLOCKED");
  BOOST_TEST(blocked.objects.empty());

  VihfSpec emergency = doctor(kStranger);  // no consent
  emergency.set("urn:oasis:names:tc:xspa:1.0:subject:purposeofuse", {},
                {{"bris_de_glace", "1.2.250.1.213.1.1.4.248", "Bris de glace"}});
  BOOST_TEST(query(doctor(kStranger)).registry.codes() == "DMP_AUTH_CONSENT_REQUIRED");
  const auto allowed = query(emergency);
  BOOST_TEST_REQUIRE(allowed.registry.success(), allowed.registry.codes());
  BOOST_TEST(allowed.ids().size() == 2u);
  const auto traces = store::list_traces(*gateway.pool, kTestPatient, std::nullopt, 10).traces;
  BOOST_TEST_REQUIRE(!traces.empty());
  BOOST_TEST(traces.front().allowed);
  BOOST_TEST((traces.front().actor.purpose == store::TracePurpose::BrisDeGlace));

  states.set_emergency(kTestPatient, store::EmergencyChoice::Opposed,
                       store::EmergencyChoice::Allowed, actor);
  BOOST_TEST(query(emergency).registry.codes() == "DMP_AUTH_EMERGENCY_OPPOSED");
}

// R-READ-1 on ITI-43: a masked document is answered exactly like an unknown one.
BOOST_AUTO_TEST_CASE(retrieve_of_a_hidden_document_is_answered_as_unknown) {
  auto& s = seeded();
  const std::string hidden = s.unique_id_of.at(s.masked);
  const std::string unknown = "1.2.250.1.999.9.9.9.9";
  const auto hidden_answer = read_retrieve_answer(s.gateway.post(
      "/xds/repository", with_vihf(retrieve_document_set({{kTestRepository, hidden}}), doctor())));
  const auto unknown_answer = read_retrieve_answer(s.gateway.post(
      "/xds/repository", with_vihf(retrieve_document_set({{kTestRepository, unknown}}), doctor())));
  BOOST_TEST(hidden_answer.documents.empty());
  BOOST_TEST_REQUIRE(hidden_answer.registry.errors.size() == 1u);
  BOOST_TEST_REQUIRE(unknown_answer.registry.errors.size() == 1u);
  BOOST_TEST(hidden_answer.registry.status == unknown_answer.registry.status);
  const auto& h = hidden_answer.registry.errors[0];
  const auto& u = unknown_answer.registry.errors[0];
  BOOST_TEST(h.code == "XDSDocumentUniqueIdError");
  BOOST_TEST(h.code == u.code);
  BOOST_TEST(h.severity == u.severity);
  BOOST_TEST(h.location == hidden);
  BOOST_TEST(replace_all(h.context, hidden, unknown) == u.context);

  // The author gets it, and the retrieve is traced with the document.
  const auto by_author = read_retrieve_answer(s.gateway.post(
      "/xds/repository", with_vihf(retrieve_document_set({{kTestRepository, hidden}}), author())));
  BOOST_TEST_REQUIRE(by_author.documents.size() == 1u, by_author.registry.codes());
  BOOST_TEST(by_author.documents[0].bytes == kPdf1);
  const auto traces = traces_of(kAuthor);
  BOOST_TEST_REQUIRE(!traces.empty());
  BOOST_TEST((traces.front().action == store::TraceAction::Retrieve));
  BOOST_TEST(traces.front().document_unique_id.value_or("") == hidden);
}

// R-DOC-3: a lot whose author is not the caller is refused whole, nothing
// stored, refusal traced; the author's own lot is stored and traced (R-TRACE-1).
BOOST_AUTO_TEST_CASE(submission_is_decided_before_anything_is_stored) {
  auto& s = seeded();
  // Neither authorPerson nor authorInstitution is the caller's.
  const auto foreign = with_fresh_unique_ids(two_document_metadata(), "8200");
  const auto metadata =
      from_callers_structure(with_fresh_unique_ids(two_document_metadata(), "8201"));
  const auto before = s.gateway.counts();
  const auto refused = read_registry_answer(s.gateway.post(
      "/xds/repository", with_vihf(provide_and_register_inline(foreign, two_pdfs()), doctor())));
  BOOST_TEST(!refused.success());
  BOOST_TEST(refused.codes() == "DMP_DOC_AUTHOR_MISMATCH");
  const auto after = s.gateway.counts();
  BOOST_TEST(after.objects == before.objects);
  BOOST_TEST(after.contents == before.contents);
  const auto doctor_traces = traces_of(kDoctor);
  BOOST_TEST_REQUIRE(!doctor_traces.empty());
  BOOST_TEST(!doctor_traces.front().allowed);
  BOOST_TEST((doctor_traces.front().action == store::TraceAction::Add));

  const auto stored = read_registry_answer(s.gateway.post(
      "/xds/repository", with_vihf(provide_and_register_inline(metadata, two_pdfs()), author())));
  BOOST_TEST_REQUIRE(stored.success(), stored.codes());
  const auto author_traces = traces_of(kAuthor);
  BOOST_TEST_REQUIRE(author_traces.size() >= 2u);
  std::set<std::string> traced;
  for (const auto& trace : author_traces) {
    if (trace.action == store::TraceAction::Add && trace.allowed) {
      traced.insert(trace.document_unique_id.value_or(""));
    }
  }
  BOOST_TEST(traced.contains(document_unique_id(metadata, "Document01")));
  BOOST_TEST(traced.contains(document_unique_id(metadata, "Document02")));
}

// R-CHG-5: only the depositor deletes (indirect authentication: the
// document's authorInstitution is the caller's structure); a refused ITI-57
// changes nothing and is traced (R-TRACE-1, R-CHG-6); the depositor's delete
// goes through and is traced.
BOOST_AUTO_TEST_CASE(metadata_update_is_decided_before_any_change) {
  auto& s = seeded();
  const auto foreign = s.lot_with_uuid("8300", [](std::string m) { return m; });
  const auto own = s.lot_with_uuid("8301", from_callers_structure);
  const auto delete_request = [&](const std::string& target, const std::string& salt) {
    auto update = update_set(two_document_metadata(), salt);
    add_status_change(update, target, "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved",
                      "urn:asip:ci-sis:2010:StatusType:Deleted");
    return update_document_set(serialize_request(update));
  };
  const auto status_of = [&](const std::string& entry_uuid) {
    const auto answer = read_query_answer(s.gateway.post(
        "/xds/registry",
        stored_query(registry::sq::kGetDocuments,
                     {{"$XDSDocumentEntryEntryUUID", {"('" + entry_uuid + "')"}}}, "LeafClass")));
    return answer.objects.empty() ? std::string("none") : answer.objects.front().status;
  };
  const std::string approved = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
  BOOST_TEST_REQUIRE(status_of(foreign) == approved);
  BOOST_TEST_REQUIRE(status_of(own) == approved);

  const auto refused = read_registry_answer(
      s.gateway.post("/xds/registry", with_vihf(delete_request(foreign, "8302"), doctor())));
  BOOST_TEST(!refused.success());
  BOOST_TEST(refused.codes() == "DMP_CHG_NOT_DEPOSITOR");
  BOOST_TEST(status_of(foreign) == approved);
  const auto doctor_traces = traces_of(kDoctor);
  BOOST_TEST_REQUIRE(!doctor_traces.empty());
  BOOST_TEST(!doctor_traces.front().allowed);
  BOOST_TEST((doctor_traces.front().action == store::TraceAction::Delete));

  const auto deleted = read_registry_answer(
      s.gateway.post("/xds/registry", with_vihf(delete_request(own, "8303"), author())));
  BOOST_TEST_REQUIRE(deleted.success(), deleted.codes());
  BOOST_TEST(status_of(own) == "none");  // R-CHG-5: never served again
  const auto author_traces = traces_of(kAuthor);
  BOOST_TEST_REQUIRE(!author_traces.empty());
  BOOST_TEST(author_traces.front().allowed);
  BOOST_TEST((author_traces.front().action == store::TraceAction::Delete));
}

// R-CHG-4: a replacement (RPLC) of a document the caller did not deposit is
// refused with the whole lot, nothing stored; R-DOC-3 alone would let it in.
BOOST_AUTO_TEST_CASE(replacement_of_someone_elses_document_is_refused) {
  auto& s = seeded();
  const auto foreign = s.lot_with_uuid("8400", [](std::string m) { return m; });
  const auto replacement = replace_all(
      from_callers_structure(with_fresh_unique_ids(two_document_metadata(), "8401")),
      "  </rim:RegistryObjectList>",
      "<rim:Association id=\"rplc1\" associationType=\"urn:ihe:iti:2007:AssociationType:RPLC\" "
      "sourceObject=\"Document01\" targetObject=\"" +
          foreign + "\"/>\n  </rim:RegistryObjectList>");
  const auto before = s.gateway.counts();
  const auto refused = read_registry_answer(
      s.gateway.post("/xds/repository",
                     with_vihf(provide_and_register_inline(replacement, two_pdfs()), doctor())));
  BOOST_TEST(!refused.success());
  BOOST_TEST(refused.codes() == "DMP_CHG_NOT_DEPOSITOR");
  BOOST_TEST(s.gateway.counts().objects == before.objects);
  BOOST_TEST(s.gateway.counts().contents == before.contents);
}

namespace {

HttpRequestBody dmp_request(const std::string& action, const std::string& body) {
  return {kSoapContentType, envelope(std::string("urn:passerelle:dmp:") + action,
                                     "urn:uuid:" + sha1_hex(body + action), body)};
}

HttpRequestBody record_status_request(const std::string& patient = kTestPatient) {
  return dmp_request("RecordStatus",
                     "<dmp:RecordStatusRequest xmlns:dmp=\"urn:passerelle:dmp\"><dmp:PatientId>" +
                         xml::escape(patient) + "</dmp:PatientId></dmp:RecordStatusRequest>");
}

HttpRequestBody declare_consent_request(const std::string& action) {
  return dmp_request("DeclareConsent",
                     "<dmp:DeclareConsentRequest xmlns:dmp=\"urn:passerelle:dmp\"><dmp:PatientId>" +
                         xml::escape(kTestPatient) + "</dmp:PatientId><dmp:Action>" + action +
                         "</dmp:Action></dmp:DeclareConsentRequest>");
}

// The status attribute of dmp:Authorisation in a RecordStatus answer.
std::string authorisation_in(const HttpReply& reply) {
  const auto document = xml::parse(reply.body);
  const auto* body =
      xml::first_child_element(document.root(), "http://www.w3.org/2003/05/soap-envelope", "Body");
  if (body == nullptr) return "no body";
  const auto* response =
      xml::first_child_element(*body, "urn:passerelle:dmp", "RecordStatusResponse");
  if (response == nullptr) return "no response: " + reply.body.substr(0, 400);
  const auto* authorisation =
      xml::first_child_element(*response, "urn:passerelle:dmp", "Authorisation");
  return authorisation == nullptr ? "none" : xml::attribute(*authorisation, "status").value_or("");
}

}  // namespace

// R-AUTH-1 / R-AUTH-4 over SOAP (urn:passerelle:dmp:RecordStatus and
// DeclareConsent): no authorisation → NON_EXISTE and searches refused;
// consent declared → VALIDE and searches allowed; ended → refused again.
BOOST_AUTO_TEST_CASE(record_status_and_declare_consent_over_soap) {
  auto& s = seeded();
  const auto person = "810000000004";
  const auto status = [&] {
    return authorisation_in(
        s.gateway.post("/xds/registry", with_vihf(record_status_request(), doctor(person))));
  };
  BOOST_TEST(status() == "NON_EXISTE");
  BOOST_TEST(!query_as(doctor(person), "ObjectRef").registry.success());

  const auto declared = s.gateway.post(
      "/xds/registry", with_vihf(declare_consent_request("declare"), doctor(person)));
  BOOST_TEST_REQUIRE(declared.body.find("DeclareConsentResponse") != std::string::npos,
                     declared.body);
  BOOST_TEST(status() == "VALIDE");
  BOOST_TEST(query_as(doctor(person), "ObjectRef").registry.success());

  const auto ended =
      s.gateway.post("/xds/registry", with_vihf(declare_consent_request("end"), doctor(person)));
  BOOST_TEST_REQUIRE(ended.body.find("DeclareConsentResponse") != std::string::npos, ended.body);
  const auto after = query_as(doctor(person), "ObjectRef");
  BOOST_TEST(!after.registry.success());
  BOOST_TEST(after.registry.codes() == "DMP_AUTH_AUTHORISATION_ENDED");
  bool consent_traced = false;
  for (const auto& trace : traces_of(person)) {
    if (trace.action == store::TraceAction::Authorise && trace.allowed) consent_traced = true;
  }
  BOOST_TEST(consent_traced);
}

// Cost of the policy on FindDocuments (issue 6 "Done when"): the same query
// with and without a VIHF, same run, same record. Printed, not asserted
// beyond the filtered answer being right.
BOOST_AUTO_TEST_CASE(policy_cost_on_find_documents) {
  auto& s = seeded();
  for (int i = 0; i < 20; ++i) s.lot([](std::string m) { return m; });  // a fuller record
  const auto raw_request = find_documents("LeafClass");
  // Signed once: the measure is the policy, not the signing.
  const auto vihf_request = with_vihf(find_documents("LeafClass"), doctor());
  constexpr int kRounds = 30;
  const auto time = [&](const HttpRequestBody& request) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i) {
      if (!read_query_answer(s.gateway.post("/xds/registry", request)).registry.success()) {
        throw std::runtime_error("query failed");
      }
    }
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
               .count() /
           kRounds;
  };
  time(raw_request);  // warm-up: connections, prepared statements
  time(vihf_request);
  const double raw_ms = time(raw_request);
  const double policy_ms = time(vihf_request);
  std::cout << "FindDocuments LeafClass, " << s.all.size() + 40 << "+ entries: without policy "
            << raw_ms << " ms, with VIHF + policy " << policy_ms << " ms, ratio "
            << policy_ms / raw_ms << " (" << kRounds << " rounds each)\n";
  BOOST_TEST(policy_ms > 0.0);

  // The filter alone, in process: StoredQueries::run with and without the
  // visibility of the doctor's grant (the matrix's readable types, masked hidden).
  registry::StoredQueries queries(*s.gateway.pool);
  registry::StoredQueryRequest request;
  request.query_id = registry::sq::kFindDocuments;
  request.return_type = registry::ReturnType::LeafClass;
  request.parameters = {
      {"$XDSDocumentEntryPatientId", {"'" + std::string(kTestPatient) + "'"}},
      {"$XDSDocumentEntryStatus", {"('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')"}}};
  // The doctor's filter as the policy builds it (R-READ-3, R-READ-5).
  const auto matrix = policy::load_habilitation_matrix(policy::default_habilitation_matrix_path());
  policy::ReadFilter filter;
  filter.readable_types = matrix.group("medecin")->readable;
  filter.hide_masked = true;
  filter.masked_author_id = kDoctor;
  const registry::QueryVisibility visibility{
      kTestPatient,
      [&filter](const registry::DocumentEntry& entry) { return filter.visible(entry); }};
  const auto run = [&](const registry::QueryVisibility* v) {
    const auto start = std::chrono::steady_clock::now();
    std::size_t found = 0;
    for (int i = 0; i < 200; ++i) found = queries.run(request, v).objects_xml.size();
    return std::pair{
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count() /
            200,
        found};
  };
  run(nullptr);
  const auto [plain_ms, plain_found] = run(nullptr);
  const auto [filtered_ms, filtered_found] = run(&visibility);
  std::cout << "StoredQueries::run FindDocuments LeafClass: unrestricted " << plain_ms << " ms ("
            << plain_found << " entries), restricted " << filtered_ms << " ms (" << filtered_found
            << " entries), ratio " << filtered_ms / plain_ms << " (200 rounds each)\n";
  BOOST_TEST(plain_found >= 48u);
  BOOST_TEST(filtered_found == plain_found - 1);  // the masked one
}

// R-CHG-1 end to end: masking to professionals is a new version whose
// confidentialityCode adds MASQUE_PS. Another professional may not (refused,
// nothing changed, traced as a refused mask); the depositor may (traced as
// an allowed mask). R-CHG-6: both are traced. Last in the file: it masks
// one more document of the seeded record, which the counts above exclude.
BOOST_AUTO_TEST_CASE(masking_is_decided_and_traced) {
  auto& s = seeded();
  std::string metadata;
  const auto own = s.lot_with_uuid("8310", from_callers_structure, &metadata);
  const auto mask_request = [&](const std::string& salt) {
    auto update = update_set(metadata, salt);
    add_new_version(update, metadata, own, own, "1", [](registry::RegistryObject& object) {
      add_masque_ps(object);
      set_slot_values(object, "repositoryUniqueId", {kTestRepository});  // as registered
    });
    return update_document_set(serialize_request(update));
  };
  const auto before = s.gateway.counts();
  const auto refused = read_registry_answer(
      s.gateway.post("/xds/registry", with_vihf(mask_request("8311"), doctor())));
  BOOST_TEST(!refused.success());
  BOOST_TEST(refused.codes() == "DMP_CHG_NOT_PERMITTED");
  BOOST_TEST(s.gateway.counts().objects == before.objects);
  const auto doctor_traces = traces_of(kDoctor);
  BOOST_TEST_REQUIRE(!doctor_traces.empty());
  BOOST_TEST(!doctor_traces.front().allowed);
  BOOST_TEST((doctor_traces.front().action == store::TraceAction::Mask));
  BOOST_TEST(doctor_traces.front().reason_code == "DMP_CHG_NOT_PERMITTED");

  const auto masked = read_registry_answer(
      s.gateway.post("/xds/registry", with_vihf(mask_request("8312"), author())));
  BOOST_TEST_REQUIRE(
      masked.success(),
      masked.codes() << ": "
                     << (masked.errors.empty() ? std::string() : masked.errors.front().context));
  const auto author_traces = traces_of(kAuthor);
  BOOST_TEST_REQUIRE(!author_traces.empty());
  BOOST_TEST(author_traces.front().allowed);
  BOOST_TEST((author_traces.front().action == store::TraceAction::Mask));
}
