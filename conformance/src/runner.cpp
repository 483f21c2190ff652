#include "passerelle/conformance/runner.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <optional>
#include <set>
#include <string_view>
#include <thread>

#include "operator_api.hpp"
#include "passerelle/conformance/ebxml21_to_30.hpp"
#include "passerelle/conformance/expected_contents.hpp"
#include "passerelle/conformance/placeholders.hpp"
#include "passerelle/conformance/testkit.hpp"
#include "passerelle/conformance/vihf_assertion.hpp"
#include "passerelle/conformance/vihf_profiles.hpp"
#include "passerelle/conformance/xds_messages.hpp"
#include "passerelle/conformance/xpath.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "run_state.hpp"
#include "text.hpp"

namespace passerelle::conformance {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// ExternalIdentifier schemes: patientId of DocumentEntry, SubmissionSet and
// Folder; uniqueId of the same; sourceId of the SubmissionSet.
const std::set<std::string> kPatientIdSchemes = {
    "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427",
    "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446",
    "urn:uuid:f64ffdf0-4b97-4e06-b79f-a52b38ec2f8a",
};
constexpr const char* kDocumentUniqueIdScheme = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab";
const std::set<std::string> kUniqueIdSchemes = {
    kDocumentUniqueIdScheme,
    "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8",
    "urn:uuid:75df8f67-9973-4fbe-a900-df66cefecc5a",
};
constexpr const char* kSourceIdScheme = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832";

// A step that cannot be run by this harness: reported as not applicable.
struct NotApplicable {
  std::string reason;
};

// One exchange the section keeps for its Assertions ("THIS" output).
struct LoggedStep {
  std::string id;
  std::string transaction;
  std::string input;   // metadata as sent (payload only)
  std::string result;  // payload of the reply
};

std::string section_log(const std::vector<LoggedStep>& log) {
  std::string out = "<TestResults>";
  for (const auto& step : log) {
    out += "<TestStep id=\"" + xml::escape(step.id) + "\"><" + step.transaction +
           "><InputMetadata>" + step.input + "</InputMetadata><Result>" + step.result +
           "</Result></" + step.transaction + "></TestStep>";
  }
  return out + "</TestResults>";
}

std::string status_word(const std::string& status) { return status.substr(status.rfind(':') + 1); }

// XML comments dropped: the testkit comments out instructions (and their
// placeholders) in place.
std::string without_comments(std::string text) {
  for (auto start = text.find("<!--"); start != std::string::npos;
       start = text.find("<!--", start)) {
    const auto end = text.find("-->", start + 4);
    if (end == std::string::npos) break;
    text.erase(start, end + 3 - start);
  }
  return text;
}

// The ids the objects of a submission define (any rim element's @id).
std::set<std::string> defined_ids(const std::string& metadata) {
  std::set<std::string> out;
  const auto document = xml::parse(metadata);
  std::vector<const xercesc::DOMElement*> pending{&document.root()};
  while (!pending.empty()) {
    const auto* element = pending.back();
    pending.pop_back();
    if (xml::local_name(*element) != "ObjectRef") {
      if (const auto id = xml::attribute(*element, "id"); id && !id->empty()) out.insert(*id);
    }
    for (const auto* child : xml::child_elements(*element)) pending.push_back(child);
  }
  return out;
}

class Runner {
 public:
  explicit Runner(const RunOptions& options)
      : options_(options),
        testkit_(options.testkit),
        registry_(Url::parse(options.registry_url)),
        repository_(Url::parse(options.repository_url)),
        http_(options.tls, options.timeout),
        ids_(options.oid_root, static_cast<std::uint64_t>(std::time(nullptr))) {
    if (!options.record_setup_url.empty()) {
      operator_api_.emplace(http_, Url::parse(options.record_setup_url), options.operator_token);
    }
    // A suite of our own names its professionals beside tests/.
    if (const auto file = options.testkit / "vihf-profiles.xml"; fs::exists(file)) {
      profiles_ = parse_vihf_profiles(read_file(file), file.string());
    }
  }

  RunResult run() {
    const auto start = Clock::now();
    RunResult result;
    result.testkit = options_.testkit.string();
    result.registry = registry_.str();
    result.repository = repository_.str();
    for (const auto& id : selected_tests()) {
      if (state_.ran(id)) continue;  // already run as another test's prerequisite
      run_with_prerequisites(id, result, 0);
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
  }

 private:
  std::vector<std::string> selected_tests() const {
    std::vector<std::string> ids;
    if (!options_.collection.empty()) {
      ids = testkit_.collection(options_.collection);
      if (ids.empty()) {
        throw Failure(kHarnessError, options_.collection,
                      "no test of the testkit is in collection '" + options_.collection + "'");
      }
    }
    for (const auto& id : options_.tests) {
      if (!testkit_.has_test(id)) {
        throw Failure(kHarnessError, id, "no test '" + id + "' in " + options_.testkit.string());
      }
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    if (ids.empty()) throw Failure(kHarnessError, "", "no test selected (--tests or --collection)");
    return ids;
  }

  // A test whose steps use another test's objects (UseId testdir
  // "../../12346/…") needs that test run first, as the toolkit's test data.
  void run_with_prerequisites(const std::string& id, RunResult& result, int depth) {
    std::optional<TestDefinition> test;
    try {
      test = testkit_.load(id);
    } catch (const std::exception& error) {
      TestResult failed;
      failed.id = id;
      failed.verdict = Verdict::Failed;
      failed.reason = std::string("cannot read the test: ") + error.what();
      state_.set_patients(id, "", "", "");
      finish(failed, result);
      return;
    }
    for (const auto& section : test->sections) {
      for (const auto& step : section.steps) {
        for (const auto& use : step.use_ids) {
          const auto other = RunState::test_of(use.testdir);
          if (!other.empty() && other != id && !state_.ran(other) && depth < 3 &&
              testkit_.has_test(other)) {
            run_with_prerequisites(other, result, depth + 1);
          }
        }
      }
    }
    finish(run_test(*test), result);
  }

  void finish(TestResult test, RunResult& result) {
    if (options_.on_test) options_.on_test(test);
    result.tests.push_back(std::move(test));
  }

  TestResult run_test(const TestDefinition& test) {
    const auto start = Clock::now();
    TestResult result;
    result.id = test.id;
    result.description = test.description;
    result.collections = test.collections;
    const std::string type_code = options_.patient_type_code.value_or(operator_api_ ? "NH" : "");
    const std::string patient = options_.patient_id.empty()
                                    ? ids_.patient(options_.patient_authority, type_code)
                                    : options_.patient_id;
    const std::string second = ids_.patient(options_.patient_authority, type_code);
    state_.set_patients(test.id, patient, second,
                        ids_.patient(options_.patient_authority, type_code));
    std::string setup_error;
    if (operator_api_) {
      try {
        operator_api_->create_record(patient, test.id);
        operator_api_->create_record(second, test.id);
      } catch (const std::exception& error) {
        setup_error = error.what();
      }
    }
    for (const auto& section : test.sections) {
      SectionResult section_result;
      section_result.name = section.name;
      std::vector<LoggedStep> log;
      // The toolkit runs each section on its own: a <NewPatientId/> holds
      // for the rest of its section only.
      const std::string section_patient = setup_error.empty() ? state_.patient(test.id) : "";
      for (const auto& step : section.steps) {
        const auto step_start = Clock::now();
        StepResult step_result;
        step_result.id = step.id;
        step_result.transaction = to_string(step.kind);
        if (!setup_error.empty()) {
          step_result.verdict = Verdict::Failed;
          step_result.reason = "patient record setup failed: " + setup_error;
        } else {
          run_step(test, section, step, log, step_result);
        }
        step_result.seconds = std::chrono::duration<double>(Clock::now() - step_start).count();
        section_result.steps.push_back(std::move(step_result));
      }
      if (setup_error.empty() && state_.patient(test.id) != section_patient) {
        state_.trade_patients(test.id);
      }
      settle(section_result);
      result.sections.push_back(std::move(section_result));
    }
    settle(result);
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
  }

  void run_step(const TestDefinition& test, const Section& section, const TestStep& step,
                std::vector<LoggedStep>& log, StepResult& result) {
    try {
      if (!step.unknown_elements.empty()) {
        std::string names;
        for (const auto& name : step.unknown_elements) names += (names.empty() ? "" : ", ") + name;
        result.notes.push_back("instructions not mapped by the harness, ignored: " + names);
      }
      const StepKey where{test.id, section.name, step.id};
      if (step.wait_before_ms > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(step.wait_before_ms));
      }
      switch (step.kind) {
        case StepKind::ProvideAndRegister:
        case StepKind::Register:
        case StepKind::Update:
          submit(test, section, step, where, log, result);
          break;
        case StepKind::StoredQuery:
          query(test, section, step, where, log, result);
          break;
        case StepKind::Retrieve:
          retrieve(test, section, step, where, log, result);
          break;
        case StepKind::RemoveMetadata:
          remove(test, section, step, where, log, result);
          break;
        case StepKind::PatientFeed:
          if (!operator_api_) {
            throw NotApplicable{
                "Patient Identity Feed: no --record-setup; the endpoint is "
                "assumed to know the test's patient"};
          }
          result.notes.push_back("patient " + state_.patient(test.id) +
                                 " created through the operator API before the test");
          break;
        case StepKind::Null:
          break;
        case StepKind::RecordSetup:
          record_setup(test, step, result);
          break;
        case StepKind::RecordStatus:
        case StepKind::DeclareConsent:
          dmp_operation(test, step, where, log, result);
          break;
        case StepKind::Traces:
          traces(test, step, where, result);
          break;
        case StepKind::Other:
          if (step.transaction.empty() && step.new_patient_id) {
            // The second patient has a record like the first: the registry
            // knows it, so what the next steps meet is the patient change.
            state_.trade_patients(test.id);
            result.notes.push_back("<NewPatientId/>: the next steps of the section use patient " +
                                   state_.patient(test.id));
            break;
          }
          throw NotApplicable{"transaction <" + step.transaction +
                              "> is not supported by the harness (XDS.b registry/repository "
                              "transactions only)"};
      }
      check_assertions(test, section, step, log, result);
    } catch (const NotApplicable& skip) {
      result.verdict = Verdict::NotApplicable;
      result.reason = skip.reason;
    } catch (const Failure& failure) {
      const auto& code = failure.error().code;
      if (code == kUnsupportedConstruct) {
        result.verdict = Verdict::NotApplicable;
        result.reason =
            "metadata uses a construct the harness does not translate: " + failure.error().message;
      } else {
        result.verdict = Verdict::Failed;
        result.reason = failure.error().message.empty() ? failure.what() : failure.error().message;
      }
    } catch (const std::exception& error) {
      result.verdict = Verdict::Failed;
      result.reason = error.what();
    }
  }

  std::string read_metadata(const Section& section, const TestStep& step,
                            const std::map<std::string, std::string>& symbols,
                            StepResult& result) const {
    if (step.metadata_file.empty()) throw NotApplicable{"the step names no MetadataFile"};
    std::string text =
        without_comments(substitute(read_file(section.dir / step.metadata_file), symbols));
    if (const auto left = first_placeholder(text); !left.empty()) {
      // The toolkit sends what it cannot resolve as is; the endpoint judges.
      result.notes.push_back(step.metadata_file + " holds " + left +
                             " that no UseId/UseReport gives a value: sent as is");
    }
    return text;
  }

  fs::path resolve(const TestDefinition& test, const Section& section,
                   const std::string& file) const {
    if (fs::exists(section.dir / file)) return section.dir / file;
    return test.dir / file;  // ReferenceDocument "submit/my_document.txt"
  }

  IncomingMessage exchange(const Url& url, const OutgoingMessage& message, const StepKey& where,
                           StepResult& result) {
    result.request = message.body;
    save(where, "request", message.content_type, message.body, result);
    std::map<std::string, std::string> headers = {{"SOAPAction", "\"" + message.action + "\""}};
    // ITI-62 is an operator's transaction on some registries (Passerelle's):
    // the operator credential goes along when one is configured.
    if (message.action == std::string(action::kRemoveMetadata) &&
        !options_.operator_token.empty()) {
      headers["Authorization"] = "Bearer " + options_.operator_token;
    }
    const auto reply = http_.send("POST", url, message.content_type, message.body, headers);
    result.response = reply.body;
    save(where, "response", reply.header("content-type"), reply.body, result);
    return read_reply(reply);
  }

  void save(const StepKey& where, const std::string& what, const std::string& content_type,
            const std::string& body, StepResult& result) {
    if (options_.messages_dir.empty()) return;
    const auto path = options_.messages_dir / where.test /
                      (where.section.empty() ? "_" : where.section) /
                      (where.step + "." + what + ".txt");
    write_file(path, "Content-Type: " + content_type + "\n\n" + body);
    result.files.push_back(path.string());
  }

  // ExpectedStatus, ExpectedErrorCode and ExpectedErrorMessage.
  static void check_status(const TestStep& step, const IncomingMessage& reply) {
    if (step.expected_status == "Fault") {
      check_fault(step, reply);
      return;
    }
    if (reply.payload_name == "Fault") {
      throw Failure(kHarnessError, "status",
                    "SOAP fault instead of a response: " + reply.fault_reason);
    }
    const std::string got = status_word(reply.status);
    std::string detail;
    if (!reply.errors.empty()) {
      detail = " [" + reply.error_codes() + "]: " + reply.errors.front().context.substr(0, 300);
    }
    if (!step.expected_status.empty() && got != step.expected_status) {
      throw Failure(kHarnessError, "status",
                    "status " + (got.empty() ? std::string("(none)") : got) + ", expected " +
                        step.expected_status + detail);
    }
    for (const auto& code : step.expected_codes) {
      bool found = false;
      for (const auto& error : reply.errors) found = found || error.code == code;
      if (!found) {
        throw Failure(kHarnessError, "errors",
                      "expected errorCode " + code + ", got [" + reply.error_codes() + "]");
      }
    }
    // The toolkit looks for ExpectedErrorMessage in the error's text; the
    // testkit puts error codes there too, so the code or the text may carry it.
    for (const auto& message : step.expected_messages) {
      bool found = false;
      for (const auto& error : reply.errors) {
        found = found || error.code == message || error.context.find(message) != std::string::npos;
      }
      if (!found) {
        throw Failure(kHarnessError, "errors",
                      "expected error '" + message + "', got [" + reply.error_codes() + "]");
      }
    }
  }

  // ExpectedStatus Fault (suites of our own): a SOAP fault whose codes or
  // reason carry every ExpectedErrorCode (a DMP refusal, a wsse code).
  static void check_fault(const TestStep& step, const IncomingMessage& reply) {
    if (reply.payload_name != "Fault") {
      throw Failure(kHarnessError, "status",
                    "expected a SOAP fault, got " + reply.payload_name + " status " +
                        reply.short_status() + " [" + reply.error_codes() + "]");
    }
    for (const auto& code : step.expected_codes) {
      if (reply.fault_reason.find(code) == std::string::npos) {
        throw Failure(kHarnessError, "errors",
                      "expected a fault with " + code + ", got: " + reply.fault_reason);
      }
    }
  }

  void evaluate_reports(const TestStep& step, const StepKey& where, const std::string& input,
                        const std::string& result_payload, StepResult& result) {
    for (const auto& report : step.reports) {
      const std::string& source = report.section == "InputMetadata" ? input : result_payload;
      if (source.empty()) continue;
      try {
        const auto document = xml::parse(source);
        state_.report(where, report.name, trim(xpath_string(document.dom(), report.xpath)));
      } catch (const Failure& failure) {
        result.notes.push_back("report " + report.name +
                               " not evaluated: " + failure.error().message);
      }
    }
  }

  void submit(const TestDefinition& test, const Section& section, const TestStep& step,
              const StepKey& where, std::vector<LoggedStep>& log, StepResult& result) {
    const auto symbols = state_.symbols(test.id, section.name, step);
    const std::string input = read_metadata(section, step, symbols, result);

    std::map<std::string, std::string> uuids;          // id in the file → UUID sent
    std::map<std::string, std::string> document_uids;  // id in the file → uniqueId
    const auto defined = defined_ids(input);
    Ebxml21Options convert;
    convert.object_id = [&](const std::string& id) -> std::string {
      if (keeps_object_id(id, defined, symbols)) return id;
      auto [it, added] = uuids.try_emplace(id);
      if (added) {
        it->second = ids_.uuid();
        state_.assign_uuid(where, id, it->second);
      }
      return it->second;
    };
    const std::string patient =
        step.alt_patient_id ? state_.alt_patient(test.id) : state_.patient(test.id);
    convert.external_identifier_value = [&](const std::string& owner, const std::string& scheme,
                                            const std::string& value) -> std::string {
      if (kPatientIdSchemes.contains(scheme)) return step.no_patient_id ? value : patient;
      if (scheme == kSourceIdScheme) return options_.source_id;
      if (kUniqueIdSchemes.contains(scheme)) {
        const bool keep = step.no_assign_uids_all || step.no_assign_uids.contains(owner);
        const std::string uid = keep ? value : ids_.unique_id();
        state_.assign_uid(where, owner, uid);
        if (scheme == kDocumentUniqueIdScheme) document_uids[owner] = uid;
        return uid;
      }
      return value;
    };
    const std::string metadata = ebxml21_to_30(input, convert);
    evaluate_reports(step, where, metadata, "", result);

    OutgoingMessage message;
    const Url* endpoint = &registry_;
    if (step.kind == StepKind::ProvideAndRegister) {
      std::map<std::string, std::string> mime_types;  // sent id → mimeType
      const auto parsed = xml::parse(metadata);
      for (const auto* list : xml::child_elements(parsed.root())) {
        for (const auto* object : xml::child_elements(*list)) {
          if (xml::local_name(*object) == "ExtrinsicObject") {
            mime_types[xml::attribute(*object, "id").value_or("")] =
                xml::attribute(*object, "mimeType").value_or("");
          }
        }
      }
      std::vector<DocumentPart> parts;
      for (const auto& [id, file] : step.documents) {
        const auto sent_id = uuids.contains(id) ? uuids.at(id) : id;
        const auto mime = mime_types.find(sent_id);
        parts.push_back({sent_id,
                         mime == mime_types.end() || mime->second.empty()
                             ? "application/octet-stream"
                             : mime->second,
                         read_file(resolve(test, section, file))});
        if (const auto uid = document_uids.find(id); uid != document_uids.end()) {
          submitted_[uid->second] = parts.back().bytes;
        }
      }
      message = provide_and_register(metadata, repository_.str(), parts, !step.no_mtom,
                                     secure(test, step));
      endpoint = &repository_;
      if (step.no_mtom) result.notes.push_back("<NoMTOM/>: documents sent inline (base64)");
    } else {
      message = soap_request(step.kind == StepKind::Update ? action::kUpdate : action::kRegister,
                             metadata, registry_.str(), secure(test, step));
    }
    const auto reply = exchange(*endpoint, message, where, result);
    log.push_back({step.id, step.transaction, metadata, reply.payload});
    check_status(step, reply);
  }

  // A step whose request is its MetadataFile as written (after
  // substitution): ITI-18, ITI-43, ITI-62. Sends it, logs it, checks the
  // status; returns the reply for the step's own checks.
  IncomingMessage send_as_written(const char* action, const Url& endpoint,
                                  const TestDefinition& test, const Section& section,
                                  const TestStep& step, const StepKey& where,
                                  std::vector<LoggedStep>& log, StepResult& result) {
    auto symbols = state_.symbols(test.id, section.name, step);
    // As the toolkit's QueryTransaction does; UseId/UseReport values win.
    // A second ahead: the "To" bounds are exclusive (ITI TF-2a §3.18.4.1.2.3.7)
    // and the harness, unlike a person at the toolkit, queries within the
    // second it registered in (NIST 11899 then finds nothing).
    if (std::string_view(action) == action::kStoredQuery) {
      using namespace std::chrono_literals;
      symbols.merge(query_time_symbols(std::chrono::system_clock::now() + 1s));
    }
    const std::string request =
        without_xml_declaration(read_metadata(section, step, symbols, result));
    auto reply = exchange(
        endpoint, soap_request(action, request, endpoint.str(), secure(test, step)), where, result);
    log.push_back({step.id, step.transaction, request, reply.payload});
    check_status(step, reply);
    evaluate_reports(step, where, request, reply.payload, result);
    return reply;
  }

  void query(const TestDefinition& test, const Section& section, const TestStep& step,
             const StepKey& where, std::vector<LoggedStep>& log, StepResult& result) {
    const auto reply =
        send_as_written(action::kStoredQuery, registry_, test, section, step, where, log, result);
    if (step.expected_contents.empty()) return;
    const auto document = xml::parse(reply.payload);
    const auto objects = returned_objects(document.root());
    for (const auto& check : step.expected_contents) {
      try {
        if (const auto why = check_contents(check, objects)) {
          throw Failure(kHarnessError, check.name, "ExpectedContents " + check.name + ": " + *why);
        }
      } catch (const Failure& failure) {
        if (failure.error().code != kUnsupportedCheck) throw;
        result.notes.push_back("not checked: " + failure.error().message);
      }
    }
  }

  void retrieve(const TestDefinition& test, const Section& section, const TestStep& step,
                const StepKey& where, std::vector<LoggedStep>& log, StepResult& result) {
    const auto reply =
        send_as_written(action::kRetrieve, repository_, test, section, step, where, log, result);
    if (step.expected_status != "Success") return;
    const auto symbols = state_.symbols(test.id, section.name, step);
    for (const auto& [uid_symbol, file] : step.reference_documents) {
      const std::string uid = substitute(uid_symbol, symbols, false);
      const RetrievedDocument* found = nullptr;
      for (const auto& document : reply.documents) {
        if (document.document_unique_id == uid) found = &document;
      }
      if (found == nullptr) {
        throw Failure(kHarnessError, uid, "document " + uid + " (" + uid_symbol + ") not returned");
      }
      std::string reference = read_file(resolve(test, section, file));
      const auto sent = submitted_.find(uid);
      if (sent != submitted_.end() && sent->second != reference) {
        // 12029: the submit step sends readme.txt, the retrieve step names
        // my_document.pdf: the testkit contradicts itself, so compare with
        // what this run sent.
        result.notes.push_back("ReferenceDocument " + file +
                               " is not the file the submit step sent; compared with the "
                               "submitted bytes");
        reference = sent->second;
      }
      if (found->bytes != reference) {
        throw Failure(kHarnessError, uid,
                      "document " + uid + ": " + std::to_string(found->bytes.size()) +
                          " bytes retrieved differ from the " + std::to_string(reference.size()) +
                          " expected");
      }
    }
  }

  // The step's <Vihf profile=…/> as a signed assertion in the envelope's
  // Security header; no hook for a step without one.
  EnvelopeHook secure(const TestDefinition& test, const TestStep& step) {
    if (!step.vihf) return {};
    if (options_.vihf_signing_key.empty() || options_.vihf_signing_cert.empty()) {
      throw Failure(kHarnessError, "Vihf",
                    "the step sends a VIHF: give --vihf-signing-key and --vihf-signing-cert");
    }
    if (!vihf_key_) {
      vihf_key_ = signature::SigningKey::from_pem_files(options_.vihf_signing_key.string(),
                                                        options_.vihf_signing_cert.string());
    }
    const auto profile = resolve_vihf(profiles_, *step.vihf);
    const std::string& patient = step.vihf->patient == "second" ? state_.second_patient(test.id)
                                 : step.vihf->patient == "alt"  ? state_.alt_patient(test.id)
                                                                : state_.patient(test.id);
    VihfAssertion assertion;
    assertion.id = "_" + ids_.uuid().substr(9);  // an NCName
    assertion.name_id = profile.person_id;
    assertion.attributes = vihf_attributes(profile, patient);
    const signature::SigningKey& key = *vihf_key_;
    return [assertion, &key](const std::string& envelope) {
      return with_vihf(envelope, assertion, key);
    };
  }

  OperatorApi& operator_api(const TestStep& step) {
    if (!operator_api_) {
      throw NotApplicable{step.transaction + " needs the operator API (--record-setup)"};
    }
    return *operator_api_;
  }

  // RecordSetupTransaction: the patient's choices, in order.
  void record_setup(const TestDefinition& test, const TestStep& step, StepResult& result) {
    auto& api = operator_api(step);
    for (const auto& change : step.record_changes) {
      api.apply(change, state_.patient(test.id), profiles_);
      result.notes.push_back("operator API: " + change.what + " done");
    }
  }

  // RecordStatus / DeclareConsent (docs/dmp-operations.xsd) to the registry.
  void dmp_operation(const TestDefinition& test, const TestStep& step, const StepKey& where,
                     std::vector<LoggedStep>& log, StepResult& result) {
    const std::string& patient = state_.patient(test.id);
    const bool status = step.kind == StepKind::RecordStatus;
    const std::string request = status ? record_status_request(patient)
                                       : declare_consent_request(patient, step.consent_action);
    const auto reply =
        exchange(registry_,
                 soap_request(status ? action::kRecordStatus : action::kDeclareConsent, request,
                              registry_.str(), secure(test, step)),
                 where, result);
    log.push_back({step.id, step.transaction, request, reply.payload});
    check_status(step, reply);
  }

  // TracesTransaction: GET the record's traces, check each ExpectedTrace.
  void traces(const TestDefinition& test, const TestStep& step, const StepKey& where,
              StepResult& result) {
    const auto body = operator_api(step).traces(state_.patient(test.id));
    result.response = body;
    save(where, "response", "application/json", body, result);
    for (const auto& expected : step.expected_traces) {
      if (const auto why = check_trace(body, expected, profiles_)) {
        throw Failure(kHarnessError, "traces", "ExpectedTrace: " + *why);
      }
    }
  }

  void remove(const TestDefinition& test, const Section& section, const TestStep& step,
              const StepKey& where, std::vector<LoggedStep>& log, StepResult& result) {
    send_as_written(action::kRemoveMetadata, registry_, test, section, step, where, log, result);
  }

  // <Assertions>: XPath on the section's log so far ("THIS" output), with
  // the step's UseId/UseReport symbols substituted first.
  void check_assertions(const TestDefinition& test, const Section& section, const TestStep& step,
                        const std::vector<LoggedStep>& log, StepResult& result) {
    if (step.assertions.empty()) return;
    const auto symbols = state_.symbols(test.id, section.name, step);
    const auto document = xml::parse(section_log(log));
    for (const auto& assertion : step.assertions) {
      const std::string expression = substitute(assertion.xpath, symbols, false);
      if (const auto left = first_placeholder(expression); !left.empty()) {
        result.notes.push_back("assertion " + assertion.id + " not evaluated: " + left +
                               " has no value in this harness");
        continue;
      }
      try {
        if (!xpath_boolean(document.dom(), expression)) {
          throw Failure(kHarnessError, assertion.id,
                        "assertion " + assertion.id + " does not hold: " + trim(expression));
        }
      } catch (const Failure& failure) {
        if (failure.error().code != kUnsupportedXPath) throw;
        result.notes.push_back("assertion " + assertion.id +
                               " not evaluated: " + failure.error().message);
      }
    }
  }

  const RunOptions& options_;
  Testkit testkit_;
  Url registry_;
  Url repository_;
  HttpClient http_;
  std::optional<OperatorApi> operator_api_;
  VihfProfiles profiles_;
  std::optional<signature::SigningKey> vihf_key_;  // loaded by the first step that signs
  IdFactory ids_;
  RunState state_;
  std::map<std::string, std::string> submitted_;  // document uniqueId → bytes sent
};

}  // namespace

RunResult run_conformance(const RunOptions& options) { return Runner(options).run(); }

}  // namespace passerelle::conformance
