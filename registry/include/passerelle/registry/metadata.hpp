#pragma once

// The XDS view of a SubmitObjectsRequest: which object is the submission
// set, which are document entries, folders and associations, and the
// attributes of each (ITI TF-3 §4.2.3) read out of slots, classifications
// and external identifiers. Reading never fails: absent attributes stay
// empty and validation (validation.hpp) says what is wrong.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "passerelle/registry/ebrim.hpp"

namespace passerelle::registry {

struct Code {
  std::string code;     // nodeRepresentation
  std::string scheme;   // codingScheme slot (first value)
  std::string display;  // Name (first LocalizedString value)
  bool operator==(const Code&) const = default;
};

struct Author {
  std::optional<std::string> person;            // authorPerson (XCN), 0..1
  std::vector<std::string> institutions;        // authorInstitution (XON)
  std::vector<std::string> roles;               // authorRole
  std::vector<std::string> specialties;         // authorSpecialty
  std::vector<std::string> telecommunications;  // authorTelecommunication (XTN)
  bool operator==(const Author&) const = default;
};

struct DocumentEntry {
  const RegistryObject* object = nullptr;  // the ExtrinsicObject it was read from
  std::string entry_uuid;                  // object id
  std::string logical_id;
  std::string object_type;  // stable or on-demand
  std::string status;
  std::string mime_type;
  std::string unique_id;
  std::string patient_id;
  std::string source_patient_id;
  std::vector<std::string> source_patient_info;
  std::string title;
  std::string comments;
  std::string hash;                   // as sent
  std::optional<std::uint64_t> size;  // absent or unparsable → nullopt
  std::string size_text;              // as sent
  std::string repository_unique_id;
  std::string creation_time;
  std::string service_start_time;
  std::string service_stop_time;
  std::string language_code;
  std::string legal_authenticator;
  std::string uri;
  std::vector<std::string> reference_ids;  // urn:ihe:iti:xds:2013:referenceIdList
  std::vector<Author> authors;
  std::optional<Code> class_code;
  std::optional<Code> type_code;
  std::optional<Code> format_code;
  std::optional<Code> healthcare_facility_type_code;
  std::optional<Code> practice_setting_code;
  std::vector<Code> confidentiality_codes;
  std::vector<Code> event_codes;
  std::string version;  // VersionInfo/@versionName, "" when absent
};

struct SubmissionSet {
  const RegistryObject* object = nullptr;
  std::string entry_uuid;
  std::string unique_id;
  std::string source_id;
  std::string patient_id;
  std::string submission_time;
  std::string title;
  std::string comments;
  std::vector<Author> authors;
  std::optional<Code> content_type_code;
  std::vector<std::string> intended_recipients;
};

struct Folder {
  const RegistryObject* object = nullptr;
  std::string entry_uuid;
  std::string unique_id;
  std::string patient_id;
  std::string title;
  std::string comments;
  std::string last_update_time;
  std::vector<Code> codes;
};

struct Association {
  const RegistryObject* object = nullptr;
  std::string entry_uuid;
  std::string type;
  std::string source;
  std::string target;
  std::string submission_set_status;  // HasMember from the set: "Original" or "Reference"
};

// Points into the SubmitObjectsRequest it was read from, which must outlive it.
struct Submission {
  std::vector<SubmissionSet> submission_sets;  // exactly one when valid
  std::vector<DocumentEntry> documents;
  std::vector<Folder> folders;
  std::vector<Association> associations;
};

Submission read_submission(const SubmitObjectsRequest& request);

// The same readers for objects that come back from the store.
DocumentEntry read_document_entry(const RegistryObject& object);
// True for a lot's IHE DSG signature DocumentEntry: its classCode or
// formatCode says so (vocab::kDsg*); the rest of its metadata is checked
// where the signature is (gateway/src/xds/lot_signature_check.cpp).
bool is_lot_signature(const DocumentEntry& entry);
SubmissionSet read_submission_set(const RegistryObject& object);
Folder read_folder(const RegistryObject& object);
Association read_association(const RegistryObject& object);

}  // namespace passerelle::registry
