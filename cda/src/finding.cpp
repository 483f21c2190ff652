#include "passerelle/cda/finding.hpp"

#include <algorithm>

namespace passerelle::cda {

bool has_error(const std::vector<Finding>& findings) noexcept {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::Error; });
}

}  // namespace passerelle::cda
