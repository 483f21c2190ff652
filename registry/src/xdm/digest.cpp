#include "xdm/digest.hpp"

#include <openssl/evp.h>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"

namespace passerelle::registry::xdm::detail {

std::string sha1_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha1(), nullptr) != 1) {
    throw Failure(passerelle::codes::kInternalError, "SHA-1", "OpenSSL could not compute a SHA-1");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

}  // namespace passerelle::registry::xdm::detail
