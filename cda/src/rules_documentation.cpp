// §14–17 of cda-header-rules.md: inFulfillmentOf, documentationOf /
// serviceEvent, relatedDocument, authorization (R-CDA-32..38).

#include "rules.hpp"

namespace passerelle::cda::detail {
namespace {

constexpr std::string_view kDicom = "urn:dicom-org:ps3-20";
constexpr std::string_view kLab = "urn:oid:1.3.6.1.4.1.19376.1.3.2";

void rule_32_in_fulfillment_of(const Context& ctx, const El& doc) {
  static constexpr std::string_view rule = "R-CDA-32";
  for (auto* fulfillment : kids(doc, "inFulfillmentOf")) {
    for (auto* order : expect(ctx, rule, *fulfillment, "order", 1, 1)) {
      expect(ctx, rule, *order, "id", 1, 1);
      expect(ctx, rule, *order, "code", 0, 1);
      if (kids_ns(*order, kDicom, "accessionNumber").size() > 1) {
        ctx.error(rule, path(*order), "more than one ps3-20:accessionNumber");
      }
      for (auto* child : order->children) {
        const bool known = (child->ns == kDicom && child->name == "accessionNumber") ||
                           local(*child) == "id" || local(*child) == "code";
        if (!known) ctx.warning(rule, path(*child), "element not allowed in order");
      }
    }
  }
}

void rule_35_service_time(const Context& ctx, const El& time) {
  static constexpr std::string_view rule = "R-CDA-35";
  for (auto* low : expect(ctx, rule, time, "low", 1, 1)) {
    if (!has(*low, "value")) ctx.error(rule, path(*low), "serviceEvent low needs @value");
  }
  expect(ctx, rule, time, "high", 0, 1);
}

void rule_36_performer(const Context& ctx, const El& performer) {
  static constexpr std::string_view rule = "R-CDA-36";
  if (attr_or(performer, "typeCode") != "PRF") {
    ctx.error(rule, path(performer) + "/@typeCode", "performer typeCode must be PRF");
  }
  expect(ctx, rule, performer, "functionCode", 0, 1);
  expect(ctx, rule, performer, "time", 0, 1);
  for (auto* entity : expect(ctx, rule, performer, "assignedEntity", 1, 1)) {
    expect(ctx, rule, *entity, "id", 1, 1);
    for (auto* code : expect(ctx, rule, *entity, "code", 0, 1)) {
      if (!is_null(*code) && has(*code, "code")) coded_in(ctx, rule, *code, vs::kJ01);
    }
    for (auto* person : expect(ctx, rule, *entity, "assignedPerson", 0, 1)) {
      check_actor_name(ctx, *person, false);
    }
    for (auto* org : expect(ctx, rule, *entity, "representedOrganization", 1, 1)) {
      for (auto* sic : expect(ctx, rule, *org, "standardIndustryClassCode", 1, 1, true)) {
        if (fully_coded(ctx, rule, *sic)) coded_in(ctx, rule, *sic, vs::kJ04);
      }
      check_organization(ctx, *org);
      expect(ctx, rule, *org, "name", 0, 1);
      expect(ctx, rule, *org, "asOrganizationPartOf", 0, 1);
    }
  }
}

void rule_33_to_36_documentation_of(const Context& ctx, const El& doc) {
  const auto all = kids(doc, "documentationOf");
  const auto documentations = non_null(all);
  if (documentations.empty()) {
    ctx.error("R-CDA-33", path(doc, "documentationOf"),
              "at least one documentationOf with a serviceEvent is required");
  }
  bool first = true;
  for (auto* documentation : documentations) {
    const auto events = expect(ctx, "R-CDA-34", *documentation, "serviceEvent", 1, 1, true);
    if (events.size() != 1) {
      first = false;
      continue;
    }
    const El& event = *events[0];
    if (first) {
      expect(ctx, "R-CDA-33", event, "performer", 1, 1);
      expect(ctx, "R-CDA-33", event, "effectiveTime", 1, 1);
      first = false;
    }
    for (auto* code : expect(ctx, "R-CDA-34", event, "code", 0, 1)) {
      const bool coded = has(*code, "code") && has(*code, "codeSystem");
      const bool bare = !attr(*code, "code") && !attr(*code, "codeSystem");
      if (is_null(*code) ? !bare : !coded) {
        ctx.error("R-CDA-34", path(*code),
                  "serviceEvent code has @code and @codeSystem, or a nullFlavor and neither");
      }
      for (auto* translation : kids(*code, "translation")) {
        for (auto* qualifier : kids(*translation, "qualifier")) {
          expect(ctx, "R-CDA-34", *qualifier, "name", 1, 1);
        }
      }
    }
    const auto times = expect(ctx, "R-CDA-34", event, "effectiveTime", 0, 1);
    const auto performers = expect(ctx, "R-CDA-34", event, "performer", 0, 1);
    if (kids_ns(event, kLab, "statusCode").size() > 1) {
      ctx.error("R-CDA-34", path(event), "more than one lab:statusCode");
    }
    for (auto* time : times) rule_35_service_time(ctx, *time);
    for (auto* performer : performers) rule_36_performer(ctx, *performer);
  }
}

void rule_37_related_document(const Context& ctx, const El& doc) {
  static constexpr std::string_view rule = "R-CDA-37";
  int replacements = 0;
  for (auto* related : kids(doc, "relatedDocument")) {
    const std::string type = attr_or(*related, "typeCode");
    if (type != "RPLC") {
      ctx.warning(rule, path(*related) + "/@typeCode",
                  "relatedDocument typeCode '" + type + "' (only RPLC is expected)");
      continue;
    }
    ++replacements;
    for (auto* parent : expect(ctx, rule, *related, "parentDocument", 1, 1, true)) {
      for (auto* id : expect(ctx, rule, *parent, "id", 1, 1, true)) {
        if (!has(*id, "root")) ctx.error(rule, path(*id), "parentDocument id without @root");
      }
      expect(ctx, rule, *parent, "versionNumber", 0, 1);
    }
  }
  if (replacements > 1) {
    ctx.error(rule, path(doc, "relatedDocument"), "more than one relatedDocument RPLC");
  }
}

void rule_38_authorization(const Context& ctx, const El& doc) {
  static constexpr std::string_view rule = "R-CDA-38";
  for (auto* authorization : kids(doc, "authorization")) {
    if (auto t = attr(*authorization, "typeCode"); t && *t != "AUTH") {
      ctx.error(rule, path(*authorization) + "/@typeCode", "authorization typeCode must be AUTH");
    }
    for (auto* consent : expect(ctx, rule, *authorization, "consent", 1, 1)) {
      if (auto c = attr(*consent, "classCode"); c && *c != "CONS") {
        ctx.error(rule, path(*consent) + "/@classCode", "consent classCode must be CONS");
      }
      if (auto m = attr(*consent, "moodCode"); m && *m != "EVN") {
        ctx.error(rule, path(*consent) + "/@moodCode", "consent moodCode must be EVN");
      }
      expect(ctx, rule, *consent, "code", 1, 1);
      for (auto* status : expect(ctx, rule, *consent, "statusCode", 1, 1)) {
        if (!is_null(*status) && attr_or(*status, "code") != "completed") {
          ctx.error(rule, path(*status), "consent statusCode must be completed");
        }
      }
    }
  }
}

}  // namespace

void check_documentation(const Context& ctx, const El& doc) {
  rule_32_in_fulfillment_of(ctx, doc);
  rule_33_to_36_documentation_of(ctx, doc);
  rule_37_related_document(ctx, doc);
  rule_38_authorization(ctx, doc);
}

}  // namespace passerelle::cda::detail
