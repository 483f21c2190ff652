// §18 of cda-header-rules.md: componentOf / encompassingEncounter
// (R-CDA-39..43).

#include "rules.hpp"

namespace passerelle::cda::detail {
namespace {

void rule_40_time(const Context& ctx, const El& encounter) {
  static constexpr std::string_view rule = "R-CDA-40";
  for (auto* time : expect(ctx, rule, encounter, "effectiveTime", 1, 1)) {
    const auto lows = expect(ctx, rule, *time, "low", 0, 1);
    const auto highs = expect(ctx, rule, *time, "high", 0, 1);
    bool valued = has(*time, "value") || is_null(*time);
    for (auto* b : lows) valued = valued || has(*b, "value") || is_null(*b);
    for (auto* b : highs) valued = valued || has(*b, "value") || is_null(*b);
    if (!valued) {
      ctx.error(rule, path(*time), "encounter effectiveTime needs a @value or a nullFlavor");
    }
  }
}

void rule_41_id_code_discharge(const Context& ctx, const El& encounter) {
  static constexpr std::string_view rule = "R-CDA-41";
  for (auto* id : kids(encounter, "id")) {
    if (!is_null(*id) && !has(*id, "root")) ctx.error(rule, path(*id), "id without @root");
  }
  for (auto* code : expect(ctx, rule, encounter, "code", 0, 1)) {
    if (fully_coded(ctx, rule, *code)) coded_in(ctx, rule, *code, vs::kJ142);
  }
  for (auto* discharge : expect(ctx, rule, encounter, "dischargeDispositionCode", 0, 1)) {
    if (!has(*discharge, "code") || !has(*discharge, "displayName")) {
      ctx.error(rule, path(*discharge), "dischargeDispositionCode needs @code and @displayName");
    }
    if (auto system = attr(*discharge, "codeSystem"); system && *system != "1.2.250.1.213.2.14") {
      ctx.error(rule, path(*discharge),
                "dischargeDispositionCode codeSystem must be "
                "1.2.250.1.213.2.14");
    }
  }
}

bool one_national_ps_id(const El& entity) {
  const auto ids = kids(entity, "id");
  return ids.size() == 1 && attr_or(*ids[0], "root") == kRppsRoot && has(*ids[0], "extension");
}

void rule_42_responsible_and_participants(const Context& ctx, const El& encounter) {
  static constexpr std::string_view rule = "R-CDA-42";
  for (auto* party : expect(ctx, rule, encounter, "responsibleParty", 0, 1)) {
    for (auto* entity : expect(ctx, rule, *party, "assignedEntity", 1, 1)) {
      if (!one_national_ps_id(*entity)) {
        ctx.error(rule, path(*entity, "id"),
                  "exactly one id with root 1.2.250.1.71.4.2.1 and @extension");
      }
      for (auto* org : kids(*entity, "representedOrganization")) {
        for (auto* id : kids(*org, "id")) root_and_extension(ctx, rule, *id);
      }
      check_assigned_entity(ctx, rule, *entity, Severity::Warning);
    }
  }
  for (auto* participant : kids(encounter, "encounterParticipant")) {
    const std::string type = attr_or(*participant, "typeCode");
    if (!ctx.value_sets.contains_code(vs::kJ140, type)) {
      ctx.error(rule, path(*participant) + "/@typeCode",
                "encounterParticipant typeCode '" + type + "' is not in JDV_J140");
    }
    expect(ctx, rule, *participant, "time", 0, 1);
    for (auto* entity : expect(ctx, rule, *participant, "assignedEntity", 1, 1)) {
      if (!one_national_ps_id(*entity)) {
        ctx.error(rule, path(*entity, "id"),
                  "exactly one id with root 1.2.250.1.71.4.2.1 and @extension");
      }
      check_assigned_entity(ctx, rule, *entity, Severity::Warning);
    }
  }
}

void rule_43_facility(const Context& ctx, const El& facility) {
  static constexpr std::string_view rule = "R-CDA-43";
  for (auto* code : expect(ctx, rule, facility, "code", 1, 1, true)) {
    if (fully_coded(ctx, rule, *code)) coded_in(ctx, rule, *code, vs::kJ02);
    for (auto* translation : kids(*code, "translation")) fully_coded(ctx, rule, *translation);
  }
  for (auto* location : expect(ctx, rule, facility, "location", 0, 1)) {
    expect(ctx, rule, *location, "name", 0, 1);
    expect(ctx, rule, *location, "addr", 0, 1);
  }
}

}  // namespace

void check_encounter(const Context& ctx, const El& doc) {
  static constexpr std::string_view rule = "R-CDA-39";
  const auto components = expect(ctx, rule, doc, "componentOf", 1, 1, true);
  if (components.size() != 1) return;
  const auto encounters = expect(ctx, rule, *components[0], "encompassingEncounter", 1, 1, true);
  if (encounters.size() != 1) return;
  const El& encounter = *encounters[0];
  rule_40_time(ctx, encounter);
  rule_41_id_code_discharge(ctx, encounter);
  rule_42_responsible_and_participants(ctx, encounter);
  const auto locations = expect(ctx, rule, encounter, "location", 1, 1);
  if (locations.size() != 1) return;
  const auto facilities = expect(ctx, rule, *locations[0], "healthCareFacility", 1, 1, true);
  if (facilities.size() == 1) rule_43_facility(ctx, *facilities[0]);
}

}  // namespace passerelle::cda::detail
