#include <openssl/evp.h>

#include <memory>
#include <string>

#include "passerelle/core/error.hpp"
#include "passerelle/signature/lot_signature.hpp"

namespace passerelle::signature {
namespace {

const EVP_MD* digest_of(std::string_view uri) {
  if (uri == "http://www.w3.org/2000/09/xmldsig#sha1") return EVP_sha1();
  if (uri == "http://www.w3.org/2001/04/xmlenc#sha256") return EVP_sha256();
  if (uri == "http://www.w3.org/2001/04/xmldsig-more#sha384") return EVP_sha384();
  if (uri == "http://www.w3.org/2001/04/xmlenc#sha512") return EVP_sha512();
  return nullptr;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

}  // namespace

LotDocument LotDocument::from_bytes(std::string unique_id, std::string bytes) {
  auto shared = std::make_shared<const std::string>(std::move(bytes));
  return LotDocument{
      std::move(unique_id),
      [shared](const std::function<void(std::string_view)>& sink) { sink(*shared); }};
}

std::string document_digest(const LotDocument& document, std::string_view digest_method) {
  const EVP_MD* md = digest_of(digest_method);
  if (md == nullptr) {
    throw Failure(
        lot_codes::kMalformed, "urn:oid:" + document.unique_id,
        "digest algorithm not accepted in the manifest: \"" + std::string(digest_method) + "\"");
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), md, nullptr);
  if (document.read) {
    document.read([&ctx](std::string_view chunk) {
      EVP_DigestUpdate(ctx.get(), chunk.data(), chunk.size());
    });
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), out, &size);
  return std::string(reinterpret_cast<const char*>(out), size);
}

}  // namespace passerelle::signature
