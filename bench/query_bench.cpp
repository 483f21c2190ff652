// ITI-18 Registry Stored Query latency and throughput through the real
// gateway (in-process gateway::Server, HTTPS with keep-alive) on a registry
// filled by passerelle-load (bench/query_load.cpp), next to the same
// selections run as raw SQL through libpqxx in the same run, on the same
// cluster. The figure that matters is the ratio gateway/raw.
//
// The mix, every query LeafClass as a consumer asks:
//   30% FindDocuments          patient + status Approved
//   20% FindDocuments          + classCode
//   20% FindDocuments          + creationTime window (two years)
//   20% GetDocuments           one uniqueId
//   10% GetSubmissionSetAndContents  one submission set uniqueId
// Parameters come from patients drawn at random over the whole load. Every
// answer is checked: Success, and as many DocumentEntries as the raw SQL
// returns for the same parameters (counted before the clock starts).
// Each client count runs --rounds rounds, each the gateway phase then the
// raw SQL phase back to back; the ratio reported is the median of the
// rounds' ratios, so background load on a shared machine moves both sides.
// Both sides keep their database connections from the warm-up through the
// rounds of a client count: the gateway its pool, raw SQL one per client.

#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <latch>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "passerelle/core/xml.hpp"
#include "passerelle/gateway/router.hpp"
#include "passerelle/gateway/xds_service.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "soap_messages.hpp"
#include "test_server.hpp"
#include "xds_client.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::testing;
using Clock = std::chrono::steady_clock;

constexpr const char* kFindDocuments = "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d";
constexpr const char* kGetDocuments = "urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4";
constexpr const char* kGetSubmissionSetAndContents =
    "urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83";
constexpr const char* kApproved = registry::vocab::kApproved;
constexpr const char* kHasMember = registry::vocab::kHasMember;
// The statuses raw SQL leaves out, as a PostgreSQL text[] literal.
const std::string& hidden_statuses() {
  static const std::string text =
      std::string("{") + registry::vocab::kDeleted + "," + registry::vocab::kArchived + "}";
  return text;
}
constexpr std::int64_t kFirstPatient = 2000000000000;  // as passerelle-load

struct Settings {
  std::filesystem::path data_dir;
  std::size_t parameter_sets = 2000;
  std::size_t ops_one = 3000;
  std::size_t ops_many = 6000;
  std::size_t clients = 8;
  std::size_t workers = 0;  // 0: one request thread per client
  std::size_t warm_up_per_client = 3000;
  std::size_t network_threads = 0;  // 0: the gateway's default (one per core)
  std::size_t rounds = 3;
  std::uint64_t seed = 42;
};

enum Shape { kByPatient, kByClass, kByTime, kByUniqueId, kSetAndContents, kShapes };
const char* kShapeNames[kShapes] = {"FindDocuments patient+status", "FindDocuments +classCode",
                                    "FindDocuments +creationTime", "GetDocuments uniqueId",
                                    "GetSubmissionSetAndContents"};

// 30/20/20/20/10.
Shape shape_of(std::size_t op) {
  static constexpr Shape kMix[10] = {kByPatient,  kByPatient,     kByPatient, kByClass,
                                     kByClass,    kByTime,        kByTime,    kByUniqueId,
                                     kByUniqueId, kSetAndContents};
  return kMix[op % 10];
}

struct Parameters {
  std::string patient;
  std::string class_code, class_scheme;
  std::string time_from, time_to;  // 14 digits
  std::string document_unique_id;
  std::string set_unique_id;
  std::size_t expected[kShapes] = {};  // DocumentEntries the raw SQL returns
};

std::string patient_id(std::int64_t index) {
  return std::to_string(kFirstPatient + index) + "^^^&1.2.250.1.213.1.4.10&ISO^NH";
}

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string slot(const std::string& name, const std::string& value) {
  return "<rim:Slot name=\"" + name + "\"><rim:ValueList><rim:Value>" + escape(value) +
         "</rim:Value></rim:ValueList></rim:Slot>";
}

HttpRequestBody adhoc_query(const std::string& query_id, const std::string& slots) {
  const std::string body =
      "<query:AdhocQueryRequest xmlns:query=\"urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0\" "
      "xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\">"
      "<query:ResponseOption returnComposedObjects=\"true\" returnType=\"LeafClass\"/>"
      "<rim:AdhocQuery id=\"" +
      query_id + "\">" + slots + "</rim:AdhocQuery></query:AdhocQueryRequest>";
  return {kSoapContentType,
          envelope("urn:ihe:iti:2007:RegistryStoredQuery", "urn:uuid:" + sha1_hex(body), body)};
}

HttpRequestBody gateway_request(Shape shape, const Parameters& p) {
  const std::string patient = slot("$XDSDocumentEntryPatientId", "'" + p.patient + "'") +
                              slot("$XDSDocumentEntryStatus", std::string("('") + kApproved + "')");
  switch (shape) {
    case kByPatient:
      return adhoc_query(kFindDocuments, patient);
    case kByClass:
      return adhoc_query(kFindDocuments,
                         patient + slot("$XDSDocumentEntryClassCode",
                                        "('" + p.class_code + "^^" + p.class_scheme + "')"));
    case kByTime:
      return adhoc_query(kFindDocuments,
                         patient + slot("$XDSDocumentEntryCreationTimeFrom", p.time_from) +
                             slot("$XDSDocumentEntryCreationTimeTo", p.time_to));
    case kByUniqueId:
      return adhoc_query(kGetDocuments,
                         slot("$XDSDocumentEntryUniqueId", "('" + p.document_unique_id + "')"));
    default:
      return adhoc_query(kGetSubmissionSetAndContents,
                         slot("$XDSSubmissionSetUniqueId", "'" + p.set_unique_id + "'"));
  }
}

// ---------------------------------------------------------------- raw SQL

// The same selections, one statement each, returning the stored objects
// (object_xml) the gateway answers with; kind to count DocumentEntries.
void prepare_raw(pqxx::connection& c) {
  const std::string find =
      "SELECT o.kind, o.object_xml FROM document_entries d JOIN registry_objects o ON "
      "o.entry_uuid = d.entry_uuid WHERE d.patient_id = $1 AND d.status = ANY ($2::text[]) AND "
      "d.availability = 'stable'";
  const std::string order = " ORDER BY o.lot_id, o.entry_uuid";
  c.prepare("raw_by_patient", find + order);
  c.prepare("raw_by_class", find + " AND d.class_code = $3 AND d.class_code_scheme = $4" + order);
  c.prepare("raw_by_time", find + " AND d.creation_time >= $3 AND d.creation_time < $4" + order);
  c.prepare("raw_by_unique_id",
            "SELECT o.kind, o.object_xml FROM document_entries d JOIN registry_objects o ON "
            "o.entry_uuid = d.entry_uuid WHERE d.unique_id = ANY ($1::text[]) AND "
            "o.status <> ALL ($2::text[]) ORDER BY o.lot_id, o.entry_uuid");
  // The set, its visible HasMember associations and their visible targets,
  // and the set's classification object.
  c.prepare("raw_set_and_contents",
            "WITH s AS (SELECT s.entry_uuid, so.lot_id FROM submission_sets s JOIN "
            "registry_objects so ON so.entry_uuid = s.entry_uuid WHERE s.unique_id = $1 AND "
            "so.status <> ALL ($2::text[])), m AS (SELECT a.entry_uuid, a.target FROM associations "
            "a JOIN s ON a.source = s.entry_uuid JOIN registry_objects t ON t.entry_uuid = "
            "a.target WHERE a.type = $3 AND t.status <> ALL ($2::text[])) "
            "SELECT o.kind, o.object_xml FROM registry_objects o WHERE o.entry_uuid IN (SELECT "
            "entry_uuid FROM s UNION ALL SELECT entry_uuid FROM m UNION ALL SELECT target FROM m) "
            "AND o.status <> ALL ($2::text[]) UNION ALL SELECT o.kind, o.object_xml FROM "
            "registry_objects o JOIN s ON o.lot_id = s.lot_id WHERE o.kind = 'Classification'");
}

pqxx::result raw_query(pqxx::transaction_base& tx, Shape shape, const Parameters& p) {
  const std::string approved = std::string("{") + kApproved + "}";
  switch (shape) {
    case kByPatient:
      return tx.exec_prepared("raw_by_patient", p.patient, approved);
    case kByClass:
      return tx.exec_prepared("raw_by_class", p.patient, approved, p.class_code, p.class_scheme);
    case kByTime:
      return tx.exec_prepared("raw_by_time", p.patient, approved, p.time_from, p.time_to);
    case kByUniqueId:
      return tx.exec_prepared("raw_by_unique_id", "{" + p.document_unique_id + "}",
                              hidden_statuses());
    default:
      return tx.exec_prepared("raw_set_and_contents", p.set_unique_id, hidden_statuses(),
                              kHasMember);
  }
}

std::size_t documents_in(const pqxx::result& rows) {
  std::size_t n = 0;
  for (const auto& row : rows) {
    if (row[0].as<std::string>() == "DocumentEntry") ++n;
  }
  return n;
}

// Draws patients at random and reads, for each, a document to take codes,
// time and uniqueId from, and one of its submission sets.
std::vector<Parameters> draw_parameters(const std::string& uri, std::size_t count,
                                        std::uint64_t seed) {
  pqxx::connection connection(uri);
  pqxx::nontransaction tx(connection);
  const auto patients = tx.exec1("SELECT patients FROM bench_load")[0].as<std::int64_t>();
  std::uint64_t state = seed;
  const auto next = [&state] {
    state += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  std::vector<Parameters> out;
  while (out.size() < count) {
    Parameters p;
    p.patient =
        patient_id(static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(patients)));
    const auto documents = tx.exec_params(
        "SELECT class_code, class_code_scheme, creation_time, unique_id FROM document_entries "
        "WHERE patient_id = $1 AND status = $2 ORDER BY entry_uuid",
        p.patient, kApproved);
    const auto sets = tx.exec_params(
        "SELECT unique_id FROM submission_sets WHERE patient_id = $1 ORDER BY entry_uuid",
        p.patient);
    if (documents.empty() || sets.empty()) continue;
    const auto& d = documents[static_cast<pqxx::result::size_type>(next() % documents.size())];
    p.class_code = d[0].as<std::string>();
    p.class_scheme = d[1].as<std::string>();
    const auto creation = d[2].as<std::string>();
    const int year = std::stoi(creation.substr(0, 4));
    p.time_from = std::to_string(year - 1) + creation.substr(4);
    p.time_to = std::to_string(year + 1) + creation.substr(4);
    p.document_unique_id = d[3].as<std::string>();
    p.set_unique_id =
        sets[static_cast<pqxx::result::size_type>(next() % sets.size())][0].as<std::string>();
    out.push_back(std::move(p));
  }
  return out;
}

// ---------------------------------------------------------------- phases

// CPU time, in seconds, of this process (gateway and clients, every thread)
// and of the cluster (postmaster, its live children and those it reaped).
// Per query it does not depend on how a noisy VM schedules the phases.
// Also the machine's CPU time the hypervisor gave to others (steal), which
// on this VM varies from run to run and explains most of the noise.
struct CpuTimes {
  double bench = 0;
  double database = 0;
  double machine = 0;  // every CPU state, seconds
  double steal = 0;
};

class CpuMeter {
 public:
  explicit CpuMeter(const std::filesystem::path& data_dir) {
    std::ifstream pid_file(data_dir / "postmaster.pid");
    pid_file >> postmaster_;
    if (postmaster_ <= 0) throw std::runtime_error("no postmaster.pid in " + data_dir.string());
  }

  CpuTimes now() const {
    CpuTimes out;
    rusage self{};
    getrusage(RUSAGE_SELF, &self);
    out.bench = seconds(self.ru_utime) + seconds(self.ru_stime);
    const double tick = 1.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
    std::ifstream stat("/proc/stat");
    std::string cpu;
    stat >> cpu;  // "cpu": user nice system idle iowait irq softirq steal …
    for (int field = 0; field < 8; ++field) {
      double jiffies = 0;
      stat >> jiffies;
      out.machine += tick * jiffies;
      if (field == 7) out.steal = tick * jiffies;
    }
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const auto name = entry.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      const auto stat = read_stat(entry.path() / "stat");
      if (stat.size() < 15) continue;  // exited meanwhile
      const long pid = std::stol(name);
      if (pid == postmaster_) {
        out.database += tick * static_cast<double>(stat[11] + stat[12] + stat[13] + stat[14]);
      } else if (stat[1] == postmaster_) {
        out.database += tick * static_cast<double>(stat[11] + stat[12]);
      }
    }
    return out;
  }

 private:
  static double seconds(const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  }
  // The numeric fields after the command name, from field 3 (state skipped):
  // [1] ppid … [11] utime, [12] stime, [13] cutime, [14] cstime.
  static std::vector<long> read_stat(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    std::vector<long> out;
    if (close == std::string::npos) return out;
    std::istringstream fields(text.substr(close + 2));
    std::string state;
    fields >> state;
    out.push_back(0);
    long value = 0;
    while (out.size() < 15 && fields >> value) out.push_back(value);
    return out;
  }

  long postmaster_ = 0;
};

struct Phase {
  std::string path;
  std::size_t clients = 0;
  std::size_t ops = 0;
  double seconds = 0;
  CpuTimes cpu;  // used during the phase
  std::vector<double> latencies_ms[kShapes];
  std::vector<double> all_ms;

  double per_second() const { return static_cast<double>(ops) / seconds; }
  // Microseconds of CPU per query, all processes of the path together.
  double cpu_us() const { return 1e6 * (cpu.bench + cpu.database) / static_cast<double>(ops); }
  double steal_percent() const { return cpu.machine > 0 ? 100 * cpu.steal / cpu.machine : 0; }
  static double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
  }
  double find_p99() const {
    std::vector<double> find;
    for (const Shape s : {kByPatient, kByClass, kByTime}) {
      find.insert(find.end(), latencies_ms[s].begin(), latencies_ms[s].end());
    }
    std::sort(find.begin(), find.end());
    return percentile(find, 0.99);
  }
};

// Rounds of one path and client count as one phase: operations and time
// summed, latencies pooled.
Phase merged(const std::vector<Phase>& rounds) {
  Phase out = rounds.front();
  out.ops = 0;
  out.seconds = 0;
  out.cpu = {};
  for (auto& list : out.latencies_ms) list.clear();
  out.all_ms.clear();
  for (const auto& round : rounds) {
    out.ops += round.ops;
    out.seconds += round.seconds;
    out.cpu.bench += round.cpu.bench;
    out.cpu.database += round.cpu.database;
    out.cpu.machine += round.cpu.machine;
    out.cpu.steal += round.cpu.steal;
    for (int s = 0; s < kShapes; ++s) {
      out.latencies_ms[s].insert(out.latencies_ms[s].end(), round.latencies_ms[s].begin(),
                                 round.latencies_ms[s].end());
    }
    out.all_ms.insert(out.all_ms.end(), round.all_ms.begin(), round.all_ms.end());
  }
  for (auto& list : out.latencies_ms) std::sort(list.begin(), list.end());
  std::sort(out.all_ms.begin(), out.all_ms.end());
  return out;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// One client: runs op `index` (its shape is shape_of(index)), checks the
// answer, returns the latency of the request alone in milliseconds.
using Operation = std::function<double(std::size_t index)>;

Phase run_phase(const std::string& path, std::size_t ops, std::size_t clients,
                const std::function<Operation(std::size_t client)>& make_client,
                const CpuMeter& meter) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr error;
  std::vector<std::vector<std::pair<std::size_t, double>>> latencies(clients);
  std::latch ready(static_cast<std::ptrdiff_t>(clients + 1));
  std::latch go(1);
  const auto fail = [&] {
    const std::lock_guard lock(error_mutex);
    if (!error) error = std::current_exception();
    failed = true;
  };
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Operation operation;
      try {
        operation = make_client(c);
      } catch (...) {
        fail();
      }
      ready.count_down();
      go.wait();
      if (!operation) return;
      try {
        for (std::size_t i = next++; i < ops && !failed; i = next++) {
          latencies[c].emplace_back(i, operation(i));
        }
      } catch (...) {
        fail();
      }
    });
  }
  ready.arrive_and_wait();
  const auto cpu_start = meter.now();
  const auto start = Clock::now();
  go.count_down();
  for (auto& thread : threads) thread.join();
  const auto stop = Clock::now();
  const auto cpu_stop = meter.now();
  if (error) std::rethrow_exception(error);

  Phase phase;
  phase.path = path;
  phase.clients = clients;
  phase.ops = ops;
  phase.seconds = std::chrono::duration<double>(stop - start).count();
  phase.cpu = {cpu_stop.bench - cpu_start.bench, cpu_stop.database - cpu_start.database,
               cpu_stop.machine - cpu_start.machine, cpu_stop.steal - cpu_start.steal};
  for (const auto& list : latencies) {
    for (const auto& [index, ms] : list) {
      phase.latencies_ms[shape_of(index)].push_back(ms);
      phase.all_ms.push_back(ms);
    }
  }
  for (auto& list : phase.latencies_ms) std::sort(list.begin(), list.end());
  std::sort(phase.all_ms.begin(), phase.all_ms.end());
  return phase;
}

double elapsed_ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

void require(bool condition, const std::string& what) {
  if (!condition) throw std::runtime_error(what);
}

std::size_t count_document_entries(const std::string& body) {
  // Opening tags only: "ExtrinsicObject " (attributes follow), never "ExtrinsicObject>".
  std::size_t n = 0;
  for (auto at = body.find("ExtrinsicObject "); at != std::string::npos;
       at = body.find("ExtrinsicObject ", at + 1)) {
    ++n;
  }
  return n;
}

Operation gateway_client(const TestServer& server, const std::vector<Parameters>& parameters,
                         const std::vector<HttpRequestBody>& requests) {
  auto connection = std::make_shared<HttpConnection>(server.endpoint(), server.client());
  return [connection, &parameters, &requests](std::size_t index) {
    const Shape shape = shape_of(index);
    const std::size_t p = index % parameters.size();
    const auto& request = requests[p * kShapes + shape];
    const auto start = Clock::now();
    const auto reply =
        connection->request("POST", gateway::kRegistryPath, request.content_type, request.body);
    const double latency = elapsed_ms(start);
    require(reply.status == 200u,
            "HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 600));
    require(reply.body.find("ResponseStatusType:Success") != std::string::npos,
            std::string(kShapeNames[shape]) + " failed: " + reply.body.substr(0, 1500));
    const auto found = count_document_entries(reply.body);
    require(found == parameters[p].expected[shape],
            std::string(kShapeNames[shape]) + " for " + parameters[p].patient + " returned " +
                std::to_string(found) + " DocumentEntries, raw SQL " +
                std::to_string(parameters[p].expected[shape]));
    return latency;
  };
}

// The baseline's connections, opened and prepared once per client count and
// kept across its warm-up and rounds, as the gateway keeps its pool's. A new
// PostgreSQL backend starts cold (its first touches of the shared buffers
// fault pages in): opened per round, that cost fell on raw SQL's rounds only.
std::vector<std::shared_ptr<pqxx::connection>> raw_connections(const std::string& uri,
                                                               std::size_t clients) {
  std::vector<std::shared_ptr<pqxx::connection>> connections;
  for (std::size_t c = 0; c < clients; ++c) {
    connections.push_back(std::make_shared<pqxx::connection>(uri));
    prepare_raw(*connections.back());
  }
  return connections;
}

Operation raw_client(std::shared_ptr<pqxx::connection> connection,
                     const std::vector<Parameters>& parameters) {
  return [connection = std::move(connection), &parameters](std::size_t index) {
    const Shape shape = shape_of(index);
    const auto& p = parameters[index % parameters.size()];
    const auto start = Clock::now();
    pqxx::nontransaction tx(*connection);
    const auto rows = raw_query(tx, shape, p);
    std::size_t bytes = 0;
    for (const auto& row : rows) bytes += row[1].size();  // read what was fetched
    const double latency = elapsed_ms(start);
    require(bytes > 0 || p.expected[shape] == 0, "raw SQL returned nothing");
    require(documents_in(rows) == p.expected[shape], "raw SQL count changed");
    return latency;
  };
}

// ---------------------------------------------------------------- report

void print_phases(const std::vector<Phase>& phases) {
  std::printf("\n%-8s %7s %6s %8s %8s | %-30s %7s %7s\n", "path", "clients", "ops", "seconds",
              "q/s", "query (p50 / p99 ms)", "p50", "p99");
  for (const auto& phase : phases) {
    for (int s = 0; s < kShapes; ++s) {
      if (s == 0) {
        std::printf("%-8s %7zu %6zu %8.2f %8.1f | ", phase.path.c_str(), phase.clients, phase.ops,
                    phase.seconds, phase.per_second());
      } else {
        std::printf("%-8s %7s %6s %8s %8s | ", "", "", "", "", "");
      }
      std::printf("%-30s %7.2f %7.2f\n", kShapeNames[s],
                  Phase::percentile(phase.latencies_ms[s], 0.50),
                  Phase::percentile(phase.latencies_ms[s], 0.99));
    }
    std::printf("%-8s %7s %6s %8s %8s | %-30s %7.2f %7.2f\n", "", "", "", "", "", "(all)",
                Phase::percentile(phase.all_ms, 0.50), Phase::percentile(phase.all_ms, 0.99));
  }
  std::printf("\n");
}

int run(const Settings& settings) {
  const xml::Runtime runtime;
  store::ClusterOptions cluster_options;
  cluster_options.data_dir = settings.data_dir;
  cluster_options.fsync = true;
  auto cluster = store::EmbeddedCluster::start(cluster_options);
  const std::string uri = cluster->connection_uri();
  const CpuMeter meter(settings.data_dir);

  std::int64_t patients = 0;
  std::int64_t documents = 0;
  {
    pqxx::connection connection(uri);
    // Brings the schema to this build (a newer build may add indexes).
    store::migrate(connection);
    pqxx::nontransaction tx(connection);
    const auto load = tx.exec("SELECT patients, documents FROM bench_load");
    require(!load.empty(),
            "no finished load in " + settings.data_dir.string() + ": run passerelle-load first");
    patients = load[0][0].as<std::int64_t>();
    documents = load[0][1].as<std::int64_t>();
  }
  std::printf(
      "query_bench: %lld document entries, %lld patients; %zu parameter sets; mix "
      "30%% FindDocuments patient+status, 20%% +classCode, 20%% +creationTime, 20%% "
      "GetDocuments, 10%% GetSubmissionSetAndContents; LeafClass; HTTPS keep-alive; "
      "PostgreSQL fsync on\n",
      static_cast<long long>(documents), static_cast<long long>(patients), settings.parameter_sets);
  std::fflush(stdout);

  auto parameters = draw_parameters(uri, settings.parameter_sets, settings.seed);
  // Expected answers, by raw SQL: also warms the cache for both paths.
  {
    pqxx::connection connection(uri);
    prepare_raw(connection);
    pqxx::nontransaction tx(connection);
    for (auto& p : parameters) {
      for (int s = 0; s < kShapes; ++s) {
        p.expected[s] = documents_in(raw_query(tx, static_cast<Shape>(s), p));
      }
    }
  }
  std::vector<HttpRequestBody> requests;
  for (const auto& p : parameters) {
    for (int s = 0; s < kShapes; ++s) requests.push_back(gateway_request(static_cast<Shape>(s), p));
  }

  // The lots sent here are not signed (signature cost: bench/signature_verify).
  auto dmp = registry::load_named_profile("dmp");
  dmp.lot_signature_required = false;
  auto profile = std::make_shared<const registry::Profile>(std::move(dmp));
  // Per client count: the merged gateway and raw phases, and the ratio of
  // each round (a round = the gateway phase then the raw one, back to back,
  // so both see the same background load; the median ratio is the figure).
  std::vector<Phase> phases;
  std::vector<std::vector<double>> ratios;
  for (const std::size_t clients : {std::size_t{1}, settings.clients}) {
    const std::size_t ops = clients == 1 ? settings.ops_one : settings.ops_many;
    // One request thread and one database connection per client, as the
    // baseline has one connection per client.
    auto pool = std::make_shared<store::ConnectionPool>(uri, clients);
    TestServerOptions server_options;
    server_options.db_uri = uri;
    server_options.router =
        gateway::make_xds_router(gateway::XdsDependencies{pool, profile, kTestRepository, {}});
    const std::size_t workers = settings.workers != 0 ? settings.workers : clients;
    server_options.customize = [workers, &settings](gateway::ServerConfig& config) {
      config.workers = workers;
      config.threads = settings.network_threads;
    };
    TestServer server(std::move(server_options));
    const auto gateway = [&](std::size_t) { return gateway_client(server, parameters, requests); };
    const auto connections = raw_connections(uri, clients);
    const auto raw = [&](std::size_t client) {
      return raw_client(connections[client], parameters);
    };
    // Warm-up (untimed), each path in turn. Its length is per connection: a
    // PostgreSQL backend keeps getting cheaper for its first few thousand
    // queries (it faults in the shared buffers it touches), and with a
    // shorter warm-up the raw-SQL rounds sped up round after round while the
    // gateway's, bound by its own CPU, did not (bench/README.md).
    const std::size_t warm_up = settings.warm_up_per_client * clients;
    run_phase("warm-up", warm_up, clients, gateway, meter);
    run_phase("warm-up", warm_up, clients, raw, meter);
    std::vector<Phase> gateway_rounds;
    std::vector<Phase> raw_rounds;
    ratios.emplace_back();
    for (std::size_t round = 1; round <= settings.rounds; ++round) {
      gateway_rounds.push_back(run_phase("gateway", ops, clients, gateway, meter));
      raw_rounds.push_back(run_phase("raw SQL", ops, clients, raw, meter));
      ratios.back().push_back(gateway_rounds.back().per_second() / raw_rounds.back().per_second());
      std::fprintf(stderr,
                   "x%zu round %zu: gateway %.2f s, raw SQL %.2f s, ratio %.3f (steal %.0f%% / "
                   "%.0f%%)\n",
                   clients, round, gateway_rounds.back().seconds, raw_rounds.back().seconds,
                   ratios.back().back(), gateway_rounds.back().steal_percent(),
                   raw_rounds.back().steal_percent());
    }
    std::fprintf(stderr, "raw SQL x%zu done\n", clients);
    phases.push_back(merged(gateway_rounds));
    phases.push_back(merged(raw_rounds));
  }

  print_phases(phases);
  for (std::size_t i = 0; i + 1 < phases.size(); i += 2) {
    const auto& g = phases[i];
    const auto& r = phases[i + 1];
    std::string each;
    for (const double ratio : ratios[i / 2]) {
      char text[16];
      std::snprintf(text, sizeof text, "%s%.3f", each.empty() ? "" : " ", ratio);
      each += text;
    }
    std::printf(
        "%zu client%s: gateway %.0f q/s, raw SQL %.0f q/s, ratio gateway/raw %.3f (median of "
        "rounds: %s); FindDocuments p99 gateway %.2f ms (raw %.2f ms)\n",
        g.clients, g.clients == 1 ? " " : "s", g.per_second(), r.per_second(),
        median(ratios[i / 2]), each.c_str(), g.find_p99(), r.find_p99());
  }
  for (std::size_t i = 0; i + 1 < phases.size(); i += 2) {
    const auto& g = phases[i];
    const auto& r = phases[i + 1];
    std::printf(
        "%zu client%s: CPU per query, gateway path %.0f us (this process %.0f + PostgreSQL %.0f), "
        "raw SQL %.0f us (%.0f + %.0f); CPU ratio raw/gateway %.3f; steal %.0f%% / %.0f%%\n",
        g.clients, g.clients == 1 ? " " : "s", g.cpu_us(),
        1e6 * g.cpu.bench / static_cast<double>(g.ops),
        1e6 * g.cpu.database / static_cast<double>(g.ops), r.cpu_us(),
        1e6 * r.cpu.bench / static_cast<double>(r.ops),
        1e6 * r.cpu.database / static_cast<double>(r.ops), r.cpu_us() / g.cpu_us(),
        g.steal_percent(), r.steal_percent());
  }
  std::printf(
      "targets: FindDocuments p99 < 5 ms with 1 client: %s; gateway >= 50%% of raw SQL "
      "throughput with %zu clients (median ratio): %s\n",
      phases[0].find_p99() < 5.0 ? "met" : "NOT met", settings.clients,
      median(ratios[1]) >= 0.5 ? "met" : "NOT met");
  std::printf(
      "(latency = one request, answer checks excluded; every answer checked against the "
      "raw SQL count)\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  CLI::App app{"ITI-18 stored queries through the gateway, against raw SQL"};
  app.add_option("--data-dir", settings.data_dir, "cluster loaded by passerelle-load")->required();
  app.add_option("--parameter-sets", settings.parameter_sets, "patients drawn for parameters")
      ->check(CLI::PositiveNumber);
  app.add_option("--ops-one", settings.ops_one, "queries timed with one client")
      ->check(CLI::PositiveNumber);
  app.add_option("--ops-many", settings.ops_many, "queries timed with --clients clients")
      ->check(CLI::PositiveNumber);
  app.add_option("--clients", settings.clients, "concurrent clients of the second run")
      ->check(CLI::PositiveNumber);
  app.add_option("--rounds", settings.rounds,
                 "timed rounds (gateway then raw SQL) per client count; the ratio is their median")
      ->check(CLI::PositiveNumber);
  app.add_option("--warm-up-per-client", settings.warm_up_per_client,
                 "untimed queries per client and path before the rounds")
      ->check(CLI::PositiveNumber);
  app.add_option("--workers", settings.workers,
                 "gateway request threads (default: one per client)");
  app.add_option("--network-threads", settings.network_threads,
                 "gateway network threads (default: one per core)");
  app.add_option("--seed", settings.seed, "seed of the parameter draw");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(settings);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "query_bench: %s\n", error.what());
    return 1;
  }
}
