#pragma once

// Document types with rules of their own (R-SPEC-1/2). The codes are those of
// the national typeCode lists, looked up in shared/corpus:
// - 11369-6 "Historique des vaccinations", LOINC 2.16.840.1.113883.6.1:
//   ans-cda/value-sets/JDV_J07_XdsTypeCode_CISIS.xml line 120,
//   dmp-value-sets/JDV_J66_TypeCode_DMP.xml line 48, dmp-habilitation/matrix.csv
//   source_row 132 (class 52).
// - REMB "Données de remboursement", TRE_A05 1.2.250.1.213.1.1.4.12:
//   JDV_J07 line 54, JDV_J66 line 30, matrix.csv source_row 138 (class 60,
//   classCode 60 in dmp-value-sets/JDV_J57_ClassCode_DMP.xml).
// Reimbursement data come from the insurer's own feed (TRE_A00 ALIM_AM in
// dmp-value-sets/TRE_A00_ProducteurDocNonPS.xml), which does not go through
// this policy: every submission of REMB by a caller here is refused.
// The single-vaccination rules of R-SPEC-1 (per entry inside the CDA) are
// not decided here: the policy sees metadata, not document bodies.

#include "passerelle/registry/metadata.hpp"

namespace passerelle::policy {

inline constexpr const char* kLoincSystem = "2.16.840.1.113883.6.1";
inline constexpr const char* kVaccinationRecordType = "11369-6";
inline constexpr const char* kDmpTypeSystem = "1.2.250.1.213.1.1.4.12";  // TRE_A05
inline constexpr const char* kReimbursementType = "REMB";

bool is_vaccination_record(const registry::DocumentEntry& entry);
bool is_reimbursement_data(const registry::DocumentEntry& entry);

}  // namespace passerelle::policy
