#pragma once

// XSD validation against the shipped CI-SIS extended CDA schema. The grammar
// is compiled once into a locked Xerces grammar pool; each validate() call
// takes a SAX2 reader on that pool from a small free list (one per concurrent
// call), each parse() makes its own validating parser (schema_dom.cpp), so
// calls may run concurrently.
// Hardening as core/src/xml.cpp: no DTD (a DOCTYPE is refused), no default
// entity resolution, no external DTD, an entity-expansion limit, no schema
// loaded from document hints; while the grammar is compiled, schema locations
// resolve only to files below the schema directory.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <xercesc/framework/XMLGrammarPool.hpp>

#include "native_datatypes.hpp"
#include "passerelle/cda/finding.hpp"
#include "passerelle/core/xml.hpp"
#include "tree.hpp"

namespace passerelle::cda::detail {

inline constexpr const char* kEntrySchema = "CDA_passerelle.xsd";

struct ValidatedDocument {
  // The DOM: built whole when the root is not hl7:ClinicalDocument (an
  // envelope); for a plain ClinicalDocument only when asked for, and then
  // without what lies inside its sections.
  std::optional<xml::Document> document;
  // The header tree (tree.hpp), when the root is hl7:ClinicalDocument: what
  // the rules read, section content left out.
  std::optional<Tree> tree;
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

  // The header tree (or the DOM of an envelope) and the XSD findings from one
  // validating parse; `with_dom` adds the DOM of a plain ClinicalDocument.
  // Throws Failure, with xml::parse's codes, when the bytes are not
  // well-formed XML or break its hardening (size, DOCTYPE, entities, depth,
  // attribute count).
  ValidatedDocument parse(std::string_view bytes, std::string_view where, bool with_dom = false,
                          const xml::Limits& limits = {}) const;

  static constexpr std::size_t kMaxFindings = 50;

  // Per entry of kNativeDatatypes, the attribute declarations whose pattern
  // is checked natively (native_datatypes.hpp); 0 when the schema's type is
  // not the expected one.
  const auto& native_declarations() const { return native_.declarations; }

 private:
  struct Reader;
  std::unique_ptr<Reader> take_reader() const;
  void give_back(std::unique_ptr<Reader> reader) const;

  static constexpr std::size_t kMaxIdleReaders = 16;
  static constexpr std::size_t kKeptInputCharacters = std::size_t{1} << 20;  // 2 MiB a reader

  std::filesystem::path dir_;
  // Validators the grammar points to; declared before pool_ so they go after it.
  InstalledDatatypes native_;
  std::unique_ptr<xercesc::XMLGrammarPool> pool_;
  // Readers between validate() calls, declared after pool_ so they go first.
  mutable std::mutex readers_mutex_;
  mutable std::vector<std::unique_ptr<Reader>> readers_;
};

}  // namespace passerelle::cda::detail
