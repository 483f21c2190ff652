#define BOOST_TEST_MODULE cda_corpus
// The CDA validator against the ANS corpus (all 94 public examples must be
// error-free) and against the committed mutations of
// tests/fixtures/cda/mutations/ (make-mutations.py): each must fail with
// exactly its rule, schema findings aside (a warning-only rule must warn and
// not fail). Also the `passerelle cda validate` CLI end to end.

#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "passerelle/cda/validator.hpp"
#include "passerelle/core/xml.hpp"

namespace cda = passerelle::cda;
namespace fs = std::filesystem;
using passerelle::Severity;

namespace {

struct Global {
  passerelle::xml::Runtime runtime;
  std::unique_ptr<cda::Validator> validator = std::make_unique<cda::Validator>();
  ~Global() { validator.reset(); }
};
Global* global = nullptr;
struct GlobalFixture {
  GlobalFixture() { global = new Global; }
  ~GlobalFixture() { delete global; }
};
BOOST_TEST_GLOBAL_FIXTURE(GlobalFixture);

const fs::path kFixtures = fs::path(PASSERELLE_SOURCE_DIR) / "tests/fixtures/cda";

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << file);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string dump(const std::vector<cda::Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    out += "\n  " + std::string(passerelle::to_string(f.severity)) + " " + f.rule_id + " " +
           f.location + ": " + f.message;
  }
  return out;
}

std::set<std::string> rules(const std::vector<cda::Finding>& findings, Severity severity) {
  std::set<std::string> out;
  for (const auto& f : findings) {
    if (f.severity == severity && f.rule_id != "XSD") out.insert(f.rule_id);
  }
  return out;
}

int run(const std::string& command, std::string* output = nullptr) {
  FILE* pipe = popen(command.c_str(), "r");
  BOOST_REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::string text;
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
  const int status = pclose(pipe);
  if (output != nullptr) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

BOOST_AUTO_TEST_CASE(all_ans_examples_are_valid) {
  const fs::path examples = fs::path(PASSERELLE_SHARED_DIR) / "corpus/ans-cda/examples";
  if (!fs::is_directory(fs::path(PASSERELLE_SHARED_DIR) / "corpus")) {
    BOOST_TEST_MESSAGE("skipped: " << PASSERELLE_SHARED_DIR << "/corpus not present");
    return;
  }
  std::size_t count = 0, valid = 0;
  for (const auto& entry : fs::directory_iterator(examples)) {
    if (entry.path().extension() != ".xml") continue;
    ++count;
    const auto findings = global->validator->validate(read(entry.path()));
    const bool ok = !cda::has_error(findings);
    valid += ok ? 1 : 0;
    BOOST_TEST(ok, entry.path().filename().string() << ":" << dump(findings));
  }
  BOOST_TEST_MESSAGE(valid << "/" << count << " ANS examples valid");
  BOOST_TEST(count == 94u);
  BOOST_TEST(valid == count);
}

BOOST_AUTO_TEST_CASE(the_mutation_bases_are_valid) {
  for (const char* base : {"CSE-MDE_2023.01.xml", "IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml"}) {
    const auto findings = global->validator->validate(read(kFixtures / base));
    BOOST_TEST(!cda::has_error(findings), base << ":" << dump(findings));
  }
}

BOOST_AUTO_TEST_CASE(each_mutation_fails_with_exactly_its_rule) {
  std::istringstream manifest(read(kFixtures / "mutations/manifest.tsv"));
  std::string line;
  std::set<std::string> covered;
  std::size_t cases = 0;
  while (std::getline(manifest, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string file, rule, severity;
    std::getline(fields, file, '\t');
    std::getline(fields, rule, '\t');
    std::getline(fields, severity, '\t');
    ++cases;
    covered.insert(rule);
    BOOST_TEST_CONTEXT(file) {
      const auto findings = global->validator->validate(read(kFixtures / "mutations" / file));
      if (rule == "XSD") {
        BOOST_TEST(rules(findings, Severity::Error).empty(), dump(findings));
        BOOST_TEST(cda::has_error(findings), "the schema accepted " << file);
      } else if (severity == "warning") {
        BOOST_TEST(rules(findings, Severity::Error).empty(), dump(findings));
        BOOST_TEST(rules(findings, Severity::Warning).count(rule) == 1u, dump(findings));
      } else {
        BOOST_TEST((rules(findings, Severity::Error) == std::set<std::string>{rule}),
                   dump(findings));
      }
    }
  }
  // One mutation per header rule, plus the schema.
  for (int i = 1; i <= 54; ++i) {
    BOOST_TEST(covered.count("R-CDA-" + std::to_string(i)) == 1u, "no mutation for R-CDA-" << i);
  }
  BOOST_TEST(covered.count("XSD") == 1u);
  BOOST_TEST(cases >= 56u);
}

BOOST_AUTO_TEST_CASE(cli_reports_and_exit_status) {
  const std::string binary = PASSERELLE_BINARY;
  const std::string base = (kFixtures / "minimal-n3.xml").string();
  const std::string bad = (kFixtures / "mutations/R-CDA-2.xml").string();
  std::string out;
  BOOST_TEST(run(binary + " cda validate " + base + " 2>&1", &out) == 0, out);
  BOOST_TEST(out.find("valid (0 errors") != std::string::npos, out);
  BOOST_TEST(run(binary + " cda validate " + base + " " + bad + " 2>&1", &out) == 1, out);
  BOOST_TEST(out.find("Error R-CDA-2 at /ClinicalDocument/realmCode") != std::string::npos, out);
  BOOST_TEST(run(binary + " cda validate --json " + bad + " 2>/dev/null", &out) == 1, out);
  BOOST_TEST(out.find("\"rule_id\": \"R-CDA-2\"") != std::string::npos, out);
  BOOST_TEST(out.find("\"valid\": false") != std::string::npos, out);
  BOOST_TEST(run(binary + " cda validate /nonexistent.xml 2>&1", &out) == 2, out);
}
