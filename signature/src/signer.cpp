#include "passerelle/signature/signer.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <xmlsec/crypto.h>
#include <xmlsec/keys.h>
#include <xmlsec/xmldsig.h>

#include <fstream>
#include <sstream>

#include "openssl_util.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "xmlsec_errors.hpp"

namespace passerelle::signature {
namespace {

std::string read_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Failure(codes::kInternalError, path, "cannot read the " + std::string(what));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// xmlsec loads a key and a certificate side by side without comparing them;
// a mismatched pair would sign documents no one can verify.
bool key_matches_certificate(std::string_view key_pem, const Certificate& certificate) {
  const detail::BioPtr bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  const detail::EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                                   : nullptr);
  const detail::X509Ptr x509 = detail::x509_from_der(certificate.der);
  const bool matches = key && x509 && X509_check_private_key(x509.get(), key.get()) == 1;
  ERR_clear_error();
  return matches;
}

struct DSigCtxFree {
  void operator()(xmlSecDSigCtxPtr ctx) const noexcept { xmlSecDSigCtxDestroy(ctx); }
};

}  // namespace

SigningKey SigningKey::from_pem(std::string_view key_pem, std::string_view certificate_pem,
                                std::string_view location) {
  detail::require_runtime(location);
  const auto fail = [&](std::string_view what) {
    const std::string why = detail::xmlsec_error();
    ERR_clear_error();
    throw Failure(codes::kInternalError, std::string(location),
                  std::string(what) + (why.empty() ? "" : ": " + why));
  };
  SigningKey out;
  out.certificate_ = certificates_from_pem(certificate_pem, location).front();
  detail::reset_xmlsec_error();
  std::shared_ptr<xmlSecKey> key(
      xmlSecCryptoAppKeyLoadMemory(reinterpret_cast<const xmlSecByte*>(key_pem.data()),
                                   static_cast<xmlSecSize>(key_pem.size()), xmlSecKeyDataFormatPem,
                                   nullptr, nullptr, nullptr),
      xmlSecKeyDestroy);
  if (!key) fail("unreadable PEM private key");
  // The signer certificate only: it goes into KeyInfo when signing.
  std::string first_pem;
  {
    const std::string end = "-----END CERTIFICATE-----";
    const std::size_t at = certificate_pem.find(end);
    first_pem = std::string(certificate_pem.substr(
        0, at == std::string_view::npos ? certificate_pem.size() : at + end.size()));
  }
  if (xmlSecCryptoAppKeyCertLoadMemory(
          key.get(), reinterpret_cast<const xmlSecByte*>(first_pem.data()),
          static_cast<xmlSecSize>(first_pem.size()), xmlSecKeyDataFormatPem) < 0) {
    fail("the certificate does not load with the key");
  }
  if (!key_matches_certificate(key_pem, out.certificate_)) {
    fail("the private key is not the key of certificate \"" + out.certificate_.subject + "\"");
  }
  out.key_ = std::move(key);
  return out;
}

SigningKey SigningKey::from_pem_files(const std::string& key_path,
                                      const std::string& certificate_path) {
  return from_pem(read_file(key_path, "private key"), read_file(certificate_path, "certificate"),
                  certificate_path);
}

void sign(SignedXml& document, _xmlNode* signature, const SigningKey& key) {
  detail::require_runtime("sign");
  if (signature == nullptr || signature->doc != document.doc() || key.key() == nullptr) {
    throw Failure(codes::kInternalError, "sign", "no signature template in this document");
  }
  std::unique_ptr<xmlSecDSigCtx, DSigCtxFree> ctx(xmlSecDSigCtxCreate(nullptr));
  if (!ctx) throw Failure(codes::kInternalError, "sign", "cannot create the xmlsec context");
  // Manifest digests are the caller's (xmlsec cannot fetch what they
  // reference); only same-document references are dereferenced.
  ctx->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
  ctx->enabledReferenceUris = static_cast<xmlSecTransformUriType>(
      xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument);
  ctx->signKey = xmlSecKeyDuplicate(key.key());
  detail::reset_xmlsec_error();
  const int result = ctx->signKey == nullptr ? -1 : xmlSecDSigCtxSign(ctx.get(), signature);
  ERR_clear_error();
  if (result < 0) {
    throw Failure(codes::kInternalError, "sign", "signing failed: " + detail::xmlsec_error());
  }
}

}  // namespace passerelle::signature
