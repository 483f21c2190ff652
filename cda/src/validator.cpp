#include "passerelle/cda/validator.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "passerelle/cda/clinical_document.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "rules.hpp"
#include "schema.hpp"
#include "value_sets.hpp"

namespace passerelle::cda {
namespace {

std::filesystem::path choose(const std::filesystem::path& given, const char* env,
                             const char* fallback) {
  if (!given.empty()) return given;
  if (const char* value = std::getenv(env); value != nullptr && *value != '\0') return value;
  return fallback;
}

std::string today_yyyymmdd() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y%m%d", &tm);
  return buffer;
}

}  // namespace

struct Validator::Impl {
  detail::ValueSets value_sets;
  std::unique_ptr<detail::SchemaValidator> schema;
};

Validator::Validator(const ValidatorOptions& options) : impl_(std::make_unique<Impl>()) {
  const auto value_set_dir = choose(options.value_set_dir, "PASSERELLE_CDA_VALUE_SET_DIR",
                                    PASSERELLE_DEFAULT_CDA_VALUE_SET_DIR);
  impl_->value_sets = detail::ValueSets::load(value_set_dir, today_yyyymmdd());
  for (std::string_view oid :
       {detail::vs::kJ07, detail::vs::kConfidentiality, detail::vs::kJ143, detail::vs::kJ01,
        detail::vs::kJ04, detail::vs::kJ02, detail::vs::kJ47, detail::vs::kJ144, detail::vs::kJ141,
        detail::vs::kJ142, detail::vs::kJ140, detail::vs::kJ11, detail::vs::kJ245,
        detail::vs::kJ246}) {
    if (!impl_->value_sets.has_value_set(oid)) {
      throw Failure("CdaValueSetError", value_set_dir.string(),
                    "value set " + std::string(oid) + " not found");
    }
  }
  if (options.check_schema) {
    const auto schema_dir =
        choose(options.schema_dir, "PASSERELLE_CDA_SCHEMA_DIR", PASSERELLE_DEFAULT_CDA_SCHEMA_DIR);
    impl_->schema = std::make_unique<detail::SchemaValidator>(schema_dir);
  }
}

Validator::~Validator() = default;

std::vector<Finding> Validator::validate(std::string_view cda_bytes) const {
  return run(cda_bytes, nullptr, nullptr);
}

std::vector<Finding> Validator::validate(std::string_view cda_bytes,
                                         const DocumentVisitor& with_document) const {
  return run(cda_bytes, with_document ? &with_document : nullptr, nullptr);
}

std::vector<Finding> Validator::validate_header(std::string_view cda_bytes,
                                                const HeaderVisitor& with_header) const {
  return run(cda_bytes, nullptr, with_header ? &with_header : nullptr);
}

std::vector<Finding> Validator::run(std::string_view cda_bytes,
                                    const DocumentVisitor* with_document,
                                    const HeaderVisitor* with_header) const {
  std::vector<Finding> findings;
  std::optional<xml::Document> doc;
  std::optional<detail::Tree> tree;
  // One parse: with the schema on, the validating parse itself builds the
  // header tree the rules read, and the DOM only when the caller wants it.
  try {
    if (impl_->schema) {
      auto validated = impl_->schema->parse(cda_bytes, "", with_document != nullptr);
      doc = std::move(validated.document);
      tree = std::move(validated.tree);
      findings = std::move(validated.findings);
    } else {
      doc.emplace(xml::parse(cda_bytes, {}, ""));
    }
  } catch (const Failure& failure) {
    const auto& error = failure.error();
    findings.push_back({"XML", Severity::Error, error.location, error.code + ": " + error.message});
    return findings;
  }
  const xercesc::DOMElement* clinical_document = nullptr;
  if (doc) {
    auto located = locate_clinical_document(doc->root());
    if (auto* finding = std::get_if<Finding>(&located)) {
      findings.clear();  // the envelope itself has no grammar: only the location matters
      findings.push_back(std::move(*finding));
      return findings;
    }
    const auto& cda = std::get<LocatedDocument>(located);
    clinical_document = cda.element;
    if (impl_->schema && cda.envelope != Envelope::Plain) {
      // Signed or self-presenting: the grammar knows no envelope, so validate
      // the ClinicalDocument on its own (a second pass, for these rare shapes).
      findings =
          impl_->schema->validate(xml::serialize(*cda.element), "extracted ClinicalDocument");
    }
    if (!tree) tree = detail::tree_from_dom(*cda.element);
  }

  const detail::El& root = *tree->root();
  bool n1 = false;
  if (auto* component = detail::kid(root, "component")) {
    n1 = detail::kid(*component, "nonXMLBody") != nullptr &&
         detail::kid(*component, "structuredBody") == nullptr;
  }
  const detail::Context ctx{impl_->value_sets, findings, n1};
  detail::check_document(ctx, root);
  detail::check_record_target(ctx, root);
  detail::check_authors(ctx, root);
  detail::check_custodian(ctx, root);
  detail::check_authenticators(ctx, root);
  detail::check_participants(ctx, root);
  detail::check_documentation(ctx, root);
  detail::check_encounter(ctx, root);
  detail::check_body(ctx, root);
  detail::check_datatypes(ctx, root);
  detail::check_closed_template(ctx, root);
  if (with_document != nullptr && clinical_document != nullptr) {
    (*with_document)(*clinical_document);
  }
  if (with_header != nullptr) (*with_header)(root);
  return findings;
}

}  // namespace passerelle::cda
