#pragma once

// An affinity domain profile: the code lists and rule switches of one
// domain (the DMP, an IHE test domain…), loaded from data files at startup.
// Code never asks "are we the DMP?"; it asks the profile.

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace passerelle::registry {

struct CodeEntry {
  std::string code;
  std::string scheme;  // coding scheme as sent in the codingScheme slot (OID or name)
  std::string display;
  // ---- issue 8: end of validity (SVS dateFin), YYYYMMDD[hhmmss]; "" = still valid ----
  // (initialised so that {code, scheme, display} aggregates stay warning-free)
  std::string valid_until = {};
  // ---- end issue 8 ----
};

class CodeList {
 public:
  CodeList() = default;
  explicit CodeList(std::vector<CodeEntry> entries);
  bool contains(std::string_view code, std::string_view scheme) const;
  const std::vector<CodeEntry>& entries() const { return entries_; }

 private:
  std::vector<CodeEntry> entries_;
  std::set<std::pair<std::string, std::string>, std::less<>> index_;
};

struct Profile {
  std::string name;
  std::string description;

  // Attribute name (classCode, typeCode, formatCode, confidentialityCode,
  // healthcareFacilityTypeCode, practiceSettingCode, contentTypeCode,
  // eventCodeList, folderCodeList, authorSpecialty…) → allowed codes. An
  // attribute without a list is not restricted.
  std::map<std::string, CodeList, std::less<>> code_lists;

  // Patient records: when true a record must exist (operator API) before
  // anything is registered for a patient (XDSUnknownPatientId).
  bool require_patient_record = true;
  // Assigning authority OIDs accepted in patient ids; empty = any ISO OID.
  std::vector<std::string> patient_id_authorities;

  // DocumentEntry attributes required on top of ITI TF-3 (e.g. the DMP's
  // legalAuthenticator), by ITI attribute name.
  std::set<std::string, std::less<>> required_document_attributes;
  // SubmissionSet attributes required on top of ITI TF-3 (e.g. authorPerson).
  std::set<std::string, std::less<>> required_submission_set_attributes;
  std::size_t max_confidentiality_codes = 0;  // 0 = no limit

  // typeCode → the only classCode allowed with it (ASS_X04); empty = no rule.
  std::map<std::string, std::string, std::less<>> class_code_for_type_code;

  // ---- issue 8: CDA checks (profile.json "cda": {"validate": true}) ----
  // ITI-41: every text/xml or application/xml document is parsed as a CDA,
  // validated and checked against its metadata (X-1..X-15) before anything
  // is stored. See registry/src/transactions/cda_checks.cpp.
  bool validate_cda = false;
  // profile.json "reference_id_types": the CXi type codes (component 5)
  // referenceIdList values may carry (the DMP's JDV_J231); empty = any.
  CodeList reference_id_types;
  // ---- end issue 8 ----

  // ---- issue 6: VIHF identity (profile.json "identity": {"vihf": "required"|"optional"}) ----
  // required: every SOAP request must carry a valid VIHF assertion (the DMP);
  // optional: an assertion is verified when present (docs/identity.md).
  bool vihf_required = false;
  // ---- end issue 6 ----

  // ---- issue 5: lifecycle (profile.json "lifecycle": {"statuses": [...]}) ----
  // Availability statuses an ITI-57 UpdateAvailabilityStatus may set besides
  // Approved and Deprecated: the DMP's Archived and Deleted (CI-SIS JDV_J52).
  std::set<std::string, std::less<>> lifecycle_statuses;
  // ---- end issue 5 ----

  // ---- issue 6: access policy (profile.json "access_policy": {"enabled": true}) ----
  // true: every XDS transaction passes through the DMP access policy
  // (gateway/src/access, docs/policy-enforcement.md); false: plain XDS.b.
  bool access_policy = false;
  // ---- end issue 6: access policy ----

  // ---- issue 9: lot signatures (profile.json "lot_signature": {"required": true}) ----
  // true: an ITI-41 lot without an IHE DSG signature document is refused
  // (dmp-xds-mapping.md §8); a signature present is verified either way.
  bool lot_signature_required = false;
  // ---- end issue 9 ----

  const CodeList* codes(std::string_view attribute) const;
};

// Reads `<dir>/profile.json` and the code list files it names (JSON lists,
// or a NIST toolkit codes.xml). Throws Failure(passerelle:InternalError,
// location = file) with a precise message when a file is missing or malformed.
Profile load_profile(const std::filesystem::path& dir);

// Profiles shipped with the gateway: `<root>/<name>/profile.json`. The root
// is the build-time data directory unless PASSERELLE_PROFILE_DIR is given.
std::filesystem::path default_profile_root();
Profile load_named_profile(std::string_view name,
                           const std::filesystem::path& root = default_profile_root());

}  // namespace passerelle::registry
