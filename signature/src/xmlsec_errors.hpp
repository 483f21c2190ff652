#pragma once

// xmlsec reports errors through one process-wide callback. Passerelle's
// callback keeps the first error of the current operation per thread (so
// concurrent verifications do not mix their reasons) instead of printing it.

#include <string>
#include <string_view>

namespace passerelle::signature::detail {

void install_xmlsec_error_capture();
// Forgets what this thread captured so far.
void reset_xmlsec_error();
// The first error captured on this thread since the reset, or "".
std::string xmlsec_error();

// Throws Failure(kInternalError) unless a signature::Runtime is alive.
void require_runtime(std::string_view location);

}  // namespace passerelle::signature::detail
