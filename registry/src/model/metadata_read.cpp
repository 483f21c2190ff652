// The XDS reading of ebRIM objects (ITI TF-3 §4.2.3). Nothing here judges:
// absent or odd attributes are left empty for validation to report.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/vocabulary.hpp"

namespace passerelle::registry {
namespace {

std::string first_value(const RegistryObject& object, std::string_view slot_name) {
  const Slot* slot = object.slot(slot_name);
  return slot != nullptr && !slot->values.empty() ? slot->values.front() : std::string();
}

std::vector<std::string> all_values(const RegistryObject& object, std::string_view slot_name) {
  const Slot* slot = object.slot(slot_name);
  return slot != nullptr ? slot->values : std::vector<std::string>{};
}

std::vector<std::string> all_values(const std::vector<Slot>& slots, std::string_view slot_name) {
  for (const Slot& slot : slots) {
    if (slot.name == slot_name) return slot.values;
  }
  return {};
}

std::string first_text(const std::vector<LocalizedString>& strings) {
  return strings.empty() ? std::string() : strings.front().value;
}

std::string external_id(const RegistryObject& object, std::string_view scheme) {
  for (const ExternalIdentifier& e : object.external_identifiers) {
    if (e.identification_scheme == scheme) return e.value;
  }
  return {};
}

Code read_code(const Classification& c) {
  const std::vector<std::string> schemes = all_values(c.slots, "codingScheme");
  return Code{c.node_representation, schemes.empty() ? std::string() : schemes.front(),
              first_text(c.name)};
}

std::vector<const Classification*> classified_by(const RegistryObject& object,
                                                 std::string_view scheme) {
  std::vector<const Classification*> out;
  for (const Classification& c : object.classifications) {
    if (c.classification_scheme == scheme) out.push_back(&c);
  }
  return out;
}

std::optional<Code> single_code(const RegistryObject& object, std::string_view scheme) {
  const auto found = classified_by(object, scheme);
  if (found.empty()) return std::nullopt;
  return read_code(*found.front());
}

std::vector<Code> codes(const RegistryObject& object, std::string_view scheme) {
  std::vector<Code> out;
  for (const Classification* c : classified_by(object, scheme)) out.push_back(read_code(*c));
  return out;
}

std::vector<Author> authors(const RegistryObject& object, std::string_view scheme) {
  std::vector<Author> out;
  for (const Classification* c : classified_by(object, scheme)) {
    Author author;
    const std::vector<std::string> person = all_values(c->slots, "authorPerson");
    if (!person.empty()) author.person = person.front();
    author.institutions = all_values(c->slots, "authorInstitution");
    author.roles = all_values(c->slots, "authorRole");
    author.specialties = all_values(c->slots, "authorSpecialty");
    author.telecommunications = all_values(c->slots, "authorTelecommunication");
    out.push_back(std::move(author));
  }
  return out;
}

std::optional<std::uint64_t> parse_size(const std::string& text) {
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A URI longer than a slot value may be split into "1|…", "2|…" parts
// (ITI TF-3 §4.2.3.2.25); a single value without that prefix is the URI.
std::string read_uri(const RegistryObject& object) {
  const std::vector<std::string> values = all_values(object, "URI");
  if (values.size() <= 1) return values.empty() ? std::string() : values.front();
  std::map<unsigned, std::string> parts;
  for (const std::string& value : values) {
    const auto bar = value.find('|');
    unsigned index = 0;
    if (bar == std::string::npos || bar == 0) return values.front();
    const auto [end, ec] = std::from_chars(value.data(), value.data() + bar, index);
    if (ec != std::errc() || end != value.data() + bar) return values.front();
    parts.emplace(index, value.substr(bar + 1));
  }
  std::string uri;
  for (const auto& [index, part] : parts) uri += part;
  return uri;
}

bool has_node_classification(const RegistryObject& object, std::string_view node) {
  return std::any_of(object.classifications.begin(), object.classifications.end(),
                     [&](const Classification& c) { return c.classification_node == node; });
}

}  // namespace

bool is_lot_signature(const DocumentEntry& entry) {
  const bool dsg_class = entry.class_code && entry.class_code->code == vocab::kDsgClassCode;
  const bool dsg_format =
      entry.format_code && (entry.format_code->code == vocab::kXmlDsigFormat ||
                            entry.format_code->code == vocab::kDsgDetachedFormat);
  return dsg_class || dsg_format;
}

DocumentEntry read_document_entry(const RegistryObject& object) {
  DocumentEntry d;
  d.object = &object;
  d.entry_uuid = object.id;
  d.logical_id = object.lid;
  d.object_type = object.object_type;
  d.status = object.status;
  d.mime_type = object.mime_type;
  d.unique_id = external_id(object, vocab::kDocUniqueId);
  d.patient_id = external_id(object, vocab::kDocPatientId);
  d.source_patient_id = first_value(object, "sourcePatientId");
  d.source_patient_info = all_values(object, "sourcePatientInfo");
  d.title = first_text(object.name);
  d.comments = first_text(object.description);
  d.hash = first_value(object, "hash");
  d.size_text = first_value(object, "size");
  d.size = parse_size(d.size_text);
  d.repository_unique_id = first_value(object, "repositoryUniqueId");
  d.creation_time = first_value(object, "creationTime");
  d.service_start_time = first_value(object, "serviceStartTime");
  d.service_stop_time = first_value(object, "serviceStopTime");
  d.language_code = first_value(object, "languageCode");
  d.legal_authenticator = first_value(object, "legalAuthenticator");
  d.uri = read_uri(object);
  d.reference_ids = all_values(object, "urn:ihe:iti:xds:2013:referenceIdList");
  d.authors = authors(object, vocab::kDocAuthor);
  d.class_code = single_code(object, vocab::kDocClassCode);
  d.type_code = single_code(object, vocab::kDocTypeCode);
  d.format_code = single_code(object, vocab::kDocFormatCode);
  d.healthcare_facility_type_code = single_code(object, vocab::kDocHealthcareFacilityTypeCode);
  d.practice_setting_code = single_code(object, vocab::kDocPracticeSettingCode);
  d.confidentiality_codes = codes(object, vocab::kDocConfidentialityCode);
  d.event_codes = codes(object, vocab::kDocEventCode);
  d.version = object.version_name.value_or("");
  return d;
}

SubmissionSet read_submission_set(const RegistryObject& object) {
  SubmissionSet s;
  s.object = &object;
  s.entry_uuid = object.id;
  s.unique_id = external_id(object, vocab::kSetUniqueId);
  s.source_id = external_id(object, vocab::kSetSourceId);
  s.patient_id = external_id(object, vocab::kSetPatientId);
  s.submission_time = first_value(object, "submissionTime");
  s.title = first_text(object.name);
  s.comments = first_text(object.description);
  s.authors = authors(object, vocab::kSetAuthor);
  s.content_type_code = single_code(object, vocab::kSetContentTypeCode);
  s.intended_recipients = all_values(object, "intendedRecipient");
  return s;
}

Folder read_folder(const RegistryObject& object) {
  Folder f;
  f.object = &object;
  f.entry_uuid = object.id;
  f.unique_id = external_id(object, vocab::kFolderUniqueId);
  f.patient_id = external_id(object, vocab::kFolderPatientId);
  f.title = first_text(object.name);
  f.comments = first_text(object.description);
  f.last_update_time = first_value(object, "lastUpdateTime");
  f.codes = codes(object, vocab::kFolderCodeList);
  return f;
}

Association read_association(const RegistryObject& object) {
  Association a;
  a.object = &object;
  a.entry_uuid = object.id;
  a.type = object.association_type;
  a.source = object.source_object;
  a.target = object.target_object;
  a.submission_set_status = first_value(object, "SubmissionSetStatus");
  return a;
}

Submission read_submission(const SubmitObjectsRequest& request) {
  // Packages named by a top-level Classification, by their classificationNode.
  std::set<std::string> set_ids;
  std::set<std::string> folder_ids;
  for (const RegistryObject& object : request.objects) {
    if (object.kind != ObjectKind::Classification || !object.classification) continue;
    const Classification& c = *object.classification;
    if (c.classification_node == vocab::kSubmissionSetNode) set_ids.insert(c.classified_object);
    if (c.classification_node == vocab::kFolderNode) folder_ids.insert(c.classified_object);
  }

  Submission out;
  for (const RegistryObject& object : request.objects) {
    switch (object.kind) {
      case ObjectKind::ExtrinsicObject:
        out.documents.push_back(read_document_entry(object));
        break;
      case ObjectKind::Association:
        out.associations.push_back(read_association(object));
        break;
      case ObjectKind::RegistryPackage:
        // Some sources nest the node Classification inside the package
        // instead of listing it beside it; both say the same thing.
        if (set_ids.count(object.id) != 0 ||
            has_node_classification(object, vocab::kSubmissionSetNode) ||
            !external_id(object, vocab::kSetUniqueId).empty()) {
          out.submission_sets.push_back(read_submission_set(object));
        } else if (folder_ids.count(object.id) != 0 ||
                   has_node_classification(object, vocab::kFolderNode) ||
                   !external_id(object, vocab::kFolderUniqueId).empty()) {
          out.folders.push_back(read_folder(object));
        }
        break;
      case ObjectKind::Classification:
      case ObjectKind::Other:
        break;
    }
  }
  return out;
}

}  // namespace passerelle::registry
