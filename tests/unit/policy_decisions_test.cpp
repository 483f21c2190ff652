#define BOOST_TEST_MODULE policy_decisions
#include <boost/test/unit_test.hpp>
// Decision tables for the DMP policy (gateway/policy): one row per case, with
// the rule it exercises (R-…) and the expected refusal code ("" = allowed).
// The matrix is the shipped one (registry/profiles/dmp/habilitation.json),
// so these rows also pin the data.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "passerelle/policy/decide.hpp"
#include "passerelle/policy/special_documents.hpp"
#include "passerelle/registry/vocabulary.hpp"

namespace policy = passerelle::policy;
namespace registry = passerelle::registry;
namespace soap = passerelle::soap;
namespace vocab = registry::vocab;
using namespace std::chrono;
using policy::Caller;
using policy::Clock;
using policy::DocumentChange;
using policy::RecordState;

namespace {

// ------------------------------------------------------------------ fixtures

const policy::HabilitationMatrix& matrix() {
  static const policy::HabilitationMatrix shipped =
      policy::load_habilitation_matrix(policy::default_habilitation_matrix_path());
  return shipped;
}

Clock::time_point at(int y, unsigned m, unsigned d, int hour = 12) {
  return sys_days{year{y} / month{m} / day{d}} + hours{hour};
}
const Clock::time_point kNow = at(2026, 6, 15);

constexpr const char* kG15 = "1.2.250.1.71.1.2.7";
constexpr const char* kStructure = "312345678901234";  // SIRET-based structure id
constexpr const char* kOtherStructure = "312345678909999";
constexpr const char* kPatientIns = "2800175123456";
constexpr const char* kAuthor = "810000000002";
constexpr const char* kTreating = "810000000003";
constexpr const char* kOther = "810000000004";
constexpr const char* kNurse = "810000000005";
constexpr const char* kSecretary = "810000000006";
constexpr const char* kSocial = "810000000007";
constexpr const char* kBlocked = "810000000009";
constexpr const char* kRepresentative = "REP-1";

soap::AccessContext professional(std::string id, soap::CodedValue profession,
                                 std::optional<soap::CodedValue> role = std::nullopt) {
  soap::AccessContext context;
  context.person_id = std::move(id);
  context.person_id_kind = soap::PersonIdKind::Rpps;
  context.profession = std::move(profession);
  context.role = std::move(role);
  context.structure_id = kStructure;
  context.authentication = soap::AuthenticationMode::Directe;
  return context;
}

soap::AccessContext doctor(std::string id) {
  soap::AccessContext context = professional(std::move(id), {"10", kG15, "Médecin"});
  context.speciality = soap::CodedValue{"SM26", "1.2.250.1.71.4.2.5", ""};
  return context;
}

Caller ps(soap::AccessContext context) { return Caller::professional(std::move(context)); }
Caller author() { return ps(doctor(kAuthor)); }
Caller treating() { return ps(doctor(kTreating)); }
Caller other() { return ps(doctor(kOther)); }
Caller nurse() { return ps(professional(kNurse, {"60", kG15, "Infirmier"})); }
Caller opticien() { return ps(professional(kOther, {"28", kG15, "Opticien"})); }
// R-ID-3: a medical secretary (TRE_A00 SECRETARIAT_MEDICAL).
Caller secretary() {
  return ps(professional(kSecretary, {"SECRETARIAT_MEDICAL", "1.2.250.1.213.1.1.4.6", ""}));
}
// Social / medico-social: profession 99 (TRE_R291) with genre d'activité GENR11.
Caller social() {
  return ps(professional(kSocial, {"99", "1.2.250.1.213.1.6.1.140", ""},
                         soap::CodedValue{"GENR11", "1.2.250.1.213.1.6.1.19", ""}));
}
Caller assistant_social() {
  return ps(professional(kSocial, {"41", "1.2.250.1.213.1.6.1.4", "Assistant de service social"}));
}
Caller blocked() { return ps(doctor(kBlocked)); }
Caller in_mode(Caller caller, soap::PurposeOfUse purpose) {
  caller.context.purpose = purpose;
  return caller;
}
Caller emergency(Caller caller) {
  return in_mode(std::move(caller), soap::PurposeOfUse::BrisDeGlace);
}
Caller centre15(Caller caller) { return in_mode(std::move(caller), soap::PurposeOfUse::Centre15); }
Caller secret(Caller caller) {
  caller.context.secret_connection = true;
  return caller;
}
Caller indirect(Caller caller, std::string structure) {
  caller.context.authentication = soap::AuthenticationMode::Indirecte;
  caller.context.structure_id = std::move(structure);
  return caller;
}
Caller patient() { return Caller::patient(kPatientIns); }
Caller representative() { return Caller::legal_representative(kRepresentative); }

policy::Authorisation active_since(Clock::time_point last_access) {
  return {policy::Authorisation::Status::Active, last_access};
}

// An adult's open record; every professional caller has used it 10 days ago.
RecordState record() {
  RecordState state;
  state.status = policy::RecordStatus::Open;
  state.patient_id = std::string(kPatientIns) + "^^^&1.2.250.1.213.1.4.10&ISO^NH";
  state.birth_date = year{1980} / March / day{1};
  state.treating_doctors = {kTreating};
  state.blocked = {kBlocked};
  state.authorisation = active_since(kNow - days{10});
  state.structure_authorisation = active_since(kNow - days{3});
  return state;
}

void make_minor(RecordState& state) {
  state.birth_date = year{2015} / January / day{1};
  state.legal_representative = kRepresentative;
}

struct Type {
  const char* code;
  const char* scheme;
};
constexpr Type kLiaisonSociale{"83981-1",
                               "2.16.840.1.113883.6.1"};          // read by doctors, nurses, social
constexpr Type kCertificate{"89601-9", "2.16.840.1.113883.6.1"};  // doctors only
constexpr Type kVaccination{"11369-6", "2.16.840.1.113883.6.1"};
constexpr Type kReimbursement{"REMB", "1.2.250.1.213.1.1.4.12"};
constexpr Type kSignature{"E1762", "ASTM"};  // not in the matrix

registry::DocumentEntry entry(std::string uuid, Type type, std::vector<std::string> dmp_codes = {},
                              std::string author_id = kAuthor, std::string structure = kStructure) {
  registry::DocumentEntry out;
  out.entry_uuid = std::move(uuid);
  out.status = vocab::kApproved;
  out.type_code = registry::Code{type.code, type.scheme, ""};
  out.confidentiality_codes.push_back({"N", policy::kHl7ConfidentialitySystem, ""});
  for (auto& code : dmp_codes) {
    out.confidentiality_codes.push_back({std::move(code), policy::kDmpVisibilitySystem, ""});
  }
  registry::Author written_by;
  written_by.person = author_id + "^DOE^John^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS";
  written_by.institutions = {"Clinique^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^" + structure};
  out.authors.push_back(std::move(written_by));
  return out;
}

std::string decision_code(const Caller& caller, const RecordState& state,
                          const policy::Operation& operation, Clock::time_point now = kNow) {
  const policy::Decision decision = policy::decide(caller, state, operation, matrix(), now);
  if (decision.allowed()) return "";
  BOOST_TEST(!decision.refusal->reason.empty());
  return decision.refusal->code;
}

using Tweak = std::function<void(RecordState&)>;
void none(RecordState&) {}

struct Row {
  const char* rule;
  std::function<Caller()> caller;
  Tweak tweak;
  std::string expected;
};

void run_access_table(const std::vector<Row>& rows, const policy::Operation& operation) {
  for (const Row& row : rows) {
    RecordState state = record();
    row.tweak(state);
    BOOST_TEST_CONTEXT(row.rule) {
      BOOST_TEST(decision_code(row.caller(), state, operation) == row.expected);
    }
  }
}

}  // namespace

// ------------------------------------------------------------ record access

BOOST_AUTO_TEST_CASE(access_to_the_record_R_AUTH_1_to_8_and_R_ID_3) {
  using S = policy::Authorisation::Status;
  const auto no_authorisation = [](RecordState& s) { s.authorisation = {}; };
  const std::vector<Row> rows{
      {"R-AUTH-1 author with an authorisation used 10 days ago", author, none, ""},
      {"R-AUTH-1 first access needs the consent declaration", other, no_authorisation,
       "DMP_AUTH_CONSENT_REQUIRED"},
      {"R-AUTH-1 exactly 6 months without access: still valid", other,
       [](RecordState& s) { s.authorisation = active_since(at(2025, 12, 15)); }, ""},
      {"R-AUTH-1 6 months and a day: lapsed", other,
       [](RecordState& s) { s.authorisation = active_since(at(2025, 12, 14)); },
       "DMP_AUTH_AUTHORISATION_LAPSED"},
      {"R-AUTH-1 6 months and a second: lapsed", other,
       [](RecordState& s) { s.authorisation = active_since(at(2025, 12, 15) - seconds{1}); },
       "DMP_AUTH_AUTHORISATION_LAPSED"},
      {"R-AUTH-1 R-AUTH-5 an MT needs an authorisation too (strict reading)", treating,
       no_authorisation, "DMP_AUTH_CONSENT_REQUIRED"},
      {"R-AUTH-2 bris de glace without authorisation", [] { return emergency(other()); },
       no_authorisation, ""},
      {"R-AUTH-2 Centre 15 without authorisation", [] { return centre15(other()); },
       no_authorisation, ""},
      {"R-AUTH-2 bris de glace, patient opposed", [] { return emergency(other()); },
       [](RecordState& s) { s.bris_de_glace = policy::PatientChoice::Opposed; },
       "DMP_AUTH_EMERGENCY_OPPOSED"},
      {"R-AUTH-2 Centre 15, patient opposed Centre 15", [] { return centre15(other()); },
       [](RecordState& s) { s.centre_15 = policy::PatientChoice::Opposed; },
       "DMP_AUTH_CENTRE_15_OPPOSED"},
      {"R-AUTH-2 Centre 15 is a separate choice from bris de glace",
       [] { return centre15(other()); },
       [](RecordState& s) { s.bris_de_glace = policy::PatientChoice::Opposed; }, ""},
      {"R-AUTH-2 bris de glace allowed when only Centre 15 is opposed",
       [] { return emergency(other()); },
       [](RecordState& s) { s.centre_15 = policy::PatientChoice::Opposed; }, ""},
      {"R-AUTH-2 social profile: no emergency access", [] { return emergency(social()); }, none,
       "DMP_AUTH_EMERGENCY_SOCIAL_PROFILE"},
      {"R-AUTH-2 assistant de service social: no emergency access",
       [] { return centre15(assistant_social()); }, none, "DMP_AUTH_EMERGENCY_SOCIAL_PROFILE"},
      {"R-AUTH-2 R-AUTH-3 blocked professional: not even in emergency",
       [] { return emergency(blocked()); }, none, "DMP_AUTH_BLOCKED"},
      {"R-AUTH-3 blocked professional with an active authorisation", blocked, none,
       "DMP_AUTH_BLOCKED"},
      {"R-AUTH-3 blocks name persons: a colleague of the blocked PS is not blocked", other, none,
       ""},
      {"R-AUTH-4 authorisation ended by the professional", author,
       [](RecordState& s) { s.authorisation.status = S::Ended; }, "DMP_AUTH_AUTHORISATION_ENDED"},
      {"R-AUTH-6 secret connection on a minor", [] { return secret(other()); }, make_minor, ""},
      {"R-AUTH-6 secret connection on an adult", [] { return secret(other()); }, none,
       "DMP_AUTH_SECRET_CONNECTION_ADULT"},
      {"R-AUTH-6 secret connection, birth date unknown: adult", [] { return secret(other()); },
       [](RecordState& s) { s.birth_date.reset(); }, "DMP_AUTH_SECRET_CONNECTION_ADULT"},
      {"R-AUTH-6 secret connection on the 18th birthday: adult", [] { return secret(other()); },
       [](RecordState& s) { s.birth_date = year{2008} / June / day{15}; },
       "DMP_AUTH_SECRET_CONNECTION_ADULT"},
      {"R-AUTH-6 secret connection the day before the 18th birthday",
       [] { return secret(other()); },
       [](RecordState& s) { s.birth_date = year{2008} / June / day{16}; }, ""},
      {"R-AUTH-8 closed record: author", author,
       [](RecordState& s) { s.status = policy::RecordStatus::Closed; }, "DMP_AUTH_RECORD_CLOSED"},
      {"R-AUTH-8 closed record: MT", treating,
       [](RecordState& s) { s.status = policy::RecordStatus::Closed; }, "DMP_AUTH_RECORD_CLOSED"},
      {"R-AUTH-8 closed record: emergency", [] { return emergency(other()); },
       [](RecordState& s) { s.status = policy::RecordStatus::Closed; }, "DMP_AUTH_RECORD_CLOSED"},
      {"R-AUTH-8 closed record: patient", patient,
       [](RecordState& s) { s.status = policy::RecordStatus::Closed; }, "DMP_AUTH_RECORD_CLOSED"},
      {"no record", author, [](RecordState& s) { s.status = policy::RecordStatus::NotFound; },
       "DMP_AUTH_RECORD_NOT_FOUND"},
      {"R-ID-3 secretary, a PS of the structure is authorised", secretary, no_authorisation, ""},
      {"R-ID-3 secretary, no PS of the structure authorised", secretary,
       [](RecordState& s) { s.structure_authorisation = {}; },
       "DMP_AUTH_NO_AUTHORISED_PROFESSIONAL"},
      {"R-ID-3 R-AUTH-1 secretary, the structure's authorisation lapsed", secretary,
       [](RecordState& s) { s.structure_authorisation = active_since(at(2025, 1, 1)); },
       "DMP_AUTH_NO_AUTHORISED_PROFESSIONAL"},
      {"R-ID-3 secretary: no emergency access", [] { return emergency(secretary()); }, none,
       "DMP_AUTH_EMERGENCY_NON_PROFESSIONAL"},
      {"R-AUTH-2 social profile in normal mode with an authorisation", social, none, ""},
      {"R-READ-5 unknown profession (physicien médical, no matrix column)",
       [] {
         return ps(professional(kOther, {"32", kG15, "Physicien médical"}));
       },
       none, "DMP_AUTH_UNKNOWN_PROFESSION"},
      {"R-READ-5 occupational physician (SM25) is outside the médecin column",
       [] {
         soap::AccessContext context = doctor(kOther);
         context.speciality = soap::CodedValue{"SM25", "1.2.250.1.71.4.2.5", ""};
         return ps(context);
       },
       none, "DMP_AUTH_UNKNOWN_PROFESSION"},
      {"patient side: the holder", patient, none, ""},
      {"patient side: another patient", [] { return Caller::patient("1999999999999"); }, none,
       "DMP_AUTH_NOT_RECORD_HOLDER"},
      {"patient side: legal representative of a minor", representative, make_minor, ""},
      {"patient side: not the legal representative", representative, none,
       "DMP_AUTH_NOT_LEGAL_REPRESENTATIVE"},
  };
  run_access_table(rows, policy::ReadDocuments{});
}

BOOST_AUTO_TEST_CASE(lapse_uses_calendar_months_R_AUTH_1) {
  const policy::Authorisation last = active_since(at(2025, 8, 31, 10));
  BOOST_TEST(!policy::lapsed(last, at(2026, 2, 28, 10)));  // no 31 February: end of month
  BOOST_TEST(policy::lapsed(last, at(2026, 2, 28, 10) + seconds{1}));
  BOOST_TEST(policy::lapsed(last, at(2026, 3, 1, 0)));
}

BOOST_AUTO_TEST_CASE(decision_reports_the_access_mode_R_AUTH_2_R_AUTH_6) {
  RecordState state = record();
  make_minor(state);
  const auto normal = policy::decide(author(), state, policy::ReadDocuments{}, matrix(), kNow);
  BOOST_TEST(normal.allowed());
  BOOST_TEST((normal.mode == soap::PurposeOfUse::Normal));
  BOOST_TEST(!normal.secret_connection);
  const auto urgent =
      policy::decide(centre15(other()), state, policy::ReadDocuments{}, matrix(), kNow);
  BOOST_TEST((urgent.mode == soap::PurposeOfUse::Centre15));
  const auto hidden =
      policy::decide(secret(other()), state, policy::ReadDocuments{}, matrix(), kNow);
  BOOST_TEST(hidden.secret_connection);
  const auto refused = policy::decide(blocked(), state, policy::ReadDocuments{}, matrix(), kNow);
  BOOST_TEST(!refused.filter.has_value());
}

BOOST_AUTO_TEST_CASE(consent_and_authorisation_management_R_AUTH_1_R_AUTH_4_R_AUTH_7) {
  using S = policy::Authorisation::Status;
  const auto no_authorisation = [](RecordState& s) { s.authorisation = {}; };
  run_access_table(
      {
          {"R-AUTH-1 declare consent on first access", other, no_authorisation, ""},
          {"R-AUTH-1 declare consent after a lapse", other,
           [](RecordState& s) { s.authorisation = active_since(at(2024, 1, 1)); }, ""},
          {"R-AUTH-4 declare consent again after ending it", other,
           [](RecordState& s) { s.authorisation.status = S::Ended; }, ""},
          {"R-AUTH-2 social profile declares consent", social, no_authorisation, ""},
          {"R-AUTH-7 no consent declaration in emergency", [] { return emergency(other()); },
           no_authorisation, "DMP_AUTH_UNAVAILABLE_IN_EMERGENCY"},
          {"R-AUTH-3 blocked professional cannot declare consent", blocked, none,
           "DMP_AUTH_BLOCKED"},
          {"R-AUTH-8 closed record", other,
           [](RecordState& s) { s.status = policy::RecordStatus::Closed; },
           "DMP_AUTH_RECORD_CLOSED"},
          {"R-AUTH-6 secret connection on an adult", [] { return secret(other()); }, none,
           "DMP_AUTH_SECRET_CONNECTION_ADULT"},
          {"R-ID-3 a secretary cannot declare consent", secretary, none,
           "DMP_AUTH_PROFESSIONALS_ONLY"},
          {"patient side does not declare consent", patient, none, "DMP_AUTH_PROFESSIONALS_ONLY"},
          {"R-READ-5 unknown profession",
           [] {
             return ps(professional(kOther, {"32", kG15, ""}));
           },
           none, "DMP_AUTH_UNKNOWN_PROFESSION"},
      },
      policy::DeclareConsent{});
  run_access_table(
      {
          {"R-AUTH-4 end one's own authorisation", author, none, ""},
          {"R-AUTH-4 end a lapsed authorisation", author,
           [](RecordState& s) { s.authorisation = active_since(at(2024, 1, 1)); }, ""},
          {"R-AUTH-4 nothing to end", other, no_authorisation, "DMP_AUTH_NO_AUTHORISATION_TO_END"},
          {"R-AUTH-4 already ended", other,
           [](RecordState& s) { s.authorisation.status = S::Ended; },
           "DMP_AUTH_NO_AUTHORISATION_TO_END"},
          {"R-AUTH-7 not in emergency", [] { return emergency(author()); }, none,
           "DMP_AUTH_UNAVAILABLE_IN_EMERGENCY"},
          {"patient side holds no authorisation", patient, none, "DMP_AUTH_PROFESSIONALS_ONLY"},
      },
      policy::EndAuthorisation{});
  run_access_table(
      {
          {"R-AUTH-5 an MT blocks a professional", treating, none, ""},
          {"R-AUTH-3 the patient blocks a professional", patient, none, ""},
          {"R-AUTH-5 another PS cannot manage blocks", other, none,
           "DMP_AUTH_TREATING_DOCTOR_ONLY"},
          {"R-AUTH-7 no access management in emergency", [] { return emergency(treating()); }, none,
           "DMP_AUTH_UNAVAILABLE_IN_EMERGENCY"},
      },
      policy::ManageBlock{kOther, true});
  run_access_table(
      {
          {"TD0.2 record status is answered even to a blocked PS", blocked, none, ""},
          {"TD0.2 record status on a closed record", other,
           [](RecordState& s) { s.status = policy::RecordStatus::Closed; }, ""},
      },
      policy::RecordStatusQuery{});
}

BOOST_AUTO_TEST_CASE(authorisation_status_for_record_status_R_AUTH_1_R_AUTH_5) {
  using V = policy::AuthorisationStatus::Value;
  struct StatusRow {
    const char* rule;
    std::function<Caller()> caller;
    Tweak tweak;
    V expected;
    std::string reason;
    bool treating_doctor;
  };
  const std::vector<StatusRow> rows{
      {"R-AUTH-1 active", author, none, V::Valide, "", false},
      {"R-AUTH-5 active, caller is MT", treating, none, V::Valide, "", true},
      {"R-AUTH-1 lapsed", author,
       [](RecordState& s) { s.authorisation = active_since(at(2025, 1, 1)); }, V::Expire, "",
       false},
      {"R-AUTH-1 never authorised", other, [](RecordState& s) { s.authorisation = {}; },
       V::NonExiste, "", false},
      {"R-AUTH-3 blocked", blocked, none, V::Interdit, "DMP_AUTH_BLOCKED", false},
      {"R-AUTH-8 closed", author, [](RecordState& s) { s.status = policy::RecordStatus::Closed; },
       V::Interdit, "DMP_AUTH_RECORD_CLOSED", false},
      {"no record", author, [](RecordState& s) { s.status = policy::RecordStatus::NotFound; },
       V::NonExiste, "", false},
  };
  for (const StatusRow& row : rows) {
    RecordState state = record();
    row.tweak(state);
    BOOST_TEST_CONTEXT(row.rule) {
      const auto status = policy::authorisation_status(row.caller(), state, matrix(), kNow);
      BOOST_TEST(policy::to_string(status.value) == policy::to_string(row.expected));
      BOOST_TEST((status.reason ? status.reason->code : "") == row.reason);
      BOOST_TEST(status.treating_doctor == row.treating_doctor);
    }
  }
}

// ------------------------------------------------------------------ reading

namespace {

struct Seeded {
  std::string name;
  registry::DocumentEntry entry;
};

// One record's documents, each hidden by at most one rule.
std::vector<Seeded> seeded_documents() {
  std::vector<Seeded> out{
      {"plain", entry("urn:uuid:plain", kLiaisonSociale)},
      {"cert", entry("urn:uuid:cert", kCertificate)},
      {"masked", entry("urn:uuid:masked", kLiaisonSociale, {policy::kMasquePs})},
      {"hidden_patient", entry("urn:uuid:hp", kLiaisonSociale, {policy::kInvisiblePatient})},
      {"hidden_reps", entry("urn:uuid:hr", kLiaisonSociale, {policy::kInvisibleRepresentants})},
      {"deleted", entry("urn:uuid:deleted", kLiaisonSociale)},
      {"deprecated", entry("urn:uuid:deprecated", kLiaisonSociale)},
      {"signature", entry("urn:uuid:signature", kSignature)},
  };
  out[5].entry.status = vocab::kDeleted;
  out[6].entry.status = vocab::kDeprecated;
  return out;
}

std::string visible_names(const Caller& caller, const RecordState& state) {
  const policy::Decision decision =
      policy::decide(caller, state, policy::ReadDocuments{}, matrix(), kNow);
  BOOST_TEST_REQUIRE(decision.allowed());
  BOOST_TEST_REQUIRE(decision.filter.has_value());
  std::string names;
  for (const Seeded& document : seeded_documents()) {
    if (decision.filter->visible(document.entry))
      names += (names.empty() ? "" : " ") + document.name;
  }
  return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(read_filter_R_READ_1_to_6) {
  const std::vector<Row> rows{
      {"R-READ-3 author sees their masked document; R-READ-2/4 PS see invisible-to-patient/reps; "
       "R-CHG-4 earlier versions stay readable; R-CHG-5 deleted never served; R-READ-5 E1762 "
       "is in no matrix row",
       author, make_minor, "plain cert masked hidden_patient hidden_reps deprecated"},
      {"R-READ-3 another doctor does not see a masked document", other, make_minor,
       "plain cert hidden_patient hidden_reps deprecated"},
      {"R-READ-3 R-AUTH-5 the MT sees masked documents", treating, make_minor,
       "plain cert masked hidden_patient hidden_reps deprecated"},
      {"R-READ-6 the MT in emergency: never masked documents", [] { return emergency(treating()); },
       make_minor, "plain cert hidden_patient hidden_reps deprecated"},
      {"R-READ-6 the author in emergency: never masked documents",
       [] { return centre15(author()); }, make_minor,
       "plain cert hidden_patient hidden_reps deprecated"},
      {"R-READ-5 a nurse does not read medical certificates", nurse, make_minor,
       "plain hidden_patient hidden_reps deprecated"},
      {"R-READ-5 an optician reads no liaison letter", opticien, make_minor, ""},
      {"R-READ-5 social profile (GENR11) reads the social liaison letter", social, make_minor,
       "plain hidden_patient hidden_reps deprecated"},
      {"R-READ-5 R-ID-3 a secretary reads no type (no matrix column)", secretary, make_minor, ""},
      {"R-READ-2 R-READ-4 minor patient: neither invisible-to-patient nor invisible-to-reps; "
       "R-READ-3 masked is readable by the patient",
       patient, make_minor, "plain cert masked deprecated signature"},
      {"R-READ-4 patient of age reads documents hidden from the legal representatives", patient,
       none, "plain cert masked hidden_reps deprecated signature"},
      {"R-READ-2 R-READ-4 legal representative", representative, make_minor,
       "plain cert masked deprecated signature"},
  };
  for (const Row& row : rows) {
    RecordState state = record();
    row.tweak(state);
    BOOST_TEST_CONTEXT(row.rule) { BOOST_TEST(visible_names(row.caller(), state) == row.expected); }
  }
}

BOOST_AUTO_TEST_CASE(filter_description_for_sql_push_down_R_READ_1_R_READ_5) {
  const auto filter_of = [](const Caller& caller) {
    return *policy::decide(caller, record(), policy::ReadDocuments{}, matrix(), kNow).filter;
  };
  const policy::ReadFilter by_other = filter_of(other());
  BOOST_TEST(!by_other.all_types);
  BOOST_TEST(by_other.readable_types->codes().size() == 107u);  // médecin: every shipped row
  BOOST_TEST(by_other.hide_masked);
  BOOST_TEST(by_other.masked_author_id == kOther);
  BOOST_TEST(!by_other.hide_invisible_to_patient);

  const policy::ReadFilter by_treating = filter_of(treating());
  BOOST_TEST(!by_treating.hide_masked);

  const policy::ReadFilter in_emergency = filter_of(emergency(treating()));
  BOOST_TEST(in_emergency.hide_masked);
  BOOST_TEST(in_emergency.masked_author_id.empty());

  const policy::ReadFilter by_nurse = filter_of(nurse());
  BOOST_TEST(by_nurse.readable_types->codes().size() == 77u);
  BOOST_TEST(by_nurse.readable_type("83981-1", "2.16.840.1.113883.6.1"));
  BOOST_TEST(!by_nurse.readable_type("89601-9", "2.16.840.1.113883.6.1"));
  BOOST_TEST(!by_nurse.readable_type("83981-1", "1.2.250.1.213.1.1.4.12"));  // scheme matters

  const policy::ReadFilter by_patient = filter_of(patient());
  BOOST_TEST(by_patient.all_types);
  BOOST_TEST(by_patient.hide_invisible_to_patient);
  BOOST_TEST(!by_patient.hide_masked);
}

BOOST_AUTO_TEST_CASE(a_hidden_document_is_refused_like_an_absent_one_R_READ_1) {
  // The same refusal, whatever hides the document: no hint of masking,
  // document type or visibility flag.
  const RecordState state = record();
  const auto refusal_for = [&](const Caller& caller, const registry::DocumentEntry& target) {
    const policy::Decision decision = policy::decide(
        caller, state, policy::ChangeDocument{DocumentChange::Archive, target}, matrix(), kNow);
    BOOST_TEST_REQUIRE(!decision.allowed());
    return *decision.refusal;
  };
  const policy::Refusal masked =
      refusal_for(other(), entry("urn:uuid:x", kLiaisonSociale, {policy::kMasquePs}));
  const policy::Refusal by_type = refusal_for(nurse(), entry("urn:uuid:x", kCertificate));
  registry::DocumentEntry gone = entry("urn:uuid:x", kLiaisonSociale);
  gone.status = vocab::kDeleted;
  const policy::Refusal deleted = refusal_for(other(), gone);
  BOOST_TEST(masked.code == "DMP_DOCUMENT_NOT_FOUND");
  BOOST_TEST((masked == by_type));
  BOOST_TEST((masked == deleted));
  BOOST_TEST(masked.reason.find("mask") == std::string::npos);
}

// ------------------------------------------------------------------ writing

namespace {

struct SubmitRow {
  const char* rule;
  std::function<Caller()> caller;
  Tweak tweak;
  std::vector<registry::DocumentEntry> documents;
  std::vector<registry::DocumentEntry> replaced;
  std::string expected;
};

registry::DocumentEntry with_codes(registry::DocumentEntry base,
                                   std::vector<registry::Code> codes) {
  base.confidentiality_codes = std::move(codes);
  return base;
}

registry::DocumentEntry authored_by_patient(Type type) {
  registry::DocumentEntry out = entry("urn:uuid:by-patient", type);
  out.authors.front().person = std::string(kPatientIns) + "^^^^^^^^&1.2.250.1.213.1.4.10&ISO^NH";
  out.authors.front().institutions.clear();
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(submissions_R_DOC_3_R_DOC_4_R_SPEC_1_R_SPEC_2) {
  const registry::Code n{"N", policy::kHl7ConfidentialitySystem, ""};
  const registry::Code r{"R", policy::kHl7ConfidentialitySystem, ""};
  const registry::Code masked{policy::kMasquePs, policy::kDmpVisibilitySystem, ""};
  const auto doc = [](std::vector<std::string> codes = {}) {
    return entry("urn:uuid:new", kLiaisonSociale, std::move(codes));
  };
  registry::DocumentEntry no_author = doc();
  no_author.authors.clear();
  registry::DocumentEntry legally_authenticated =
      entry("urn:uuid:new", kLiaisonSociale, {}, kOther);
  legally_authenticated.legal_authenticator =
      std::string(kAuthor) + "^DOE^John^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS";
  const auto vaccination = [](std::string uuid, std::string by = kAuthor) {
    return entry(std::move(uuid), kVaccination, {}, std::move(by));
  };
  const auto has_vaccination = [](RecordState& s) { s.has_vaccination_record = true; };

  const std::vector<SubmitRow> rows{
      {"R-DOC-3 the author submits", author, none, {doc()}, {}, ""},
      {"R-DOC-3 direct authentication: the caller is no author",
       other,
       none,
       {doc()},
       {},
       "DMP_DOC_AUTHOR_MISMATCH"},
      {"R-DOC-3 author is mandatory", author, none, {no_author}, {}, "DMP_DOC_AUTHOR_MISSING"},
      {"R-DOC-3 the legal authenticator submits", author, none, {legally_authenticated}, {}, ""},
      {"R-DOC-3 indirect authentication: the structure is an author institution",
       [] { return indirect(other(), kStructure); },
       none,
       {doc()},
       {},
       ""},
      {"R-DOC-3 indirect authentication: another structure",
       [] { return indirect(author(), kOtherStructure); },
       none,
       {doc()},
       {},
       "DMP_DOC_AUTHOR_MISMATCH"},
      {"R-DOC-3 R-ID-3 a secretary deposits for a PS of the structure",
       [] { return indirect(secretary(), kStructure); },
       none,
       {doc()},
       {},
       ""},
      {"R-DOC-3 patient-authored document",
       patient,
       none,
       {authored_by_patient(kLiaisonSociale)},
       {},
       ""},
      {"R-DOC-3 one bad document refuses the lot",
       author,
       none,
       {doc(), entry("urn:uuid:second", kLiaisonSociale, {}, kOther)},
       {},
       "DMP_DOC_AUTHOR_MISMATCH"},
      {"R-DOC-4 (c) masked to professionals", author, none, {doc({policy::kMasquePs})}, {}, ""},
      {"R-DOC-4 (b) not visible to the patient",
       author,
       none,
       {doc({policy::kInvisiblePatient})},
       {},
       ""},
      {"R-DOC-4 (b)+(c) are incompatible",
       author,
       none,
       {doc({policy::kMasquePs, policy::kInvisiblePatient})},
       {},
       "DMP_DOC_CONFIDENTIALITY_INCOMPATIBLE"},
      {"R-DOC-4 (d) combined with (c) on a minor",
       author,
       make_minor,
       {doc({policy::kInvisibleRepresentants, policy::kMasquePs})},
       {},
       ""},
      {"R-DOC-4 (d) combined with (b)",
       author,
       make_minor,
       {doc({policy::kInvisibleRepresentants, policy::kInvisiblePatient})},
       {},
       ""},
      {"R-DOC-4 (d) on an adult without representatives",
       author,
       none,
       {doc({policy::kInvisibleRepresentants})},
       {},
       "DMP_DOC_CONFIDENTIALITY_INCOMPATIBLE"},
      {"R-DOC-4 (d) on an adult under guardianship",
       author,
       [](RecordState& s) { s.legal_representative = kRepresentative; },
       {doc({policy::kInvisibleRepresentants})},
       {},
       ""},
      {"R-DOC-4 two HL7 codes",
       author,
       none,
       {with_codes(doc(), {n, r})},
       {},
       "DMP_DOC_CONFIDENTIALITY_INVALID"},
      {"R-DOC-4 no HL7 code",
       author,
       none,
       {with_codes(doc(), {masked})},
       {},
       "DMP_DOC_CONFIDENTIALITY_INVALID"},
      {"R-DOC-4 repeated DMP code",
       author,
       none,
       {with_codes(doc(), {n, masked, masked})},
       {},
       "DMP_DOC_CONFIDENTIALITY_INVALID"},
      {"R-DOC-4 unknown DMP code",
       author,
       none,
       {with_codes(doc(), {n, {"SECRET", policy::kDmpVisibilitySystem, ""}})},
       {},
       "DMP_DOC_CONFIDENTIALITY_INVALID"},
      {"R-DOC-4 code of another system",
       author,
       none,
       {with_codes(doc(), {n, {"MASQUE_PS", "1.2.3", ""}})},
       {},
       "DMP_DOC_CONFIDENTIALITY_INVALID"},
      {"R-DOC-4 HL7 code outside N/R/V",
       author,
       none,
       {with_codes(doc(), {{"U", policy::kHl7ConfidentialitySystem, ""}})},
       {},
       "DMP_DOC_CONFIDENTIALITY_INVALID"},
      {"R-AUTH-2 a document may be added in emergency",
       [] { return emergency(author()); },
       none,
       {doc()},
       {},
       ""},
      {"R-AUTH-1 adding needs access first",
       author,
       [](RecordState& s) { s.authorisation = {}; },
       {doc()},
       {},
       "DMP_AUTH_CONSENT_REQUIRED"},
      {"R-SPEC-1 the first vaccination record", author, none, {vaccination("urn:uuid:v1")}, {}, ""},
      {"R-SPEC-1 a second vaccination record",
       author,
       has_vaccination,
       {vaccination("urn:uuid:v2")},
       {},
       "DMP_SPEC_VACCINATION_RECORD_EXISTS"},
      {"R-SPEC-1 two vaccination records in one lot",
       author,
       none,
       {vaccination("urn:uuid:v1"), vaccination("urn:uuid:v2")},
       {},
       "DMP_SPEC_VACCINATION_RECORD_EXISTS"},
      {"R-SPEC-1 any PS corrects the vaccination record by replacing it",
       other,
       has_vaccination,
       {vaccination("urn:uuid:v2", kOther)},
       {vaccination("urn:uuid:v1")},
       ""},
      {"R-SPEC-1 the vaccination record cannot be masked",
       author,
       none,
       {entry("urn:uuid:v1", kVaccination, {policy::kMasquePs})},
       {},
       "DMP_SPEC_VACCINATION_RECORD_PROTECTED"},
      {"R-SPEC-2 reimbursement data come from the insurer only",
       author,
       none,
       {entry("urn:uuid:remb", kReimbursement)},
       {},
       "DMP_SPEC_REIMBURSEMENT_INSURER_ONLY"},
      {"R-CHG-4 the depositor replaces their document",
       author,
       none,
       {doc()},
       {entry("urn:uuid:old", kLiaisonSociale)},
       ""},
      {"R-CHG-4 another PS cannot replace it",
       other,
       none,
       {entry("urn:uuid:new", kLiaisonSociale, {}, kOther)},
       {entry("urn:uuid:old", kLiaisonSociale)},
       "DMP_CHG_NOT_DEPOSITOR"},
      {"R-CHG-4 R-AUTH-7 no replacement in emergency",
       [] { return emergency(author()); },
       none,
       {doc()},
       {entry("urn:uuid:old", kLiaisonSociale)},
       "DMP_CHG_UNAVAILABLE_IN_EMERGENCY"},
      {"R-CHG-4 the patient replaces their own document",
       patient,
       none,
       {authored_by_patient(kLiaisonSociale)},
       {authored_by_patient(kLiaisonSociale)},
       ""},
  };
  for (const SubmitRow& row : rows) {
    RecordState state = record();
    row.tweak(state);
    BOOST_TEST_CONTEXT(row.rule) {
      const std::string code =
          decision_code(row.caller(), state, policy::AddDocuments{row.documents, row.replaced});
      BOOST_TEST(code == row.expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(submission_refusal_names_the_document_R_DOC_3) {
  const std::vector<registry::DocumentEntry> lot{
      entry("urn:uuid:first", kLiaisonSociale),
      entry("urn:uuid:second", kLiaisonSociale, {}, kOther)};
  const auto decision =
      policy::decide(author(), record(), policy::AddDocuments{lot, {}}, matrix(), kNow);
  BOOST_TEST_REQUIRE(!decision.allowed());
  BOOST_TEST(decision.refusal->location == "urn:uuid:second");
  BOOST_TEST(decision.refusal->reason == "no authorPerson of the document is the caller");
}

namespace {

struct ChangeRow {
  const char* rule;
  std::function<Caller()> caller;
  Tweak tweak;
  DocumentChange change;
  registry::DocumentEntry target;
  std::string expected;
};

}  // namespace

BOOST_AUTO_TEST_CASE(changes_R_CHG_1_to_5_R_SPEC_1_R_SPEC_2_R_AUTH_7) {
  using C = DocumentChange;
  const registry::DocumentEntry plain = entry("urn:uuid:d", kLiaisonSociale);
  const registry::DocumentEntry masked = entry("urn:uuid:d", kLiaisonSociale, {policy::kMasquePs});
  const registry::DocumentEntry hidden_patient =
      entry("urn:uuid:d", kLiaisonSociale, {policy::kInvisiblePatient});
  const registry::DocumentEntry hidden_reps =
      entry("urn:uuid:d", kLiaisonSociale, {policy::kInvisibleRepresentants});
  const registry::DocumentEntry vaccination = entry("urn:uuid:v", kVaccination);
  const registry::DocumentEntry reimbursement = entry("urn:uuid:r", kReimbursement);
  const registry::DocumentEntry patients_own = authored_by_patient(kLiaisonSociale);

  const std::vector<ChangeRow> rows{
      {"R-CHG-1 the author masks", author, none, C::Mask, plain, ""},
      {"R-CHG-1 R-AUTH-5 an MT masks", treating, none, C::Mask, plain, ""},
      {"R-CHG-1 the patient masks", patient, none, C::Mask, plain, ""},
      {"R-CHG-1 another PS cannot mask", other, none, C::Mask, plain, "DMP_CHG_NOT_PERMITTED"},
      {"R-CHG-1 a nurse cannot mask", nurse, none, C::Mask, plain, "DMP_CHG_NOT_PERMITTED"},
      {"R-CHG-1 R-AUTH-7 not in emergency", [] { return emergency(author()); }, none, C::Mask,
       plain, "DMP_CHG_UNAVAILABLE_IN_EMERGENCY"},
      {"R-CHG-1 the author unmasks", author, none, C::Unmask, masked, ""},
      {"R-CHG-1 R-AUTH-5 an MT unmasks", treating, none, C::Unmask, masked, ""},
      {"R-CHG-1 the patient unmasks", patient, none, C::Unmask, masked, ""},
      {"R-CHG-1 R-READ-1 another PS cannot see it to unmask it", other, none, C::Unmask, masked,
       "DMP_DOCUMENT_NOT_FOUND"},
      {"R-CHG-2 any authorised PS makes it visible to the patient", other, none,
       C::MakeVisibleToPatient, hidden_patient, ""},
      {"R-CHG-2 a nurse makes it visible to the patient", nurse, none, C::MakeVisibleToPatient,
       hidden_patient, ""},
      {"R-CHG-2 R-AUTH-7 not in emergency", [] { return emergency(other()); }, none,
       C::MakeVisibleToPatient, hidden_patient, "DMP_CHG_UNAVAILABLE_IN_EMERGENCY"},
      {"R-CHG-2 R-READ-2 the patient cannot see it", patient, none, C::MakeVisibleToPatient,
       hidden_patient, "DMP_DOCUMENT_NOT_FOUND"},
      {"R-CHG-2 any PS makes it visible to the legal representatives", other, make_minor,
       C::MakeVisibleToLegalRepresentatives, hidden_reps, ""},
      {"R-CHG-2 the patient of age lifts their own wish", patient, none,
       C::MakeVisibleToLegalRepresentatives, hidden_reps, ""},
      {"R-CHG-2 R-READ-4 the legal representative cannot see it", representative, make_minor,
       C::MakeVisibleToLegalRepresentatives, hidden_reps, "DMP_DOCUMENT_NOT_FOUND"},
      {"R-CHG-2 the legal representative cannot lift the hiding from the representatives",
       representative, make_minor, C::MakeVisibleToLegalRepresentatives, plain,
       "DMP_CHG_NOT_PERMITTED"},
      {"R-CHG-3 any PS archives", other, none, C::Archive, plain, ""},
      {"R-CHG-3 the patient archives", patient, none, C::Archive, plain, ""},
      {"R-CHG-3 a nurse unarchives", nurse, none, C::Unarchive, plain, ""},
      {"R-CHG-3 R-AUTH-7 not in emergency", [] { return centre15(author()); }, none, C::Archive,
       plain, "DMP_CHG_UNAVAILABLE_IN_EMERGENCY"},
      {"R-CHG-3 R-ID-3 a secretary sees no document to archive", secretary, none, C::Archive, plain,
       "DMP_DOCUMENT_NOT_FOUND"},
      {"R-CHG-5 the depositor deletes", author, none, C::Delete, plain, ""},
      {"R-CHG-5 an MT is not the depositor", treating, none, C::Delete, plain,
       "DMP_CHG_NOT_DEPOSITOR"},
      {"R-CHG-5 the patient is not the depositor", patient, none, C::Delete, plain,
       "DMP_CHG_NOT_DEPOSITOR"},
      {"R-CHG-5 the patient deletes their own document", patient, none, C::Delete, patients_own,
       ""},
      {"R-CHG-5 indirect authentication: the depositing structure",
       [] { return indirect(other(), kStructure); }, none, C::Delete, plain, ""},
      {"R-CHG-5 R-AUTH-7 not in emergency", [] { return emergency(author()); }, none, C::Delete,
       plain, "DMP_CHG_UNAVAILABLE_IN_EMERGENCY"},
      {"R-CHG-4 the depositor replaces", author, none, C::Replace, plain, ""},
      {"R-CHG-4 another PS cannot replace", other, none, C::Replace, plain,
       "DMP_CHG_NOT_DEPOSITOR"},
      {"R-SPEC-1 the vaccination record cannot be masked", author, none, C::Mask, vaccination,
       "DMP_SPEC_VACCINATION_RECORD_PROTECTED"},
      {"R-SPEC-1 the vaccination record cannot be archived", patient, none, C::Archive, vaccination,
       "DMP_SPEC_VACCINATION_RECORD_PROTECTED"},
      {"R-SPEC-1 the vaccination record cannot be deleted, even by its depositor", author, none,
       C::Delete, vaccination, "DMP_SPEC_VACCINATION_RECORD_PROTECTED"},
      {"R-SPEC-1 any PS corrects the vaccination record", other, none, C::Replace, vaccination, ""},
      {"R-SPEC-2 the patient masks reimbursement data", patient, none, C::Mask, reimbursement, ""},
      {"R-SPEC-2 an MT cannot mask reimbursement data", treating, none, C::Mask, reimbursement,
       "DMP_SPEC_REIMBURSEMENT_PROTECTED"},
      {"R-SPEC-2 reimbursement data cannot be archived", patient, none, C::Archive, reimbursement,
       "DMP_SPEC_REIMBURSEMENT_PROTECTED"},
      {"R-SPEC-2 reimbursement data cannot be deleted", author, none, C::Delete, reimbursement,
       "DMP_SPEC_REIMBURSEMENT_PROTECTED"},
      {"R-AUTH-3 a blocked PS changes nothing", blocked, none, C::Archive, plain,
       "DMP_AUTH_BLOCKED"},
  };
  for (const ChangeRow& row : rows) {
    RecordState state = record();
    row.tweak(state);
    BOOST_TEST_CONTEXT(row.rule) {
      const std::string code =
          decision_code(row.caller(), state, policy::ChangeDocument{row.change, row.target});
      BOOST_TEST(code == row.expected);
    }
  }
}

// ITI-57 on a Folder (new version, status change): the record access of
// adding documents (R-AUTH-*, R-ID-3) and nothing in emergency (R-AUTH-7,
// R-CHG-1..5 strict reading: no change of any kind in emergency).
BOOST_AUTO_TEST_CASE(folder_changes_R_AUTH_1_to_8_R_AUTH_7_R_CHG) {
  const auto no_authorisation = [](RecordState& s) { s.authorisation = {}; };
  const std::vector<Row> rows{
      {"R-AUTH-1 a PS with an authorisation changes a folder", other, none, ""},
      {"R-AUTH-1 the author changes a folder", author, none, ""},
      {"R-AUTH-5 an MT changes a folder", treating, none, ""},
      {"R-AUTH-1 no consent declared: refused", other, no_authorisation,
       "DMP_AUTH_CONSENT_REQUIRED"},
      {"R-AUTH-1 lapsed authorisation: refused", other,
       [](RecordState& s) { s.authorisation = active_since(at(2025, 12, 14)); },
       "DMP_AUTH_AUTHORISATION_LAPSED"},
      {"R-AUTH-3 a blocked PS changes no folder", blocked, none, "DMP_AUTH_BLOCKED"},
      {"R-AUTH-8 closed record", author,
       [](RecordState& s) { s.status = policy::RecordStatus::Closed; }, "DMP_AUTH_RECORD_CLOSED"},
      {"R-AUTH-7 R-CHG not in bris de glace, even with an authorisation",
       [] { return emergency(author()); }, none, "DMP_CHG_UNAVAILABLE_IN_EMERGENCY"},
      {"R-AUTH-7 R-CHG not in Centre 15 mode", [] { return centre15(other()); }, no_authorisation,
       "DMP_CHG_UNAVAILABLE_IN_EMERGENCY"},
      {"R-AUTH-2 bris de glace opposed: the access refusal comes first",
       [] { return emergency(other()); },
       [](RecordState& s) { s.bris_de_glace = policy::PatientChoice::Opposed; },
       "DMP_AUTH_EMERGENCY_OPPOSED"},
      {"R-ID-3 a secretary acts under the structure's authorisation", secretary, none, ""},
      {"R-ID-3 no professional of the structure authorised", secretary,
       [](RecordState& s) { s.structure_authorisation = {}; },
       "DMP_AUTH_NO_AUTHORISED_PROFESSIONAL"},
      {"the patient organises their own record", patient, none, ""},
  };
  run_access_table(rows, policy::ChangeFolder{"urn:uuid:folder"});
  // The refusal names the caller's own object: the folder.
  const auto refused = policy::decide(emergency(author()), record(),
                                      policy::ChangeFolder{"urn:uuid:folder"}, matrix(), kNow);
  BOOST_TEST_REQUIRE(!refused.allowed());
  BOOST_TEST(refused.refusal->location == "urn:uuid:folder");
  // Associations between registered objects (Submit Association, status
  // changes) follow the same table.
  run_access_table(rows, policy::ChangeAssociation{"urn:uuid:association"});
  const auto association =
      policy::decide(emergency(author()), record(),
                     policy::ChangeAssociation{"urn:uuid:association"}, matrix(), kNow);
  BOOST_TEST_REQUIRE(!association.allowed());
  BOOST_TEST(association.refusal->location == "urn:uuid:association");
  BOOST_TEST(association.refusal->reason ==
             "changing an association is unavailable in emergency access");
}

BOOST_AUTO_TEST_CASE(classifying_updates_R_CHG_1_R_CHG_2_R_CHG_3_R_CHG_5) {
  using C = DocumentChange;
  const registry::Code n{"N", policy::kHl7ConfidentialitySystem, ""};
  const registry::Code r{"R", policy::kHl7ConfidentialitySystem, ""};
  const registry::Code masked{policy::kMasquePs, policy::kDmpVisibilitySystem, ""};
  const registry::Code hp{policy::kInvisiblePatient, policy::kDmpVisibilitySystem, ""};
  const registry::Code hr{policy::kInvisibleRepresentants, policy::kDmpVisibilitySystem, ""};
  struct UpdateRow {
    const char* rule;
    std::vector<registry::Code> before;
    std::vector<registry::Code> after;
    std::vector<C> changes;
    std::string refusal;
  };
  const std::vector<UpdateRow> rows{
      {"R-CHG-1 mask", {n}, {n, masked}, {C::Mask}, ""},
      {"R-CHG-1 unmask", {n, masked}, {n}, {C::Unmask}, ""},
      {"R-CHG-2 make visible to the patient", {n, hp}, {n}, {C::MakeVisibleToPatient}, ""},
      {"R-CHG-2 make visible to the legal representatives",
       {n, hr, masked},
       {n, masked},
       {C::MakeVisibleToLegalRepresentatives},
       ""},
      {"R-CHG-2 two at once",
       {n, hr, hp},
       {n},
       {C::MakeVisibleToPatient, C::MakeVisibleToLegalRepresentatives},
       ""},
      {"R-CHG-2 never invisible to the patient again",
       {n},
       {n, hp},
       {},
       "DMP_CHG_CANNOT_HIDE_AGAIN"},
      {"R-CHG-2 never invisible to the representatives again",
       {n},
       {n, hr},
       {},
       "DMP_CHG_CANNOT_HIDE_AGAIN"},
      {"R-DOC-4 masking a document invisible to the patient",
       {n, hp},
       {n, hp, masked},
       {},
       "DMP_DOC_CONFIDENTIALITY_INCOMPATIBLE"},
      {"the HL7 code is not changed by an update", {n}, {r}, {}, "DMP_CHG_UNSUPPORTED"},
      {"an update that changes nothing", {n, masked}, {masked, n}, {}, "DMP_CHG_UNSUPPORTED"},
  };
  for (const UpdateRow& row : rows) {
    BOOST_TEST_CONTEXT(row.rule) {
      const policy::ChangeSet set =
          policy::classify_confidentiality_update(row.before, row.after, true, "urn:uuid:d");
      BOOST_TEST((set.changes == row.changes));
      BOOST_TEST((set.refusal ? set.refusal->code : "") == row.refusal);
    }
  }
  struct StatusRow {
    const char* rule;
    const char* from;
    const char* to;
    std::vector<C> changes;
  };
  const std::vector<StatusRow> statuses{
      {"R-CHG-3 archive", vocab::kApproved, vocab::kArchived, {C::Archive}},
      {"R-CHG-3 unarchive", vocab::kArchived, vocab::kApproved, {C::Unarchive}},
      {"R-CHG-5 delete", vocab::kApproved, vocab::kDeleted, {C::Delete}},
      {"R-CHG-5 delete an archived document", vocab::kArchived, vocab::kDeleted, {C::Delete}},
      {"R-CHG-5 deletion is irreversible", vocab::kDeleted, vocab::kApproved, {}},
      {"R-CHG-4 deprecation comes only from a replacement",
       vocab::kApproved,
       vocab::kDeprecated,
       {}},
  };
  for (const StatusRow& row : statuses) {
    BOOST_TEST_CONTEXT(row.rule) {
      const policy::ChangeSet set = policy::classify_status_update(row.from, row.to, "urn:uuid:d");
      BOOST_TEST((set.changes == row.changes));
      BOOST_TEST((set.refusal ? set.refusal->code : "") ==
                 (row.changes.empty() ? "DMP_CHG_UNSUPPORTED" : ""));
    }
  }
}

BOOST_AUTO_TEST_CASE(access_history_R_TRACE_2_R_AUTH_5_R_AUTH_6_R_AUTH_7) {
  struct HistoryRow {
    const char* rule;
    std::function<Caller()> caller;
    std::string expected;  // refusal code, or "all|own:<id>" + "+secret"
  };
  const std::vector<HistoryRow> rows{
      {"R-AUTH-5 R-AUTH-6 the MT sees every trace, secret connections included", treating,
       "all+secret"},
      {"R-TRACE-2 another PS sees only their own traces", other,
       std::string("own:") + kOther + "+secret"},
      {"R-TRACE-2 R-ID-3 a secretary sees only their own traces", secretary,
       std::string("own:") + kSecretary + "+secret"},
      {"R-TRACE-2 the patient sees every trace", patient, "all+secret"},
      {"R-AUTH-6 legal representatives never see secret connections", representative, "all"},
      {"R-AUTH-7 no access history in emergency", [] { return emergency(treating()); },
       "DMP_AUTH_UNAVAILABLE_IN_EMERGENCY"},
      {"R-AUTH-3 a blocked PS has no history to read", blocked, "DMP_AUTH_BLOCKED"},
  };
  for (const HistoryRow& row : rows) {
    RecordState state = record();
    make_minor(state);
    BOOST_TEST_CONTEXT(row.rule) {
      const policy::Decision decision =
          policy::decide(row.caller(), state, policy::ReadAccessHistory{}, matrix(), kNow);
      std::string got;
      if (!decision.allowed()) {
        got = decision.refusal->code;
      } else {
        BOOST_TEST_REQUIRE(decision.traces.has_value());
        got = decision.traces->all_actors ? "all" : "own:" + decision.traces->own_actor_id;
        if (decision.traces->include_secret_connections) got += "+secret";
      }
      BOOST_TEST(got == row.expected);
    }
  }
}
