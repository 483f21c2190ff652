// §12 of cda-header-rules.md: legalAuthenticator and authenticator
// (R-CDA-26..28), and the assignedEntity shape other sections reuse.

#include "rules.hpp"

namespace passerelle::cda::detail {

void check_assigned_entity(const Context& ctx, std::string_view rule, const El& entity,
                           Severity j04_severity) {
  for (auto* code : expect(ctx, rule, entity, "code", 0, 1)) {
    if (!is_null(*code) && has(*code, "code")) coded_in(ctx, rule, *code, vs::kJ01);
  }
  for (auto* person : expect(ctx, rule, entity, "assignedPerson", 0, 1)) {
    check_actor_name(ctx, *person, true);
  }
  for (auto* org : expect(ctx, rule, entity, "representedOrganization", 0, 1)) {
    check_organization(ctx, *org);
    expect(ctx, rule, *org, "name", 0, 1);
    for (auto* sic : expect(ctx, rule, *org, "standardIndustryClassCode", 0, 1)) {
      if (!is_null(*sic)) coded_in(ctx, rule, *sic, vs::kJ04, j04_severity);
    }
  }
}

namespace {

void signature_and_time(const Context& ctx, std::string_view rule, const El& authenticator) {
  for (auto* time : expect(ctx, rule, authenticator, "time", 1, 1)) {
    if (!has(*time, "value")) ctx.error(rule, path(*time), "time needs @value");
  }
  for (auto* signature : expect(ctx, rule, authenticator, "signatureCode", 1, 1)) {
    if (attr_or(*signature, "code") != "S") {
      ctx.error(rule, path(*signature), "signatureCode must be S");
    }
  }
}

}  // namespace

void check_authenticators(const Context& ctx, const El& doc) {
  for (auto* legal : expect(ctx, "R-CDA-26", doc, "legalAuthenticator", 1, 1)) {
    signature_and_time(ctx, "R-CDA-26", *legal);
    for (auto* entity : expect(ctx, "R-CDA-26", *legal, "assignedEntity", 1, 1)) {
      for (auto* id : expect(ctx, "R-CDA-27", *entity, "id", 1, 1, true)) {
        root_and_extension(ctx, "R-CDA-27", *id);
      }
      check_assigned_entity(ctx, "R-CDA-27", *entity, Severity::Error);
    }
  }
  for (auto* authenticator : kids(doc, "authenticator")) {
    signature_and_time(ctx, "R-CDA-28", *authenticator);
    for (auto* entity : expect(ctx, "R-CDA-28", *authenticator, "assignedEntity", 1, 1)) {
      const auto ids = kids(*entity, "id");
      int national = 0;
      for (auto* id : ids) {
        if (attr_or(*id, "root") == kRppsRoot && has(*id, "extension")) ++national;
      }
      if (ids.size() != 1 || national != 1) {
        ctx.error("R-CDA-28", path(*entity, "id"),
                  "an authenticator has exactly one id with root 1.2.250.1.71.4.2.1 and "
                  "@extension");
      }
      check_assigned_entity(ctx, "R-CDA-28", *entity, Severity::Warning);
    }
  }
}

}  // namespace passerelle::cda::detail
