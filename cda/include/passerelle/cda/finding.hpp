#pragma once

// One result of CDA validation: which rule, how bad, where, and why.

#include <string>
#include <vector>

#include "passerelle/core/error.hpp"

namespace passerelle::cda {

struct Finding {
  std::string rule_id;  // e.g. "R-CDA-12", "R-DOC-1", "XSD"
  Severity severity = Severity::Error;
  std::string location;  // XPath-like, e.g. /ClinicalDocument/recordTarget/patientRole/id[1]
  std::string message;   // English, never contains document content beyond codes/ids

  bool operator==(const Finding&) const = default;
};

// True when at least one finding has Severity::Error.
bool has_error(const std::vector<Finding>& findings) noexcept;

}  // namespace passerelle::cda
