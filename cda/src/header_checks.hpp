#pragma once

// The metadata agreement (X-1…X-15) and replacement (R-CDA-37) checks on the
// header tree the validating parse builds (tree.hpp), so that checking an
// ITI-41 document builds no DOM. The public DOM entry points of agreement.hpp
// convert to this tree and call these.

#include <string_view>
#include <vector>

#include "passerelle/cda/finding.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/profile.hpp"
#include "tree.hpp"

namespace passerelle::cda::detail {

std::vector<Finding> check_agreement(const El& clinical_document,
                                     const registry::DocumentEntry& entry,
                                     const registry::SubmissionSet* set,
                                     const registry::Profile* profile);

std::vector<Finding> check_replacement(const El& clinical_document, std::string_view predecessor);

}  // namespace passerelle::cda::detail
