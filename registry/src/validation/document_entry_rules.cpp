// DocumentEntry (ITI TF-3 §4.2.3.2, Table 4.3.1-3 column "XDS DS / Register").
// hash, size and repositoryUniqueId are required: for ITI-41 the repository
// has filled them in before validation runs.

#include <string>
#include <string_view>

#include "passerelle/registry/datatypes.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "validation/rules.hpp"

namespace passerelle::registry::validation {
namespace {

namespace dt = datatypes;
using enum Need;
using enum Count;

// sourcePatientInfo: "PID-<n>|<value>", the usual fields lightly checked.
std::string check_pid_field(std::string_view value) {
  const auto bar = value.find('|');
  if (value.substr(0, 4) != "PID-" || bar == std::string_view::npos || bar == 4) {
    return "must be PID-<field>|<value>";
  }
  const auto field = value.substr(4, bar - 4);
  for (const char c : field) {
    if (c < '0' || c > '9') return "must be PID-<field>|<value>";
  }
  const auto content = value.substr(bar + 1);
  const auto first = content.substr(0, content.find('^'));
  if (field == "3" && first.empty()) return "PID-3 needs an identifier";
  if (field == "5" && content.find_first_not_of('^') == std::string_view::npos) {
    return "PID-5 needs a name";
  }
  if (field == "7") {
    if (std::string reason = dt::check_dtm(content); !reason.empty()) return "PID-7 " + reason;
  }
  if (field == "8" && (content.size() != 1 ||
                       std::string_view("AFMNOU").find(content[0]) == std::string_view::npos)) {
    return "PID-8 must be one of A, F, M, N, O, U";
  }
  return "";
}

// clang-format off
constexpr SlotRule kSlots[] = {
    // attribute            slot                                    need      count check
    {"creationTime",        "creationTime",                         Required, One,  dt::check_dtm},
    {"hash",                "hash",                                 Required, One,  dt::check_sha1_hex},
    {"languageCode",        "languageCode",                         Required, One,  dt::check_language_tag},
    {"legalAuthenticator",  "legalAuthenticator",                   Optional, One,  dt::check_xcn},
    {"referenceIdList",     "urn:ihe:iti:xds:2013:referenceIdList", Optional, Many, dt::check_cxi},
    {"repositoryUniqueId",  "repositoryUniqueId",                   Required, One,  dt::check_oid},
    {"serviceStartTime",    "serviceStartTime",                     Optional, One,  dt::check_dtm},
    {"serviceStopTime",     "serviceStopTime",                      Optional, One,  dt::check_dtm},
    {"size",                "size",                                 Required, One,  dt::check_size},
    {"sourcePatientId",     "sourcePatientId",                      Required, One,  dt::check_cx},  // R for a Document Source (ITI TF-3 Table 4.3.1-3)
    {"sourcePatientInfo",   "sourcePatientInfo",                    Optional, Many, check_pid_field},
    {"URI",                 "URI",                                  Optional, Many, nullptr},
};

constexpr IdRule kIds[] = {
    // attribute  identificationScheme   need      check
    {"patientId", vocab::kDocPatientId,  Required, dt::check_cx},
    {"uniqueId",  vocab::kDocUniqueId,   Required, dt::check_unique_id},
};

constexpr CodeRule kCodes[] = {
    // attribute                   classificationScheme                   need      count code list
    {"classCode",                  vocab::kDocClassCode,                  Required, One,  "classCode"},
    {"confidentialityCode",        vocab::kDocConfidentialityCode,        Required, Many, "confidentialityCode"},
    {"eventCodeList",              vocab::kDocEventCode,                  Optional, Many, "eventCodeList"},
    {"formatCode",                 vocab::kDocFormatCode,                 Required, One,  "formatCode"},
    {"healthcareFacilityTypeCode", vocab::kDocHealthcareFacilityTypeCode, Required, One,  "healthcareFacilityTypeCode"},
    {"practiceSettingCode",        vocab::kDocPracticeSettingCode,        Required, One,  "practiceSettingCode"},
    {"typeCode",                   vocab::kDocTypeCode,                   Required, One,  "typeCode"},
};
// clang-format on

void check_object_type(const DocumentEntry& d, Collector& out) {
  if (d.object_type.empty()) {
    out.add(d.entry_uuid, xds_codes::kRegistryMetadataError, missing("objectType"));
  } else if (d.object_type != vocab::kStableDocumentEntry &&
             d.object_type != vocab::kOnDemandDocumentEntry) {
    out.add(
        d.entry_uuid, xds_codes::kRegistryMetadataError,
        message("objectType", "must be the stable or on-demand DocumentEntry type", d.object_type));
  }
}

void check_mime_type(const DocumentEntry& d, const Profile& profile, Collector& out) {
  if (d.mime_type.empty()) {
    out.add(d.entry_uuid, xds_codes::kRegistryMetadataError, missing("mimeType"));
    return;
  }
  if (std::string reason = dt::check_mime_type(d.mime_type); !reason.empty()) {
    out.add(d.entry_uuid, xds_codes::kRegistryMetadataError,
            message("mimeType", reason, d.mime_type));
    return;
  }
  // A mimeType list (NIST codes.xml) has no coding scheme.
  if (const CodeList* list = profile.codes("mimeType");
      list != nullptr && !list->contains(d.mime_type, "")) {
    out.add(d.entry_uuid, xds_codes::kRegistryMetadataError,
            message("mimeType", "not in the profile's mimeType list", d.mime_type));
  }
}

void check_profile_limits(const DocumentEntry& d, const Profile& profile, Collector& out) {
  if (profile.max_confidentiality_codes != 0 &&
      d.confidentiality_codes.size() > profile.max_confidentiality_codes) {
    out.add(d.entry_uuid, xds_codes::kRegistryMetadataError,
            message("confidentialityCode",
                    "at most " + std::to_string(profile.max_confidentiality_codes) +
                        " codes allowed by profile '" + profile.name + "'",
                    std::to_string(d.confidentiality_codes.size()) + " codes"));
  }
  if (d.type_code && d.class_code) {
    const auto found = profile.class_code_for_type_code.find(d.type_code->code);
    if (found != profile.class_code_for_type_code.end() && found->second != d.class_code->code) {
      out.add(
          d.entry_uuid, xds_codes::kRegistryMetadataError,
          message("classCode",
                  "typeCode '" + d.type_code->code + "' requires classCode '" + found->second + "'",
                  d.class_code->code));
    }
  }
}

}  // namespace

void check_document_entries(const Submission& submission, const Profile& profile, Collector& out) {
  const ObjectRules rules{kSlots,
                          kIds,
                          kCodes,
                          vocab::kDocAuthor,
                          Optional,
                          Optional,
                          &profile.required_document_attributes};
  for (const DocumentEntry& d : submission.documents) {
    if (d.object == nullptr) continue;
    check_object_type(d, out);
    check_mime_type(d, profile, out);
    check_attributes(*d.object, rules, profile, out);
    check_profile_limits(d, profile, out);
  }
}

}  // namespace passerelle::registry::validation
