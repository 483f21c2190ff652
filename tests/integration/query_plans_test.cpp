#define BOOST_TEST_MODULE query_plans
#include <boost/test/unit_test.hpp>
// Module name first, then Boost.Test: kept apart from the includes below.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "passerelle/core/xml.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/stored_query.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "pg_cluster.hpp"

// The stored queries of the query benchmark (bench/query_bench.cpp) use
// indexes: on a seeded, ANALYZEd registry, no statement that
// StoredQueries::run sends scans document_entries, registry_objects,
// associations or submission_sets sequentially.
//
// The plans are those of the SQL the product really sends: auto_explain logs
// the plan of every statement of the registry's connections into the
// cluster log, which the test reads after each query. Each query runs
// several times so that named prepared statements also show their generic
// plan (PostgreSQL switches after five executions).

namespace {

namespace fs = std::filesystem;
namespace registry = passerelle::registry;
namespace store = passerelle::store;
using passerelle::testing::ThrowawayDatabase;

constexpr int kPatients = 5000;
constexpr int kLotsPerPatient = 5;  // two documents each: 50,000 DocumentEntries
namespace vocab = passerelle::registry::vocab;
constexpr const char* kApproved = vocab::kApproved;

std::string patient(int index) {
  return std::to_string(3000000000000LL + index) + "^^^&1.2.250.1.213.1.4.10&ISO^NH";
}

// A registry as passerelle-load makes it (lot g for patient g % kPatients,
// two documents, one submission set, its classification, two HasMember
// associations), written with set-based SQL so the test stays fast. Objects
// are minimal ebRIM elements: the plans depend on the typed columns.
void seed(const std::string& uri) {
  pqxx::connection connection(uri);
  store::migrate(connection);
  pqxx::work tx(connection);
  const std::string rim = "xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\"";
  const std::string lots = std::to_string(kPatients * kLotsPerPatient);
  const std::string patients = std::to_string(kPatients);
  const std::string pid =
      "(3000000000000 + (g % " + patients + "))::text || '^^^&1.2.250.1.213.1.4.10&ISO^NH'";
  const auto id = [](const std::string& what, const std::string& d) {
    return "'urn:uuid:' || md5('" + what + "' || g || '-' || " + d + ")::uuid::text";
  };
  // Status of document d of lot g: 90% Approved, then Deprecated, Archived, Deleted.
  const std::string full_status = std::string("(CASE WHEN (g * 7 + d * 13) % 100 < 90 THEN '") +
                                  vocab::kApproved + "' WHEN (g * 7 + d * 13) % 100 < 96 THEN '" +
                                  vocab::kDeprecated + "' WHEN (g * 7 + d * 13) % 100 < 99 THEN '" +
                                  vocab::kArchived + "' ELSE '" + vocab::kDeleted + "' END)";
  const std::string documents =
      " FROM generate_series(1, " + lots + ") AS g CROSS JOIN generate_series(1, 2) AS d";

  tx.exec("INSERT INTO lots (lot_id, submission_set_uuid) SELECT g, " + id("s", "0") +
          " FROM generate_series(1, " + lots + ") AS g");
  tx.exec("SELECT setval('lots_lot_id_seq', " + lots + ")");
  // Submission sets and their classification objects.
  tx.exec(
      "INSERT INTO registry_objects (entry_uuid, logical_id, kind, object_type, status, "
      "patient_id, unique_id, object_xml, lot_id) SELECT " +
      id("s", "0") + ", " + id("s", "0") + ", 'SubmissionSet', '', '" + kApproved + "', " + pid +
      ", '1.2.250.1.999.2.' || g, '<rim:RegistryPackage " + rim + " id=\"' || " + id("s", "0") +
      " || '\"/>', g FROM generate_series(1, " + lots + ") AS g");
  tx.exec(
      "INSERT INTO submission_sets (entry_uuid, unique_id, source_id, patient_id, "
      "submission_time) SELECT " +
      id("s", "0") + ", '1.2.250.1.999.2.' || g, '1.2.250.1.999.1', " + pid +
      ", to_char(timestamp '2015-01-01' + (g % 3650) * interval '1 day', "
      "'YYYYMMDDHH24MISS') FROM generate_series(1, " +
      lots + ") AS g");
  tx.exec(
      "INSERT INTO registry_objects (entry_uuid, logical_id, kind, status, object_xml, "
      "lot_id) SELECT " +
      id("c", "0") + ", " + id("c", "0") + ", 'Classification', '" + kApproved +
      "', '<rim:Classification " + rim + " id=\"' || " + id("c", "0") +
      " || '\" classifiedObject=\"' || " + id("s", "0") +
      " || '\" classificationNode=\"urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd\"/>', g "
      "FROM generate_series(1, " +
      lots + ") AS g");
  // Documents.
  tx.exec(
      "INSERT INTO registry_objects (entry_uuid, logical_id, kind, object_type, status, "
      "patient_id, unique_id, object_xml, lot_id) SELECT " +
      id("d", "d") + ", " + id("d", "d") +
      ", 'DocumentEntry', 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1', " + full_status + ", " +
      pid + ", '1.2.250.1.999.1.' || g || '.' || d, '<rim:ExtrinsicObject " + rim + " id=\"' || " +
      id("d", "d") +
      " || '\" mimeType=\"application/pdf\" "
      "objectType=\"urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1\"/>', g" +
      documents);
  tx.exec(
      "INSERT INTO document_entries (entry_uuid, logical_id, unique_id, patient_id, status, "
      "availability, class_code, class_code_scheme, type_code, type_code_scheme, "
      "format_code, format_code_scheme, creation_time, service_start_time, "
      "service_stop_time, mime_type, hash, size, repository_unique_id, author_persons) "
      "SELECT " +
      id("d", "d") + ", " + id("d", "d") + ", '1.2.250.1.999.1.' || g || '.' || d, " + pid + ", " +
      full_status +
      ", 'stable', (ARRAY['10','11','42','95','52','44','90','31','43','60','45'])[1 + "
      "((g + d) * 31) % 11], '1.2.250.1.213.1.1.4.1', 'T' || ((g + d) * 17) % 108, "
      "'1.2.250.1.213.1.1.4.12', 'urn:ihe:iti:xds-sd:pdf:2008', '1.3.6.1.4.1.19376.1.2.3', "
      "to_char(timestamp '2015-01-01' + ((g * 2 + d) * 7919 % 3650) * interval '1 day', "
      "'YYYYMMDDHH24MISS'), to_char(timestamp '2015-01-01' + ((g * 2 + d) * 7919 % 3650) * "
      "interval '1 day', 'YYYYMMDDHH24MISS'), to_char(timestamp '2015-01-01' + ((g * 2 + d) "
      "* 7919 % 3650) * interval '1 day', 'YYYYMMDDHH24MISS'), 'application/pdf', "
      "md5(g || '-' || d) || '00000000', 1000 + g, '1.2.250.1.999.1.1.1', ARRAY['8' || "
      "lpad(((g * d) % 5000)::text, 11, '0') || '^AUTEUR^Jean']" +
      documents);
  tx.exec("INSERT INTO object_codes (entry_uuid, attribute, code, scheme) SELECT " + id("d", "d") +
          ", 'confidentialityCode', 'N', '2.16.840.1.113883.5.25'" + documents);
  // HasMember associations, set → document.
  tx.exec(
      "INSERT INTO registry_objects (entry_uuid, logical_id, kind, object_type, status, "
      "object_xml, lot_id) SELECT " +
      id("a", "d") + ", " + id("a", "d") +
      ", 'Association', 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:"
      "Association', '" +
      kApproved + "', '<rim:Association " + rim + " id=\"' || " + id("a", "d") +
      " || '\" associationType=\"urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember\" "
      "sourceObject=\"' || " +
      id("s", "0") + " || '\" targetObject=\"' || " + id("d", "d") + " || '\"/>', g" + documents);
  tx.exec(
      "INSERT INTO associations (entry_uuid, type, source, target, status, "
      "submission_set_status) SELECT " +
      id("a", "d") + ", 'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember', " +
      id("s", "0") + ", " + id("d", "d") + ", '" + kApproved + "', 'Original'" + documents);
  tx.exec(
      "INSERT INTO patient_records (patient_id, state) SELECT (3000000000000 + g)::text || "
      "'^^^&1.2.250.1.213.1.4.10&ISO^NH', 'open' FROM generate_series(0, " +
      patients + " - 1) AS g");
  tx.commit();
  pqxx::nontransaction analyze(connection);
  analyze.exec("VACUUM ANALYZE");
}

// The cluster log, read from where the previous call stopped.
class LogReader {
 public:
  explicit LogReader(fs::path path) : path_(std::move(path)) {}
  std::string read_new() {
    std::ifstream in(path_, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset_));
    std::stringstream text;
    text << in.rdbuf();
    const std::string out = text.str();
    offset_ += out.size();
    return out;
  }

 private:
  fs::path path_;
  std::size_t offset_ = 0;
};

registry::StoredQueryRequest request(const std::string& id,
                                     std::vector<registry::StoredQueryRequest::Parameter> slots,
                                     registry::ReturnType type = registry::ReturnType::LeafClass) {
  registry::StoredQueryRequest out;
  out.query_id = id;
  out.return_type = type;
  out.return_composed_objects = true;
  out.parameters = std::move(slots);
  return out;
}

struct Shape {
  std::string name;
  registry::StoredQueryRequest request;
};

std::vector<Shape> shapes(const std::string& uri) {
  // Parameters of a real patient, document and submission set of the seed.
  pqxx::connection connection(uri);
  pqxx::nontransaction tx(connection);
  const std::string pid = patient(1234);
  const auto document = tx.exec_params1(
      "SELECT class_code, class_code_scheme, creation_time, unique_id FROM document_entries "
      "WHERE patient_id = $1 AND status = $2 ORDER BY entry_uuid LIMIT 1",
      pid, kApproved);
  const auto set = tx.exec_params1(
      "SELECT unique_id FROM submission_sets WHERE patient_id = $1 ORDER BY entry_uuid LIMIT 1",
      pid);
  const std::string creation = document[2].as<std::string>();
  const std::string year = creation.substr(0, 4);
  const std::string patient_slot = "'" + pid + "'";
  const std::string approved = std::string("('") + kApproved + "')";
  std::vector<Shape> out;
  out.push_back(
      {"FindDocuments patient+status",
       request(registry::sq::kFindDocuments, {{"$XDSDocumentEntryPatientId", {patient_slot}},
                                              {"$XDSDocumentEntryStatus", {approved}}})});
  out.push_back(
      {"FindDocuments +classCode",
       request(registry::sq::kFindDocuments, {{"$XDSDocumentEntryPatientId", {patient_slot}},
                                              {"$XDSDocumentEntryStatus", {approved}},
                                              {"$XDSDocumentEntryClassCode",
                                               {"('" + document[0].as<std::string>() + "^^" +
                                                document[1].as<std::string>() + "')"}}})});
  out.push_back(
      {"FindDocuments +creationTime",
       request(registry::sq::kFindDocuments,
               {{"$XDSDocumentEntryPatientId", {patient_slot}},
                {"$XDSDocumentEntryStatus", {approved}},
                {"$XDSDocumentEntryCreationTimeFrom", {std::to_string(std::stoi(year) - 1)}},
                {"$XDSDocumentEntryCreationTimeTo", {std::to_string(std::stoi(year) + 1)}}})});
  out.push_back({"FindDocuments ObjectRef", request(registry::sq::kFindDocuments,
                                                    {{"$XDSDocumentEntryPatientId", {patient_slot}},
                                                     {"$XDSDocumentEntryStatus", {approved}}},
                                                    registry::ReturnType::ObjectRef)});
  out.push_back(
      {"GetDocuments uniqueId",
       request(registry::sq::kGetDocuments,
               {{"$XDSDocumentEntryUniqueId", {"('" + document[3].as<std::string>() + "')"}}})});
  out.push_back({"GetSubmissionSetAndContents",
                 request(registry::sq::kGetSubmissionSetAndContents,
                         {{"$XDSSubmissionSetUniqueId", {"'" + set[0].as<std::string>() + "'"}}})});
  return out;
}

// "Seq Scan on <table>" for the tables that grow with the registry.
std::vector<std::string> sequential_scans(const std::string& plans) {
  static const std::regex scan(
      "Seq Scan on (document_entries|registry_objects|associations|submission_sets|"
      "object_codes)\\b");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(plans.begin(), plans.end(), scan);
       it != std::sregex_iterator(); ++it) {
    out.push_back(it->str());
  }
  return out;
}

BOOST_AUTO_TEST_CASE(stored_queries_use_indexes_on_a_seeded_registry) {
  const passerelle::xml::Runtime runtime;  // LeafClass answers parse stored objects
  ThrowawayDatabase database;
  const std::string uri = database.create_database("plans");
  seed(uri);
  {
    pqxx::connection connection(uri);
    pqxx::nontransaction tx(connection);
    const auto documents = tx.exec1("SELECT count(*) FROM document_entries")[0].as<int>();
    BOOST_TEST_REQUIRE(documents == kPatients * kLotsPerPatient * 2);
    // Every statement of later sessions on this database gets its plan logged.
    tx.exec("ALTER DATABASE plans SET session_preload_libraries = 'auto_explain'");
    tx.exec("ALTER DATABASE plans SET auto_explain.log_min_duration = 0");
    tx.exec("ALTER DATABASE plans SET auto_explain.log_nested_statements = on");
  }
  LogReader log(database.data_dir() / "postgresql.log");
  const auto queries = shapes(uri);
  log.read_new();

  store::ConnectionPool pool(uri, 1);
  registry::StoredQueries stored_queries(pool);
  for (const auto& shape : queries) {
    std::size_t results = 0;
    for (int run = 0; run < 7; ++run) {
      const auto response = stored_queries.run(shape.request);
      BOOST_TEST_REQUIRE(response.success,
                         shape.name
                             << ": "
                             << (response.errors.empty() ? std::string("failed")
                                                         : response.errors.front().code + " " +
                                                               response.errors.front().message +
                                                               " " + response.internal_detail));
      results = response.objects_xml.size() + response.object_refs.size();
    }
    BOOST_TEST(results > 0u, shape.name << " found nothing: the parameters miss the seed");
    const std::string plans = log.read_new();
    BOOST_TEST_MESSAGE("---- " << shape.name << " (" << results << " objects)\n" << plans);
    BOOST_TEST(plans.find("Query Text:") != std::string::npos,
               shape.name << ": no plan logged (auto_explain missing?)");
    const auto scans = sequential_scans(plans);
    BOOST_TEST(scans.empty(), shape.name << ": " << (scans.empty() ? "" : scans.front()) << " in\n"
                                         << plans);
  }
}

}  // namespace
