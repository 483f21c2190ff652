// Issue 8: XDS metadata ↔ CDA header agreement (rules in agreement.hpp).

#include "passerelle/cda/agreement.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "agreement_support.hpp"
#include "header_checks.hpp"

namespace passerelle::cda {
namespace {

using namespace agreement;
using detail::El;

constexpr const char* kHl7Confidentiality = "2.16.840.1.113883.5.25";
// DMP masking codes, JDV_J58 / TRE_A07 (dmp-xds-mapping.md §6).
constexpr const char* kDmpConfidentiality = "1.2.250.1.213.1.1.4.13";
constexpr const char* kXdsSdFormatScheme = "1.3.6.1.4.1.19376.1.2.3";

// N1 nonXMLBody mediaType → formatCode (cda-header-rules.md X-14).
constexpr std::pair<const char*, const char*> kN1Formats[] = {
    {"application/pdf", "urn:ihe:iti:xds-sd:pdf:2008"},
    {"text/plain", "urn:ihe:iti:xds-sd:text:2008"},
    {"image/jpeg", "urn:ihe:iti-fr:xds-sd:jpeg:2010"},
    {"text/rtf", "urn:ihe:iti-fr:xds-sd:rtf:2010"},
    {"image/tiff", "urn:ihe:iti-fr:xds-sd:tiff:2010"},
};

// An XPath-like location in the CDA: "/ClinicalDocument" + `tail`.
std::string in_doc(std::string_view tail) {
  std::string out = "/ClinicalDocument";
  out += tail;
  return out;
}

class Checker {
 public:
  Checker(const El& cda, const registry::DocumentEntry& entry, const registry::SubmissionSet* set,
          const registry::Profile* profile)
      : cda_(&cda), entry_(entry), set_(set), profile_(profile) {}

  std::vector<Finding> run() {
    patient();
    type_and_class();
    creation_time();
    confidentiality();
    service_times();
    practice_setting();
    facility_type();
    authors();
    legal_authenticator();
    language_and_title();
    unique_id();
    format_and_mime();
    events_and_references();
    lot_institution();
    return std::move(findings_);
  }

 private:
  const El* cda_;
  const registry::DocumentEntry& entry_;
  const registry::SubmissionSet* set_;
  const registry::Profile* profile_;
  std::vector<Finding> findings_;

  void error(const char* rule, std::string location, std::string message) {
    findings_.push_back({rule, Severity::Error, std::move(location), std::move(message)});
  }
  void warning(const char* rule, std::string location, std::string message) {
    findings_.push_back({rule, Severity::Warning, std::move(location), std::move(message)});
  }

  // ------------------------------------------------------------------
  struct Id {
    std::string root;
    std::string extension;
  };
  static std::vector<Id> ids(const El* parent) {
    std::vector<Id> out;
    for (const auto* id : children(parent, "id"))
      out.push_back({attr(id, "root"), attr(id, "extension")});
    return out;
  }
  static std::string as_cx(const Id& id) { return id.extension + "^^^&" + id.root + "&ISO"; }
  // CX id^^^&OID&ISO[^type] → (id, OID).
  static Id cx_id(const std::string& cx) {
    return {component(component(cx, 3), 1, '&'), component(cx, 0)};
  }
  static bool has(const std::vector<Id>& ids, const Id& wanted) {
    return std::any_of(ids.begin(), ids.end(), [&](const Id& id) {
      return !wanted.extension.empty() && id.root == wanted.root &&
             id.extension == wanted.extension;
    });
  }
  static std::string list(const std::vector<Id>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ", ") + as_cx(id);
    return out.empty() ? "none" : out;
  }

  void patient() {
    const El* role = descend(cda_, {"recordTarget", "patientRole"});
    const std::string where = in_doc("/recordTarget/patientRole/id");
    const auto role_ids = ids(role);
    // The INS ids: roots the profile accepts as patient id authorities.
    std::vector<Id> ins;
    for (const auto& id : role_ids) {
      const auto& authorities =
          profile_ ? profile_->patient_id_authorities : std::vector<std::string>{};
      if (authorities.empty() ||
          std::find(authorities.begin(), authorities.end(), id.root) != authorities.end()) {
        ins.push_back(id);
      }
    }
    if (!entry_.patient_id.empty() && !has(ins, cx_id(entry_.patient_id))) {
      error("X-1", where,
            "patientId " + entry_.patient_id + " is not the CDA patient (" + list(ins) + ")");
    }
    if (set_ != nullptr && !set_->patient_id.empty() && !has(ins, cx_id(set_->patient_id))) {
      error("X-1", where,
            "SubmissionSet patientId " + set_->patient_id + " is not the CDA patient (" +
                list(ins) + ")");
    }
    if (!entry_.source_patient_id.empty() && !has(role_ids, cx_id(entry_.source_patient_id))) {
      warning("X-1", where,
              "sourcePatientId " + entry_.source_patient_id +
                  " is none of the CDA patientRole ids (" + list(role_ids) + ")");
    }
    const El* person = child(role, "patient");
    for (const auto& info : entry_.source_patient_info) {
      const auto bar = info.find('|');
      if (bar == std::string::npos) continue;
      const std::string field = info.substr(0, bar);
      const std::string value = info.substr(bar + 1);
      if (field == "PID-7") {
        const auto birth = ts_to_utc(attr(child(person, "birthTime"), "value"));
        if (!birth || !same_instant(*birth, value)) {
          warning("X-1", in_doc("/recordTarget/patientRole/patient/birthTime"),
                  "sourcePatientInfo PID-7 differs from the CDA birthTime");
        }
      } else if (field == "PID-8") {
        const std::string gender = attr(child(person, "administrativeGenderCode"), "code");
        if (gender != value) {
          std::string message = "sourcePatientInfo PID-8 '" + value;
          message += "' ≠ CDA gender '";
          message += gender;
          message += "'";
          warning("X-1", in_doc("/recordTarget/patientRole/patient/administrativeGenderCode"),
                  std::move(message));
        }
      } else if (field == "PID-5") {
        const std::string family = lower(normalise_space(component(value, 0)));
        bool found = family.empty();
        for (const auto* name : children(person, "name")) {
          for (const auto* part : children(name, "family")) {
            found = found || lower(normalise_space(text(part))) == family;
          }
        }
        if (!found) {
          warning("X-1", in_doc("/recordTarget/patientRole/patient/name"),
                  "sourcePatientInfo PID-5 family name is none of the CDA patient's");
        }
      }
    }
  }

  // ----------------------------------------------------------
  void type_and_class() {
    const El* code = child(cda_, "code");
    const std::string where = in_doc("/code");
    const std::string cda_code = attr(code, "code");
    const std::string cda_system = attr(code, "codeSystem");
    if (entry_.type_code) {
      const auto& type = *entry_.type_code;
      if (type.code != cda_code || type.scheme != cda_system) {
        error("X-2", where,
              "typeCode " + type.code + " (" + type.scheme + ") ≠ CDA code " +
                  (cda_code.empty() ? "(none)" : cda_code) + " (" + cda_system + ")");
      } else if (!type.display.empty() && !attr(code, "displayName").empty() &&
                 normalise_space(type.display) != normalise_space(attr(code, "displayName"))) {
        warning("X-2", where, "typeCode " + type.code + ": display name differs from the CDA's");
      }
    }
    if (profile_ != nullptr && entry_.class_code && !cda_code.empty()) {
      const auto rule = profile_->class_code_for_type_code.find(cda_code);
      if (rule != profile_->class_code_for_type_code.end() &&
          rule->second != entry_.class_code->code) {
        error("X-3", where,
              "classCode " + entry_.class_code->code + " ≠ " + rule->second +
                  ", the class of CDA code " + cda_code + " (ASS_X04)");
      }
    }
  }

  // ----------------------------------------------------------------
  // `what` (metadata DTM) against the CDA TS at `where`.
  void same_time(const char* rule, const std::string& what, const std::string& metadata,
                 const El* ts, const std::string& where) {
    const std::string value = attr(ts, "value");
    if (value.empty()) {
      error(rule, where, what + " " + metadata + " but the CDA has no time there");
      return;
    }
    const auto utc = ts_to_utc(value);
    if (!utc) {
      error(rule, where, "CDA time '" + value + "' is not a valid TS");
    } else if (!same_instant(*utc, metadata)) {
      error(rule, where, what + " " + metadata + " ≠ CDA " + value + " (" + *utc + " UTC)");
    }
  }

  void creation_time() {
    if (entry_.creation_time.empty()) return;
    same_time("X-4", "creationTime", entry_.creation_time, child(cda_, "effectiveTime"),
              in_doc("/effectiveTime"));
  }

  // ----------------------------------------------------------------
  void confidentiality() {
    const auto& codes = entry_.confidentiality_codes;
    if (codes.empty()) return;
    const std::string where = in_doc("/confidentialityCode");
    std::vector<const registry::Code*> hl7;
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& code : codes) {
      if (!seen.emplace(code.code, code.scheme).second) {
        error("X-5", where, "confidentialityCode " + code.code + " is given twice");
      }
      if (code.scheme == kHl7Confidentiality) {
        hl7.push_back(&code);
      } else if (code.scheme != kDmpConfidentiality) {
        error("X-5", where,
              "confidentialityCode " + code.code + " (" + code.scheme +
                  "): besides the HL7 code only DMP codes (" + kDmpConfidentiality +
                  ") are allowed");
      }
    }
    if (hl7.size() != 1) {
      error("X-5", where,
            "the metadata must hold exactly one HL7 confidentialityCode (" +
                std::string(kHl7Confidentiality) + "), it holds " + std::to_string(hl7.size()));
      return;
    }
    const El* cda_code = child(cda_, "confidentialityCode");
    const std::string code = attr(cda_code, "code");
    const std::string system = attr(cda_code, "codeSystem");
    if (code != hl7.front()->code || (!system.empty() && system != kHl7Confidentiality)) {
      error("X-5", where,
            "confidentialityCode " + hl7.front()->code + " ≠ CDA confidentialityCode " +
                (code.empty() ? "(none)" : code));
    }
  }

  // ----------------------------------------------------------------
  void service_times() {
    const El* time = descend(cda_, {"documentationOf", "serviceEvent", "effectiveTime"});
    const std::string where = in_doc("/documentationOf/serviceEvent/effectiveTime");
    const El* low = child(time, "low");
    const El* high = child(time, "high");
    if (!entry_.service_start_time.empty()) {
      if (low == nullptr && time != nullptr && !attr(time, "value").empty()) {
        same_time("X-6", "serviceStartTime", entry_.service_start_time, time, where);
      } else {
        same_time("X-6", "serviceStartTime", entry_.service_start_time, low, where + "/low");
      }
    }
    const bool cda_high = !attr(high, "value").empty();
    if (!entry_.service_stop_time.empty()) {
      same_time("X-6", "serviceStopTime", entry_.service_stop_time, high, where + "/high");
    } else if (cda_high) {
      warning("X-6", where + "/high",
              "the CDA has a serviceEvent end, the metadata no serviceStopTime");
    }
  }

  // ------------------------------------------------------------
  void same_code(const char* rule, const char* what, const std::optional<registry::Code>& metadata,
                 const El* code, const std::string& where) {
    if (!metadata) return;
    if (code == nullptr || attr(code, "code").empty()) {
      warning(
          rule, where,
          std::string("the CDA has no code to compare ") + what + " " + metadata->code + " with");
      return;
    }
    const std::string cda_code = attr(code, "code");
    const std::string cda_system = attr(code, "codeSystem");
    if (cda_code != metadata->code || cda_system != metadata->scheme) {
      error(rule, where,
            std::string(what) + " " + metadata->code + " (" + metadata->scheme + ") ≠ CDA " +
                cda_code + " (" + cda_system + ")");
    }
  }

  void practice_setting() {
    const El* found = nullptr;
    for (const auto* of : children(cda_, "documentationOf")) {
      for (const auto* performer : children(child(of, "serviceEvent"), "performer")) {
        const auto* code = descend(
            performer, {"assignedEntity", "representedOrganization", "standardIndustryClassCode"});
        if (found == nullptr) found = code;
      }
    }
    same_code("X-7", "practiceSettingCode", entry_.practice_setting_code, found,
              in_doc("/documentationOf/serviceEvent/performer/assignedEntity/"
                     "representedOrganization/standardIndustryClassCode"));
  }

  void facility_type() {
    same_code("X-8", "healthcareFacilityTypeCode", entry_.healthcare_facility_type_code,
              descend(cda_, {"componentOf", "encompassingEncounter", "location",
                             "healthCareFacility", "code"}),
              in_doc("/componentOf/encompassingEncounter/location/healthCareFacility/code"));
  }

  // ----------------------------------------------------------------
  // XCN id^family^given^…^&OID&ISO^… → (OID, id).
  static Id xcn_id(const std::string& xcn) {
    return {component(component(xcn, 8), 1, '&'), component(xcn, 0)};
  }
  // XON name^^^^^&OID&ISO^IDNST^^^id → (OID, id); without an id the name stands for it.
  static Id xon_id(const std::string& xon) {
    std::string id = component(xon, 9);
    if (id.empty()) id = component(xon, 0);
    return {component(component(xon, 5), 1, '&'), id};
  }
  static std::set<std::string> family_names(const El* person) {
    std::set<std::string> names;
    for (const auto* name : children(person, "name")) {
      for (const auto* family : children(name, "family")) {
        names.insert(lower(normalise_space(text(family))));
      }
    }
    return names;
  }

  void authors() {
    const auto cda_authors = children(cda_, "author");
    std::vector<bool> matched(cda_authors.size(), false);
    for (const auto& author : entry_.authors) {
      if (!author.person || author.person->empty()) continue;
      const Id wanted = xcn_id(*author.person);
      std::size_t index = cda_authors.size();
      for (std::size_t i = 0; i < cda_authors.size() && index == cda_authors.size(); ++i) {
        if (has(ids(child(cda_authors[i], "assignedAuthor")), wanted)) index = i;
      }
      if (index == cda_authors.size()) {
        std::vector<Id> all;
        for (const auto* cda_author : cda_authors) {
          for (const auto& id : ids(child(cda_author, "assignedAuthor"))) all.push_back(id);
        }
        error("X-9", in_doc("/author/assignedAuthor/id"),
              "authorPerson " + wanted.extension + " (" + wanted.root + ") is not a CDA author (" +
                  list(all) + ")");
        continue;
      }
      matched[index] = true;
      author_details(author, *cda_authors[index], index);
    }
    for (std::size_t i = 0; i < cda_authors.size(); ++i) {
      if (matched[i]) continue;
      const auto author_ids = ids(child(cda_authors[i], "assignedAuthor"));
      error("X-9", in_doc("/author[") + std::to_string(i + 1) + "]/assignedAuthor/id",
            "CDA author " + list(author_ids) + " has no XDS author (authorPerson)");
    }
  }

  void author_details(const registry::Author& author, const El& cda_author, std::size_t index) {
    const std::string base = in_doc("/author[") + std::to_string(index + 1) + "]/assignedAuthor";
    const El* assigned = child(&cda_author, "assignedAuthor");
    const El* person = child(assigned, "assignedPerson");
    const std::string family = lower(normalise_space(component(*author.person, 1)));
    if (person != nullptr && !family.empty() && !family_names(person).count(family)) {
      warning("X-9", base + "/assignedPerson/name",
              "authorPerson family name differs from the CDA author's");
    }
    const std::string specialty = attr(child(assigned, "code"), "code");
    if (!specialty.empty() && !author.specialties.empty() &&
        std::none_of(author.specialties.begin(), author.specialties.end(),
                     [&](const std::string& value) { return component(value, 0) == specialty; })) {
      warning("X-9", base + "/code",
              "authorSpecialty does not hold the CDA author's code " + specialty);
    }
    const El* organisation = child(assigned, "representedOrganization");
    if (organisation == nullptr) {
      if (!author.institutions.empty()) {
        warning("X-9", base,
                "authorInstitution given but the CDA author has no representedOrganization");
      }
      return;
    }
    const auto organisation_ids = ids(organisation);
    if (organisation_ids.empty()) return;
    const bool found =
        std::any_of(author.institutions.begin(), author.institutions.end(),
                    [&](const std::string& xon) { return has(organisation_ids, xon_id(xon)); });
    if (!found) {
      std::string given;
      for (const auto& xon : author.institutions) {
        const Id id = xon_id(xon);
        given += (given.empty() ? "" : ", ") + id.extension + " (" + id.root + ")";
      }
      error("X-9", base + "/representedOrganization/id",
            "authorInstitution " + (given.empty() ? std::string("(none)") : given) +
                " ≠ CDA author organisation " + list(organisation_ids));
    }
  }

  // ---------------------------------------------------------------
  void legal_authenticator() {
    if (entry_.legal_authenticator.empty()) return;
    const El* entity = descend(cda_, {"legalAuthenticator", "assignedEntity"});
    const std::string where = in_doc("/legalAuthenticator/assignedEntity/id");
    const Id wanted = xcn_id(entry_.legal_authenticator);
    const auto entity_ids = ids(entity);
    if (!has(entity_ids, wanted)) {
      error("X-10", where,
            "legalAuthenticator " + wanted.extension + " (" + wanted.root + ") ≠ CDA " +
                list(entity_ids));
      return;
    }
    const std::string family = lower(normalise_space(component(entry_.legal_authenticator, 1)));
    const El* person = child(entity, "assignedPerson");
    if (person != nullptr && !family.empty() && !family_names(person).count(family)) {
      warning("X-10", in_doc("/legalAuthenticator/assignedEntity/assignedPerson/name"),
              "legalAuthenticator family name differs from the CDA's");
    }
  }

  // ---------------------------------------------------------
  void language_and_title() {
    if (!entry_.language_code.empty()) {
      const std::string language = attr(child(cda_, "languageCode"), "code");
      if (lower(language) != lower(entry_.language_code)) {
        error("X-11", in_doc("/languageCode"),
              "languageCode " + entry_.language_code + " ≠ CDA " +
                  (language.empty() ? "(none)" : language));
      }
    }
    if (!entry_.title.empty()) {
      const El* title = child(cda_, "title");
      if (title == nullptr) {
        error("X-12", in_doc("/title"), "title given but the CDA has no title");
      } else if (normalise_space(text(title)) != normalise_space(entry_.title)) {
        error("X-12", in_doc("/title"), "title differs from the CDA title");
      }
    }
  }

  // ---------------------------------------------------------------
  void unique_id() {
    if (entry_.unique_id.empty()) return;
    const El* id = child(cda_, "id");
    const std::string root = attr(id, "root");
    const std::string extension = attr(id, "extension");
    const std::string expected = extension.empty() ? root : root + "^" + extension;
    if (expected != entry_.unique_id) {
      error(
          "X-13", in_doc("/id"),
          "uniqueId " + entry_.unique_id + " ≠ CDA id " + (expected.empty() ? "(none)" : expected));
    }
  }

  // ---------------------------------------------------------------
  static bool is_n1_format(const std::string& code) {
    return std::any_of(std::begin(kN1Formats), std::end(kN1Formats),
                       [&](const auto& format) { return code == format.second; });
  }

  void format_and_mime() {
    std::string mime = lower(entry_.mime_type.substr(0, entry_.mime_type.find(';')));
    mime = normalise_space(mime);
    if (mime == "application/xml") {
      warning("X-14", "mimeType", "a CDA document's mimeType should be text/xml, not " + mime);
    }
    if (!entry_.format_code) return;
    const auto& format = *entry_.format_code;
    const El* body = child(cda_, "component");
    const El* body_text = descend(body, {"nonXMLBody", "text"});
    if (child(body, "nonXMLBody") != nullptr) {
      const std::string media = lower(attr(body_text, "mediaType"));
      for (const auto& [type, code] : kN1Formats) {
        if (media != type) continue;
        if (format.code != code || format.scheme != kXdsSdFormatScheme) {
          error("X-14", in_doc("/component/nonXMLBody/text"),
                "formatCode " + format.code + " (" + format.scheme + ") ≠ " + code + " (" +
                    kXdsSdFormatScheme + "), the format of a " + media + " N1 body");
        }
      }
    } else if (child(body, "structuredBody") != nullptr && is_n1_format(format.code)) {
      error("X-14", in_doc("/component/structuredBody"),
            "formatCode " + format.code +
                " is an unstructured (N1) format, the CDA body is "
                "structured (N3)");
    }
  }

  // ---------------------------------------------------------------
  void events_and_references() {
    std::vector<const El*> events;
    for (const auto* of : children(cda_, "documentationOf")) {
      if (const auto* event = child(of, "serviceEvent")) events.push_back(event);
    }
    for (const auto& code : entry_.event_codes) {
      const bool found = std::any_of(events.begin(), events.end(), [&](const El* event) {
        const auto* cda_code = child(event, "code");
        return attr(cda_code, "code") == code.code && attr(cda_code, "codeSystem") == code.scheme;
      });
      if (!found) {
        warning("X-15", in_doc("/documentationOf/serviceEvent/code"),
                "eventCodeList code " + code.code + " (" + code.scheme +
                    ") is no CDA serviceEvent code");
      }
    }
    for (const auto& reference : entry_.reference_ids) {
      const Id wanted = cx_id(reference);
      const std::string type = component(reference, 4);
      std::vector<Id> candidates;
      std::string where;
      if (type == "urn:ihe:iti:xds:2013:order" || type == "urn:ihe:iti:xds:2013:accession") {
        where = in_doc("/inFulfillmentOf/order/id");
        for (const auto* in : children(cda_, "inFulfillmentOf")) {
          for (const auto& id : ids(child(in, "order"))) candidates.push_back(id);
        }
      } else if (type == "urn:ihe:iti:xds:2016:studyInstanceUID") {
        where = in_doc("/documentationOf/serviceEvent/id");
        for (const auto* event : events) {
          for (const auto& id : ids(event)) {
            candidates.push_back(id);
            if (id.extension.empty()) candidates.push_back({wanted.root, id.root});
          }
        }
      } else {
        continue;  // other types: nothing in the header to compare with
      }
      if (!has(candidates, wanted)) {
        warning("X-15", where,
                "referenceIdList " + wanted.extension + " (" + type + ") is not in the CDA");
      }
    }
  }

  // ----------------------------------------------- DMP-AUTHOR-INSTITUTION
  static std::set<std::pair<std::string, std::string>> institutions(
      const std::vector<registry::Author>& authors) {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& author : authors) {
      for (const auto& xon : author.institutions) {
        const Id id = xon_id(xon);
        out.emplace(id.root, id.extension);
      }
    }
    return out;
  }

  void lot_institution() {
    if (set_ == nullptr) return;
    const auto document = institutions(entry_.authors);
    if (document.empty()) return;  // patient-authored documents have none
    const auto lot = institutions(set_->authors);
    if (lot != document) {
      error("DMP-AUTHOR-INSTITUTION", "authorInstitution",
            "the SubmissionSet's authorInstitution differs from the document's (PDSm: a lot "
            "and its documents have the same authorInstitution)");
    }
  }
};

}  // namespace

std::vector<Finding> check_agreement(const xercesc::DOMElement& clinical_document,
                                     const registry::DocumentEntry& entry,
                                     const registry::SubmissionSet* set,
                                     const registry::Profile* profile) {
  const auto tree = detail::tree_from_dom(clinical_document);
  return detail::check_agreement(*tree.root(), entry, set, profile);
}

std::vector<Finding> detail::check_agreement(const El& clinical_document,
                                             const registry::DocumentEntry& entry,
                                             const registry::SubmissionSet* set,
                                             const registry::Profile* profile) {
  return Checker(clinical_document, entry, set, profile).run();
}

}  // namespace passerelle::cda
