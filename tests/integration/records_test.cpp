#define BOOST_TEST_MODULE records
#include <boost/test/unit_test.hpp>
// Module name first, then Boost.Test: kept apart from the includes below.
#include <regex>
#include <string>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/store.hpp"
#include "pg_cluster.hpp"

namespace {

namespace store = passerelle::store;
using passerelle::testing::ThrowawayDatabase;

// A migrated database of its own per test case.
struct Fixture {
  explicit Fixture(const std::string& name)
      : uri(ThrowawayDatabase::shared().create_database(name)), pool(uri, 2), records(pool) {
    pqxx::connection connection(uri);
    store::migrate(connection);
  }
  std::string uri;
  store::ConnectionPool pool;
  store::RecordStore records;
};

store::PatientRecord dupont() {
  store::PatientRecord record;
  record.patient_id = "123456789^^^&1.2.250.1.213.1.4.8&ISO^NH";
  record.family = "Dupont";
  record.given = "Élise";
  record.birth_date = "1984-02-29";
  record.sex = "F";
  return record;
}

auto has_code(const char* code) {
  return [code](const passerelle::Failure& failure) {
    BOOST_TEST_MESSAGE(failure.what());
    return failure.error().code == code;
  };
}

bool is_utc_timestamp(const std::string& value) {
  static const std::regex iso(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");
  return std::regex_match(value, iso);
}

std::string query_one(const std::string& uri, const std::string& sql) {
  pqxx::connection connection(uri);
  pqxx::nontransaction tx(connection);
  return tx.exec1(sql)[0].c_str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(create_then_find) {
  Fixture f("records_create");
  BOOST_TEST(!f.records.find(dupont().patient_id).has_value());

  const auto created = f.records.create(dupont());
  BOOST_TEST(created.patient_id == dupont().patient_id);
  BOOST_TEST(created.family == "Dupont");
  BOOST_TEST(created.given == "Élise");
  BOOST_TEST(created.birth_date == "1984-02-29");
  BOOST_TEST(created.sex == "F");
  BOOST_TEST(created.state == "open");
  BOOST_TEST(created.close_reason == "");
  BOOST_TEST(is_utc_timestamp(created.created_at), created.created_at);
  BOOST_TEST(created.updated_at == created.created_at);

  const auto found = f.records.find(dupont().patient_id);
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(found->family == "Dupont");
  BOOST_TEST(found->given == "Élise");
  BOOST_TEST(found->birth_date == "1984-02-29");
  BOOST_TEST(found->state == "open");
  BOOST_TEST(found->created_at == created.created_at);
  BOOST_TEST(query_one(f.uri, "SELECT count(*) FROM patient_records") == "1");
}

BOOST_AUTO_TEST_CASE(optional_fields_default) {
  Fixture f("records_defaults");
  store::PatientRecord minimal;
  minimal.patient_id = "42^^^&1.2.3&ISO";
  const auto created = f.records.create(minimal);
  BOOST_TEST(created.birth_date == "");
  BOOST_TEST(created.sex == "U");
  BOOST_TEST(created.state == "open");
}

BOOST_AUTO_TEST_CASE(duplicate_is_refused_and_keeps_the_first) {
  Fixture f("records_duplicate");
  f.records.create(dupont());
  auto other = dupont();
  other.family = "Durand";
  BOOST_CHECK_EXCEPTION(f.records.create(other), passerelle::Failure,
                        has_code(store::kRecordExists));
  BOOST_TEST(f.records.find(dupont().patient_id)->family == "Dupont");
  BOOST_TEST(query_one(f.uri, "SELECT count(*) FROM patient_records") == "1");
}

BOOST_AUTO_TEST_CASE(invalid_values_are_refused) {
  Fixture f("records_invalid");
  auto bad_date = dupont();
  bad_date.birth_date = "1983-02-29";
  BOOST_CHECK_THROW(f.records.create(bad_date), passerelle::Failure);
  auto bad_sex = dupont();
  bad_sex.sex = "X";
  BOOST_CHECK_THROW(f.records.create(bad_sex), passerelle::Failure);
  BOOST_TEST(!f.records.find(dupont().patient_id).has_value());
}

BOOST_AUTO_TEST_CASE(close_and_reopen) {
  Fixture f("records_close_reopen");
  const auto created = f.records.create(dupont());

  const auto closed = f.records.close(dupont().patient_id, "patient moved abroad");
  BOOST_TEST(closed.state == "closed");
  BOOST_TEST(closed.close_reason == "patient moved abroad");
  BOOST_TEST(closed.created_at == created.created_at);
  BOOST_TEST(is_utc_timestamp(closed.updated_at));
  BOOST_TEST(closed.updated_at >= created.updated_at);
  BOOST_TEST(f.records.find(dupont().patient_id)->state == "closed");

  const auto reopened = f.records.reopen(dupont().patient_id);
  BOOST_TEST(reopened.state == "open");
  BOOST_TEST(reopened.close_reason == "");
  BOOST_TEST(reopened.family == "Dupont");
  BOOST_TEST(f.records.find(dupont().patient_id)->state == "open");
}

BOOST_AUTO_TEST_CASE(state_errors) {
  Fixture f("records_state_errors");
  f.records.create(dupont());
  BOOST_CHECK_EXCEPTION(f.records.reopen(dupont().patient_id), passerelle::Failure,
                        has_code(store::kRecordState));
  f.records.close(dupont().patient_id, "merged");
  BOOST_CHECK_EXCEPTION(f.records.close(dupont().patient_id, "again"), passerelle::Failure,
                        has_code(store::kRecordState));
  // The refused close changed nothing.
  BOOST_TEST(f.records.find(dupont().patient_id)->close_reason == "merged");
}

BOOST_AUTO_TEST_CASE(unknown_record) {
  Fixture f("records_unknown");
  BOOST_CHECK_EXCEPTION(f.records.close("nobody^^^&1.2.3&ISO", "x"), passerelle::Failure,
                        has_code(store::kRecordNotFound));
  BOOST_CHECK_EXCEPTION(f.records.reopen("nobody^^^&1.2.3&ISO"), passerelle::Failure,
                        has_code(store::kRecordNotFound));
}
