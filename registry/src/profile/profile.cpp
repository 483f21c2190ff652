// Affinity domain profiles: profile.json and the JSON code list files it
// names (format: registry/profiles/README.md).

#include "passerelle/registry/profile.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "profile/profile_files.hpp"

namespace passerelle::registry {

namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------- CodeList

namespace {

// Heterogeneous key for CodeList::index_ lookups without building strings.
struct CodeKey {
  std::string_view code;
  std::string_view scheme;
};

bool operator<(const std::pair<std::string, std::string>& stored, const CodeKey& key) {
  return std::pair<std::string_view, std::string_view>(stored.first, stored.second) <
         std::pair<std::string_view, std::string_view>(key.code, key.scheme);
}

bool operator<(const CodeKey& key, const std::pair<std::string, std::string>& stored) {
  return std::pair<std::string_view, std::string_view>(key.code, key.scheme) <
         std::pair<std::string_view, std::string_view>(stored.first, stored.second);
}

}  // namespace

CodeList::CodeList(std::vector<CodeEntry> entries) : entries_(std::move(entries)) {
  for (const auto& entry : entries_) index_.emplace(entry.code, entry.scheme);
}

bool CodeList::contains(std::string_view code, std::string_view scheme) const {
  return index_.find(CodeKey{code, scheme}) != index_.end();
}

const CodeList* Profile::codes(std::string_view attribute) const {
  const auto found = code_lists.find(attribute);
  return found == code_lists.end() ? nullptr : &found->second;
}

// ----------------------------------------------------------- file helpers

namespace profile_files {

void fail(const fs::path& file, const std::string& message) {
  throw Failure(codes::kInternalError, file.string(), message);
}

std::string read_file(const fs::path& file) {
  constexpr std::uintmax_t kMaxBytes = 64u * 1024u * 1024u;
  std::error_code error;
  const fs::file_status status = fs::status(file, error);
  if (!fs::exists(status)) fail(file, "file does not exist");
  if (!fs::is_regular_file(status)) fail(file, "not a regular file");
  const std::uintmax_t size = fs::file_size(file, error);
  if (error) fail(file, "cannot read file: " + error.message());
  if (size > kMaxBytes) fail(file, "file is larger than 64 MiB");
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(file, "cannot open file");
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) fail(file, "cannot read file");
  return std::move(content).str();
}

bool is_code_list_attribute(std::string_view attribute) {
  static constexpr std::array<std::string_view, 14> kAttributes{
      "classCode",
      "typeCode",
      "formatCode",
      "confidentialityCode",
      "healthcareFacilityTypeCode",
      "practiceSettingCode",
      "contentTypeCode",
      "eventCodeList",
      "folderCodeList",
      "authorSpecialty",
      "authorRole",
      "languageCode",
      "mimeType",
      "associationDocumentation",
  };
  for (const auto name : kAttributes) {
    if (name == attribute) return true;
  }
  return false;
}

}  // namespace profile_files

namespace {

using profile_files::fail;

constexpr std::array<std::string_view, 37> kDocumentEntryAttributes{
    "author",
    "authorInstitution",
    "authorPerson",
    "authorRole",
    "authorSpecialty",
    "authorTelecommunication",
    "availabilityStatus",
    "classCode",
    "comments",
    "confidentialityCode",
    "creationTime",
    "entryUUID",
    "eventCodeList",
    "formatCode",
    "hash",
    "healthcareFacilityTypeCode",
    "homeCommunityId",
    "languageCode",
    "legalAuthenticator",
    "limitedMetadata",
    "logicalID",
    "mimeType",
    "objectType",
    "patientId",
    "practiceSettingCode",
    "referenceIdList",
    "repositoryUniqueId",
    "serviceStartTime",
    "serviceStopTime",
    "size",
    "sourcePatientId",
    "sourcePatientInfo",
    "title",
    "typeCode",
    "uniqueId",
    "URI",
    "version",
};

constexpr std::array<std::string_view, 18> kSubmissionSetAttributes{
    "author",
    "authorInstitution",
    "authorPerson",
    "authorRole",
    "authorSpecialty",
    "authorTelecommunication",
    "availabilityStatus",
    "comments",
    "contentTypeCode",
    "entryUUID",
    "homeCommunityId",
    "intendedRecipient",
    "limitedMetadata",
    "patientId",
    "sourceId",
    "submissionTime",
    "title",
    "uniqueId",
};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& names, std::string_view name) {
  for (const auto candidate : names) {
    if (candidate == name) return true;
  }
  return false;
}

json read_json(const fs::path& file) {
  const std::string text = profile_files::read_file(file);
  try {
    return json::parse(text);
  } catch (const json::exception& error) {
    fail(file, std::string("not valid JSON: ") + error.what());
  }
}

void check_keys(const json& object, std::initializer_list<std::string_view> allowed,
                const std::string& where, const fs::path& file) {
  for (const auto& item : object.items()) {
    bool known = false;
    for (const auto name : allowed) known = known || name == item.key();
    if (!known) fail(file, where + "unknown key '" + item.key() + "'");
  }
}

// ISO OID in dotted decimal: 0, 1 or 2, then at least one more arc, no
// leading zeros.
bool is_oid(std::string_view text) {
  std::size_t arcs = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t dot = std::min(text.find('.', start), text.size());
    const std::string_view arc = text.substr(start, dot - start);
    if (arc.empty() || (arc.size() > 1 && arc[0] == '0')) return false;
    for (const char c : arc) {
      if (c < '0' || c > '9') return false;
    }
    if (arcs == 0 && (arc.size() != 1 || arc[0] > '2')) return false;
    ++arcs;
    start = dot + 1;
  }
  return arcs >= 2;
}

// A file named in profile.json, resolved against the profile directory. It
// must stay inside that directory.
fs::path profile_file(const fs::path& dir, const fs::path& profile_json, const std::string& key,
                      const json& value) {
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
    fail(profile_json, "'" + key + "' must be a file name");
  }
  const fs::path relative(value.get<std::string>());
  bool inside = relative.is_relative() && !relative.has_root_name();
  for (const auto& part : relative) inside = inside && part != "..";
  if (!inside) {
    fail(profile_json, "'" + key + "' must be a relative path inside the profile directory, not '" +
                           relative.string() + "'");
  }
  return dir / relative;
}

// A string member of a list entry: missing or empty → "<where> has no <name>".
std::string required_string(const json& entry, const char* name, const std::string& where,
                            const fs::path& file) {
  const auto found = entry.find(name);
  if (found == entry.end()) fail(file, where + " has no " + name);
  if (!found->is_string()) fail(file, where + " has a " + name + " that is not a string");
  std::string value = found->get<std::string>();
  if (value.empty()) fail(file, where + " has no " + name);
  return value;
}

std::string optional_string(const json& entry, const char* name, const std::string& where,
                            const fs::path& file) {
  const auto found = entry.find(name);
  if (found == entry.end()) return {};
  if (!found->is_string()) fail(file, where + " has a " + name + " that is not a string");
  return found->get<std::string>();
}

CodeList read_json_code_list(const fs::path& file, const std::string& attribute) {
  const json list = read_json(file);
  if (!list.is_array()) fail(file, attribute + " list must be a JSON array");
  if (list.empty()) fail(file, attribute + " list is empty");
  std::vector<CodeEntry> entries;
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& item = list[i];
    const std::string where = attribute + " entry " + std::to_string(i);
    if (!item.is_object()) fail(file, where + " is not an object");
    // ---- issue 8: end of validity ----
    check_keys(item, {"code", "scheme", "display", "valid_until"}, where + " has ", file);
    // ---- end issue 8 ----
    CodeEntry entry;
    entry.code = required_string(item, "code", where, file);
    entry.scheme = required_string(item, "scheme", where, file);
    entry.display = optional_string(item, "display", where, file);
    // ---- issue 8: end of validity ----
    entry.valid_until = optional_string(item, "valid_until", where, file);
    if (!entry.valid_until.empty() &&
        (entry.valid_until.size() < 8 ||
         entry.valid_until.find_first_not_of("0123456789") != std::string::npos)) {
      fail(file, where + " has a valid_until that is not YYYYMMDD[hhmmss]: " + entry.valid_until);
    }
    // ---- end issue 8 ----
    if (!seen.emplace(entry.code, entry.scheme).second) {
      fail(file, where + " repeats code '" + entry.code + "' of scheme '" + entry.scheme + "'");
    }
    entries.push_back(std::move(entry));
  }
  return CodeList(std::move(entries));
}

// Whether `code` (of `scheme`, when given) is in the profile's list for
// `attribute`; true when the profile has no such list.
bool listed(const Profile& profile, std::string_view attribute, const std::string& code,
            const std::string& scheme) {
  const CodeList* list = profile.codes(attribute);
  if (list == nullptr) return true;
  if (!scheme.empty()) return list->contains(code, scheme);
  for (const auto& entry : list->entries()) {
    if (entry.code == code) return true;
  }
  return false;
}

void read_type_to_class(const fs::path& file, Profile& profile) {
  const json list = read_json(file);
  if (!list.is_array()) fail(file, "class_code_for_type_code list must be a JSON array");
  if (list.empty()) fail(file, "class_code_for_type_code list is empty");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& item = list[i];
    const std::string where = "class_code_for_type_code entry " + std::to_string(i);
    if (!item.is_object()) fail(file, where + " is not an object");
    check_keys(item, {"typeCode", "typeCodeScheme", "classCode", "classCodeScheme"},
               where + " has ", file);
    const std::string type_code = required_string(item, "typeCode", where, file);
    const std::string type_scheme = optional_string(item, "typeCodeScheme", where, file);
    const std::string class_code = required_string(item, "classCode", where, file);
    const std::string class_scheme = optional_string(item, "classCodeScheme", where, file);
    if (!listed(profile, "typeCode", type_code, type_scheme)) {
      fail(file, where + ": typeCode '" + type_code + "' is not in the typeCode list");
    }
    if (!listed(profile, "classCode", class_code, class_scheme)) {
      fail(file, where + ": classCode '" + class_code + "' is not in the classCode list");
    }
    if (!profile.class_code_for_type_code.emplace(type_code, class_code).second) {
      fail(file, where + " repeats typeCode '" + type_code + "'");
    }
  }
}

template <std::size_t N>
std::set<std::string, std::less<>> read_required(const json& section, const std::string& key,
                                                 const std::array<std::string_view, N>& known,
                                                 const fs::path& file) {
  std::set<std::string, std::less<>> names;
  const auto found = section.find("required");
  if (found == section.end()) return names;
  if (!found->is_array()) fail(file, "'" + key + "' must be an array of attribute names");
  for (std::size_t i = 0; i < found->size(); ++i) {
    const json& name = (*found)[i];
    if (!name.is_string() || !one_of(known, name.get_ref<const std::string&>())) {
      fail(file, "'" + key + "' entry " + std::to_string(i) + " is not a known attribute name" +
                     (name.is_string() ? ": '" + name.get<std::string>() + "'" : ""));
    }
    names.insert(name.get<std::string>());
  }
  return names;
}

const json* section(const json& root, const char* key, const fs::path& file) {
  const auto found = root.find(key);
  if (found == root.end()) return nullptr;
  if (!found->is_object()) fail(file, std::string("'") + key + "' must be an object");
  return &*found;
}

void read_patient_id(const json& root, const fs::path& file, Profile& profile) {
  const json* patient = section(root, "patient_id", file);
  if (patient == nullptr) return;
  check_keys(*patient, {"require_record", "authorities"}, "'patient_id' has ", file);
  if (const auto found = patient->find("require_record"); found != patient->end()) {
    if (!found->is_boolean()) fail(file, "'patient_id.require_record' must be true or false");
    profile.require_patient_record = found->get<bool>();
  }
  if (const auto found = patient->find("authorities"); found != patient->end()) {
    if (!found->is_array()) fail(file, "'patient_id.authorities' must be an array of OIDs");
    for (std::size_t i = 0; i < found->size(); ++i) {
      const json& oid = (*found)[i];
      if (!oid.is_string() || !is_oid(oid.get_ref<const std::string&>())) {
        fail(file, "'patient_id.authorities' entry " + std::to_string(i) + " is not an OID");
      }
      profile.patient_id_authorities.push_back(oid.get<std::string>());
    }
  }
}

void read_document_entry(const json& root, const fs::path& file, Profile& profile) {
  const json* entry = section(root, "document_entry", file);
  if (entry == nullptr) return;
  check_keys(*entry, {"required", "max_confidentiality_codes"}, "'document_entry' has ", file);
  profile.required_document_attributes =
      read_required(*entry, "document_entry.required", kDocumentEntryAttributes, file);
  if (const auto found = entry->find("max_confidentiality_codes"); found != entry->end()) {
    if (!found->is_number_unsigned()) {
      fail(file, "'document_entry.max_confidentiality_codes' must be a non-negative integer");
    }
    profile.max_confidentiality_codes = found->get<std::size_t>();
  }
}

void read_submission_set(const json& root, const fs::path& file, Profile& profile) {
  const json* set = section(root, "submission_set", file);
  if (set == nullptr) return;
  check_keys(*set, {"required"}, "'submission_set' has ", file);
  profile.required_submission_set_attributes =
      read_required(*set, "submission_set.required", kSubmissionSetAttributes, file);
}

void read_code_lists(const json& root, const fs::path& dir, const fs::path& file,
                     Profile& profile) {
  const json* lists = section(root, "code_lists", file);
  if (lists == nullptr) return;
  for (const auto& item : lists->items()) {
    const std::string& key = item.key();
    const std::string where = "code_lists." + key;
    if (key == "nist_codes_xml") {
      auto nist = profile_files::read_nist_codes(profile_file(dir, file, where, item.value()));
      for (auto& [attribute, list] : nist) {
        if (profile.code_lists.contains(attribute)) {
          fail(file, "code list '" + attribute + "' is given twice");
        }
        profile.code_lists.emplace(attribute, std::move(list));
      }
      continue;
    }
    if (!profile_files::is_code_list_attribute(key)) {
      fail(file, "'code_lists' names '" + key + "', which is not a coded XDS attribute");
    }
    if (profile.code_lists.contains(key)) fail(file, "code list '" + key + "' is given twice");
    profile.code_lists.emplace(
        key, read_json_code_list(profile_file(dir, file, where, item.value()), key));
  }
}

bool is_profile_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

// A name as it may appear in a message: bounded, printable ASCII.
std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 64) out += "...";
  return out;
}

}  // namespace

Profile load_profile(const fs::path& dir) {
  const fs::path file = dir / "profile.json";
  const json root = read_json(file);
  if (!root.is_object()) fail(file, "top level must be a JSON object");
  check_keys(root,
             {"name", "description", "patient_id", "document_entry", "submission_set", "code_lists",
              "class_code_for_type_code", "cda", "identity", "lifecycle", "lot_signature",
              "access_policy", "reference_id_types"},
             "", file);

  Profile profile;
  const auto name = root.find("name");
  if (name == root.end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
    fail(file, "'name' must be a non-empty string");
  }
  profile.name = name->get<std::string>();
  if (const auto found = root.find("description"); found != root.end()) {
    if (!found->is_string()) fail(file, "'description' must be a string");
    profile.description = found->get<std::string>();
  }
  read_patient_id(root, file, profile);
  read_document_entry(root, file, profile);
  read_submission_set(root, file, profile);
  read_code_lists(root, dir, file, profile);
  if (const auto found = root.find("class_code_for_type_code"); found != root.end()) {
    read_type_to_class(profile_file(dir, file, "class_code_for_type_code", *found), profile);
  }
  // ---- issue 8: CDA checks switch ----
  if (const json* cda = section(root, "cda", file)) {
    check_keys(*cda, {"validate"}, "'cda' has ", file);
    if (const auto found = cda->find("validate"); found != cda->end()) {
      if (!found->is_boolean()) fail(file, "'cda.validate' must be true or false");
      profile.validate_cda = found->get<bool>();
    }
  }
  if (const auto found = root.find("reference_id_types"); found != root.end()) {
    profile.reference_id_types = read_json_code_list(
        profile_file(dir, file, "reference_id_types", *found), "reference_id_types");
  }
  // ---- end issue 8 ----
  // ---- issue 6: VIHF requirement ----
  if (const json* identity = section(root, "identity", file)) {
    check_keys(*identity, {"vihf"}, "'identity' has ", file);
    if (const auto found = identity->find("vihf"); found != identity->end()) {
      if (!found->is_string() || (*found != "required" && *found != "optional")) {
        fail(file, "'identity.vihf' must be \"required\" or \"optional\"");
      }
      profile.vihf_required = *found == "required";
    }
  }
  // ---- end issue 6 ----
  // ---- issue 5: lifecycle statuses ----
  if (const json* lifecycle = section(root, "lifecycle", file)) {
    check_keys(*lifecycle, {"statuses"}, "'lifecycle' has ", file);
    if (const auto found = lifecycle->find("statuses"); found != lifecycle->end()) {
      if (!found->is_array()) fail(file, "'lifecycle.statuses' must be a list");
      for (const auto& status : *found) {
        if (!status.is_string() || (status != "urn:asip:ci-sis:2010:StatusType:Archived" &&
                                    status != "urn:asip:ci-sis:2010:StatusType:Deleted")) {
          fail(file,
               "'lifecycle.statuses' may hold urn:asip:ci-sis:2010:StatusType:Archived and "
               "urn:asip:ci-sis:2010:StatusType:Deleted only");
        }
        profile.lifecycle_statuses.insert(status.get<std::string>());
      }
    }
  }
  // ---- end issue 5 ----
  // ---- issue 9: lot signature requirement ----
  if (const json* lot_signature = section(root, "lot_signature", file)) {
    check_keys(*lot_signature, {"required"}, "'lot_signature' has ", file);
    if (const auto found = lot_signature->find("required"); found != lot_signature->end()) {
      if (!found->is_boolean()) fail(file, "'lot_signature.required' must be true or false");
      profile.lot_signature_required = found->get<bool>();
    }
  }
  // ---- end issue 9 ----
  // ---- issue 6: access policy ----
  if (const json* access_policy = section(root, "access_policy", file)) {
    check_keys(*access_policy, {"enabled"}, "'access_policy' has ", file);
    if (const auto found = access_policy->find("enabled"); found != access_policy->end()) {
      if (!found->is_boolean()) fail(file, "'access_policy.enabled' must be true or false");
      profile.access_policy = found->get<bool>();
    }
  }
  // ---- end issue 6: access policy ----
  return profile;
}

fs::path default_profile_root() {
  // Read-only look at the environment: configuration, not mutable state.
  if (const char* dir = std::getenv("PASSERELLE_PROFILE_DIR"); dir != nullptr && *dir != '\0') {
    return fs::path(dir);
  }
  return fs::path(PASSERELLE_DEFAULT_PROFILE_DIR);
}

Profile load_named_profile(std::string_view name, const fs::path& root) {
  if (!is_profile_name(name)) {
    fail(root, "invalid profile name '" + printable(name) +
                   "': only letters, digits and '-' are allowed (at most 64)");
  }
  const fs::path dir = root / std::string(name);
  std::error_code error;
  if (!fs::is_directory(dir, error)) fail(dir, "no profile named '" + std::string(name) + "'");
  Profile profile = load_profile(dir);
  if (profile.name != name) {
    fail(dir / "profile.json", "profile is named '" + printable(profile.name) +
                                   "' but was loaded as '" + std::string(name) + "'");
  }
  return profile;
}

}  // namespace passerelle::registry
