// CDA validation throughput on the ANS example corpus, next to
// `xmllint --noout --schema CDA_passerelle.xsd FILE…` on the same files in the
// same run (one xmllint process for all files, timed as a whole command).
//
// Passes of ours, single-threaded as xmllint is:
//  * XSD only: detail::SchemaValidator::validate (cda/src/schema.hpp; the
//    public Validator has no XSD-only mode), a SAX pass on the grammar the
//    Validator uses;
//  * DOM parse only: xml::parse, what the rules need without the schema;
//  * validating parse: detail::SchemaValidator::parse, the XSD and the header
//    tree the rules read in one pass (what lies inside the body's sections
//    validated but not built), the first step of Validator::validate; and
//    the same with the Xerces DOM built too (with_dom), as for a caller that
//    wants the DOM;
//  * rules only: Validator with check_schema = false (DOM parse + rules);
//  * full: Validator::validate (validating parse + header rules), what
//    `passerelle cda validate` runs; and full with a DocumentVisitor, which
//    also builds the DOM for a caller that wants it;
//  * gateway check: cda::check_document with the Validator, what the gateway
//    runs on an ITI-41 CDA (validation, then the metadata agreement checks on
//    the header tree of the same parse, no DOM), here with empty metadata.
// Each pass is timed in wall-clock and in CPU time (the process's for ours,
// the child's for xmllint): on a shared machine wall time includes waiting
// for a core, CPU time does not, so both are printed with their ratios.
// Self-presenting examples (root xsl:stylesheet) cannot be given to xmllint
// with this schema, so they are left out of every figure compared; the full
// pass is also reported on the whole corpus, for information.

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/cda/agreement.hpp"
#include "passerelle/cda/finding.hpp"
#include "passerelle/cda/validator.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/metadata.hpp"
#include "schema.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
namespace cda = passerelle::cda;
using Clock = std::chrono::steady_clock;

struct Doc {
  fs::path path;
  std::string bytes;
  bool self_presenting = false;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Name of the first element (skips the XML declaration, comments, PIs).
std::string root_name(std::string_view text) {
  std::size_t at = 0;
  while ((at = text.find('<', at)) != std::string_view::npos) {
    if (at + 1 < text.size() && (text[at + 1] == '?' || text[at + 1] == '!')) {
      ++at;
      continue;
    }
    const std::size_t end = text.find_first_of(" \t\r\n/>", at + 1);
    return std::string(text.substr(at + 1, end - at - 1));
  }
  return {};
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Timing {
  double wall = 0;
  double cpu = 0;
};

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
}

// Runs argv with stdout+stderr into `output`; wall time and the child's CPU time.
Timing run_command(const std::vector<std::string>& args, const fs::path& output, int& status) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const auto start = Clock::now();
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    throw std::runtime_error("cannot start " + args[0]);
  }
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  const double elapsed = seconds_since(start);
  posix_spawn_file_actions_destroy(&actions);
  return {elapsed, seconds(usage.ru_utime) + seconds(usage.ru_stime)};
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct Stats {
  std::vector<double> seconds;
  std::vector<double> cpu;
  void add(Timing t) {
    seconds.push_back(t.wall);
    cpu.push_back(t.cpu);
  }
  double median() const { return ::median(seconds); }
  double best() const { return *std::min_element(seconds.begin(), seconds.end()); }
  double cpu_median() const { return ::median(cpu); }
  double cpu_best() const { return *std::min_element(cpu.begin(), cpu.end()); }
};

void print_row(const char* name, const Stats& stats, double megabytes, std::size_t docs) {
  const double median = stats.median();
  const double best = stats.best();
  const double cpu = stats.cpu_median();
  std::printf("%-36s %9.1f %9.1f %9.2f %9.1f %9.1f %9.2f\n", name, median * 1e3, best * 1e3,
              megabytes / median, static_cast<double>(docs) / median, cpu * 1e3, megabytes / cpu);
}

}  // namespace

int main(int argc, char** argv) {
  // The corpus beside the clone (../shared), as the tests find it.
  std::string corpus = PASSERELLE_SOURCE_DIR "/../shared/corpus/ans-cda/examples";
  std::string schema_dir = PASSERELLE_SOURCE_DIR "/cda/schemas";
  std::string xmllint = "/usr/bin/xmllint";
  int repetitions = 5;
  CLI::App app{"CDA validation throughput against xmllint --schema on the ANS examples"};
  app.add_option("--corpus", corpus, "directory of CDA examples (*.xml)");
  app.add_option("--schema-dir", schema_dir, "shipped schemas (CDA_passerelle.xsd)");
  app.add_option("--xmllint", xmllint, "xmllint executable");
  app.add_option("--repetitions", repetitions, "timed repetitions of each pass")
      ->check(CLI::PositiveNumber);
  std::string only;
  app.add_option(
         "--only", only,
         "run only this pass, --repetitions times, and print its time (for perf): "
         "xsd, dom, xsd-tree, xsd-tree-dom, rules, full, full-dom, check; or `findings`: print "
         "every finding of the "
         "full validation of every file, to compare builds")
      ->check(CLI::IsMember({"xsd", "dom", "xsd-tree", "xsd-tree-dom", "rules", "full", "full-dom",
                             "check", "findings"}));
  CLI11_PARSE(app, argc, argv);

  if (!fs::is_directory(corpus)) {
    std::printf("skipped: corpus %s not found\n", corpus.c_str());
    return 0;
  }
  if (!fs::exists(xmllint)) {
    std::fprintf(stderr, "%s not found (apt-get install -y libxml2-utils)\n", xmllint.c_str());
    return 1;
  }
  const fs::path schema = fs::canonical(fs::path(schema_dir) / cda::detail::kEntrySchema);

  std::vector<Doc> all;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.is_regular_file() && entry.path().extension() == ".xml") {
      all.push_back({fs::canonical(entry.path()), read_file(entry.path()), false});
    }
  }
  std::sort(all.begin(), all.end(), [](const Doc& a, const Doc& b) { return a.path < b.path; });
  if (all.empty()) {
    std::printf("skipped: no *.xml in %s\n", corpus.c_str());
    return 0;
  }
  std::vector<const Doc*> plain;
  std::size_t plain_bytes = 0, all_bytes = 0;
  for (auto& doc : all) {
    doc.self_presenting = root_name(doc.bytes) == "xsl:stylesheet";
    all_bytes += doc.bytes.size();
    if (!doc.self_presenting) {
      plain.push_back(&doc);
      plain_bytes += doc.bytes.size();
    }
  }
  const double plain_mb = static_cast<double>(plain_bytes) / 1e6;
  const double all_mb = static_cast<double>(all_bytes) / 1e6;

  std::printf(
      "corpus: %zu files, %.2f MB; compared: %zu files, %.2f MB (left out, root "
      "xsl:stylesheet:",
      all.size(), all_mb, plain.size(), plain_mb);
  for (const auto& doc : all) {
    if (doc.self_presenting) std::printf(" %s", doc.path.filename().c_str());
  }
  std::printf(")\nschema: %s; %d repetitions, single thread\n\n", schema.c_str(), repetitions);

  passerelle::xml::Runtime runtime;

  // xmllint: one process for every compared file.
  std::vector<std::string> xmllint_args{xmllint, "--noout", "--schema", schema.string()};
  for (const Doc* doc : plain) xmllint_args.push_back(doc->path.string());
  const fs::path output =
      fs::temp_directory_path() / ("cda_validation_xmllint." + std::to_string(getpid()));
  // Schema compilation alone: the same command on one tiny document.
  const fs::path tiny =
      fs::temp_directory_path() / ("cda_validation_tiny." + std::to_string(getpid()) + ".xml");
  { std::ofstream(tiny) << "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>\n"; }
  const std::vector<std::string> compile_args{xmllint, "--noout", "--schema", schema.string(),
                                              tiny.string()};

  // Ours, built once per process as the gateway does (construction reported).
  auto start = Clock::now();
  const cda::detail::SchemaValidator schema_validator(schema_dir);
  const double schema_load = seconds_since(start);
  start = Clock::now();
  const cda::Validator full_validator(cda::ValidatorOptions{schema_dir, {}, true});
  const double full_load = seconds_since(start);
  const cda::Validator rules_validator(cda::ValidatorOptions{schema_dir, {}, false});

  if (only == "findings") {
    for (const auto& doc : all) {
      const auto findings = full_validator.validate(doc.bytes);
      bool visited = false;
      const auto with_dom =
          full_validator.validate(doc.bytes, [&](const xercesc::DOMElement&) { visited = true; });
      const auto key = [](const std::vector<cda::Finding>& list) {
        std::string out;
        for (const auto& f : list) out += f.rule_id + f.location + f.message + "\n";
        return out;
      };
      if (key(findings) != key(with_dom)) {
        std::printf("%s\tMISMATCH with a DocumentVisitor\n", doc.path.filename().c_str());
      }
      std::printf("%s\tvisited %d\n", doc.path.filename().c_str(), visited ? 1 : 0);
      for (const auto& f : findings) {
        std::printf("%s\t%s\t%d\t%s\t%s\n", doc.path.filename().c_str(), f.rule_id.c_str(),
                    static_cast<int>(f.severity), f.location.c_str(), f.message.c_str());
      }
    }
    return 0;
  }
  using Pass = std::function<std::size_t(const Doc&)>;
  const auto ignore_dom = [](const xercesc::DOMElement&) {};
  // The gateway's check of an ITI-41 document, here with no metadata to
  // compare: the validation and the agreement checks' walk of the header.
  const passerelle::registry::DocumentEntry no_metadata;
  const std::map<std::string, Pass> passes{
      {"xsd", [&](const Doc& doc) { return schema_validator.validate(doc.bytes, "").size(); }},
      {"dom",
       [&](const Doc& doc) {
         return std::size_t{
             passerelle::xml::parse(doc.bytes, {}, "").root().getChildElementCount()};
       }},
      {"xsd-tree",
       [&](const Doc& doc) { return schema_validator.parse(doc.bytes, "").findings.size(); }},
      {"xsd-tree-dom",
       [&](const Doc& doc) { return schema_validator.parse(doc.bytes, "", true).findings.size(); }},
      {"rules", [&](const Doc& doc) { return rules_validator.validate(doc.bytes).size(); }},
      {"full", [&](const Doc& doc) { return full_validator.validate(doc.bytes).size(); }},
      {"full-dom",
       [&](const Doc& doc) { return full_validator.validate(doc.bytes, ignore_dom).size(); }},
      {"check", [&](const Doc& doc) {
         return passerelle::cda::check_document(doc.bytes, no_metadata, nullptr, nullptr,
                                                &full_validator)
             .size();
       }}};
  std::size_t sink = 0;
  auto time_ours = [&](const Pass& pass, const std::vector<const Doc*>& docs) {
    const auto begin = Clock::now();
    const double cpu_begin = cpu_seconds();
    for (const Doc* doc : docs) sink += pass(*doc);
    return Timing{seconds_since(begin), cpu_seconds() - cpu_begin};
  };
  if (!only.empty()) {
    const auto& pass = passes.at(only);
    Stats stats;
    for (int rep = 0; rep < repetitions; ++rep) stats.add(time_ours(pass, plain));
    print_row(only.c_str(), stats, plain_mb, plain.size());
    std::printf("(checksum %zu)\n", sink);
    return 0;
  }

  // Warm-up (page cache, allocators) and agreement check.
  int status = 0;
  run_command(xmllint_args, output, status);
  std::set<std::string> xmllint_failed;
  std::size_t xmllint_valid = 0;
  {
    std::ifstream in(output);
    std::string line;
    while (std::getline(in, line)) {
      constexpr std::string_view kFails = " fails to validate";
      if (line.ends_with(kFails))
        xmllint_failed.insert(line.substr(0, line.size() - kFails.size()));
      if (line.ends_with(" validates")) ++xmllint_valid;
    }
  }
  std::size_t ours_failed = 0, agree = 0, full_with_errors = 0;
  std::map<std::string, std::size_t> full_rules;
  for (const Doc* doc : plain) {
    const bool failed = !schema_validator.validate(doc->bytes, "").empty();
    ours_failed += failed ? 1 : 0;
    agree += failed == xmllint_failed.contains(doc->path.string()) ? 1 : 0;
    const auto findings = full_validator.validate(doc->bytes);
    full_with_errors += cda::has_error(findings) ? 1 : 0;
    for (const auto& finding : findings) ++full_rules[finding.rule_id];
    (void)rules_validator.validate(doc->bytes);
  }
  std::printf(
      "results: xmllint %zu valid, %zu fail (exit status %d); our XSD %zu valid, %zu "
      "fail; XSD verdicts agree on %zu/%zu; full validation: %zu with errors, findings",
      xmllint_valid, xmllint_failed.size(), WEXITSTATUS(status), plain.size() - ours_failed,
      ours_failed, agree, plain.size(), full_with_errors);
  for (const auto& [rule, count] : full_rules) std::printf(" %s×%zu", rule.c_str(), count);
  std::printf("\n\n");

  Stats lint, lint_compile, full_all;
  const std::vector<std::pair<std::string, const char*>> rows{
      {"xsd", "ours XSD only (SchemaValidator)"},
      {"dom", "ours DOM parse only (xml::parse)"},
      {"xsd-tree", "ours validating parse (header tree)"},
      {"xsd-tree-dom", "ours validating parse + DOM"},
      {"rules", "ours rules only (check_schema=0)"},
      {"full", "ours full (Validator::validate)"},
      {"full-dom", "ours full + DOM (with a visitor)"},
      {"check", "ours gateway check (check_document)"}};
  std::map<std::string, Stats> ours;
  std::vector<const Doc*> every;
  for (const auto& doc : all) every.push_back(&doc);
  for (int rep = 0; rep < repetitions; ++rep) {
    lint.add(run_command(xmllint_args, output, status));
    lint_compile.add(run_command(compile_args, output, status));
    for (const auto& [key, label] : rows) ours[key].add(time_ours(passes.at(key), plain));
    full_all.add(time_ours(passes.at("full"), every));
  }
  fs::remove(output);
  fs::remove(tiny);

  // xmllint without its schema compilation (same-run estimate).
  Stats lint_docs;
  for (std::size_t i = 0; i < lint.seconds.size(); ++i) {
    lint_docs.add({std::max(lint.seconds[i] - lint_compile.median(), 1e-9),
                   std::max(lint.cpu[i] - lint_compile.cpu_median(), 1e-9)});
  }

  std::printf("%-36s %9s %9s %9s %9s %9s %9s\n", "pass", "med ms", "best ms", "MB/s", "docs/s",
              "CPU ms", "CPU MB/s");
  print_row("xmllint --schema (whole command)", lint, plain_mb, plain.size());
  print_row("xmllint, schema compile only", lint_compile, 0, 0);
  print_row("xmllint minus schema compile", lint_docs, plain_mb, plain.size());
  for (const auto& [key, label] : rows) print_row(label, ours.at(key), plain_mb, plain.size());
  std::printf("%-36s %9.1f %9.1f %9.2f %9.1f %9.1f %9.2f   (all %zu files)\n",
              "ours full, whole corpus", full_all.median() * 1e3, full_all.best() * 1e3,
              all_mb / full_all.median(), static_cast<double>(all.size()) / full_all.median(),
              full_all.cpu_median() * 1e3, all_mb / full_all.cpu_median(), all.size());
  std::printf(
      "\none-off grammar load (not in the figures above): SchemaValidator %.1f ms, "
      "Validator %.1f ms\n",
      schema_load * 1e3, full_load * 1e3);

  const Stats& xsd = ours.at("xsd");
  const Stats& full = ours.at("full");
  const Stats& full_dom = ours.at("full-dom");
  // Medians, and the best CPU time: contention only ever adds to a run, so
  // the least CPU time is the steadiest estimate of the work itself.
  const auto row = [](const char* name, double wall, double cpu, double best_cpu,
                      const char* target) {
    std::printf("  %-42s %6.2f %6.2f %6.2f  %s\n", name, wall, cpu, best_cpu, target);
  };
  const auto over = [](const char* name, const Stats& a, const Stats& b, const char* target) {
    std::printf("  %-42s %+5.1f%% %+5.1f%% %+5.1f%%  %s\n", name,
                (a.median() / b.median() - 1) * 100, (a.cpu_median() / b.cpu_median() - 1) * 100,
                (a.cpu_best() / b.cpu_best() - 1) * 100, target);
  };
  std::printf("\nratios (> 1 means ours is faster)          med wall med CPU best CPU\n");
  row("ours XSD / xmllint whole command", lint.median() / xsd.median(),
      lint.cpu_median() / xsd.cpu_median(), lint.cpu_best() / xsd.cpu_best(), "(target >= 1)");
  row("ours XSD / xmllint minus compile", lint_docs.median() / xsd.median(),
      lint_docs.cpu_median() / xsd.cpu_median(), lint_docs.cpu_best() / xsd.cpu_best(), "");
  row("ours full / xmllint whole command", lint.median() / full.median(),
      lint.cpu_median() / full.cpu_median(), lint.cpu_best() / full.cpu_best(), "");
  std::printf("overhead over ours XSD only                  med wall med CPU best CPU\n");
  over("full (Validator::validate)", full, xsd, "(target < +30%)");
  over("full + DOM (with a DocumentVisitor)", full_dom, xsd, "");
  over("gateway check (check_document)", ours.at("check"), xsd, "");
  std::printf("(checksum %zu)\n", sink);
  return 0;
}
