#define BOOST_TEST_MODULE policy_habilitation
#include <boost/test/unit_test.hpp>
// The habilitation matrix (R-READ-5) as data: the shipped file, caller
// classification, deny by default, a replacement file, and the loader's
// precise errors for bad files.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/policy/habilitation.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
namespace policy = passerelle::policy;
namespace soap = passerelle::soap;
using passerelle::Failure;
using passerelle::testing::TempDir;

namespace {

constexpr const char* kG15 = "1.2.250.1.71.1.2.7";
constexpr const char* kLoinc = "2.16.840.1.113883.6.1";

const policy::HabilitationMatrix& shipped() {
  static const policy::HabilitationMatrix matrix =
      policy::load_habilitation_matrix(policy::default_habilitation_matrix_path());
  return matrix;
}

soap::AccessContext caller(std::string code, std::string system,
                           std::optional<soap::CodedValue> role = std::nullopt,
                           std::optional<soap::CodedValue> speciality = std::nullopt) {
  soap::AccessContext context;
  context.person_id = "810000000001";
  context.profession = {std::move(code), std::move(system), ""};
  context.role = std::move(role);
  context.speciality = std::move(speciality);
  return context;
}

std::string group_of(const soap::AccessContext& context,
                     const policy::HabilitationMatrix& matrix = shipped()) {
  const policy::ProfessionGroup* group = matrix.classify(context);
  return group ? group->id : "(unknown)";
}

void write(const fs::path& file, const std::string& content) {
  std::ofstream(file, std::ios::binary) << content;
}

// A minimal valid file; tests replace one piece to break it.
std::string file_with(const std::string& groups, const std::string& types,
                      const std::string& extra = "") {
  return R"({"format": "passerelle-habilitation-1", )" + extra + R"("groups": [)" + groups +
         R"(], "document_types": [)" + types + "]}";
}
const std::string kGroup =
    R"({"id": "doc", "kind": "health", "source": "test",
        "match": [{"profession": {"system": "1.2.250.1.71.1.2.7", "code": "10"}}]})";
const std::string kType =
    R"({"typeCode": "11488-4", "scheme": "2.16.840.1.113883.6.1", "readers": ["doc"],
        "source": "test"})";

passerelle::Error load_error(const fs::path& file) {
  try {
    policy::load_habilitation_matrix(file);
  } catch (const Failure& failure) {
    return failure.error();
  }
  BOOST_FAIL("the file loaded");
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(shipped_matrix_R_READ_5) {
  const policy::HabilitationMatrix& matrix = shipped();
  // 19 matrix columns + the secretaries (R-ID-3), 107 typeCodes (108 rows
  // minus the imaging-procedure row, whose codes J66 does not allow).
  BOOST_TEST(matrix.groups().size() == 20u);
  struct Count {
    const char* group;
    std::size_t types;
  };
  // Counts from shared/corpus/dmp-habilitation/README.md §6, less the imaging row
  // for the columns that read it.
  for (const Count& count : std::vector<Count>{{"medecin", 107},
                                               {"pharmacien_biologiste", 77},
                                               {"infirmier", 77},
                                               {"opticien_lunetier", 12},
                                               {"manipulateur_erm", 37},
                                               {"assistant_service_social", 9},
                                               {"sms_administratif_appui", 5},
                                               {"sms_accompagnement_soin", 26},
                                               {"secretariat_medical", 0}}) {
    BOOST_TEST_CONTEXT(count.group) {
      const policy::ProfessionGroup* group = matrix.group(count.group);
      BOOST_TEST_REQUIRE(group != nullptr);
      BOOST_TEST(group->readable->codes().size() == count.types);
    }
  }
  const policy::ProfessionGroup& doctors = *matrix.group("medecin");
  BOOST_TEST(doctors.readable->contains("11369-6", kLoinc));  // vaccination record
  BOOST_TEST(doctors.readable->contains("REMB", "1.2.250.1.213.1.1.4.12"));
  BOOST_TEST(!doctors.readable->contains("E1762", "ASTM"));  // not in the source: deny
  const policy::ProfessionGroup& nurses = *matrix.group("infirmier");
  BOOST_TEST(nurses.readable->contains("83981-1", kLoinc));
  BOOST_TEST(!nurses.readable->contains("89601-9", kLoinc));  // certificates: doctors only
  BOOST_TEST(!nurses.readable->contains("68599-0", kLoinc));
  BOOST_TEST(
      (matrix.group("sms_accompagnement_soin")->kind == policy::GroupKind::SocialMedicoSocial));
  BOOST_TEST((matrix.group("secretariat_medical")->kind == policy::GroupKind::NonProfessional));
  BOOST_TEST((doctors.kind == policy::GroupKind::Health));
}

BOOST_AUTO_TEST_CASE(caller_classification_R_READ_5_R_ID_3_R_AUTH_2) {
  const soap::CodedValue sm26{"SM26", "1.2.250.1.71.4.2.5", ""};
  const soap::CodedValue sm25{"SM25", "1.2.250.1.71.4.2.5", ""};
  const auto genre = [](const char* code) {
    return soap::CodedValue{code, "1.2.250.1.213.1.6.1.19", ""};
  };
  const auto r85 = [](const char* code) {
    return soap::CodedValue{code, "1.2.250.1.213.1.6.1.107", ""};
  };
  struct Row {
    const char* what;
    soap::AccessContext context;
    std::string group;
  };
  const std::vector<Row> rows{
      {"general practitioner", caller("10", kG15, std::nullopt, sm26), "medecin"},
      {"doctor without speciality", caller("10", kG15), "medecin"},
      {"interne (TRE_G16)", caller("10", "1.2.250.1.71.1.2.8"), "medecin"},
      {"occupational physician: no column", caller("10", kG15, std::nullopt, sm25), "(unknown)"},
      {"code 10 of another system", caller("10", "1.2.3.4"), "(unknown)"},
      {"pharmacist", caller("21", kG15), "pharmacien_biologiste"},
      {"pharmacy preparer (99 + role 317)", caller("99", "1.2.250.1.213.1.6.1.140", r85("317")),
       "pharmacien_officine_pui_preparateur"},
      {"psychiatric nurse", caller("69", kG15), "infirmier"},
      {"orthoptist", caller("92", kG15), "ergo_psychomot_orthoptiste_dieteticien"},
      {"social worker (TRE_R94 41)", caller("41", "1.2.250.1.213.1.6.1.4"),
       "assistant_service_social"},
      {"social, GENR08", caller("99", "1.2.250.1.213.1.6.1.140", genre("GENR08")),
       "coordination_orientation"},
      {"social, GENR12", caller("99", "1.2.250.1.213.1.6.1.140", genre("GENR12")),
       "sms_encadrement_organisation"},
      {"99 without role", caller("99", "1.2.250.1.213.1.6.1.140"), "(unknown)"},
      {"secretary (TRE_A00)", caller("SECRETARIAT_MEDICAL", "1.2.250.1.213.1.1.4.6"),
       "secretariat_medical"},
      {"secretary (99 + role 331)", caller("99", "1.2.250.1.213.1.6.1.140", r85("331")),
       "secretariat_medical"},
      {"physicien médical: no column", caller("32", kG15), "(unknown)"},
      {"psychologist: no column", caller("93", "1.2.250.1.213.1.6.1.109"), "(unknown)"},
  };
  for (const Row& row : rows) {
    BOOST_TEST_CONTEXT(row.what) { BOOST_TEST(group_of(row.context) == row.group); }
  }
  // An empty matrix denies everyone.
  BOOST_TEST(group_of(caller("10", kG15), policy::HabilitationMatrix{}) == "(unknown)");
}

BOOST_AUTO_TEST_CASE(a_replacement_file_changes_who_reads_what_R_READ_5) {
  TempDir dir;
  const fs::path file = dir.path() / "habilitation.json";
  write(file, file_with(kGroup + R"(, {"id": "sec", "kind": "non_professional", "source": "local",
      "match": [{"profession": {"system": "1.2.250.1.213.1.1.4.6", "code": "SECRETARIAT_MEDICAL"}}]})",
                        kType + R"(, {"typeCode": "X1", "scheme": "1.2", "readers": ["sec", "doc"],
                        "source": "local"})",
                        R"("notes": ["local rule"], "description": "d", "source": "s", )"));
  const policy::HabilitationMatrix matrix = policy::load_habilitation_matrix(file);
  BOOST_TEST(group_of(caller("SECRETARIAT_MEDICAL", "1.2.250.1.213.1.1.4.6"), matrix) == "sec");
  BOOST_TEST(matrix.group("sec")->readable->contains("X1", "1.2"));
  BOOST_TEST(!matrix.group("sec")->readable->contains("11488-4", kLoinc));
  BOOST_TEST(matrix.group("doc")->readable->codes().size() == 2u);
  BOOST_TEST(group_of(caller("60", kG15), matrix) == "(unknown)");  // deny by default
}

BOOST_AUTO_TEST_CASE(bad_files_are_refused_precisely_R_READ_5) {
  TempDir dir;
  struct Row {
    const char* what;
    std::string content;
    std::string message;
  };
  const std::string g = kGroup;
  const std::vector<Row> rows{
      {"not JSON", "{", ""},  // message starts with "not valid JSON: "
      {"wrong format", R"({"format": "v2", "groups": [], "document_types": []})",
       "'format' must be 'passerelle-habilitation-1'"},
      {"no format", R"({"groups": [], "document_types": []})", "the file has no format"},
      {"unknown top key", file_with(g, kType, R"("grups": [], )"), "the file: unknown key 'grups'"},
      {"no groups", R"({"format": "passerelle-habilitation-1", "document_types": []})",
       "the file has no groups"},
      {"group without id",
       file_with(
           R"({"kind": "health", "source": "s", "match": [{"profession": {"system": "1", "code": "1"}}]})",
           ""),
       "groups entry 0 has no id"},
      {"repeated group id", file_with(g + "," + g, ""), "groups entry 1 repeats group id 'doc'"},
      {"unknown kind",
       file_with(
           R"({"id": "x", "kind": "admin", "source": "s", "match": [{"profession": {"system": "1", "code": "1"}}]})",
           ""),
       "groups entry 0: kind 'admin' is not one of health, social_medico_social, "
       "non_professional"},
      {"group without source",
       file_with(
           R"({"id": "x", "kind": "health", "match": [{"profession": {"system": "1", "code": "1"}}]})",
           ""),
       "groups entry 0 has no source"},
      {"empty match", file_with(R"({"id": "x", "kind": "health", "source": "s", "match": []})", ""),
       "groups entry 0: 'match' is empty"},
      {"match without profession",
       file_with(
           R"({"id": "x", "kind": "health", "source": "s", "match": [{"role": {"system": "1", "code": "1"}}]})",
           ""),
       "groups entry 0 match entry 0 has no profession"},
      {"criterion with an unknown key",
       file_with(
           R"({"id": "x", "kind": "health", "source": "s", "match": [{"profesion": {"system": "1", "code": "1"}}]})",
           ""),
       "groups entry 0 match entry 0: unknown key 'profesion'"},
      {"coded value without code",
       file_with(
           R"({"id": "x", "kind": "health", "source": "s", "match": [{"profession": {"system": "1"}}]})",
           ""),
       "groups entry 0 match entry 0 profession has no code"},
      {"reader is not a group",
       file_with(g, R"({"typeCode": "A", "scheme": "1", "readers": ["nurse"], "source": "s"})"),
       "document_types entry 0: reader 'nurse' is not a group"},
      {"reader listed twice",
       file_with(g,
                 R"({"typeCode": "A", "scheme": "1", "readers": ["doc", "doc"], "source": "s"})"),
       "document_types entry 0: reader 'doc' is listed twice"},
      {"repeated typeCode", file_with(g, kType + "," + kType),
       "document_types entry 1 repeats typeCode '11488-4' of scheme '2.16.840.1.113883.6.1'"},
      {"typeCode without scheme",
       file_with(g, R"({"typeCode": "A", "readers": [], "source": "s"})"),
       "document_types entry 0 has no scheme"},
      {"typeCode without source",
       file_with(g, R"({"typeCode": "A", "scheme": "1", "readers": []})"),
       "document_types entry 0 has no source"},
      {"readers not an array",
       file_with(g, R"({"typeCode": "A", "scheme": "1", "readers": "doc", "source": "s"})"),
       "document_types entry 0: 'readers' must be an array"},
      {"notes hold a number", file_with(g, kType, R"("notes": [1], )"),
       "'notes' must hold strings"},
  };
  for (const Row& row : rows) {
    BOOST_TEST_CONTEXT(row.what) {
      const fs::path file = dir.path() / "bad.json";
      write(file, row.content);
      const passerelle::Error error = load_error(file);
      BOOST_TEST(error.code == passerelle::codes::kInternalError);
      BOOST_TEST(error.location == file.string());
      if (row.message.empty()) {
        BOOST_TEST(error.message.rfind("not valid JSON: ", 0) == 0u);
      } else {
        BOOST_TEST(error.message == row.message);
      }
    }
  }
  BOOST_TEST(load_error(dir.path() / "absent.json").message == "file does not exist");
  BOOST_TEST(load_error(dir.path()).message == "not a regular file");
}

namespace {

// RFC 4180 rows (the corpus files quote fields holding commas; no field
// holds a line break).
std::vector<std::vector<std::string>> read_csv(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  BOOST_TEST_REQUIRE(in.good(), "cannot open " << file);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.emplace_back();
      } else {
        fields.back() += c;
      }
    }
    rows.push_back(std::move(fields));
  }
  return rows;
}

}  // namespace

// Every cell of the corpus transcription (shared/corpus/dmp-habilitation/matrix.csv)
// equals the shipped file: an X is a readable type, an empty cell is not.
BOOST_AUTO_TEST_CASE(shipped_matrix_equals_the_corpus_cell_by_cell_R_READ_5) {
  const auto csv = fs::path(PASSERELLE_SHARED_DIR) / "corpus" / "dmp-habilitation" / "matrix.csv";
  if (!fs::exists(csv)) {
    BOOST_TEST_MESSAGE("skipped: ../shared/corpus not present");
    return;
  }
  const auto rows = read_csv(csv);
  BOOST_TEST_REQUIRE(rows.size() == 109u);  // header + 108 rows
  const std::vector<std::string>& header = rows.front();
  const auto column = [&header](const std::string& name) {
    const auto found = std::find(header.begin(), header.end(), name);
    BOOST_TEST_REQUIRE((found != header.end()), "no column " << name);
    return static_cast<std::size_t>(found - header.begin());
  };
  const std::size_t type_column = column("typeCodes");
  const std::size_t system_column = column("typecode_system");
  std::size_t cells = 0;
  std::size_t rows_checked = 0;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const std::vector<std::string>& row = rows[r];
    BOOST_TEST_REQUIRE(row.size() == header.size());
    if (row[type_column].empty()) continue;  // the imaging-procedure row, left out
    ++rows_checked;
    for (const policy::ProfessionGroup& group : shipped().groups()) {
      if (group.id == "secretariat_medical") continue;  // not a matrix column
      const bool readable = row[column(group.id)] == "X";
      BOOST_TEST_CONTEXT(row[type_column] << " / " << group.id) {
        BOOST_TEST(group.readable->contains(row[type_column], row[system_column]) == readable);
      }
      ++cells;
    }
  }
  BOOST_TEST(rows_checked == 107u);
  BOOST_TEST(cells == 107u * 19u);
}
