#pragma once

// OpenSSL ownership and conversions shared by the trust store, verification
// and signing. Private to signature/.

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

#include "passerelle/signature/xmldsig.hpp"

namespace passerelle::signature::detail {

struct X509Free {
  void operator()(X509* x) const noexcept { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct EvpPkeyFree {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

// The text of OpenSSL's most recent error on this thread (and clears the
// queue), or `fallback` when there is none.
std::string openssl_error(std::string_view fallback);

X509Ptr x509_from_der(std::string_view der);
Certificate describe(X509* certificate);

// Base64 as found in XML text (line breaks and spaces allowed). nullopt-like
// empty result with ok=false on bad input.
bool base64_decode(std::string_view text, std::string& out);
std::string base64_encode(std::string_view bytes);

}  // namespace passerelle::signature::detail
