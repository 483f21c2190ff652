#pragma once

// CDA validation: XSD (CI-SIS extended CDA schema, loaded once) plus the
// header rules R-CDA-1..54 and the nonXMLBody rules. Construct one Validator
// per process (after an xml::Runtime); validate() is const and may be called
// concurrently from several threads.

#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>
#include <xercesc/dom/DOM.hpp>

#include "passerelle/cda/finding.hpp"

namespace passerelle::cda {

namespace detail {
struct El;  // an element of the header tree the rules read (cda/src/tree.hpp)
}

struct ValidatorOptions {
  // Where the shipped XSDs live; empty = $PASSERELLE_CDA_SCHEMA_DIR, else the
  // build-time default (cda/schemas).
  std::filesystem::path schema_dir;
  // Where the shipped SVS value sets live; empty = $PASSERELLE_CDA_VALUE_SET_DIR,
  // else the build-time default (cda/value-sets).
  std::filesystem::path value_set_dir;
  bool check_schema = true;
};

class Validator {
 public:
  // Loads and caches the grammar and the value sets. Throws passerelle::Failure
  // when the schema or value sets cannot be loaded.
  explicit Validator(const ValidatorOptions& options = {});
  ~Validator();
  Validator(const Validator&) = delete;
  Validator& operator=(const Validator&) = delete;

  // All findings for one CDA document (raw bytes as received). Never throws
  // for bad input: malformed XML is reported as a finding (rule "XML").
  std::vector<Finding> validate(std::string_view cda_bytes) const;

  // The same, and `with_document` called on the located ClinicalDocument of
  // that one parse (not called when the bytes are no XML or hold no CDA), so
  // callers that need the tree too do not parse again.
  using DocumentVisitor = std::function<void(const xercesc::DOMElement& clinical_document)>;
  std::vector<Finding> validate(std::string_view cda_bytes,
                                const DocumentVisitor& with_document) const;

  // The same, `with_header` called on the header tree the rules read: no DOM
  // is built. What cda::check_document's agreement checks read.
  using HeaderVisitor = std::function<void(const detail::El& clinical_document)>;
  std::vector<Finding> validate_header(std::string_view cda_bytes,
                                       const HeaderVisitor& with_header) const;

 private:
  std::vector<Finding> run(std::string_view cda_bytes, const DocumentVisitor* with_document,
                           const HeaderVisitor* with_header) const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace passerelle::cda
