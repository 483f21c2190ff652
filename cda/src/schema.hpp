#pragma once

// XSD validation against the shipped CI-SIS extended CDA schema. The grammar
// is compiled once into a locked Xerces grammar pool; each validate() call
// uses its own SAX2 reader on that pool, each parse() its own validating DOM
// parser (schema_dom.cpp), so calls may run concurrently.
// Hardening as core/src/xml.cpp: no DTD (a DOCTYPE is refused), no default
// entity resolution, no external DTD, an entity-expansion limit, no schema
// loaded from document hints; while the grammar is compiled, schema locations
// resolve only to files below the schema directory.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>
#include <xercesc/framework/XMLGrammarPool.hpp>

#include "passerelle/cda/finding.hpp"
#include "passerelle/core/xml.hpp"

namespace passerelle::cda::detail {

inline constexpr const char* kEntrySchema = "CDA_passerelle.xsd";

struct ValidatedDocument {
  xml::Document document;
  std::vector<Finding> findings;  // rule "XSD", at most SchemaValidator::kMaxFindings
};

class SchemaValidator {
 public:
  // Compiles `dir`/CDA_passerelle.xsd; throws Failure when it cannot.
  explicit SchemaValidator(const std::filesystem::path& dir);
  ~SchemaValidator();
  SchemaValidator(const SchemaValidator&) = delete;
  SchemaValidator& operator=(const SchemaValidator&) = delete;

  // Findings with rule "XSD" (at most kMaxFindings); `where` prefixes locations.
  std::vector<Finding> validate(std::string_view bytes, std::string_view where) const;

  // The DOM and its XSD findings from one validating parse. Throws Failure,
  // with xml::parse's codes, when the bytes are not well-formed XML or break
  // its hardening (size, DOCTYPE, entities, depth, attribute count).
  ValidatedDocument parse(std::string_view bytes, std::string_view where,
                          const xml::Limits& limits = {}) const;

  static constexpr std::size_t kMaxFindings = 50;

 private:
  std::filesystem::path dir_;
  std::unique_ptr<xercesc::XMLGrammarPool> pool_;
};

}  // namespace passerelle::cda::detail
