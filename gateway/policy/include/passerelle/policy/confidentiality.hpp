#pragma once

// The confidentialityCode set of a DocumentEntry (dmp-xds-mapping.md §6): one
// HL7 code plus DMP visibility codes, and the rules on their combinations
// (R-DOC-4) and changes (R-CHG-1/2).

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "passerelle/policy/refusal.hpp"
#include "passerelle/registry/metadata.hpp"

namespace passerelle::policy {

inline constexpr const char* kHl7ConfidentialitySystem = "2.16.840.1.113883.5.25";
inline constexpr const char* kDmpVisibilitySystem = "1.2.250.1.213.1.1.4.13";
inline constexpr const char* kMasquePs = "MASQUE_PS";
inline constexpr const char* kInvisiblePatient = "INVISIBLE_PATIENT";
inline constexpr const char* kInvisibleRepresentants = "INVISIBLE_REPRESENTANTS_LEGAUX";

struct Visibility {
  bool masked_to_professionals = false;             // MASQUE_PS, R-READ-3
  bool invisible_to_patient = false;                // INVISIBLE_PATIENT, R-READ-2
  bool invisible_to_legal_representatives = false;  // R-READ-4
};

// Reads the DMP flags; other codes are ignored.
Visibility visibility_of(std::span<const registry::Code> codes);

// R-DOC-4 on a submitted set: exactly one HL7 code (N, R or V), DMP codes from
// the three known ones, none repeated, MASQUE_PS and INVISIBLE_PATIENT not
// together (only INVISIBLE_REPRESENTANTS_LEGAUX combines with the others), and
// INVISIBLE_REPRESENTANTS_LEGAUX only when the patient has legal
// representatives (a minor, or a record with one). `location` goes into the
// refusal.
std::optional<Refusal> check_confidentiality(std::span<const registry::Code> codes,
                                             bool patient_has_representatives,
                                             const std::string& location);

// What an ITI-57 metadata update does to visibility.
enum class DocumentChange {
  Mask,                               // + MASQUE_PS (R-CHG-1)
  Unmask,                             // - MASQUE_PS (R-CHG-1)
  MakeVisibleToPatient,               // - INVISIBLE_PATIENT (R-CHG-2)
  MakeVisibleToLegalRepresentatives,  // - INVISIBLE_REPRESENTANTS_LEGAUX (R-CHG-2)
  Archive,                            // Approved → Archived (R-CHG-3)
  Unarchive,                          // Archived → Approved (R-CHG-3)
  Delete,                             // → Deleted (R-CHG-5)
  Replace,                            // RPLC new version (R-CHG-4)
};

const char* to_string(DocumentChange change);

// The changes an update of the confidentialityCode set from `before` to
// `after` makes, or the refusal: hiding again (R-CHG-2), changing the HL7 code
// or no change at all (DMP_CHG_UNSUPPORTED), an invalid new set (R-DOC-4).
struct ChangeSet {
  std::vector<DocumentChange> changes;
  std::optional<Refusal> refusal;
};
ChangeSet classify_confidentiality_update(std::span<const registry::Code> before,
                                          std::span<const registry::Code> after,
                                          bool patient_has_representatives,
                                          const std::string& location);

// An UpdateAvailabilityStatus from `original` to `next` (ebRS / CI-SIS
// status URNs): Archive, Unarchive or Delete, or DMP_CHG_UNSUPPORTED.
ChangeSet classify_status_update(const std::string& original, const std::string& next,
                                 const std::string& location);

}  // namespace passerelle::policy
