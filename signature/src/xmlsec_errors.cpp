#include "xmlsec_errors.hpp"

#include <xmlsec/xmlsec.h>
// after xmlsec.h, which defines the types it uses
#include <xmlsec/errors.h>

namespace passerelle::signature::detail {
namespace {

// Per-thread by design: each verification reads only its own errors.
thread_local std::string first_error;

void capture(const char*, int, const char* func, const char* object, const char* subject,
             int reason, const char* message) {
  if (!first_error.empty()) return;
  std::string text;
  if (func != nullptr) text += func;
  if (object != nullptr) text += std::string(text.empty() ? "" : ": ") + object;
  if (subject != nullptr) text += std::string(" ") + subject;
  text += ": reason " + std::to_string(reason);
  if (message != nullptr && *message != '\0') text += std::string(" (") + message + ")";
  first_error = text;
}

}  // namespace

void install_xmlsec_error_capture() { xmlSecErrorsSetCallback(capture); }
void reset_xmlsec_error() { first_error.clear(); }
std::string xmlsec_error() { return first_error; }

}  // namespace passerelle::signature::detail
