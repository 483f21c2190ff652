// §20 of cda-header-rules.md: the cross-cutting datatype rules, applied to
// every header element (everything but the body component): TS and IVL_TS
// (R-CDA-47), II (R-CDA-48), CD/CE/CS (R-CDA-49), AD (R-CDA-50), TEL
// (R-CDA-51); and the closed-template warnings (R-CDA-54).

#include <cctype>
#include <regex>
#include <set>
#include <sstream>

#include "passerelle/cda/clinical_document.hpp"
#include "rules.hpp"

namespace passerelle::cda::detail {
namespace {

constexpr std::string_view kSdtc = "urn:hl7-org:sdtc";

// Seconds since 1970 (UTC) of a valid TS, missing parts at their minimum.
long long instant(const std::string& ts) {
  const auto digits = [&](std::size_t from, std::size_t n, int fallback) {
    return ts.size() >= from + n && std::isdigit(static_cast<unsigned char>(ts[from]))
               ? std::stoi(ts.substr(from, n))
               : fallback;
  };
  const int y = digits(0, 4, 1970), m = digits(4, 2, 1), d = digits(6, 2, 1);
  const int hh = digits(8, 2, 0), mm = digits(10, 2, 0), ss = digits(12, 2, 0);
  // days_from_civil (H. Hinnant).
  const int yy = y - (m <= 2);
  const long long era = (yy >= 0 ? yy : yy - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(yy - era * 400);
  const unsigned doy = (153u * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2u) / 5u +
                       static_cast<unsigned>(d) - 1u;
  const unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
  const long long days = era * 146097 + static_cast<long long>(doe) - 719468;
  long long seconds = days * 86400 + hh * 3600 + mm * 60 + ss;
  const auto sign = ts.find_first_of("+-");
  if (sign != std::string::npos) {
    std::string offset = ts.substr(sign + 1);
    offset.resize(4, '0');
    const long long shift =
        std::stoi(offset.substr(0, 2)) * 3600 + std::stoi(offset.substr(2)) * 60;
    seconds += ts[sign] == '+' ? -shift : shift;
  }
  return seconds;
}

struct Scanner {
  const Context& ctx;

  void element(const El& e) {
    if (e.ns == kHl7Namespace || e.ns == kSdtc) {
      ts(e, e.name);
      if (e.ns == kHl7Namespace) {
        coded(e, e.name);
        if (e.name == "addr") addr(e);
        if (e.name == "telecom") telecom(e);
      }
    }
    ids(e);
    telecom_siblings(e);
    for (auto* child : e.children) element(*child);
  }

  // R-CDA-47
  void ts(const El& e, const std::string& name) {
    static const std::set<std::string> kTs = {"effectiveTime", "time",         "birthTime", "low",
                                              "high",          "deceasedTime", "center"};
    if (!kTs.count(name)) return;
    const auto value = attr(e, "value");
    if (value) {
      bool short_offset = false;
      if (!is_ts(*value, &short_offset)) {
        ctx.error("R-CDA-47", path(e) + "/@value", "'" + *value + "' is not a valid TS");
      } else if (short_offset) {
        ctx.warning("R-CDA-47", path(e) + "/@value", "UTC offset should have 4 digits");
      }
      if (is_null(e)) ctx.error("R-CDA-47", path(e), "both @value and @nullFlavor");
    }
  }

  void interval(const El& e) {
    const auto lows = kids(e, "low");
    const auto highs = kids(e, "high");
    if ((!lows.empty() || !highs.empty()) && attr(e, "value")) {
      ctx.error("R-CDA-47", path(e), "an interval has @value or low/high, not both");
    }
    if (lows.size() == 1 && highs.size() == 1) {
      const auto low = attr(*lows[0], "value");
      const auto high = attr(*highs[0], "value");
      if (low && high && is_ts(*low) && is_ts(*high)) {
        if (*low == *high) {
          ctx.error("R-CDA-47", path(e), "interval low and high are equal");
        } else if (instant(*low) > instant(*high)) {
          ctx.error("R-CDA-47", path(e), "interval low is after high");
        }
      }
    }
  }

  // R-CDA-48
  void ids(const El& parent) {
    for (const char* name : {"id", "templateId", "setId", "typeId"}) {
      const auto elements = kids(parent, name);
      std::set<std::pair<std::string, std::string>> seen;
      bool null = false, valued = false;
      for (auto* id : elements) {
        const auto root = attr(*id, "root");
        if (is_null(*id)) {
          null = true;
          if (root) ctx.error("R-CDA-48", path(*id), "a null identifier has no @root");
          continue;
        }
        valued = true;
        if (!root) continue;  // reported by the rule that requires it
        if (!is_oid(*root) && !is_uuid(*root)) {
          ctx.error("R-CDA-48", path(*id) + "/@root",
                    "'" + *root + "' is neither an OID nor a UUID");
        }
        const std::string extension = attr_or(*id, "extension");
        if (root->size() > 128 || extension.size() > 64) {
          ctx.warning("R-CDA-48", path(*id), "root longer than 128 or extension longer than 64");
        }
        if (!seen.emplace(*root, extension).second) {
          ctx.error("R-CDA-48", path(*id), "duplicate identifier among siblings");
        }
      }
      if (null && valued) {
        ctx.error("R-CDA-48", path(parent, name), "a null identifier beside non-null ones");
      }
    }
  }

  // R-CDA-49
  void coded(const El& e, const std::string& name) {
    static const std::set<std::string> kCs = {"realmCode", "languageCode", "signatureCode",
                                              "statusCode"};
    static const std::set<std::string> kCd = {"code",
                                              "confidentialityCode",
                                              "administrativeGenderCode",
                                              "functionCode",
                                              "standardIndustryClassCode",
                                              "maritalStatusCode",
                                              "religiousAffiliationCode",
                                              "raceCode",
                                              "ethnicGroupCode",
                                              "translation",
                                              "priorityCode",
                                              "dischargeDispositionCode",
                                              "admissionReferralSourceCode",
                                              "modeCode"};
    constexpr std::string_view rule = "R-CDA-49";
    if (kCs.count(name)) {
      for (const char* a : {"codeSystem", "codeSystemName", "displayName"}) {
        if (attr(e, a)) ctx.error(rule, path(e), "a CS has no @" + std::string(a));
      }
      if (kid(e, "originalText") || kid(e, "translation")) {
        ctx.error(rule, path(e), "a CS has no originalText or translation");
      }
      return;
    }
    if (!kCd.count(name)) return;
    const bool has_code = attr(e, "code").has_value();
    if (is_null(e)) {
      const std::string flavor = attr_or(e, "nullFlavor");
      const bool keeps = flavor == "NA" || flavor == "OTH" || flavor == "UNC";
      if (has_code) ctx.error(rule, path(e), "@code with @nullFlavor");
      if (!keeps && (attr(e, "codeSystem") || attr(e, "displayName") || kid(e, "originalText") ||
                     kid(e, "translation"))) {
        ctx.error(rule, path(e), "a null-flavoured code carries no value");
      }
    } else {
      if (has_code && !attr(e, "codeSystem") && name != "dischargeDispositionCode") {
        ctx.error(rule, path(e), "@code needs @codeSystem");
      }
    }
    if (attr(e, "displayName") && !has_code) {
      ctx.error(rule, path(e), "@displayName only with @code");
    }
    if (name != "translation" && kid(e, "qualifier")) {
      ctx.error(rule, path(e), "a CE has no qualifier");
    }
    std::set<std::pair<std::string, std::string>> seen;
    for (auto* translation : kids(e, "translation")) {
      if (is_null(*translation)) ctx.error(rule, path(*translation), "a null translation");
      if (!seen.emplace(attr_or(*translation, "code"), attr_or(*translation, "codeSystem"))
               .second) {
        ctx.error(rule, path(*translation), "duplicate translation");
      }
    }
  }

  // R-CDA-50
  void addr(const El& e) {
    constexpr std::string_view rule = "R-CDA-50";
    static const std::set<std::string> kUses = {"H", "HP", "HV", "WP", "TMP"};
    if (auto use = attr(e, "use"); use && !kUses.count(*use)) {
      ctx.error(rule, path(e) + "/@use", "address use '" + *use + "' is not H, HP, HV, WP or TMP");
    }
    if (is_null(e)) return;
    static const std::set<std::string> kParts = {"country",
                                                 "state",
                                                 "city",
                                                 "postalCode",
                                                 "county",
                                                 "houseNumber",
                                                 "houseNumberNumeric",
                                                 "streetName",
                                                 "streetNameType",
                                                 "additionalLocator",
                                                 "unitID",
                                                 "postBox",
                                                 "precinct"};
    const auto parts = kids(e);
    int lines = 0, structured = 0;
    for (auto* part : parts) {
      const std::string name = local(*part);
      if (name == "streetAddressLine") {
        ++lines;
      } else if (kParts.count(name)) {
        ++structured;
        if (kids(e, name).size() > 1) {
          ctx.error(rule, path(*part), "more than one " + name);
          break;
        }
      }
    }
    if (lines > 7) ctx.error(rule, path(e), "more than 7 streetAddressLine");
    if (lines > 0 && structured > 0) {
      ctx.warning(rule, path(e), "streetAddressLine mixed with structured address parts");
    }
    if (!parts.empty() && e.own_text) {
      ctx.error(rule, path(e), "an address mixes text and address parts");
    }
  }

  // R-CDA-51
  void telecom(const El& e) {
    constexpr std::string_view rule = "R-CDA-51";
    const auto value = attr(e, "value");
    const bool null = is_null(e);
    if (value.has_value() == null) {
      ctx.error(rule, path(e), "a telecom has exactly one of @value and @nullFlavor");
    }
    if (value) {
      static const std::regex url(R"(^(tel|fax|mailto|http|ftp|mllp):.+$)");
      if (!std::regex_match(*value, url)) {
        ctx.error(rule, path(e) + "/@value",
                  "'" + *value + "' is not tel:, fax:, mailto:, http:, ftp: or mllp:");
      }
    }
    if (null) {
      static const std::set<std::string> kFlavors = {"UNK", "NASK", "ASKU", "NAV", "MSK"};
      if (!kFlavors.count(attr_or(e, "nullFlavor"))) {
        ctx.error(rule, path(e), "telecom nullFlavor must be UNK, NASK, ASKU, NAV or MSK");
      }
    }
    if (auto use = attr(e, "use")) {
      static const std::set<std::string> kUses = {"H",   "HP", "HV", "WP", "DIR",
                                                  "PUB", "EC", "MC", "PG"};
      std::istringstream tokens(*use);
      std::string token;
      bool any = false;
      while (tokens >> token) {
        any = true;
        if (!kUses.count(token)) {
          ctx.error(rule, path(e) + "/@use", "telecom use '" + token + "' is not allowed");
        }
      }
      if (!any) ctx.error(rule, path(e) + "/@use", "empty telecom use");
    }
  }

  void telecom_siblings(const El& parent) {
    std::set<std::pair<std::string, std::string>> seen;
    for (auto* t : kids(parent, "telecom")) {
      if (!attr(*t, "value")) continue;
      if (!seen.emplace(attr_or(*t, "value"), attr_or(*t, "use")).second) {
        ctx.error("R-CDA-51", path(*t), "duplicate telecom");
      }
    }
  }
};

}  // namespace

void check_datatypes(const Context& ctx, const El& doc) {
  Scanner scanner{ctx};
  scanner.ids(doc);
  for (auto* child : doc.children) {
    if (child->ns == kHl7Namespace && child->name == "component") continue;  // the body
    scanner.element(*child);
  }
  // IVL_TS (R-CDA-47): participant/time, encompassingEncounter/effectiveTime,
  // encounterParticipant/time.
  for (auto* participant : kids(doc, "participant")) {
    for (auto* time : kids(*participant, "time")) scanner.interval(*time);
  }
  if (auto* component = kid(doc, "componentOf")) {
    if (auto* encounter = kid(*component, "encompassingEncounter")) {
      for (auto* time : kids(*encounter, "effectiveTime")) scanner.interval(*time);
      for (auto* participant : kids(*encounter, "encounterParticipant")) {
        for (auto* time : kids(*participant, "time")) scanner.interval(*time);
      }
    }
  }
}

void check_closed_template(const Context& ctx, const El& doc) {
  static const std::set<std::string> kAllowed = {"realmCode",
                                                 "typeId",
                                                 "templateId",
                                                 "id",
                                                 "code",
                                                 "title",
                                                 "effectiveTime",
                                                 "confidentialityCode",
                                                 "languageCode",
                                                 "setId",
                                                 "versionNumber",
                                                 "recordTarget",
                                                 "author",
                                                 "dataEnterer",
                                                 "informant",
                                                 "custodian",
                                                 "informationRecipient",
                                                 "legalAuthenticator",
                                                 "authenticator",
                                                 "participant",
                                                 "inFulfillmentOf",
                                                 "documentationOf",
                                                 "relatedDocument",
                                                 "authorization",
                                                 "componentOf",
                                                 "component"};
  for (auto* child : doc.children) {
    if (child->ns != kHl7Namespace || !kAllowed.count(child->name)) {
      ctx.warning("R-CDA-54", path(*child), "element not allowed by the CI-SIS header template");
    }
  }
  if (kids(doc, "realmCode").size() > 1) {
    ctx.warning("R-CDA-54", path(doc, "realmCode"), "more than one realmCode");
  }
  static const std::set<std::string> kPatient = {"name", "administrativeGenderCode", "birthTime",
                                                 "guardian", "birthplace"};
  static const std::set<std::string> kPatientSdtc = {
      "deceasedInd", "deceasedTime", "multipleBirthInd", "multipleBirthOrderNumber"};
  if (auto* target = kid(doc, "recordTarget")) {
    if (auto* role = kid(*target, "patientRole")) {
      if (auto* patient = kid(*role, "patient")) {
        for (auto* child : patient->children) {
          const std::string& ns = child->ns;
          const bool ok = (ns == kHl7Namespace && kPatient.count(local(*child))) ||
                          (ns == kSdtc && kPatientSdtc.count(local(*child)));
          if (!ok) ctx.warning("R-CDA-54", path(*child), "element not allowed in patient");
        }
      }
    }
  }
}

}  // namespace passerelle::cda::detail
