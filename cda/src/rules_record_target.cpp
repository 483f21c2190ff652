// §9 of cda-header-rules.md: recordTarget / patientRole / patient
// (R-CDA-14..20).

#include <set>

#include "rules.hpp"

namespace passerelle::cda::detail {
namespace {

constexpr std::string_view kSdtc = "urn:hl7-org:sdtc";

bool is_ins_root(std::string_view root) {
  return root == "1.2.250.1.213.1.4.8" || root == "1.2.250.1.213.1.4.9" ||
         root == "1.2.250.1.213.1.4.10" || root == "1.2.250.1.213.1.4.11";
}

void rule_15_ids(const Context& ctx, const El& role) {
  const auto ids = expect(ctx, "R-CDA-15", role, "id", 1, -1, true);
  std::set<std::pair<std::string, std::string>> seen;
  for (auto* id : ids) {
    if (!root_and_extension(ctx, "R-CDA-15", *id)) continue;
    if (!seen.emplace(attr_or(*id, "root"), attr_or(*id, "extension")).second) {
      ctx.error("R-CDA-15", path(*id), "duplicate patient identifier");
    }
  }
}

void rule_16_ins(const Context& ctx, const El& role, const El& patient) {
  bool ins = false;
  for (auto* id : kids(role, "id")) ins = ins || is_ins_root(attr_or(*id, "root"));
  if (!ins) return;
  const auto missing = [&](std::string what) {
    ctx.error("R-CDA-16", path(patient), "INS patient without " + what);
  };
  bool family_br = false, given_br = false, given_plain = false;
  for (auto* name : kids(patient, "name")) {
    for (auto* f : kids(*name, "family")) family_br |= attr_or(*f, "qualifier") == "BR";
    for (auto* g : kids(*name, "given")) {
      if (!attr(*g, "qualifier")) given_plain = true;
      if (attr_or(*g, "qualifier") == "BR") given_br = true;
    }
  }
  if (!family_br) missing("a birth name (family qualifier BR)");
  if (!given_br) missing("a first birth given name (given qualifier BR)");
  if (!given_plain) missing("the list of birth given names (given without qualifier)");
  const El* birth_time = kid(patient, "birthTime");
  if (birth_time == nullptr || !has(*birth_time, "value")) missing("birthTime");
  bool county = false;
  if (auto* birthplace = kid(patient, "birthplace")) {
    if (auto* place = kid(*birthplace, "place")) {
      if (auto* addr = kid(*place, "addr")) {
        if (auto* c = kid(*addr, "county")) county = !trimmed_text(*c).empty();
      }
    }
  }
  if (!county) missing("birthplace/place/addr/county (INSEE code of the birthplace)");
  const El* gender = kid(patient, "administrativeGenderCode");
  if (gender == nullptr || !has(*gender, "code")) missing("administrativeGenderCode/@code");
}

void rule_17_name(const Context& ctx, const El& patient) {
  for (auto* name : expect(ctx, "R-CDA-17", patient, "name", 1, 1, true)) {
    expect(ctx, "R-CDA-17", *name, "family", 1, -1, true);
    expect(ctx, "R-CDA-17", *name, "given", 1, -1, true);
    expect(ctx, "R-CDA-17", *name, "prefix", 0, 1);
    expect(ctx, "R-CDA-17", *name, "suffix", 0, 1);
    for (auto* family : kids(*name, "family")) {
      const std::string q = attr_or(*family, "qualifier");
      if (q == "SP") {
        ctx.warning("R-CDA-17", path(*family), "family qualifier SP (spouse name)");
      } else if (q != "BR" && q != "CL") {
        ctx.error("R-CDA-17", path(*family),
                  "family needs @qualifier BR (birth name) or CL (used name)");
      }
    }
    for (auto* given : kids(*name, "given")) {
      if (auto q = attr(*given, "qualifier"); q && *q != "BR" && *q != "CL") {
        ctx.error("R-CDA-17", path(*given), "given @qualifier must be BR or CL");
      }
    }
  }
}

void rule_18_gender(const Context& ctx, const El& patient) {
  for (auto* gender : expect(ctx, "R-CDA-18", patient, "administrativeGenderCode", 1, 1)) {
    if (is_null(*gender) || !has(*gender, "code")) {
      ctx.error("R-CDA-18", path(*gender), "administrativeGenderCode needs @code");
    } else {
      coded_in(ctx, "R-CDA-18", *gender, vs::kJ143);
    }
  }
}

void rule_19_birth_time(const Context& ctx, const El& patient) {
  for (auto* birth : expect(ctx, "R-CDA-19", patient, "birthTime", 1, 1)) {
    if (is_null(*birth) || !has(*birth, "value")) {
      ctx.error("R-CDA-19", path(*birth), "birthTime needs @value");
    }
  }
}

void rule_20_optional_parts(const Context& ctx, const El& patient) {
  static constexpr std::string_view rule = "R-CDA-20";
  for (const char* name :
       {"deceasedInd", "deceasedTime", "multipleBirthInd", "multipleBirthOrderNumber"}) {
    if (kids_ns(patient, kSdtc, name).size() > 1) {
      ctx.error(rule, path(patient) + "/sdtc:" + name, std::string("more than one sdtc:") + name);
    }
  }
  for (auto* birthplace : expect(ctx, rule, patient, "birthplace", 0, 1)) {
    for (auto* place : expect(ctx, rule, *birthplace, "place", 1, 1)) {
      expect(ctx, rule, *place, "addr", 0, 1);
      expect(ctx, rule, *place, "name", 0, 1);
    }
  }
  for (auto* guardian : kids(patient, "guardian")) {
    const auto persons = kids(*guardian, "guardianPerson");
    const auto organizations = kids(*guardian, "guardianOrganization");
    if (persons.size() + organizations.size() != 1) {
      ctx.error(rule, path(*guardian),
                "a guardian has exactly one guardianPerson or guardianOrganization");
    }
    for (auto* person : persons) {
      for (auto* name : expect(ctx, rule, *person, "name", 1, 1)) {
        expect(ctx, rule, *name, "family", 1, 3);
      }
    }
    for (auto* organization : organizations) {
      int national = 0;
      for (auto* id : kids(*organization, "id")) {
        if (attr_or(*id, "root") != kStructureRoot) continue;
        ++national;
        if (!has(*id, "extension")) {
          ctx.error(rule, path(*id), "guardian organisation id needs @extension");
        }
      }
      if (national > 1) {
        ctx.error(rule, path(*organization), "more than one national id for the guardian");
      }
      expect(ctx, rule, *organization, "name", 0, 1);
    }
  }
}

}  // namespace

void check_record_target(const Context& ctx, const El& doc) {
  const auto targets = expect(ctx, "R-CDA-14", doc, "recordTarget", 1, 1, true);
  if (targets.size() != 1) return;
  const auto roles = expect(ctx, "R-CDA-14", *targets[0], "patientRole", 1, 1);
  if (roles.size() != 1) return;
  const El& role = *roles[0];
  static const std::set<std::string> kAllowed = {"id", "addr", "telecom", "patient"};
  for (auto* child : kids(role)) {
    if (!kAllowed.count(local(*child))) {
      ctx.warning("R-CDA-54", path(*child), "element not allowed in patientRole");
    }
  }
  rule_15_ids(ctx, role);
  const auto patients = expect(ctx, "R-CDA-14", role, "patient", 1, 1, true);
  if (patients.size() != 1) return;
  const El& patient = *patients[0];
  rule_16_ins(ctx, role, patient);
  rule_17_name(ctx, patient);
  rule_18_gender(ctx, patient);
  rule_19_birth_time(ctx, patient);
  rule_20_optional_parts(ctx, patient);
}

}  // namespace passerelle::cda::detail
