#include <libxml/parser.h>
#include <xmlsec/crypto.h>
#include <xmlsec/xmlsec.h>

#include <atomic>
#include <string>
#include <string_view>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "xmlsec_errors.hpp"

namespace passerelle::signature {
namespace {

// How many Runtimes are alive: verifying or signing without one throws
// instead of crashing inside an uninitialised xmlsec.
std::atomic<int> live_runtimes{0};

}  // namespace

namespace detail {
void require_runtime(std::string_view location) {
  if (live_runtimes.load() <= 0) {
    throw Failure(codes::kInternalError, std::string(location),
                  "signature::Runtime is not initialised");
  }
}
}  // namespace detail

// xmlsec's documented start-up order: libxml2, xmlsec core, then the crypto
// backend (OpenSSL, linked statically to xmlsec1-openssl: no dynamic
// loading). Shut down in reverse.
Runtime::Runtime() {
  xmlInitParser();
  if (xmlSecInit() < 0) {
    throw Failure(codes::kInternalError, "xmlsec", "xmlsec initialisation failed");
  }
  if (xmlSecCheckVersion() != 1) {
    xmlSecShutdown();
    throw Failure(codes::kInternalError, "xmlsec",
                  "the loaded xmlsec library is not the one Passerelle was built with");
  }
  if (xmlSecCryptoAppInit(nullptr) < 0 || xmlSecCryptoInit() < 0) {
    xmlSecShutdown();
    throw Failure(codes::kInternalError, "xmlsec", "xmlsec OpenSSL backend initialisation failed");
  }
  // Errors become the precise reason of a Failure instead of stderr noise.
  detail::install_xmlsec_error_capture();
  ++live_runtimes;
}

Runtime::~Runtime() {
  --live_runtimes;
  xmlSecCryptoShutdown();
  xmlSecCryptoAppShutdown();
  xmlSecShutdown();
}

}  // namespace passerelle::signature
