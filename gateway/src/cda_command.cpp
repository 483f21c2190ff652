#include "cda_command.hpp"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "passerelle/cda/agreement.hpp"
#include "passerelle/cda/clinical_document.hpp"
#include "passerelle/cda/validator.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/metadata.hpp"

namespace passerelle::gateway {
namespace {

constexpr std::string_view kLcm = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0";

struct CdaState {
  CLI::App* validate = nullptr;
  std::vector<std::string> files;
  std::string metadata;
  bool json = false;
};

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The lot's DocumentEntries: the root is lcm:SubmitObjectsRequest or holds one
// (xdsb:ProvideAndRegisterDocumentSetRequest).
registry::Submission read_lot(const std::string& bytes, const std::string& path) {
  const xml::Document doc = xml::parse(bytes, {}, path);
  const xercesc::DOMElement* request = &doc.root();
  if (!xml::is_element(*request, kLcm, "SubmitObjectsRequest")) {
    request = xml::first_child_element(doc.root(), kLcm, "SubmitObjectsRequest");
  }
  if (request == nullptr) {
    throw Failure("XDSRegistryMetadataError", path, "no lcm:SubmitObjectsRequest in the lot");
  }
  return registry::read_submission(registry::parse_submit_objects(*request));
}

// uniqueId of a CDA: id/@root, or root^extension.
std::string cda_unique_id(std::string_view bytes) {
  try {
    const xml::Document doc = xml::parse(bytes);
    auto located = cda::locate_clinical_document(doc.root());
    if (auto* found = std::get_if<cda::LocatedDocument>(&located)) {
      if (auto* id = xml::first_child_element(*found->element, cda::kHl7Namespace, "id")) {
        std::string out = xml::attribute(*id, "root").value_or("");
        if (auto ext = xml::attribute(*id, "extension"); ext && !ext->empty()) out += "^" + *ext;
        return out;
      }
    }
  } catch (const Failure&) {
  }
  return "";
}

void print_text(const std::string& file, const std::vector<cda::Finding>& findings) {
  std::size_t errors = 0, warnings = 0;
  for (const auto& f : findings) (f.severity == Severity::Error ? errors : warnings)++;
  std::cout << file << ": " << (errors == 0 ? "valid" : "INVALID") << " (" << errors
            << (errors == 1 ? " error, " : " errors, ") << warnings
            << (warnings == 1 ? " warning)" : " warnings)") << "\n";
  for (const auto& f : findings) {
    std::cout << "  " << to_string(f.severity) << " " << f.rule_id;
    if (!f.location.empty()) std::cout << " at " << f.location;
    std::cout << ": " << f.message << "\n";
  }
}

nlohmann::json to_json(const std::string& file, const std::vector<cda::Finding>& findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : findings) {
    list.push_back({{"rule_id", f.rule_id},
                    {"severity", std::string(to_string(f.severity))},
                    {"location", f.location},
                    {"message", f.message}});
  }
  return {{"file", file}, {"valid", !cda::has_error(findings)}, {"findings", list}};
}

int run_validate(const CdaState& state) {
  try {
    xml::Runtime runtime;
    const cda::Validator validator;
    std::optional<registry::Submission> lot;
    if (!state.metadata.empty()) {
      const auto bytes = read_file(state.metadata);
      if (!bytes) {
        std::cerr << "passerelle cda validate: cannot read " << state.metadata << std::endl;
        return 2;
      }
      lot = read_lot(*bytes, state.metadata);
    }
    bool any_error = false, unreadable = false;
    nlohmann::json report = nlohmann::json::array();
    for (const auto& file : state.files) {
      const auto bytes = read_file(file);
      if (!bytes) {
        std::cerr << "passerelle cda validate: cannot read " << file << std::endl;
        unreadable = true;
        continue;
      }
      std::vector<cda::Finding> findings;
      if (lot) {
        const std::string unique_id = cda_unique_id(*bytes);
        const registry::DocumentEntry* entry = nullptr;
        for (const auto& candidate : lot->documents) {
          if (candidate.unique_id == unique_id) entry = &candidate;
        }
        if (entry == nullptr && lot->documents.size() == 1) entry = &lot->documents.front();
        if (entry == nullptr) {
          findings = validator.validate(*bytes);
          findings.push_back({"X-13", Severity::Error, "/ClinicalDocument/id",
                              "no DocumentEntry of the lot has uniqueId " + unique_id});
        } else {
          const auto* set = lot->submission_sets.empty() ? nullptr : &lot->submission_sets.front();
          findings = cda::check_document(*bytes, *entry, set, nullptr, &validator);
        }
      } else {
        findings = validator.validate(*bytes);
      }
      any_error = any_error || cda::has_error(findings);
      if (state.json) {
        report.push_back(to_json(file, findings));
      } else {
        print_text(file, findings);
      }
    }
    if (state.json) std::cout << nlohmann::json{{"files", report}}.dump(2) << std::endl;
    if (unreadable) return 2;
    return any_error ? 1 : 0;
  } catch (const Failure& failure) {
    const auto& error = failure.error();
    std::cerr << "passerelle cda validate: "
              << (error.location.empty() ? "" : error.location + ": ") << error.message
              << std::endl;
    return 2;
  }
}

}  // namespace

CdaCommand add_cda_command(CLI::App& app) {
  auto state = std::make_shared<CdaState>();
  CLI::App* cda = app.add_subcommand("cda", "CDA R2 documents (CI-SIS)");
  cda->require_subcommand(1);
  state->validate = cda->add_subcommand(
      "validate", "validate CDA documents: XSD, CI-SIS header rules, nonXMLBody");
  state->validate->add_option("files", state->files, "CDA documents")->required();
  state->validate->add_flag("--json", state->json, "print the report as JSON");
  state->validate
      ->add_option("--metadata", state->metadata,
                   "XDS lot (ProvideAndRegister or SubmitObjectsRequest): also check that each "
                   "document agrees with its DocumentEntry")
      ->check(CLI::ExistingFile);
  return CdaCommand{cda, [state] { return run_validate(*state); }};
}

}  // namespace passerelle::gateway
