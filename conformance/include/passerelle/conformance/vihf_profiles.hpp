#pragma once

// The professionals of a suite (vihf-profiles.xml at the suite's root,
// beside tests/) and the VIHF attributes a step's <Vihf profile="…"/> turns
// into (docs/identity.md lists what a DMP-like gateway reads). Nothing here
// signs: vihf_assertion.hpp does.
//
//   <VihfProfiles>
//     <Profile name="author" personId="012345678901" displayName="MARTIN CLAIRE"
//              structure="10B0152872" sector="SA07" purpose="normal"
//              authentication="INDIRECTE" secret="false">
//       <Profession code="10" codeSystem="1.2.250.1.71.1.2.7" displayName="Médecin"/>
//       <Speciality code="SM26" codeSystem="1.2.250.1.71.4.2.5"/>   (optional)
//       <Role code="…" codeSystem="1.2.250.1.213.1.6.1.107"/>       (optional)
//     </Profile>
//   </VihfProfiles>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "passerelle/conformance/vihf_assertion.hpp"
#include "passerelle/soap/access_context.hpp"

namespace passerelle::conformance {

struct VihfProfile {
  std::string name;
  std::string person_id;  // NameID: RPPS/ADELI idNat (R-ID-2)
  std::string display_name;
  soap::CodedValue profession;  // TRE_G15 / TRE_A00
  std::optional<soap::CodedValue> speciality;
  std::optional<soap::CodedValue> role;
  std::string structure_id;  // Identifiant_Structure
  std::string sector = "SA07";
  std::string purpose = "normal";  // normal | bris_de_glace | centre_15
  std::string authentication = "INDIRECTE";
  bool secret_connection = false;  // R-AUTH-6
};

// What a step asks for: <Vihf profile="…" purpose="…" secret="…"
// authentication="…" patient="test|second|alt"/>.
struct VihfRequest {
  std::string profile;
  std::map<std::string, std::string> overrides;  // purpose, secret, authentication
  std::string patient = "test";                  // whose record the VIHF is for
};

using VihfProfiles = std::map<std::string, VihfProfile>;

// Throws Failure(kHarnessError) naming the profile and attribute on bad input.
VihfProfiles parse_vihf_profiles(const std::string& xml, const std::string& location = "");
// `request` applied to its profile; throws Failure(kHarnessError) for an
// unknown profile or override.
VihfProfile resolve_vihf(const VihfProfiles& profiles, const VihfRequest& request);
// The AttributeStatement of `profile`'s VIHF for `patient` (resource-id).
std::vector<VihfAttribute> vihf_attributes(const VihfProfile& profile, const std::string& patient);

}  // namespace passerelle::conformance
