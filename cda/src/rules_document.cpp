// §1–8 of cda-header-rules.md: ClinicalDocument, realmCode, typeId,
// templateIds, id, code, title, effectiveTime, confidentialityCode,
// languageCode, setId, versionNumber (R-CDA-1..13).

#include <algorithm>
#include <regex>
#include <set>

#include "rules.hpp"

namespace passerelle::cda::detail {
namespace {

constexpr std::string_view kHl7France = "2.16.840.1.113883.2.8.2.1";
constexpr std::string_view kCisis = "1.2.250.1.213.1.1.1.1";
constexpr std::string_view kXdsSd = "1.3.6.1.4.1.19376.1.2.20";

void rule_1_class_and_mood(const Context& ctx, const El& doc) {
  if (auto c = attr(doc, "classCode"); c && *c != "DOCCLIN") {
    ctx.error("R-CDA-1", path(doc) + "/@classCode", "classCode must be DOCCLIN, not " + *c);
  }
  if (auto m = attr(doc, "moodCode"); m && *m != "EVN") {
    ctx.error("R-CDA-1", path(doc) + "/@moodCode", "moodCode must be EVN, not " + *m);
  }
}

void rule_2_realm(const Context& ctx, const El& doc) {
  const auto realms = kids(doc, "realmCode");
  const auto fr = std::count_if(realms.begin(), realms.end(),
                                [](El* e) { return attr_or(*e, "code") == "FR"; });
  if (fr != 1) {
    ctx.error("R-CDA-2", path(doc, "realmCode"),
              "expected exactly one realmCode with code FR, found " + std::to_string(fr));
  }
}

void rule_3_type_id(const Context& ctx, const El& doc) {
  const auto type_ids = expect(ctx, "R-CDA-3", doc, "typeId", 1, 1);
  for (auto* t : type_ids) {
    if (attr_or(*t, "root") != "2.16.840.1.113883.1.3" ||
        attr_or(*t, "extension") != "POCD_HD000040") {
      ctx.error("R-CDA-3", path(*t),
                "typeId must be root 2.16.840.1.113883.1.3, extension POCD_HD000040");
    }
  }
}

void rule_4_5_template_ids(const Context& ctx, const El& doc) {
  const auto templates = kids(doc, "templateId");
  int france = 0, cisis = 0, others = 0, xds_sd = 0;
  for (auto* t : templates) {
    const auto root = attr(*t, "root");
    if (!root || root->empty()) {
      ctx.error("R-CDA-4", path(*t), "templateId without @root");
      continue;
    }
    if (*root == kHl7France) {
      ++france;
    } else if (*root == kCisis) {
      ++cisis;
    } else {
      ++others;
      if (*root == kXdsSd) ++xds_sd;
    }
  }
  if (france != 1) {
    ctx.error("R-CDA-4", path(doc, "templateId"),
              "expected one templateId " + std::string(kHl7France) + " (HL7 France), found " +
                  std::to_string(france));
  }
  if (cisis != 1) {
    ctx.error("R-CDA-4", path(doc, "templateId"),
              "expected one templateId " + std::string(kCisis) + " (CI-SIS), found " +
                  std::to_string(cisis));
  }
  if (others < 1) {
    ctx.error("R-CDA-4", path(doc, "templateId"),
              "expected at least one templateId of the content model (or XDS-SD for N1)");
  }
  if (ctx.n1 && (xds_sd != 1 || templates.size() != 3 || france != 1 || cisis != 1)) {
    ctx.error("R-CDA-5", path(doc, "templateId"),
              "an N1 document has exactly three templateIds: " + std::string(kHl7France) + ", " +
                  std::string(kCisis) + ", " + std::string(kXdsSd) + " (found " +
                  std::to_string(templates.size()) + ")");
  }
}

void rule_6_id(const Context& ctx, const El& doc) {
  for (auto* id : expect(ctx, "R-CDA-6", doc, "id", 1, 1, true)) {
    if (!has(*id, "root")) ctx.error("R-CDA-6", path(*id), "document id without @root");
    if (auto ext = attr(*id, "extension"); ext && ext->empty()) {
      ctx.error("R-CDA-6", path(*id), "empty @extension");
    }
  }
}

void rule_7_code(const Context& ctx, const El& doc) {
  for (auto* code : expect(ctx, "R-CDA-7", doc, "code", 1, 1, true)) {
    if (!fully_coded(ctx, "R-CDA-7", *code)) continue;
    if (!is_oid(attr_or(*code, "codeSystem"))) {
      ctx.error("R-CDA-7", path(*code), "codeSystem is not an OID");
      continue;
    }
    coded_in(ctx, "R-CDA-7", *code, vs::kJ07);
  }
}

void rule_8_title(const Context& ctx, const El& doc) {
  for (auto* title : expect(ctx, "R-CDA-8", doc, "title", 1, 1, true)) {
    if (auto media = attr(*title, "mediaType"); media && *media != "text/plain") {
      ctx.error("R-CDA-8", path(*title), "title mediaType must be text/plain");
    }
    if (auto repr = attr(*title, "representation"); repr && *repr != "TXT") {
      ctx.error("R-CDA-8", path(*title), "title representation must be TXT");
    }
    if (trimmed_text(*title).empty()) ctx.error("R-CDA-8", path(*title), "empty title");
  }
}

void rule_9_effective_time(const Context& ctx, const El& doc) {
  for (auto* time : expect(ctx, "R-CDA-9", doc, "effectiveTime", 1, 1, true)) {
    if (!has(*time, "value")) {
      ctx.error("R-CDA-9", path(*time), "effectiveTime without @value");
      continue;
    }
    if (!kids(*time).empty()) {
      ctx.error("R-CDA-9", path(*time), "effectiveTime is a point in time: no child element");
    }
    static const std::regex minute_with_offset(R"(^[0-9]{12}.*[+-][0-9]+$)");
    const std::string value = attr_or(*time, "value");
    if (!std::regex_match(value, minute_with_offset)) {
      ctx.warning("R-CDA-9", path(*time),
                  "effectiveTime should have at least minute precision and a UTC offset");
    }
  }
}

void rule_10_confidentiality(const Context& ctx, const El& doc) {
  for (auto* code : expect(ctx, "R-CDA-10", doc, "confidentialityCode", 1, 1, true)) {
    if (!fully_coded(ctx, "R-CDA-10", *code)) continue;
    if (!coded_in(ctx, "R-CDA-10", *code, vs::kConfidentiality)) continue;
    static const std::set<std::string> kDmp = {"N", "R", "V"};
    if (!kDmp.count(attr_or(*code, "code"))) {
      ctx.error("R-CDA-10", path(*code), "the CI-SIS and the DMP use only N, R or V");
    }
  }
}

void rule_11_language(const Context& ctx, const El& doc) {
  static const std::regex language(R"(^[a-z]{2}-[A-Z]{2}$)");
  for (auto* code : expect(ctx, "R-CDA-11", doc, "languageCode", 1, 1, true)) {
    const std::string value = attr_or(*code, "code");
    if (!std::regex_match(value, language)) {
      ctx.error("R-CDA-11", path(*code), "languageCode '" + value + "' is not ll-CC (e.g. fr-FR)");
    }
  }
}

void rule_12_set_id(const Context& ctx, const El& doc) {
  for (auto* id : expect(ctx, "R-CDA-12", doc, "setId", 1, 1, true)) {
    if (!has(*id, "root")) ctx.error("R-CDA-12", path(*id), "setId without @root");
  }
}

void rule_13_version(const Context& ctx, const El& doc) {
  static const std::regex integer(R"(^[0-9]+$)");
  for (auto* version : expect(ctx, "R-CDA-13", doc, "versionNumber", 1, 1, true)) {
    const std::string value = attr_or(*version, "value");
    if (!std::regex_match(value, integer) || value.size() > 9 || std::stoi(value) < 1) {
      ctx.error("R-CDA-13", path(*version), "versionNumber must be an integer ≥ 1");
    }
  }
}

}  // namespace

void check_document(const Context& ctx, const El& doc) {
  rule_1_class_and_mood(ctx, doc);
  rule_2_realm(ctx, doc);
  rule_3_type_id(ctx, doc);
  rule_4_5_template_ids(ctx, doc);
  rule_6_id(ctx, doc);
  rule_7_code(ctx, doc);
  rule_8_title(ctx, doc);
  rule_9_effective_time(ctx, doc);
  rule_10_confidentiality(ctx, doc);
  rule_11_language(ctx, doc);
  rule_12_set_id(ctx, doc);
  rule_13_version(ctx, doc);
}

}  // namespace passerelle::cda::detail
