// The digest a manifest reference gives a document of the lot: over its
// bytes as stored or, under a canonicalization transform (what the DMP's C#
// integration kit and DRIMbox put on references to CDA documents), over the
// canonical form of those bytes parsed as XML.

#include <libxml/c14n.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "algorithms.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
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
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

struct C14nMode {
  int mode = XML_C14N_1_0;
  bool with_comments = false;
};

// The libxml2 mode of an accepted canonicalization URI (algorithms.hpp).
std::optional<C14nMode> c14n_mode(std::string_view uri) {
  const detail::Algorithm* algorithm = detail::find_algorithm(uri);
  if (algorithm == nullptr || algorithm->role != detail::Role::Canonicalization) {
    return std::nullopt;
  }
  const xmlSecTransformId id = algorithm->id;
  if (id == xmlSecTransformInclC14NId) return C14nMode{XML_C14N_1_0, false};
  if (id == xmlSecTransformInclC14NWithCommentsId) return C14nMode{XML_C14N_1_0, true};
  if (id == xmlSecTransformInclC14N11Id) return C14nMode{XML_C14N_1_1, false};
  if (id == xmlSecTransformInclC14N11WithCommentsId) return C14nMode{XML_C14N_1_1, true};
  if (id == xmlSecTransformExclC14NId) return C14nMode{XML_C14N_EXCLUSIVE_1_0, false};
  if (id == xmlSecTransformExclC14NWithCommentsId) return C14nMode{XML_C14N_EXCLUSIVE_1_0, true};
  return std::nullopt;
}

int hash_output(void* context, const char* buffer, int length) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context), buffer, static_cast<std::size_t>(length));
  return length;
}

int close_output(void*) { return 0; }

// libxml2's first error while canonicalizing, instead of its stderr output
// (and of the last error, which is a generic "processing … list").
class FirstLibxml2Error {
 public:
  FirstLibxml2Error() : saved_(xmlStructuredError), saved_context_(xmlStructuredErrorContext) {
    xmlSetStructuredErrorFunc(this, capture);
  }
  ~FirstLibxml2Error() { xmlSetStructuredErrorFunc(saved_context_, saved_); }
  FirstLibxml2Error(const FirstLibxml2Error&) = delete;
  FirstLibxml2Error& operator=(const FirstLibxml2Error&) = delete;
  std::string message() const { return message_.empty() ? "canonicalization failed" : message_; }

 private:
  static void capture(void* self, xmlErrorPtr error) {
    auto& first = static_cast<FirstLibxml2Error*>(self)->message_;
    if (!first.empty() || error == nullptr || error->message == nullptr) return;
    first = error->message;
    while (!first.empty() && (first.back() == '\n' || first.back() == ' ')) first.pop_back();
    // libxml2's C14N messages end with the node's name, or "(null)" for none.
    const std::string_view none = " : (null)";
    if (first.size() > none.size() &&
        first.compare(first.size() - none.size(), none.size(), none) == 0) {
      first.erase(first.size() - none.size());
    }
  }
  xmlStructuredErrorFunc saved_;
  void* saved_context_;
  std::string message_;
};

// The document is read whole to be parsed; its canonical form is hashed as
// libxml2 writes it, never held whole.
void hash_canonical_form(const LotDocument& document, const C14nMode& mode, std::string_view c14n,
                         EVP_MD_CTX* ctx) {
  const std::string location = "urn:oid:" + document.unique_id;
  const auto not_xml = [&](const std::string& why) {
    throw Failure(lot_codes::kDocumentNotXml, location,
                  "document " + location + " is not XML that can be canonicalized (manifest " +
                      "transform \"" + std::string(c14n) + "\"): " + why);
  };
  std::optional<SignedXml> parsed;
  try {
    std::string bytes;  // freed once parsed: only the tree is canonicalized
    if (document.read) document.read([&bytes](std::string_view chunk) { bytes.append(chunk); });
    parsed.emplace(SignedXml::parse(bytes, {}, location));
  } catch (const Failure& failure) {
    // SignedXml::parse names the place "<location>, line N".
    std::string at = failure.error().location;
    if (at.rfind(location, 0) == 0) at.erase(0, std::min(at.size(), location.size() + 2));
    not_xml(failure.error().message + (at.empty() ? std::string() : " (" + at + ")"));
  }
  const FirstLibxml2Error errors;
  xmlOutputBufferPtr output = xmlOutputBufferCreateIO(hash_output, close_output, ctx, nullptr);
  if (output == nullptr) {
    throw Failure(codes::kInternalError, location, "cannot create a libxml2 output buffer");
  }
  const int written = xmlC14NDocSaveTo(parsed->doc(), nullptr, mode.mode, nullptr,
                                       mode.with_comments ? 1 : 0, output);
  const int closed = xmlOutputBufferClose(output);
  if (written < 0 || closed < 0) not_xml(errors.message());
}

}  // namespace

LotDocument LotDocument::from_bytes(std::string unique_id, std::string bytes) {
  auto shared = std::make_shared<const std::string>(std::move(bytes));
  return LotDocument{
      std::move(unique_id),
      [shared](const std::function<void(std::string_view)>& sink) { sink(*shared); }};
}

std::string document_digest(const LotDocument& document, std::string_view digest_method,
                            std::string_view canonicalization) {
  const std::string location = "urn:oid:" + document.unique_id;
  const EVP_MD* md = digest_of(digest_method);
  if (md == nullptr) {
    throw Failure(
        lot_codes::kMalformed, location,
        "digest algorithm not accepted in the manifest: \"" + std::string(digest_method) + "\"");
  }
  std::optional<C14nMode> mode;
  if (!canonicalization.empty()) {
    mode = c14n_mode(canonicalization);
    if (!mode) {
      throw Failure(lot_codes::kMalformed, location,
                    "manifest transform not accepted: \"" + std::string(canonicalization) + "\"");
    }
  }
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), md, nullptr);
  if (mode) {
    hash_canonical_form(document, *mode, canonicalization, ctx.get());
  } else if (document.read) {
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
