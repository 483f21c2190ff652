// §10 of cda-header-rules.md: author (R-CDA-21..24).

#include "rules.hpp"

namespace passerelle::cda::detail {
namespace {

void rule_22_ids_and_specialty(const Context& ctx, const El& assigned) {
  for (auto* id : expect(ctx, "R-CDA-22", assigned, "id", 1, -1)) {
    root_and_extension(ctx, "R-CDA-22", *id);
  }
  for (auto* code : expect(ctx, "R-CDA-22", assigned, "code", 0, 1)) {
    if (fully_coded(ctx, "R-CDA-22", *code)) coded_in(ctx, "R-CDA-22", *code, vs::kJ01);
  }
}

void rule_23_person_or_device(const Context& ctx, const El& assigned) {
  const auto persons = kids(assigned, "assignedPerson");
  const auto devices = kids(assigned, "assignedAuthoringDevice");
  if (persons.size() + devices.size() > 1) {
    ctx.error("R-CDA-23", path(assigned),
              "at most one assignedPerson or assignedAuthoringDevice per author");
  }
  for (auto* person : persons) check_actor_name(ctx, *person, true);
  for (auto* device : devices) {
    expect(ctx, "R-CDA-23", *device, "manufacturerModelName", 1, 1);
    expect(ctx, "R-CDA-23", *device, "softwareName", 1, 1);
  }
}

void rule_24_organization(const Context& ctx, const El& assigned) {
  static constexpr std::string_view rule = "R-CDA-24";
  for (auto* org : expect(ctx, rule, assigned, "representedOrganization", 0, 1)) {
    int national = 0;
    for (auto* id : kids(*org, "id")) {
      if (attr_or(*id, "root") == kStructureRoot) {
        ++national;
        if (!has(*id, "extension")) {
          ctx.error(rule, path(*id), "national structure id without @extension");
        }
      } else {
        ctx.warning(rule, path(*id), "organisation id with a root other than 1.2.250.1.71.4.2.2");
      }
    }
    if (national > 1) ctx.error(rule, path(*org, "id"), "more than one national structure id");
    expect(ctx, rule, *org, "name", 0, 1);
    for (auto* sic : expect(ctx, rule, *org, "standardIndustryClassCode", 0, 1)) {
      if (!is_null(*sic)) coded_in(ctx, rule, *sic, vs::kJ04, Severity::Warning);
    }
  }
}

}  // namespace

void check_authors(const Context& ctx, const El& doc) {
  static constexpr std::string_view rule = "R-CDA-21";
  const auto authors = non_null(kids(doc, "author"));
  if (authors.empty()) ctx.error(rule, path(doc, "author"), "at least one author is required");
  for (auto* author : authors) {
    for (auto* time : expect(ctx, rule, *author, "time", 1, 1)) {
      if (!has(*time, "value")) ctx.error(rule, path(*time), "author/time needs @value");
    }
    for (auto* function : expect(ctx, rule, *author, "functionCode", 0, 1)) {
      if (is_null(*function)) continue;
      if (!has(*function, "code") || !has(*function, "codeSystem")) {
        ctx.error(rule, path(*function), "functionCode needs @code and @codeSystem");
      } else {
        coded_in(ctx, rule, *function, vs::kJ47);
      }
    }
    const auto assigned = expect(ctx, rule, *author, "assignedAuthor", 1, 1, true);
    if (assigned.size() != 1) continue;
    rule_22_ids_and_specialty(ctx, *assigned[0]);
    rule_23_person_or_device(ctx, *assigned[0]);
    rule_24_organization(ctx, *assigned[0]);
  }
}

}  // namespace passerelle::cda::detail
