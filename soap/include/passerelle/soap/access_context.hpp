#pragma once

// Who is calling, as established by a verified VIHF assertion (R-ID-1,
// dmp-xds-mapping.md §7). Produced once per request by soap/wss, then read by
// the policy (gateway/policy) and the trace writer; never modified.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace passerelle::soap {

// A coded value of the assertion (HL7 CE / CV).
struct CodedValue {
  std::string code;
  std::string code_system;
  std::string display_name;
  bool operator==(const CodedValue&) const = default;
};

enum class PersonIdKind { Rpps, Adeli, Other };

enum class PurposeOfUse {
  Normal,       // "normal"
  BrisDeGlace,  // "bris_de_glace": emergency, immediate risk (R-AUTH-2)
  Centre15,     // "centre_15": SAMU / Centre 15 regulation (R-AUTH-2)
};

enum class AuthenticationMode { Directe, Indirecte, IndirecteRenforcee };

struct CallingSoftware {
  std::string id;                // LPS_ID
  std::string name;              // LPS_Nom
  std::string version;           // LPS_Version
  std::string dmp_homologation;  // LPS_ID_HOMOLOGATION_DMP
};

struct AccessContext {
  // Subject/NameID: the national id of the person (R-ID-2 format, e.g.
  // "810001234567" with its type prefix) and its kind.
  std::string person_id;
  PersonIdKind person_id_kind = PersonIdKind::Other;
  std::string display_name;  // xspa subject-id

  // Roles: profession (TRE_G15 1.2.250.1.71.1.2.7), speciality for doctors
  // (TRE_R01 1.2.250.1.71.4.2.5), role (TRE_R85), non-PS codes (TRE_A00).
  CodedValue profession;
  std::optional<CodedValue> speciality;
  std::optional<CodedValue> role;

  std::string structure_id;          // Identifiant_Structure (R-ID-2)
  std::optional<CodedValue> sector;  // Secteur_Activite SAxx
  AuthenticationMode authentication = AuthenticationMode::Indirecte;
  PurposeOfUse purpose = PurposeOfUse::Normal;
  // Minor's secret connection (R-AUTH-6): the assertion carried the
  // INVISIBLE_REPRESENTANTS_LEGAUX confidentiality code.
  bool secret_connection = false;
  std::string patient_id;  // resource-id, CX as sent (checked = request's patient)
  CallingSoftware software;
  std::string vihf_version;  // "3.0" or "4.0"

  // Who signed the assertion (the organisation's certificate subject) and
  // when it stops being valid.
  std::string issuer;
  std::chrono::system_clock::time_point not_on_or_after{};

  // The assertion's ID and validity start, for traces.
  std::string assertion_id;
  std::chrono::system_clock::time_point not_before{};
};

}  // namespace passerelle::soap
