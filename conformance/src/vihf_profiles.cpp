#include "passerelle/conformance/vihf_profiles.hpp"

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "text.hpp"

namespace passerelle::conformance {
namespace {

constexpr const char* kPurposeSystem = "1.2.250.1.213.1.1.4.248";
constexpr const char* kSectorSystem = "1.2.250.1.71.4.2.4";
constexpr const char* kConfidentialitySystem = "1.2.250.1.213.1.1.4.13";

[[noreturn]] void bad(const std::string& where, const std::string& why) {
  throw Failure(kHarnessError, where, where + ": " + why);
}

std::string required(const xercesc::DOMElement& element, const char* name,
                     const std::string& where) {
  auto value = trim(xml::attribute(element, name).value_or(""));
  if (value.empty()) bad(where, std::string("attribute ") + name + " is required");
  return value;
}

soap::CodedValue coded(const xercesc::DOMElement& element, const std::string& where) {
  return {required(element, "code", where), required(element, "codeSystem", where),
          xml::attribute(element, "displayName").value_or("")};
}

bool boolean(const std::string& text, const std::string& where) {
  if (text == "true") return true;
  if (text == "false") return false;
  bad(where, "'" + text + "' is not true or false");
}

void apply(VihfProfile& profile, const std::string& key, const std::string& value,
           const std::string& where) {
  if (key == "purpose") {
    if (value != "normal" && value != "bris_de_glace" && value != "centre_15") {
      bad(where, "purpose '" + value + "' is not normal, bris_de_glace or centre_15");
    }
    profile.purpose = value;
  } else if (key == "secret") {
    profile.secret_connection = boolean(value, where);
  } else if (key == "authentication") {
    profile.authentication = value;
  } else {
    bad(where, "unknown VIHF setting '" + key + "'");
  }
}

}  // namespace

VihfProfiles parse_vihf_profiles(const std::string& text, const std::string& location) {
  const auto document = xml::parse(text, {}, location);
  VihfProfiles out;
  for (const auto* element : xml::child_elements(document.root())) {
    if (xml::local_name(*element) != "Profile") continue;
    VihfProfile profile;
    profile.name = required(*element, "name", location + " Profile");
    const std::string where = location + " profile '" + profile.name + "'";
    profile.person_id = required(*element, "personId", where);
    profile.display_name = required(*element, "displayName", where);
    profile.structure_id = required(*element, "structure", where);
    profile.sector = xml::attribute(*element, "sector").value_or(profile.sector);
    for (const char* key : {"purpose", "secret", "authentication"}) {
      if (const auto value = xml::attribute(*element, key)) apply(profile, key, *value, where);
    }
    bool has_profession = false;
    for (const auto* child : xml::child_elements(*element)) {
      const auto name = xml::local_name(*child);
      if (name == "Profession") {
        profile.profession = coded(*child, where + " Profession");
        has_profession = true;
      } else if (name == "Speciality") {
        profile.speciality = coded(*child, where + " Speciality");
      } else if (name == "Role") {
        profile.role = coded(*child, where + " Role");
      } else {
        bad(where, "unknown element <" + name + ">");
      }
    }
    if (!has_profession) bad(where, "<Profession> is required");
    if (!out.emplace(profile.name, profile).second) bad(where, "defined twice");
  }
  return out;
}

VihfProfile resolve_vihf(const VihfProfiles& profiles, const VihfRequest& request) {
  const auto found = profiles.find(request.profile);
  if (found == profiles.end()) {
    bad("<Vihf profile=\"" + request.profile + "\">",
        profiles.empty() ? "the suite defines no profile (vihf-profiles.xml)"
                         : "no such profile in vihf-profiles.xml");
  }
  VihfProfile profile = found->second;
  for (const auto& [key, value] : request.overrides) {
    apply(profile, key, value, "<Vihf profile=\"" + request.profile + "\">");
  }
  return profile;
}

std::vector<VihfAttribute> vihf_attributes(const VihfProfile& profile, const std::string& patient) {
  std::vector<soap::CodedValue> roles = {profile.profession};
  if (profile.speciality) roles.push_back(*profile.speciality);
  if (profile.role) roles.push_back(*profile.role);
  std::vector<VihfAttribute> out = {
      {"VIHF_Version", {"3.0"}, {}},
      {"Identifiant_Structure", {profile.structure_id}, {}},
      {"Secteur_Activite", {profile.sector + "^" + kSectorSystem}, {}},
      {"urn:oasis:names:tc:xspa:1.0:subject:subject-id", {profile.display_name}, {}},
      {"urn:oasis:names:tc:xacml:2.0:subject:role", {}, roles},
      {"urn:oasis:names:tc:xspa:1.0:subject:purposeofuse",
       {},
       {{profile.purpose, kPurposeSystem, profile.purpose}}},
      {"urn:oasis:names:tc:xacml:2.0:resource:resource-id", {patient}, {}},
      {"Ressource_URN", {"urn:dmp"}, {}},
      {"Authentification_Mode", {profile.authentication}, {}},
      {"LPS_ID", {"passerelle-conformance"}, {}},
      {"LPS_Nom", {"Passerelle conformance harness"}, {}},
      {"LPS_Version", {"1.0"}, {}},
      {"LPS_ID_HOMOLOGATION_DMP", {"CONFORMANCE-HARNESS"}, {}},
  };
  if (profile.secret_connection) {
    out.push_back({"urn:oasis:names:tc:xspa:1.0:resource:patient:hl7:confidentiality-code",
                   {},
                   {{"INVISIBLE_REPRESENTANTS_LEGAUX", kConfidentialitySystem,
                     "Invisible aux représentants légaux"}}});
  }
  return out;
}

}  // namespace passerelle::conformance
