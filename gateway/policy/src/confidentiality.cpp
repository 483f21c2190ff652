#include "passerelle/policy/confidentiality.hpp"

#include <algorithm>
#include <string_view>

#include "passerelle/registry/vocabulary.hpp"

namespace passerelle::policy {

namespace {

constexpr std::string_view kHl7Codes[] = {"N", "R", "V"};

bool is_hl7(const registry::Code& code) { return code.scheme == kHl7ConfidentialitySystem; }

Refusal refuse(const char* code, std::string reason, const std::string& location) {
  return Refusal{code, std::move(reason), location};
}

const registry::Code* hl7_code(std::span<const registry::Code> codes) {
  const auto found = std::find_if(codes.begin(), codes.end(), is_hl7);
  return found == codes.end() ? nullptr : &*found;
}

}  // namespace

Visibility visibility_of(std::span<const registry::Code> codes) {
  Visibility out;
  for (const registry::Code& code : codes) {
    if (code.scheme != kDmpVisibilitySystem) continue;
    out.masked_to_professionals = out.masked_to_professionals || code.code == kMasquePs;
    out.invisible_to_patient = out.invisible_to_patient || code.code == kInvisiblePatient;
    out.invisible_to_legal_representatives =
        out.invisible_to_legal_representatives || code.code == kInvisibleRepresentants;
  }
  return out;
}

std::optional<Refusal> check_confidentiality(std::span<const registry::Code> codes,
                                             bool patient_has_representatives,
                                             const std::string& location) {
  std::size_t hl7 = 0;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const registry::Code& code = codes[i];
    for (std::size_t j = 0; j < i; ++j) {
      if (codes[j].code == code.code && codes[j].scheme == code.scheme) {
        return refuse(refusal::kConfidentialityInvalid,
                      "confidentialityCode '" + code.code + "' is repeated", location);
      }
    }
    if (is_hl7(code)) {
      if (std::find(std::begin(kHl7Codes), std::end(kHl7Codes), code.code) == std::end(kHl7Codes)) {
        return refuse(refusal::kConfidentialityInvalid,
                      "HL7 confidentialityCode '" + code.code + "' is not N, R or V", location);
      }
      ++hl7;
    } else if (code.scheme == kDmpVisibilitySystem) {
      if (code.code != kMasquePs && code.code != kInvisiblePatient &&
          code.code != kInvisibleRepresentants) {
        return refuse(refusal::kConfidentialityInvalid,
                      "confidentialityCode '" + code.code + "' is not a DMP visibility code",
                      location);
      }
    } else {
      return refuse(refusal::kConfidentialityInvalid,
                    "confidentialityCode '" + code.code + "' of scheme '" + code.scheme +
                        "' is neither HL7 (" + kHl7ConfidentialitySystem + ") nor DMP (" +
                        kDmpVisibilitySystem + ")",
                    location);
    }
  }
  if (hl7 != 1) {
    return refuse(
        refusal::kConfidentialityInvalid,
        "exactly one HL7 confidentialityCode (N, R or V) is required, found " + std::to_string(hl7),
        location);
  }
  const Visibility visibility = visibility_of(codes);
  // R-DOC-4: (d) combines with (b) and (c); (b) and (c) exclude each other,
  // since a document masked to professionals is meant for the patient.
  if (visibility.masked_to_professionals && visibility.invisible_to_patient) {
    return refuse(refusal::kConfidentialityIncompatible,
                  "MASQUE_PS and INVISIBLE_PATIENT cannot be combined", location);
  }
  if (visibility.invisible_to_legal_representatives && !patient_has_representatives) {
    return refuse(refusal::kConfidentialityIncompatible,
                  "INVISIBLE_REPRESENTANTS_LEGAUX applies only to a patient with legal "
                  "representatives (a minor)",
                  location);
  }
  return std::nullopt;
}

const char* to_string(DocumentChange change) {
  switch (change) {
    case DocumentChange::Mask:
      return "mask";
    case DocumentChange::Unmask:
      return "unmask";
    case DocumentChange::MakeVisibleToPatient:
      return "make visible to the patient";
    case DocumentChange::MakeVisibleToLegalRepresentatives:
      return "make visible to the legal representatives";
    case DocumentChange::Archive:
      return "archive";
    case DocumentChange::Unarchive:
      return "unarchive";
    case DocumentChange::Delete:
      return "delete";
    case DocumentChange::Replace:
      return "replace";
  }
  return "change";
}

ChangeSet classify_confidentiality_update(std::span<const registry::Code> before,
                                          std::span<const registry::Code> after,
                                          bool patient_has_representatives,
                                          const std::string& location) {
  ChangeSet out;
  const registry::Code* old_hl7 = hl7_code(before);
  const registry::Code* new_hl7 = hl7_code(after);
  if (old_hl7 && new_hl7 && old_hl7->code != new_hl7->code) {
    out.refusal = refuse(refusal::kUnsupportedChange,
                         "the HL7 confidentialityCode cannot be changed by an update", location);
    return out;
  }
  const Visibility was = visibility_of(before);
  const Visibility is = visibility_of(after);
  if ((is.invisible_to_patient && !was.invisible_to_patient) ||
      (is.invisible_to_legal_representatives && !was.invisible_to_legal_representatives)) {
    out.refusal = refuse(refusal::kCannotHideAgain,
                         "a visible document cannot be made invisible again", location);
    return out;
  }
  if (auto invalid = check_confidentiality(after, patient_has_representatives, location)) {
    out.refusal = std::move(invalid);
    return out;
  }
  if (is.masked_to_professionals && !was.masked_to_professionals) {
    out.changes.push_back(DocumentChange::Mask);
  }
  if (!is.masked_to_professionals && was.masked_to_professionals) {
    out.changes.push_back(DocumentChange::Unmask);
  }
  if (was.invisible_to_patient && !is.invisible_to_patient) {
    out.changes.push_back(DocumentChange::MakeVisibleToPatient);
  }
  if (was.invisible_to_legal_representatives && !is.invisible_to_legal_representatives) {
    out.changes.push_back(DocumentChange::MakeVisibleToLegalRepresentatives);
  }
  if (out.changes.empty()) {
    out.refusal = refuse(refusal::kUnsupportedChange, "the update changes no visibility", location);
  }
  return out;
}

ChangeSet classify_status_update(const std::string& original, const std::string& next,
                                 const std::string& location) {
  namespace vocab = registry::vocab;
  ChangeSet out;
  if (original == vocab::kApproved && next == vocab::kArchived) {
    out.changes.push_back(DocumentChange::Archive);
  } else if (original == vocab::kArchived && next == vocab::kApproved) {
    out.changes.push_back(DocumentChange::Unarchive);
  } else if ((original == vocab::kApproved || original == vocab::kArchived) &&
             next == vocab::kDeleted) {
    out.changes.push_back(DocumentChange::Delete);
  } else {
    out.refusal = refuse(refusal::kUnsupportedChange,
                         "status change from '" + original + "' to '" + next +
                             "' is not an archive, unarchive or delete",
                         location);
  }
  return out;
}

}  // namespace passerelle::policy
