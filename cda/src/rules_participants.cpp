// §13 of cda-header-rules.md: participant, informant, dataEnterer,
// informationRecipient (R-CDA-29..31).

#include <set>

#include "rules.hpp"

namespace passerelle::cda::detail {
namespace {

void rule_29_participant(const Context& ctx, const El& participant) {
  static constexpr std::string_view rule = "R-CDA-29";
  const std::string type = attr_or(participant, "typeCode");
  if (!ctx.value_sets.contains_code(vs::kJ144, type)) {
    ctx.error(rule, path(participant) + "/@typeCode",
              "participant typeCode '" + type + "' is not in JDV_J144");
  }
  expect(ctx, rule, participant, "templateId", 0, 1);
  for (auto* function : expect(ctx, rule, participant, "functionCode", 0, 1)) {
    if (!is_null(*function) && has(*function, "code")) {
      coded_in(ctx, rule, *function, vs::kJ47);
    }
  }
  for (auto* time : expect(ctx, rule, participant, "time", 1, 1)) {
    if (is_null(*time)) continue;
    for (const char* bound : {"low", "high"}) {
      for (auto* b : expect(ctx, rule, *time, bound, 0, 1)) {
        if (!is_null(*b) && !has(*b, "value")) {
          ctx.error(rule, path(*b), "interval bound without @value");
        }
      }
    }
  }
  for (auto* entity : expect(ctx, rule, participant, "associatedEntity", 1, 1)) {
    const std::string klass = attr_or(*entity, "classCode");
    if (!ctx.value_sets.contains_code(vs::kJ141, klass)) {
      ctx.error(rule, path(*entity) + "/@classCode",
                "associatedEntity classCode '" + klass + "' is not PROV or AGNT (JDV_J141)");
    }
    for (auto* id : expect(ctx, rule, *entity, "id", 0, 1)) {
      if (!is_null(*id)) root_and_extension(ctx, rule, *id);
    }
    for (auto* code : expect(ctx, rule, *entity, "code", 0, 1)) {
      if (!is_null(*code) && fully_coded(ctx, rule, *code)) coded_in(ctx, rule, *code, vs::kJ01);
    }
    for (auto* person : expect(ctx, rule, *entity, "associatedPerson", 0, 1)) {
      check_actor_name(ctx, *person, true);
    }
    for (auto* org : expect(ctx, rule, *entity, "scopingOrganization", 0, 1)) {
      expect(ctx, rule, *org, "id", 0, 1);
      expect(ctx, rule, *org, "name", 0, 1);
      expect(ctx, rule, *org, "standardIndustryClassCode", 0, 1);
    }
  }
}

void rule_30_informant(const Context& ctx, const El& informant) {
  static constexpr std::string_view rule = "R-CDA-30";
  const auto assigned = kids(informant, "assignedEntity");
  const auto related = kids(informant, "relatedEntity");
  if (assigned.size() + related.size() != 1) {
    ctx.error(rule, path(informant),
              "an informant has exactly one assignedEntity or relatedEntity");
  }
  static const std::set<std::string> kClasses = {"ECON", "NOK", "CON", "CAREGIVER", "PAT"};
  for (auto* entity : related) {
    if (!kClasses.count(attr_or(*entity, "classCode"))) {
      ctx.error(rule, path(*entity) + "/@classCode",
                "relatedEntity classCode must be ECON, NOK, CON, CAREGIVER or PAT");
    }
    for (auto* code : expect(ctx, rule, *entity, "code", 0, 1)) {
      if (!is_null(*code) && fully_coded(ctx, rule, *code)) coded_in(ctx, rule, *code, vs::kJ11);
    }
    for (auto* person : expect(ctx, rule, *entity, "relatedPerson", 1, 1)) {
      if (expect(ctx, rule, *person, "name", 1, 1).size() == 1) {
        check_actor_name(ctx, *person, false);
      }
    }
  }
  for (auto* entity : assigned) {
    for (auto* id : expect(ctx, rule, *entity, "id", 1, 1)) {
      if (!is_null(*id)) root_and_extension(ctx, rule, *id);
    }
    check_assigned_entity(ctx, rule, *entity, Severity::Error);
  }
}

void rule_31_enterer_and_recipients(const Context& ctx, const El& doc) {
  static constexpr std::string_view rule = "R-CDA-31";
  for (auto* enterer : expect(ctx, rule, doc, "dataEnterer", 0, 1)) {
    expect(ctx, rule, *enterer, "time", 0, 1);
  }
  for (auto* recipient : kids(doc, "informationRecipient")) {
    for (auto* intended : expect(ctx, rule, *recipient, "intendedRecipient", 1, 1)) {
      for (auto* id : kids(*intended, "id")) {
        if (attr_or(*id, "root") == kRppsRoot && !has(*id, "extension")) {
          ctx.error(rule, path(*id), "a national PS id (1.2.250.1.71.4.2.1) needs @extension");
        }
      }
      for (auto* person : kids(*intended, "informationRecipient")) {
        check_actor_name(ctx, *person, false);
      }
      for (auto* org : kids(*intended, "receivedOrganization")) check_organization(ctx, *org);
    }
  }
}

}  // namespace

void check_participants(const Context& ctx, const El& doc) {
  for (auto* participant : kids(doc, "participant")) rule_29_participant(ctx, *participant);
  for (auto* informant : kids(doc, "informant")) rule_30_informant(ctx, *informant);
  rule_31_enterer_and_recipients(ctx, doc);
}

}  // namespace passerelle::cda::detail
