#include "passerelle/conformance/testkit.hpp"

#include <algorithm>
#include <sstream>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "testkit_dmp.hpp"
#include "text.hpp"

namespace passerelle::conformance {
namespace {

namespace fs = std::filesystem;

std::string attribute_or(const xercesc::DOMElement& element, const char* name) {
  return xml::attribute(element, name).value_or("");
}

std::string text_of(const xercesc::DOMElement& element) { return trim(xml::text_content(element)); }

void read_expected_contents(const xercesc::DOMElement& contents, TestStep& step) {
  for (const auto* checker : xml::child_elements(contents)) {
    ContentCheck check;
    check.name = xml::local_name(*checker);
    const auto* attributes = checker->getAttributes();
    for (XMLSize_t i = 0; attributes != nullptr && i < attributes->getLength(); ++i) {
      const auto* attribute = attributes->item(i);
      check.attributes[xml::utf8(attribute->getNodeName())] =
          trim(xml::utf8(attribute->getNodeValue()));
    }
    check.has_children = !xml::child_elements(*checker).empty();
    step.expected_contents.push_back(std::move(check));
  }
}

void read_assertions(const xercesc::DOMElement& assertions, TestStep& step) {
  for (const auto* assert : xml::child_elements(assertions)) {
    if (xml::local_name(*assert) != "Assert") continue;  // DataRef: always THIS output
    step.assertions.push_back({attribute_or(*assert, "id"), text_of(*assert)});
  }
}

void read_transaction(const xercesc::DOMElement& transaction, TestStep& step) {
  for (const auto* child : xml::child_elements(transaction)) {
    const auto name = xml::local_name(*child);
    if (name == "NoPatientId") {
      step.no_patient_id = true;
    } else if (name == "AltPatientId") {
      step.alt_patient_id = true;
    } else if (name == "NewPatientId" || name == "CreateNewPatientId") {
      step.new_patient_id = true;
    } else if (name == "NoMTOM") {
      step.no_mtom = true;
    } else if (name == "NoMetadata") {
      step.no_metadata = true;
    } else if (name == "NoAssignUids") {
      const auto id = attribute_or(*child, "id");
      if (id.empty()) step.no_assign_uids_all = true;
      step.no_assign_uids.insert(id);
    } else if (name == "WaitBefore") {
      // 12323 waits so that a folder's lastUpdateTime (second precision) can change.
      const auto text = text_of(*child);
      step.wait_before_ms = text.empty() ? 0u : static_cast<unsigned>(std::stoul(text));
    } else if (name == "MetadataFile") {
      step.metadata_file = text_of(*child);
    } else if (name == "Document") {
      step.documents.emplace_back(attribute_or(*child, "id"), text_of(*child));
    } else if (name == "UseId") {
      step.use_ids.push_back({attribute_or(*child, "testdir"), attribute_or(*child, "id"),
                              attribute_or(*child, "symbol"), attribute_or(*child, "step"),
                              attribute_or(*child, "section")});
    } else if (name == "UseReport") {
      step.use_reports.push_back({attribute_or(*child, "reportName"), attribute_or(*child, "test"),
                                  attribute_or(*child, "section"), attribute_or(*child, "step"),
                                  attribute_or(*child, "useAs")});
    } else if (name == "Report") {
      step.reports.push_back(
          {attribute_or(*child, "name"), attribute_or(*child, "section"), text_of(*child)});
    } else if (name == "ReferenceDocument") {
      step.reference_documents.emplace_back(attribute_or(*child, "uid"), text_of(*child));
    } else if (name == "ExpectedContents") {
      read_expected_contents(*child, step);
    } else if (name == "Assertions") {
      read_assertions(*child, step);
    } else if (read_dmp_element(*child, step)) {
      // Vihf, record setup, consent action, expected traces (testkit_dmp.cpp).
    } else if (name == "XDSb" || name == "AssignUuids" || name == "ParseMetadata" ||
               name == "InteractionSequence" || name == "ReferenceMetadata" ||
               name == "AssignNewUuid") {
      // XDSb: the only flavour we speak. AssignUuids: symbolic ids always get
      // UUIDs. ParseMetadata/InteractionSequence/ReferenceMetadata:
      // toolkit bookkeeping with no effect on what is sent or checked here.
    } else {
      step.unknown_elements.push_back(name);
    }
  }
}

}  // namespace

StepKind step_kind(const std::string& transaction) {
  if (transaction == "ProvideAndRegisterTransaction") return StepKind::ProvideAndRegister;
  if (transaction == "RegisterTransaction") return StepKind::Register;
  if (transaction == "StoredQueryTransaction") return StepKind::StoredQuery;
  if (transaction == "RetrieveTransaction") return StepKind::Retrieve;
  if (transaction == "MuTransaction") return StepKind::Update;
  if (transaction == "RemoveMetadataTransaction") return StepKind::RemoveMetadata;
  if (transaction == "PatientIdentityFeedTransaction") return StepKind::PatientFeed;
  if (transaction == "NullTransaction") return StepKind::Null;
  if (transaction == "RecordSetupTransaction") return StepKind::RecordSetup;
  if (transaction == "RecordStatusTransaction") return StepKind::RecordStatus;
  if (transaction == "DeclareConsentTransaction") return StepKind::DeclareConsent;
  if (transaction == "TracesTransaction") return StepKind::Traces;
  return StepKind::Other;
}

std::string to_string(StepKind kind) {
  switch (kind) {
    case StepKind::ProvideAndRegister:
      return "ITI-41 Provide and Register";
    case StepKind::Register:
      return "ITI-42 Register";
    case StepKind::StoredQuery:
      return "ITI-18 Stored Query";
    case StepKind::Retrieve:
      return "ITI-43 Retrieve";
    case StepKind::Update:
      return "ITI-57 Update";
    case StepKind::RemoveMetadata:
      return "ITI-62 Remove Metadata";
    case StepKind::PatientFeed:
      return "Patient Identity Feed";
    case StepKind::Null:
      return "assertions";
    case StepKind::RecordSetup:
      return "record setup (operator API)";
    case StepKind::RecordStatus:
      return "DMP RecordStatus";
    case StepKind::DeclareConsent:
      return "DMP DeclareConsent";
    case StepKind::Traces:
      return "record traces (operator API)";
    case StepKind::Other:
      break;
  }
  return "unmapped transaction";
}

std::vector<std::string> parse_index(const std::string& text) { return split(text, '\n'); }

std::vector<TestStep> parse_testplan(const std::string& text, const std::string& location) {
  const auto plan = xml::parse(text, {}, location);
  std::vector<TestStep> steps;
  for (const auto* element : xml::child_elements(plan.root())) {
    if (xml::local_name(*element) != "TestStep") continue;
    TestStep step;
    step.id = attribute_or(*element, "id");
    for (const auto* child : xml::child_elements(*element)) {
      const auto name = xml::local_name(*child);
      if (name == "ExpectedStatus") {
        step.expected_status = text_of(*child);
      } else if (name == "ExpectedErrorCode") {
        step.expected_codes.push_back(text_of(*child));
      } else if (name == "ExpectedErrorMessage") {
        step.expected_messages.push_back(text_of(*child));
      } else if (name == "AltPatientId") {
        step.alt_patient_id = true;
      } else if (name == "NewPatientId") {
        // A step of its own (NIST 11998/rplc): the steps after it use
        // another patient.
        step.new_patient_id = true;
      } else if (name.size() > 11 && name.ends_with("Transaction")) {
        step.transaction = name;
        step.kind = step_kind(name);
        read_transaction(*child, step);
      }
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

Testkit::Testkit(fs::path root) : root_(std::move(root)) {
  if (!fs::is_directory(root_ / "tests")) {
    throw Failure(kHarnessError, root_.string(),
                  "not a testkit: " + (root_ / "tests").string() + " is not a directory");
  }
}

bool Testkit::has_test(const std::string& id) const {
  return !id.empty() && id.find('/') == std::string::npos && id.find("..") == std::string::npos &&
         fs::is_directory(root_ / "tests" / id);
}

std::vector<std::string> Testkit::test_ids() const {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(root_ / "tests")) {
    if (entry.is_directory()) out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Testkit::collection(const std::string& name) const {
  std::vector<std::string> out;
  for (const auto& id : test_ids()) {
    const auto file = root_ / "tests" / id / "collections.txt";
    if (!fs::exists(file)) continue;
    for (const auto& line : split(read_file(file), '\n')) {
      std::istringstream words(line);
      for (std::string word; words >> word;) {
        if (word == name) out.push_back(id);
      }
    }
  }
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

TestDefinition Testkit::load(const std::string& id) const {
  if (!has_test(id)) throw Failure(kHarnessError, id, "no test '" + id + "' in the testkit");
  TestDefinition test;
  test.id = id;
  test.dir = root_ / "tests" / id;
  if (fs::exists(test.dir / "collections.txt")) {
    std::istringstream words(read_file(test.dir / "collections.txt"));
    for (std::string word; words >> word;) test.collections.push_back(word);
  }
  if (fs::exists(test.dir / "readme.txt")) {
    const auto lines = split(read_file(test.dir / "readme.txt"), '\n');
    if (!lines.empty()) test.description = lines.front();
  }
  std::vector<std::string> names;
  if (fs::exists(test.dir / "index.idx")) {
    names = parse_index(read_file(test.dir / "index.idx"));
  } else if (fs::exists(test.dir / "testplan.xml")) {
    names.push_back("");
  }
  for (const auto& name : names) {
    Section section{name, name.empty() ? test.dir : test.dir / name, {}};
    const auto plan = section.dir / "testplan.xml";
    if (!fs::exists(plan)) {
      throw Failure(kHarnessError, plan.string(), "section '" + name + "' has no testplan.xml");
    }
    section.steps = parse_testplan(read_file(plan), plan.string());
    test.sections.push_back(std::move(section));
  }
  return test;
}

}  // namespace passerelle::conformance
