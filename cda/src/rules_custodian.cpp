// §11 of cda-header-rules.md: custodian (R-CDA-25).

#include "rules.hpp"

namespace passerelle::cda::detail {

void check_custodian(const Context& ctx, const El& doc) {
  static constexpr std::string_view rule = "R-CDA-25";
  const auto custodians = expect(ctx, rule, doc, "custodian", 1, 1, true);
  if (custodians.size() != 1) return;
  const auto assigned = expect(ctx, rule, *custodians[0], "assignedCustodian", 1, 1);
  if (assigned.size() != 1) return;
  const auto orgs = expect(ctx, rule, *assigned[0], "representedCustodianOrganization", 1, 1);
  if (orgs.size() != 1) return;
  const El& org = *orgs[0];
  for (auto* id : expect(ctx, rule, org, "id", 1, 1, true)) {
    const std::string root = attr_or(*id, "root");
    if (root != kStructureRoot && root != "1.2.250.1.213.4.1") {
      ctx.error(rule, path(*id),
                "custodian id root must be 1.2.250.1.71.4.2.2 (structure) or 1.2.250.1.213.4.1 "
                "(DMP host)");
    }
  }
  expect(ctx, rule, org, "name", 0, 1);
  expect(ctx, rule, org, "telecom", 0, 1);
  expect(ctx, rule, org, "addr", 0, 1);
}

}  // namespace passerelle::cda::detail
