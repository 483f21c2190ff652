#pragma once

// The NIST XDS testkit as published (and any suite in the same format, e.g.
// conformance/suites/): tests/<id>/index.idx lists the sections in order,
// tests/<id>/collections.txt the collections the test belongs to, and each
// section holds a testplan.xml whose TestSteps this file reads into plain
// values. Nothing here runs anything.

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "passerelle/conformance/vihf_profiles.hpp"

namespace passerelle::conformance {

// What a step sends. Other = a transaction the harness does not map (XCA,
// DSUB, …): reported as not applicable.
enum class StepKind {
  ProvideAndRegister,  // ITI-41
  Register,            // ITI-42
  StoredQuery,         // ITI-18
  Retrieve,            // ITI-43
  Update,              // ITI-57 (MuTransaction)
  RemoveMetadata,      // ITI-62
  PatientFeed,         // PatientIdentityFeedTransaction
  Null,                // NullTransaction: assertions on earlier output only
  // Suites of our own (conformance/suites/dmp, docs/conformance.md):
  RecordSetup,     // RecordSetupTransaction: the patient's choices, operator API
  RecordStatus,    // RecordStatusTransaction: urn:passerelle:dmp:RecordStatus
  DeclareConsent,  // DeclareConsentTransaction: urn:passerelle:dmp:DeclareConsent
  Traces,          // TracesTransaction: the record's traces, operator API
  Other,
};

// <UseId testdir=… id=… symbol=… step=… section=…/>: `symbol` in the
// metadata becomes what an earlier step assigned to object `id`.
struct UseId {
  std::string testdir;  // "" = this test; "../submit" = a section; "../../12346/x" = another test
  std::string id;
  std::string symbol;
  std::string step;
  std::string section;  // AssignedUids | AssignedUuids | AssignedPatientId
};

// <UseReport reportName=… test=… section=… step=… useAs=…/>: `use_as` in
// the metadata (or in assertions) becomes a value an earlier step reported.
struct UseReport {
  std::string report_name;
  std::string test;  // another test (15817: the patient feed), or ""
  std::string section;
  std::string step;
  std::string use_as;
};

// <Report name=… section=InputMetadata|Result>XPath</Report>
struct ReportSpec {
  std::string name;
  std::string section;
  std::string xpath;
};

// One ExpectedContents checker: element name, attributes, and for nested
// checkers (DocumentEntries/MustOnlyInclude) the raw element text.
struct ContentCheck {
  std::string name;
  std::map<std::string, std::string> attributes;
  bool has_children = false;
};

struct Assertion {
  std::string id;
  std::string xpath;
};

// One change of a RecordSetupTransaction: <TreatingDoctor profile=…/>,
// <RemoveTreatingDoctor profile=…/>, <Block profile=…/>, <Unblock profile=…/>,
// <Emergency bris_de_glace="allowed|opposed" centre_15="allowed|opposed"/>.
struct RecordChange {
  std::string what;  // element name
  std::map<std::string, std::string> attributes;
};

// <ExpectedTrace profile=… action=… outcome=… purpose=… reason_code=…
// present="false"/> of a TracesTransaction: some trace of the test's record
// (none, with present="false") has every value given; profile = its person id.
struct TraceExpectation {
  std::map<std::string, std::string> attributes;
  bool present = true;
};

struct TestStep {
  std::string id;
  std::string transaction;  // local name, e.g. "RegisterTransaction"
  StepKind kind = StepKind::Other;
  std::string expected_status;                 // Success | Failure | PartialSuccess | ""
  std::vector<std::string> expected_codes;     // ExpectedErrorCode
  std::vector<std::string> expected_messages;  // ExpectedErrorMessage
  bool no_patient_id = false;
  bool alt_patient_id = false;
  bool new_patient_id = false;  // NewPatientId / CreateNewPatientId
  bool no_mtom = false;
  bool no_metadata = false;
  unsigned wait_before_ms = 0;  // <WaitBefore>: the toolkit pauses before sending
  bool no_assign_uids_all = false;
  std::set<std::string> no_assign_uids;  // object ids keeping their uniqueId
  std::string metadata_file;
  std::vector<std::pair<std::string, std::string>> documents;  // Document id, file
  std::vector<UseId> use_ids;
  std::vector<UseReport> use_reports;
  std::vector<ReportSpec> reports;
  std::vector<std::pair<std::string, std::string>> reference_documents;  // uid symbol, file
  std::vector<ContentCheck> expected_contents;
  std::vector<Assertion> assertions;
  std::vector<std::string> unknown_elements;  // inside the transaction, not mapped
  // Suites of our own: the caller's VIHF (any SOAP step), DMP steps.
  std::optional<VihfRequest> vihf;
  std::vector<RecordChange> record_changes;
  std::string consent_action;  // DeclareConsent <Action>; "" = declare
  std::vector<TraceExpectation> expected_traces;
};

struct Section {
  std::string name;
  std::filesystem::path dir;
  std::vector<TestStep> steps;
};

struct TestDefinition {
  std::string id;
  std::filesystem::path dir;
  std::vector<std::string> collections;
  std::string description;        // first line of readme.txt
  std::vector<Section> sections;  // in index.idx order; a test without index.idx has one, ""
};

// index.idx: one section a line, blank lines ignored.
std::vector<std::string> parse_index(const std::string& text);
// testplan.xml text; throws Failure(kMalformedXml…) for bad XML.
std::vector<TestStep> parse_testplan(const std::string& xml, const std::string& location = "");
StepKind step_kind(const std::string& transaction);
std::string to_string(StepKind kind);

// A testkit folder (holding tests/).
class Testkit {
 public:
  // Throws Failure when `root`/tests is not a directory.
  explicit Testkit(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }
  bool has_test(const std::string& id) const;
  // Every test id, sorted.
  std::vector<std::string> test_ids() const;
  // Ids of the tests whose collections.txt names `collection`, sorted.
  std::vector<std::string> collection(const std::string& collection) const;
  // Reads index.idx, collections.txt and each section's testplan.xml.
  TestDefinition load(const std::string& id) const;

 private:
  std::filesystem::path root_;
};

}  // namespace passerelle::conformance
