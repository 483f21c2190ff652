#pragma once

// XSD validation against the shipped CI-SIS extended CDA schema. The grammar
// is compiled once into a locked Xerces grammar pool; each validate() call
// uses its own SAX2 reader on that pool, so calls may run concurrently.
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

namespace passerelle::cda::detail {

inline constexpr const char* kEntrySchema = "CDA_passerelle.xsd";

class SchemaValidator {
 public:
  // Compiles `dir`/CDA_passerelle.xsd; throws Failure when it cannot.
  explicit SchemaValidator(const std::filesystem::path& dir);
  ~SchemaValidator();
  SchemaValidator(const SchemaValidator&) = delete;
  SchemaValidator& operator=(const SchemaValidator&) = delete;

  // Findings with rule "XSD" (at most kMaxFindings); `where` prefixes locations.
  std::vector<Finding> validate(std::string_view bytes, std::string_view where) const;

  static constexpr std::size_t kMaxFindings = 50;

 private:
  std::filesystem::path dir_;
  std::unique_ptr<xercesc::XMLGrammarPool> pool_;
};

}  // namespace passerelle::cda::detail
