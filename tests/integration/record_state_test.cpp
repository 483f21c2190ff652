#define BOOST_TEST_MODULE record_state
#include <boost/test/unit_test.hpp>
// Module name first, then Boost.Test: kept apart from the includes below.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/registry/record_state.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/traces.hpp"
#include "pg_cluster.hpp"
#include "temp_dir.hpp"

// Printable in failure messages.
namespace passerelle::store {
std::ostream& operator<<(std::ostream& out, TraceAction action) { return out << to_string(action); }
}  // namespace passerelle::store

namespace {

namespace store = passerelle::store;
using passerelle::Failure;
using passerelle::testing::ThrowawayDatabase;

const std::string kPatient = "2840229123456^^^&1.2.250.1.213.1.4.10&ISO^NH";
const std::string kRpps = "410001234567890";  // 4 + 14 (R-ID-2)
const std::string kRpps2 = "499999999999999";
const std::string kAdeli = "012345678901";  // 0 + 11

// A migrated database of its own per test case, with one open record.
struct Fixture {
  Fixture()
      : uri(fresh()), pool(uri, 1), records(pool), state(pool), actor(store::operator_actor("r1")) {
    store::PatientRecord record;
    record.patient_id = kPatient;
    record.family = "Durand";
    record.given = "Camille";
    record.birth_date = "2012-02-29";
    record.sex = "F";
    records.create(record);
  }
  static std::string fresh() {
    static std::atomic<int> counter{0};
    const std::string uri =
        ThrowawayDatabase::shared().create_database("record_state_" + std::to_string(++counter));
    pqxx::connection connection(uri);
    store::migrate(connection);
    return uri;
  }
  long count(const std::string& sql) {
    auto lease = pool.acquire();
    pqxx::nontransaction tx(*lease);
    return tx.exec1(sql)[0].as<long>();
  }
  long traces() { return count("SELECT count(*) FROM traces"); }
  std::vector<store::Trace> all_traces() {
    return store::list_traces(pool, kPatient, std::nullopt, 1000).traces;
  }

  std::string uri;
  store::ConnectionPool pool;
  store::RecordStore records;
  store::RecordStateStore state;
  store::TraceActor actor;
};

auto has_code(const char* code, const std::string& message = "") {
  return [code, message](const Failure& failure) {
    BOOST_TEST_MESSAGE(failure.what());
    return failure.error().code == code && (message.empty() || failure.error().message == message);
  };
}

store::Trace professional_trace(store::TraceAction action) {
  store::Trace trace;
  trace.actor.id = kRpps;
  trace.actor.kind = store::ActorKind::Rpps;
  trace.actor.profession = "10";
  trace.actor.structure = "1750000000";
  trace.actor.authentication = store::TraceAuthentication::Indirecte;
  trace.actor.purpose = store::TracePurpose::Normal;
  trace.actor.request_id = "req-1";
  trace.patient_id = kPatient;
  trace.action = action;
  return trace;
}

bool is_utc_timestamp(const std::string& value) {
  static const std::regex iso(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");
  return std::regex_match(value, iso);
}

}  // namespace

BOOST_AUTO_TEST_CASE(person_ids_follow_r_id_2) {
  BOOST_TEST(!store::person_id_problem(kRpps).has_value());
  BOOST_TEST(!store::person_id_problem(kAdeli).has_value());
  BOOST_TEST(!store::person_id_problem("4ABCDEFGHIJKLMN").has_value());
  BOOST_TEST((store::national_id_kind("1750000000") == store::NationalIdKind::Finess));
  BOOST_TEST(!store::national_id_kind("212345678").has_value());
  BOOST_TEST((store::national_id_kind("2123456789") == store::NationalIdKind::Siren));
  BOOST_TEST((store::national_id_kind("312345678901234") == store::NationalIdKind::Siret));
  const std::string expected =
      "a professional is identified by an RPPS (4 followed by 14 letters or digits) or an ADELI "
      "(0 followed by 11) number (R-ID-2)";
  BOOST_TEST(*store::person_id_problem("1750000000") ==
             "person id '1750000000' is an organisation's FINESS number, not a person's: " +
                 expected);
  BOOST_TEST(*store::person_id_problem("41000123456789") ==
             "person id '41000123456789' has 14 characters, a RPPS number has 15: " + expected);
  BOOST_TEST(*store::person_id_problem("810001234567") ==
             "person id '810001234567' is not a national id: " + expected);
  BOOST_TEST(*store::person_id_problem("41000123456789-") ==
             "person id '41000123456789-' has characters other than letters and digits: " +
                 expected);
  BOOST_TEST(*store::person_id_problem("") == "person id '' is not a national id: " + expected);
}

// R-TRACE-1: every action the enum names is accepted by the table and
// reads back the same.
BOOST_AUTO_TEST_CASE(every_trace_action_round_trips) {
  Fixture f;
  for (const auto action : store::kAllTraceActions) {
    auto trace = professional_trace(action);
    trace.document_unique_id = "1.2.250.1.999.1." + std::string(store::to_string(action));
    BOOST_TEST(store::append_trace(f.pool, trace) > 0);
    BOOST_TEST((store::trace_action_from(store::to_string(action)) == action));
  }
  auto refused = professional_trace(store::TraceAction::EmergencyAccess);
  refused.actor.purpose = store::TracePurpose::BrisDeGlace;
  refused.actor.secret_connection = true;
  refused.actor.kind = store::ActorKind::Adeli;
  refused.actor.authentication = store::TraceAuthentication::IndirecteRenforcee;
  refused.subject_id = kRpps2;
  refused.detail = "patient unconscious";
  refused.allowed = false;
  refused.reason_code = "R-AUTH-2";
  refused.reason = "the patient opposed emergency access";
  store::append_trace(f.pool, refused);

  const auto traces = f.all_traces();
  BOOST_TEST_REQUIRE(traces.size() == std::size(store::kAllTraceActions) + 1);
  const auto& last = traces.front();  // newest first
  BOOST_TEST(last.action == store::TraceAction::EmergencyAccess);
  BOOST_TEST(!last.allowed);
  BOOST_TEST(last.reason_code == "R-AUTH-2");
  BOOST_TEST(last.reason == "the patient opposed emergency access");
  BOOST_TEST(last.subject_id == kRpps2);
  BOOST_TEST(last.detail == "patient unconscious");
  BOOST_TEST(last.actor.id == kRpps);
  BOOST_TEST((last.actor.kind == store::ActorKind::Adeli));
  BOOST_TEST(last.actor.profession == "10");
  BOOST_TEST(last.actor.structure == "1750000000");
  BOOST_TEST((last.actor.authentication == store::TraceAuthentication::IndirecteRenforcee));
  BOOST_TEST((last.actor.purpose == store::TracePurpose::BrisDeGlace));
  BOOST_TEST(last.actor.secret_connection);
  BOOST_TEST(last.actor.request_id == "req-1");
  BOOST_TEST(!last.document_unique_id.has_value());
  static const std::regex micros(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)");
  BOOST_TEST(std::regex_match(last.at, micros), last.at);
  // Oldest is the first action appended.
  BOOST_TEST(traces.back().action == store::kAllTraceActions[0]);
  BOOST_TEST(traces.back().document_unique_id.value() == "1.2.250.1.999.1.authenticate");
  BOOST_TEST(traces.back().allowed);
}

BOOST_AUTO_TEST_CASE(inconsistent_outcomes_are_refused) {
  Fixture f;
  auto refused = professional_trace(store::TraceAction::Consult);
  refused.allowed = false;  // without a reason code
  BOOST_CHECK_EXCEPTION(
      store::append_trace(f.pool, refused), Failure,
      has_code(passerelle::codes::kInternalError, "a refused trace needs a reason code"));
  auto allowed = professional_trace(store::TraceAction::Consult);
  allowed.reason_code = "R-READ-1";
  BOOST_CHECK_EXCEPTION(
      store::append_trace(f.pool, allowed), Failure,
      has_code(passerelle::codes::kInternalError, "an allowed trace must not carry a reason code"));
  BOOST_TEST(f.traces() == 0);
}

// R-TRACE-1: a trace written in the transaction of a change goes with it.
BOOST_AUTO_TEST_CASE(trace_in_rolled_back_transaction_leaves_nothing) {
  Fixture f;
  {
    auto lease = f.pool.acquire();
    pqxx::work tx(*lease);
    BOOST_TEST(store::append_trace(tx, professional_trace(store::TraceAction::Add)) > 0);
    store::append_traces_hook({professional_trace(store::TraceAction::Replace),
                               professional_trace(store::TraceAction::Delete)})(tx);
    BOOST_TEST(tx.exec1("SELECT count(*) FROM traces")[0].as<long>() == 3);
    // No commit: the destructor rolls back.
  }
  BOOST_TEST(f.traces() == 0);
  {
    auto lease = f.pool.acquire();
    pqxx::work tx(*lease);
    store::append_traces_hook({professional_trace(store::TraceAction::Replace)})(tx);
    tx.commit();
  }
  BOOST_TEST(f.traces() == 1);
}

// R-TRACE-1: nothing, not even the database's single superuser role, can
// rewrite or erase a trace through SQL.
BOOST_AUTO_TEST_CASE(traces_are_append_only) {
  Fixture f;
  const auto id = store::append_trace(f.pool, professional_trace(store::TraceAction::Consult));
  const std::string id_text = std::to_string(id);
  for (const std::string& sql : std::vector<std::string>{
           "UPDATE traces SET outcome = 'refused', reason_code = 'x'",
           "UPDATE traces SET actor_id = 'someone else' WHERE trace_id = " + id_text,
           "DELETE FROM traces WHERE trace_id = " + id_text, std::string("DELETE FROM traces"),
           std::string("TRUNCATE traces")}) {
    auto lease = f.pool.acquire();
    pqxx::work tx(*lease);
    BOOST_CHECK_EXCEPTION(
        tx.exec(sql), pqxx::insufficient_privilege, [&](const pqxx::insufficient_privilege& e) {
          BOOST_TEST_MESSAGE(sql << ": " << e.what());
          return std::string(e.what()).find("traces are append-only (R-TRACE-1)") !=
                 std::string::npos;
        });
  }
  const auto traces = f.all_traces();
  BOOST_TEST_REQUIRE(traces.size() == 1u);
  BOOST_TEST(traces[0].id == id);
  BOOST_TEST(traces[0].actor.id == kRpps);
  BOOST_TEST(traces[0].allowed);
}

BOOST_AUTO_TEST_CASE(access_state_of_a_fresh_and_a_missing_record) {
  Fixture f;
  BOOST_TEST(!f.state.access_state("999^^^&1.2.250.1.213.1.4.10&ISO^NH", kRpps).has_value());
  const auto s = f.state.access_state(kPatient, kRpps);
  BOOST_TEST_REQUIRE(s.has_value());
  BOOST_TEST(s->patient_id == kPatient);
  BOOST_TEST(s->state == "open");
  BOOST_TEST(s->birth_date == "2012-02-29");
  BOOST_TEST((s->bris_de_glace == store::EmergencyChoice::Allowed));
  BOOST_TEST((s->centre_15 == store::EmergencyChoice::Allowed));
  BOOST_TEST(!s->is_treating_doctor);
  BOOST_TEST(!s->is_blocked);
  BOOST_TEST(!s->authorisation.has_value());
  BOOST_TEST(!s->structure_authorisation.has_value());
  BOOST_TEST(s->treating_doctors.empty());
  BOOST_TEST(s->blocked.empty());
  BOOST_TEST(!s->has_legal_representative);
  BOOST_TEST(is_utc_timestamp(s->now));
}

// R-ID-3: a secretary of a structure acts under the most recently used
// authorisation of a professional of that structure; and the policy gets
// the whole MT and blocked lists in the same statement.
BOOST_AUTO_TEST_CASE(access_state_lists_and_structure_authorisation) {
  Fixture f;
  f.state.add_treating_doctor(kPatient, kRpps, f.actor);
  f.state.add_treating_doctor(kPatient, kAdeli, f.actor);
  f.state.block(kPatient, kRpps2, f.actor);
  auto in_structure = professional_trace(store::TraceAction::Authorise).actor;  // 1750000000
  f.state.authorise(kPatient, kRpps, "patient", in_structure);
  f.state.authorise(kPatient, kAdeli, "patient", in_structure);
  auto elsewhere = in_structure;
  elsewhere.structure = "1990000000";
  f.state.authorise(kPatient, kRpps2, "patient", elsewhere);
  f.count(
      "WITH t AS (UPDATE authorisations SET last_access_at = now() - interval '1 day' "
      "WHERE person_id = '" +
      kAdeli + "' RETURNING 1) SELECT count(*) FROM t");

  const std::string secretary = "499999999990000";
  auto s = f.state.access_state(kPatient, secretary, "1750000000");
  BOOST_TEST_REQUIRE(s.has_value());
  BOOST_TEST(s->treating_doctors == (std::vector<std::string>{kAdeli, kRpps}),
             boost::test_tools::per_element());
  BOOST_TEST(s->blocked == std::vector<std::string>{kRpps2}, boost::test_tools::per_element());
  BOOST_TEST(!s->is_treating_doctor);
  BOOST_TEST(!s->authorisation.has_value());
  BOOST_TEST_REQUIRE(s->structure_authorisation.has_value());
  BOOST_TEST(s->structure_authorisation->person_id == kRpps);  // used most recently
  BOOST_TEST(s->structure_authorisation->structure_id == "1750000000");

  // The most recent one ends: the other professional's counts.
  f.state.end_authorisation(kPatient, kRpps, in_structure);
  s = f.state.access_state(kPatient, secretary, "1750000000");
  BOOST_TEST(s->structure_authorisation->person_id == kAdeli);
  BOOST_TEST(
      f.state.access_state(kPatient, secretary, "1990000000")->structure_authorisation->person_id ==
      kRpps2);
  BOOST_TEST(!f.state.access_state(kPatient, secretary, "1111111111")
                  ->structure_authorisation.has_value());
  BOOST_TEST(!f.state.access_state(kPatient, secretary)->structure_authorisation.has_value());
  s = f.state.access_state(kPatient, kAdeli);
  BOOST_TEST(s->is_treating_doctor);
  BOOST_TEST(s->authorisation->structure_id == "1750000000");
  BOOST_TEST(f.state.access_state(kPatient, kRpps2)->is_blocked);
}

// The policy reads the state for every request: one statement, one round
// trip (counted on the wire with libpq's protocol trace).
BOOST_AUTO_TEST_CASE(access_state_is_one_round_trip) {
  Fixture f;
  f.state.add_treating_doctor(kPatient, kRpps, f.actor);
  f.state.authorise(kPatient, kRpps, "patient", f.actor);
  // The statement is prepared on a connection's first use: one more round
  // trip, once.
  f.state.access_state(kPatient, kRpps);
  passerelle::testing::TempDir dir;
  const auto log = dir.path() / "protocol.log";
  {
    std::FILE* file = std::fopen(log.c_str(), "w");
    BOOST_TEST_REQUIRE(file != nullptr);
    {
      auto lease = f.pool.acquire();  // the pool's only connection
      lease->trace(file);
    }
    const auto s = f.state.access_state(kPatient, kRpps);
    {
      auto lease = f.pool.acquire();
      lease->trace(nullptr);
    }
    std::fclose(file);
    BOOST_TEST_REQUIRE(s.has_value());
    BOOST_TEST(s->is_treating_doctor);
    BOOST_TEST(s->authorisation.has_value());
  }
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  const std::string protocol = text.str();
  // Every round trip ends with a Sync (extended protocol) or is a Query.
  auto count = [&](const std::regex& pattern) {
    return std::distance(std::sregex_iterator(protocol.begin(), protocol.end(), pattern),
                         std::sregex_iterator());
  };
  BOOST_TEST(count(std::regex(R"(\tF\t\d+\tSync)")) + count(std::regex(R"(\tF\t\d+\tQuery)")) == 1,
             protocol);
  BOOST_TEST(count(std::regex(R"(\tB\t\d+\tReadyForQuery)")) == 1, protocol);

  // What one read costs, for the log (not asserted: machines differ).
  constexpr int kCalls = 500;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) f.state.access_state(kPatient, kRpps, "1750000000");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  BOOST_TEST_MESSAGE("access_state: "
                     << std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count() /
                            kCalls
                     << " us per call (mean of " << kCalls << ")");
}

BOOST_AUTO_TEST_CASE(treating_doctors_are_added_and_removed) {
  Fixture f;
  auto choices = f.state.add_treating_doctor(kPatient, kRpps, f.actor);
  BOOST_TEST_REQUIRE(choices.treating_doctors.size() == 1u);
  BOOST_TEST(choices.treating_doctors[0].person_id == kRpps);
  BOOST_TEST(is_utc_timestamp(choices.treating_doctors[0].since));
  // Again: idempotent (one row), traced again.
  choices = f.state.add_treating_doctor(kPatient, kRpps, f.actor);
  choices = f.state.add_treating_doctor(kPatient, kAdeli, f.actor);
  BOOST_TEST(choices.treating_doctors.size() == 2u);
  BOOST_TEST(choices.treating_doctors[0].person_id == kAdeli);  // by person id
  BOOST_TEST(f.state.access_state(kPatient, kRpps)->is_treating_doctor);
  BOOST_TEST(!f.state.access_state(kPatient, kRpps2)->is_treating_doctor);

  choices = f.state.remove_treating_doctor(kPatient, kRpps, f.actor);
  BOOST_TEST(choices.treating_doctors.size() == 1u);
  BOOST_TEST(!f.state.access_state(kPatient, kRpps)->is_treating_doctor);
  BOOST_CHECK_EXCEPTION(
      f.state.remove_treating_doctor(kPatient, kRpps, f.actor), Failure,
      has_code(store::kStateEntryNotFound, kRpps + " is not a treating doctor of this record"));

  const auto traces = f.all_traces();
  BOOST_TEST_REQUIRE(traces.size() == 4u);  // the refused removal left none
  BOOST_TEST(traces[0].action == store::TraceAction::UnsetTreatingDoctor);
  BOOST_TEST(traces[0].subject_id == kRpps);
  BOOST_TEST(traces[1].action == store::TraceAction::SetTreatingDoctor);
  BOOST_TEST(traces[1].subject_id == kAdeli);
  BOOST_TEST(traces[3].action == store::TraceAction::SetTreatingDoctor);
  BOOST_TEST(traces[3].subject_id == kRpps);
  BOOST_TEST(traces[3].actor.id == "operator");
  BOOST_TEST((traces[3].actor.kind == store::ActorKind::Operator));
  BOOST_TEST((traces[3].actor.authentication == store::TraceAuthentication::OperatorToken));
  BOOST_TEST(traces[3].actor.request_id == "r1");
}

// R-AUTH-3 / R-AUTH-5: a professional is blocked or treating doctor, not both.
BOOST_AUTO_TEST_CASE(blocks_and_their_conflicts) {
  Fixture f;
  auto choices = f.state.block(kPatient, kRpps2, f.actor);
  BOOST_TEST_REQUIRE(choices.blocked.size() == 1u);
  BOOST_TEST(choices.blocked[0].person_id == kRpps2);
  BOOST_TEST(f.state.access_state(kPatient, kRpps2)->is_blocked);
  BOOST_TEST(!f.state.access_state(kPatient, kRpps)->is_blocked);

  BOOST_CHECK_EXCEPTION(f.state.add_treating_doctor(kPatient, kRpps2, f.actor), Failure,
                        has_code(store::kStateConflict,
                                 kRpps2 + " is blocked on this record: unblock them before making "
                                          "them treating doctor"));
  f.state.add_treating_doctor(kPatient, kRpps, f.actor);
  BOOST_CHECK_EXCEPTION(f.state.block(kPatient, kRpps, f.actor), Failure,
                        has_code(store::kStateConflict,
                                 kRpps + " is a treating doctor of this record: remove that status "
                                         "before blocking them"));
  choices = *f.state.choices(kPatient);
  BOOST_TEST(choices.blocked.size() == 1u);
  BOOST_TEST(choices.treating_doctors.size() == 1u);
  BOOST_TEST(f.traces() == 2);

  choices = f.state.unblock(kPatient, kRpps2, f.actor);
  BOOST_TEST(choices.blocked.empty());
  BOOST_CHECK_EXCEPTION(
      f.state.unblock(kPatient, kRpps2, f.actor), Failure,
      has_code(store::kStateEntryNotFound, kRpps2 + " is not blocked on this record"));
  const auto traces = f.all_traces();
  BOOST_TEST_REQUIRE(traces.size() == 3u);
  BOOST_TEST(traces[0].action == store::TraceAction::Unblock);
  BOOST_TEST(traces[2].action == store::TraceAction::Block);
}

BOOST_AUTO_TEST_CASE(emergency_choices_and_legal_representative) {
  Fixture f;
  auto choices = f.state.set_emergency(kPatient, store::EmergencyChoice::Opposed,
                                       store::EmergencyChoice::Allowed, f.actor);
  BOOST_TEST((choices.bris_de_glace == store::EmergencyChoice::Opposed));
  BOOST_TEST((choices.centre_15 == store::EmergencyChoice::Allowed));
  const auto s = f.state.access_state(kPatient, kRpps);
  BOOST_TEST((s->bris_de_glace == store::EmergencyChoice::Opposed));
  BOOST_TEST((s->centre_15 == store::EmergencyChoice::Allowed));

  BOOST_CHECK_EXCEPTION(
      f.state.remove_legal_representative(kPatient, f.actor), Failure,
      has_code(store::kStateEntryNotFound, "this record has no legal representative"));
  choices = f.state.set_legal_representative(kPatient, {"Durand", "Paul", "parent", ""}, f.actor);
  BOOST_TEST_REQUIRE(choices.legal_representative.has_value());
  BOOST_TEST(choices.legal_representative->family == "Durand");
  BOOST_TEST(choices.legal_representative->given == "Paul");
  BOOST_TEST(choices.legal_representative->relationship == "parent");
  BOOST_TEST(is_utc_timestamp(choices.legal_representative->since));
  choices = f.state.set_legal_representative(kPatient, {"Martin", "Anne", "guardian", ""}, f.actor);
  BOOST_TEST(choices.legal_representative->family == "Martin");
  BOOST_TEST(f.count("SELECT count(*) FROM legal_representatives") == 1);
  BOOST_TEST(f.state.access_state(kPatient, kRpps)->has_legal_representative);
  choices = f.state.remove_legal_representative(kPatient, f.actor);
  BOOST_TEST(!choices.legal_representative.has_value());
  BOOST_TEST(!f.state.access_state(kPatient, kRpps)->has_legal_representative);

  const auto traces = f.all_traces();
  BOOST_TEST_REQUIRE(traces.size() == 4u);
  BOOST_TEST(traces[3].action == store::TraceAction::SetEmergency);
  BOOST_TEST(traces[3].detail == "bris_de_glace=opposed centre_15=allowed");
  BOOST_TEST(traces[2].action == store::TraceAction::SetLegalRepresentative);
  BOOST_TEST(traces[2].detail == "Durand, Paul (parent)");
  BOOST_TEST(traces[0].action == store::TraceAction::RemoveLegalRepresentative);
}

BOOST_AUTO_TEST_CASE(changes_refused_on_missing_or_closed_records) {
  Fixture f;
  const std::string missing = "999^^^&1.2.250.1.213.1.4.10&ISO^NH";
  BOOST_CHECK_EXCEPTION(f.state.add_treating_doctor(missing, kRpps, f.actor), Failure,
                        has_code(store::kRecordNotFound));
  BOOST_CHECK_EXCEPTION(f.state.authorise(missing, kRpps, "patient", f.actor), Failure,
                        has_code(store::kRecordNotFound));
  BOOST_TEST(!f.state.choices(missing).has_value());
  f.records.close(kPatient, "deceased");
  BOOST_CHECK_EXCEPTION(
      f.state.block(kPatient, kRpps, f.actor), Failure,
      has_code(store::kRecordState, "the record of patient " + kPatient + " is closed"));
  BOOST_CHECK_EXCEPTION(f.state.set_emergency(kPatient, store::EmergencyChoice::Opposed,
                                              store::EmergencyChoice::Opposed, f.actor),
                        Failure, has_code(store::kRecordState));
  BOOST_CHECK_EXCEPTION(f.state.authorise(kPatient, kRpps, "patient", f.actor), Failure,
                        has_code(store::kRecordState));
  const auto choices = f.state.choices(kPatient);
  BOOST_TEST(choices->state == "closed");
  BOOST_TEST(choices->blocked.empty());
  BOOST_TEST((choices->bris_de_glace == store::EmergencyChoice::Allowed));
  BOOST_TEST(choices->authorisations.empty());
  BOOST_TEST(f.state.access_state(kPatient, kRpps)->state == "closed");
  BOOST_TEST(f.traces() == 0);
}

// R-AUTH-1 / R-AUTH-4: consent starts an authorisation, each access renews
// it, the professional may end it and come back with a new consent.
BOOST_AUTO_TEST_CASE(authorisations_start_touch_and_end) {
  Fixture f;
  auto professional = professional_trace(store::TraceAction::Authorise).actor;
  BOOST_TEST(!f.state.touch_authorisation(kPatient, kRpps));
  auto a = f.state.authorise(kPatient, kRpps, "legal_representative", professional);
  BOOST_TEST(a.person_id == kRpps);
  BOOST_TEST(a.status == "active");
  BOOST_TEST(a.consent_declared_by == "legal_representative");
  BOOST_TEST(is_utc_timestamp(a.granted_at));
  BOOST_TEST(a.ended_at == "");

  // Seven months without access, then one: last access is now again.
  f.count(
      "WITH t AS (UPDATE authorisations SET last_access_at = now() - interval '7 months' "
      "RETURNING 1) SELECT count(*) FROM t");
  const auto before = f.state.access_state(kPatient, kRpps)->authorisation->last_access_at;
  BOOST_TEST(f.state.touch_authorisation(kPatient, kRpps));
  const auto s = f.state.access_state(kPatient, kRpps);
  BOOST_TEST(s->authorisation->last_access_at > before);
  BOOST_TEST(s->authorisation->last_access_at.substr(0, 10) == s->now.substr(0, 10));
  BOOST_TEST(!f.state.touch_authorisation(kPatient, kRpps2));

  a = f.state.end_authorisation(kPatient, kRpps, professional);
  BOOST_TEST(a.status == "ended");
  BOOST_TEST(is_utc_timestamp(a.ended_at));
  BOOST_TEST(!f.state.touch_authorisation(kPatient, kRpps));
  BOOST_CHECK_EXCEPTION(f.state.end_authorisation(kPatient, kRpps, professional), Failure,
                        has_code(store::kStateEntryNotFound,
                                 kRpps + " holds no active authorisation on this record"));
  a = f.state.authorise(kPatient, kRpps, "patient", professional);
  BOOST_TEST(a.status == "active");
  BOOST_TEST(a.ended_at == "");
  BOOST_TEST(f.state.choices(kPatient)->authorisations.size() == 1u);

  const auto traces = f.all_traces();
  BOOST_TEST_REQUIRE(traces.size() == 3u);
  BOOST_TEST(traces[2].action == store::TraceAction::Authorise);
  BOOST_TEST(traces[2].actor.id == kRpps);
  BOOST_TEST(traces[2].subject_id == kRpps);
  BOOST_TEST(traces[2].detail == "consent declared by legal_representative");
  BOOST_TEST(traces[1].action == store::TraceAction::EndAuthorisation);
  BOOST_TEST(traces[0].action == store::TraceAction::Authorise);
}

// R-TRACE-3: one document's history; pages newest first.
BOOST_AUTO_TEST_CASE(traces_filter_by_document_and_page) {
  Fixture f;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    auto trace = professional_trace(store::TraceAction::Consult);
    if (i % 2 == 0) trace.document_unique_id = "1.2.3.4";
    ids.push_back(store::append_trace(f.pool, trace));
  }
  auto other = professional_trace(store::TraceAction::Consult);
  other.patient_id = "999^^^&1.2.250.1.213.1.4.10&ISO^NH";
  other.document_unique_id = "1.2.3.4";
  store::append_trace(f.pool, other);

  auto page = store::list_traces(f.pool, kPatient, std::string("1.2.3.4"), 10);
  BOOST_TEST_REQUIRE(page.traces.size() == 3u);
  BOOST_TEST(page.traces[0].id == ids[4]);
  BOOST_TEST(page.traces[1].id == ids[2]);
  BOOST_TEST(page.traces[2].id == ids[0]);
  BOOST_TEST(!page.before.has_value());

  page = store::list_traces(f.pool, kPatient, std::nullopt, 2);
  BOOST_TEST_REQUIRE(page.traces.size() == 2u);
  BOOST_TEST(page.traces[0].id == ids[4]);
  BOOST_TEST(page.traces[1].id == ids[3]);
  BOOST_TEST(page.before.value() == ids[3]);
  page = store::list_traces(f.pool, kPatient, std::nullopt, 2, page.before);
  BOOST_TEST(page.traces.size() == 2u);
  BOOST_TEST(page.traces[0].id == ids[2]);
  page = store::list_traces(f.pool, kPatient, std::nullopt, 2, page.before);
  BOOST_TEST_REQUIRE(page.traces.size() == 1u);
  BOOST_TEST(page.traces[0].id == ids[0]);
  BOOST_TEST(!page.before.has_value());
  // Exactly `limit` left: no further page announced.
  page = store::list_traces(f.pool, kPatient, std::nullopt, 5);
  BOOST_TEST(page.traces.size() == 5u);
  BOOST_TEST(!page.before.has_value());

  BOOST_CHECK_EXCEPTION(store::list_traces(f.pool, kPatient, std::nullopt, 0), Failure,
                        has_code(passerelle::codes::kInternalError));
  BOOST_CHECK_EXCEPTION(store::list_traces(f.pool, kPatient, std::nullopt, 1001), Failure,
                        has_code(passerelle::codes::kInternalError));
}

// R-TRACE-2: a professional sees only their own traces; legal
// representatives never see secret connections.
BOOST_AUTO_TEST_CASE(trace_visibility) {
  Fixture f;
  auto mine = professional_trace(store::TraceAction::Consult);
  auto secret = mine;
  secret.actor.secret_connection = true;
  auto other = mine;
  other.actor.id = kRpps2;
  const auto mine_id = store::append_trace(f.pool, mine);
  const auto secret_id = store::append_trace(f.pool, secret);
  const auto other_id = store::append_trace(f.pool, other);
  auto ids = [&](const store::TraceVisibility& visibility) {
    std::vector<std::int64_t> out;
    for (const auto& t :
         store::list_traces(f.pool, kPatient, std::nullopt, 10, std::nullopt, visibility).traces) {
      out.push_back(t.id);
    }
    return out;
  };
  BOOST_TEST(ids({}) == (std::vector<std::int64_t>{other_id, secret_id, mine_id}),
             boost::test_tools::per_element());
  BOOST_TEST(ids({kRpps, true}) == (std::vector<std::int64_t>{secret_id, mine_id}),
             boost::test_tools::per_element());
  BOOST_TEST(ids({std::nullopt, false}) == (std::vector<std::int64_t>{other_id, mine_id}),
             boost::test_tools::per_element());
  BOOST_TEST(ids({kRpps2, false}) == (std::vector<std::int64_t>{other_id}),
             boost::test_tools::per_element());
}
