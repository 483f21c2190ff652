// Issue 8: one ITI-41 document checked whole (parse, locate, validate,
// agree), and that check as the registry's DocumentChecker hook.

#include <iterator>
#include <optional>
#include <utility>
#include <variant>

#include "header_checks.hpp"
#include "passerelle/cda/agreement.hpp"
#include "passerelle/cda/clinical_document.hpp"
#include "passerelle/cda/validator.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"

namespace passerelle::cda {

std::vector<Finding> check_document(std::string_view bytes, const registry::DocumentEntry& entry,
                                    const registry::SubmissionSet* set,
                                    const registry::Profile* profile, const Validator* validator,
                                    std::string_view predecessor) {
  std::vector<Finding> header;
  const auto compare = [&](const detail::El& clinical_document) {
    header = detail::check_agreement(clinical_document, entry, set, profile);
    if (!predecessor.empty()) {
      auto replacement = detail::check_replacement(clinical_document, predecessor);
      header.insert(header.end(), std::make_move_iterator(replacement.begin()),
                    std::make_move_iterator(replacement.end()));
    }
  };
  std::vector<Finding> findings;
  if (validator != nullptr) {
    // One parse for the XSD, the header rules and the comparisons, which
    // read the header tree that parse builds: no DOM.
    findings = validator->validate_header(bytes, compare);
  } else {
    std::optional<xml::Document> document;
    try {
      document.emplace(xml::parse(bytes, {}, "CDA"));
    } catch (const Failure& failure) {
      findings.push_back({"XML", Severity::Error, failure.error().location,
                          "not a well-formed, safe XML document: " + failure.error().message});
      return findings;
    }
    auto located = locate_clinical_document(document->root());
    if (auto* finding = std::get_if<Finding>(&located)) {
      findings.push_back(std::move(*finding));
      return findings;
    }
    compare(*detail::tree_from_dom(*std::get<LocatedDocument>(located).element).root());
  }
  findings.insert(findings.end(), std::make_move_iterator(header.begin()),
                  std::make_move_iterator(header.end()));
  return findings;
}

registry::DocumentChecker document_checker(std::shared_ptr<const registry::Profile> profile,
                                           std::shared_ptr<const Validator> validator) {
  return [profile = std::move(profile), validator = std::move(validator)](
             std::string_view bytes, const registry::DocumentEntry& entry,
             const registry::SubmissionSet* set, std::string_view predecessor) {
    std::vector<Error> errors;
    for (auto& finding :
         check_document(bytes, entry, set, profile.get(), validator.get(), predecessor)) {
      errors.push_back(Error{std::move(finding.rule_id), finding.severity,
                             std::move(finding.location), std::move(finding.message)});
    }
    return errors;
  };
}

}  // namespace passerelle::cda
