// The SOAP transaction steps (ITI-41, 42, 57, 18, 43, 62): the request built
// from the step's MetadataFile, sent, logged for the section's assertions,
// its status checked; the VIHF a step asks for signed into the envelope.

#include <chrono>
#include <map>
#include <set>
#include <string_view>

#include "passerelle/conformance/ebxml21_to_30.hpp"
#include "passerelle/conformance/expected_contents.hpp"
#include "passerelle/conformance/placeholders.hpp"
#include "passerelle/conformance/vihf_assertion.hpp"
#include "passerelle/conformance/vihf_profiles.hpp"
#include "passerelle/conformance/xds_messages.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "runner_impl.hpp"
#include "text.hpp"

namespace passerelle::conformance::detail {
namespace {

namespace fs = std::filesystem;

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

}  // namespace

std::string Runner::read_metadata(const Section& section, const TestStep& step,
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

fs::path Runner::resolve(const TestDefinition& test, const Section& section,
                         const std::string& file) const {
  if (fs::exists(section.dir / file)) return section.dir / file;
  return test.dir / file;  // ReferenceDocument "submit/my_document.txt"
}

IncomingMessage Runner::exchange(const Url& url, const OutgoingMessage& message,
                                 const StepKey& where, StepResult& result) {
  result.request = message.body;
  save(where, "request", message.content_type, message.body, result);
  std::map<std::string, std::string> headers = {{"SOAPAction", "\"" + message.action + "\""}};
  // ITI-62 is an operator's transaction on some registries (Passerelle's):
  // the operator credential goes along when one is configured.
  if (message.action == std::string(action::kRemoveMetadata) && !options_.operator_token.empty()) {
    headers["Authorization"] = "Bearer " + options_.operator_token;
  }
  const auto reply = http_.send("POST", url, message.content_type, message.body, headers);
  result.response = reply.body;
  save(where, "response", reply.header("content-type"), reply.body, result);
  return read_reply(reply);
}

void Runner::submit(const TestDefinition& test, const Section& section, const TestStep& step,
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
                       mime == mime_types.end() || mime->second.empty() ? "application/octet-stream"
                                                                        : mime->second,
                       read_file(resolve(test, section, file))});
      if (const auto uid = document_uids.find(id); uid != document_uids.end()) {
        submitted_[uid->second] = parts.back().bytes;
      }
    }
    message =
        provide_and_register(metadata, repository_.str(), parts, !step.no_mtom, secure(test, step));
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
IncomingMessage Runner::send_as_written(const char* action, const Url& endpoint,
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
  auto reply = exchange(endpoint, soap_request(action, request, endpoint.str(), secure(test, step)),
                        where, result);
  log.push_back({step.id, step.transaction, request, reply.payload});
  check_status(step, reply);
  evaluate_reports(step, where, request, reply.payload, result);
  return reply;
}

void Runner::query(const TestDefinition& test, const Section& section, const TestStep& step,
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

void Runner::retrieve(const TestDefinition& test, const Section& section, const TestStep& step,
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

void Runner::remove(const TestDefinition& test, const Section& section, const TestStep& step,
                    const StepKey& where, std::vector<LoggedStep>& log, StepResult& result) {
  send_as_written(action::kRemoveMetadata, registry_, test, section, step, where, log, result);
}

// The step's <Vihf profile=…/> as a signed assertion in the envelope's
// Security header; no hook for a step without one.
EnvelopeHook Runner::secure(const TestDefinition& test, const TestStep& step) {
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

}  // namespace passerelle::conformance::detail
