#include "attributes.hpp"

#include <map>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/soap/wss.hpp"
#include "tree.hpp"
#include "values.hpp"

namespace passerelle::soap::wss {
namespace {

// Code systems (dmp-xds-mapping.md §7; OIDs as in shared/corpus/dmp-value-sets).
constexpr const char* kProfessionSystem = "1.2.250.1.71.1.2.7";    // TRE_G15
constexpr const char* kNonPsSystem = "1.2.250.1.213.1.1.4.6";      // TRE_A00
constexpr const char* kSpecialitySystem = "1.2.250.1.71.4.2.5";    // TRE_R01
constexpr const char* kRoleSystem = "1.2.250.1.213.1.6.1.107";     // TRE_R85
constexpr const char* kSectorSystem = "1.2.250.1.71.4.2.4";        // TRE_R02 SAxx
constexpr const char* kPurposeSystem = "1.2.250.1.213.1.1.4.248";  // purpose of use
constexpr const char* kConfidentialitySystem = "1.2.250.1.213.1.1.4.13";
constexpr const char* kDoctor = "10";  // TRE_G15 médecin: speciality required

constexpr const char* kSubjectId = "urn:oasis:names:tc:xspa:1.0:subject:subject-id";
constexpr const char* kRole = "urn:oasis:names:tc:xacml:2.0:subject:role";
constexpr const char* kPurpose = "urn:oasis:names:tc:xspa:1.0:subject:purposeofuse";
constexpr const char* kResourceId = "urn:oasis:names:tc:xacml:2.0:resource:resource-id";
constexpr const char* kConfidentiality =
    "urn:oasis:names:tc:xspa:1.0:resource:patient:hl7:confidentiality-code";

[[noreturn]] void refuse(const std::string& where, const std::string& why) {
  throw Failure(codes::kInvalidSecurityToken, where, "VIHF " + where + ": " + why);
}

// One saml:AttributeValue: either text, or one coded element (HL7 CE:
// code, codeSystem, displayName) as the ANS VIHF sends roles and purposes.
struct Value {
  std::string text;
  std::optional<CodedValue> coded;
};

using Attributes = std::map<std::string, std::vector<Value>, std::less<>>;

Attributes read_statement(const xmlNode* assertion) {
  const auto statements = tree::children(assertion, kSaml2, "AttributeStatement");
  if (statements.size() != 1) {
    refuse("AttributeStatement",
           "expected exactly one, found " + std::to_string(statements.size()));
  }
  Attributes attributes;
  for (const xmlNode* attribute : tree::children(statements.front(), kSaml2, "Attribute")) {
    const std::string name = tree::attribute(attribute, "Name");
    if (name.empty()) refuse("Attribute", "an Attribute without Name");
    if (attributes.contains(name)) refuse(name, "the attribute is given twice");
    std::vector<Value>& values = attributes[name];
    for (const xmlNode* value : tree::children(attribute, kSaml2, "AttributeValue")) {
      const auto elements = tree::element_children(value);
      if (elements.empty()) {
        values.push_back({tree::text(value), std::nullopt});
      } else if (elements.size() == 1) {
        const xmlNode* coded = elements.front();
        values.push_back(
            {"", CodedValue{tree::attribute(coded, "code"), tree::attribute(coded, "codeSystem"),
                            tree::attribute(coded, "displayName")}});
      } else {
        refuse(name, "an AttributeValue holds more than one element");
      }
    }
    if (values.empty()) refuse(name, "the attribute has no AttributeValue");
  }
  return attributes;
}

const std::vector<Value>& required(const Attributes& attributes, const std::string& name) {
  const auto found = attributes.find(name);
  if (found == attributes.end()) refuse(name, "required attribute missing");
  return found->second;
}

std::string single_text(const Attributes& attributes, const std::string& name) {
  const auto& values = required(attributes, name);
  if (values.size() != 1 || values.front().coded) refuse(name, "expected one text value");
  if (values.front().text.empty()) refuse(name, "the value is empty");
  return values.front().text;
}

std::optional<std::string> optional_text(const Attributes& attributes, const std::string& name) {
  if (!attributes.contains(name)) return std::nullopt;
  return single_text(attributes, name);
}

CodedValue single_coded(const Attributes& attributes, const std::string& name) {
  const auto& values = required(attributes, name);
  if (values.size() != 1 || !values.front().coded) refuse(name, "expected one coded value");
  return *values.front().coded;
}

void read_roles(const Attributes& attributes, AccessContext& context) {
  std::optional<CodedValue> profession;
  for (const Value& value : required(attributes, kRole)) {
    if (!value.coded || value.coded->code.empty()) {
      refuse(kRole, "every role must be a coded value (code, codeSystem)");
    }
    const CodedValue& code = *value.coded;
    std::optional<CodedValue>* slot = nullptr;
    if (code.code_system == kProfessionSystem || code.code_system == kNonPsSystem) {
      slot = &profession;
    } else if (code.code_system == kSpecialitySystem) {
      slot = &context.speciality;
    } else if (code.code_system == kRoleSystem) {
      slot = &context.role;
    } else {
      refuse(kRole, "code '" + code.code + "' has code system '" + code.code_system +
                        "', expected TRE_G15 " + kProfessionSystem + ", TRE_R01 " +
                        kSpecialitySystem + ", TRE_R85 " + kRoleSystem + " or TRE_A00 " +
                        kNonPsSystem);
    }
    if (*slot) refuse(kRole, "two codes of code system '" + code.code_system + "'");
    *slot = code;
  }
  if (!profession) {
    refuse(kRole, std::string("no profession (TRE_G15 ") + kProfessionSystem + " or TRE_A00 " +
                      kNonPsSystem + ")");
  }
  context.profession = *profession;
  if (context.profession.code_system == kProfessionSystem && context.profession.code == kDoctor &&
      !context.speciality) {
    refuse(kRole, std::string("a doctor (TRE_G15 10) needs a speciality (TRE_R01 ") +
                      kSpecialitySystem + ")");
  }
}

PurposeOfUse read_purpose(const Attributes& attributes) {
  const CodedValue purpose = single_coded(attributes, kPurpose);
  if (purpose.code_system != kPurposeSystem) {
    refuse(kPurpose, "code system '" + purpose.code_system + "', expected " + kPurposeSystem);
  }
  if (purpose.code == "normal") return PurposeOfUse::Normal;
  if (purpose.code == "bris_de_glace") return PurposeOfUse::BrisDeGlace;
  if (purpose.code == "centre_15") return PurposeOfUse::Centre15;
  refuse(kPurpose, "unknown purpose of use '" + purpose.code.substr(0, 40) +
                       "' (normal, bris_de_glace or centre_15)");
}

CodedValue read_sector(const Attributes& attributes) {
  // "SAxx^1.2.250.1.71.4.2.4"
  const std::string text = single_text(attributes, "Secteur_Activite");
  const auto caret = text.find('^');
  CodedValue sector{text.substr(0, caret), caret == std::string::npos ? "" : text.substr(caret + 1),
                    ""};
  const bool code_ok = sector.code.size() == 4 && sector.code.starts_with("SA") &&
                       std::isdigit(static_cast<unsigned char>(sector.code[2])) != 0 &&
                       std::isdigit(static_cast<unsigned char>(sector.code[3])) != 0;
  if (!code_ok || sector.code_system != kSectorSystem) {
    refuse("Secteur_Activite",
           "'" + text.substr(0, 60) + "' is not SAxx^" + std::string(kSectorSystem));
  }
  return sector;
}

AuthenticationMode read_mode(const Attributes& attributes) {
  const std::string mode = single_text(attributes, "Authentification_Mode");
  if (mode == "DIRECTE") return AuthenticationMode::Directe;
  if (mode == "INDIRECTE") return AuthenticationMode::Indirecte;
  if (mode == "INDIRECTE_RENFORCEE") return AuthenticationMode::IndirecteRenforcee;
  refuse("Authentification_Mode",
         "'" + mode.substr(0, 40) + "' is not DIRECTE, INDIRECTE or INDIRECTE_RENFORCEE");
}

bool read_secret_connection(const Attributes& attributes) {
  if (!attributes.contains(kConfidentiality)) return false;
  // R-AUTH-6: the only accepted value, for a minor's secret connection.
  const CodedValue code = single_coded(attributes, kConfidentiality);
  if (code.code != "INVISIBLE_REPRESENTANTS_LEGAUX" || code.code_system != kConfidentialitySystem) {
    refuse(kConfidentiality, "only INVISIBLE_REPRESENTANTS_LEGAUX (" +
                                 std::string(kConfidentialitySystem) + ") is accepted, got '" +
                                 code.code.substr(0, 40) + "'");
  }
  return true;
}

void read_name_id(const xmlNode* assertion, AccessContext& context) {
  const auto subjects = tree::children(assertion, kSaml2, "Subject");
  if (subjects.size() != 1) refuse("Subject", "expected exactly one Subject");
  const auto names = tree::children(subjects.front(), kSaml2, "NameID");
  if (names.size() != 1) refuse("Subject/NameID", "expected exactly one NameID");
  context.person_id = tree::text(names.front());
  if (auto problem = person_id_problem(context.person_id, context.person_id_kind);
      !problem.empty()) {
    refuse("Subject/NameID", problem);
  }
}

}  // namespace

void read_subject_and_attributes(const xmlNode* assertion, AccessContext& context) {
  read_name_id(assertion, context);
  const Attributes attributes = read_statement(assertion);

  context.vihf_version = single_text(attributes, "VIHF_Version");
  if (context.vihf_version != "3.0" && context.vihf_version != "4.0") {
    refuse("VIHF_Version", "'" + context.vihf_version.substr(0, 20) + "' is not 3.0 or 4.0");
  }
  context.structure_id = single_text(attributes, "Identifiant_Structure");
  if (auto problem = structure_id_problem(context.structure_id); !problem.empty()) {
    refuse("Identifiant_Structure", problem);
  }
  context.sector = read_sector(attributes);
  context.display_name = single_text(attributes, kSubjectId);
  read_roles(attributes, context);
  context.purpose = read_purpose(attributes);
  context.patient_id = single_text(attributes, kResourceId);
  if (!parse_patient_cx(context.patient_id)) {
    refuse(kResourceId, "'" + context.patient_id.substr(0, 80) +
                            "' is not a patient id as CX (<id>^^^&<OID>&ISO^NH)");
  }
  if (const std::string urn = single_text(attributes, "Ressource_URN"); urn != "urn:dmp") {
    refuse("Ressource_URN", "'" + urn.substr(0, 40) + "' is not urn:dmp");
  }
  context.authentication = read_mode(attributes);
  context.secret_connection = read_secret_connection(attributes);
  context.software.id = optional_text(attributes, "LPS_ID").value_or("");
  context.software.name = single_text(attributes, "LPS_Nom");
  context.software.version = single_text(attributes, "LPS_Version");
  context.software.dmp_homologation = single_text(attributes, "LPS_ID_HOMOLOGATION_DMP");
}

}  // namespace passerelle::soap::wss
