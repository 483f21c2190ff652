// verify(): the checks xmlsec does not do for us (what may be referenced,
// which algorithms, which certificate, trusted as at which instant), then
// xmlsec for the digests and the signature value with the KeyInfo
// certificate's key set directly on the context: xmlsec's own X509 checks
// (which only know "now") never run.

#include <libxml/tree.h>
#include <libxml/valid.h>
#include <openssl/err.h>
#include <xmlsec/crypto.h>
#include <xmlsec/keys.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "algorithms.hpp"
#include "openssl_util.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "tree.hpp"
#include "xmlsec_errors.hpp"

namespace passerelle::signature {
namespace {

using detail::kDsigNs;

struct DSigCtxFree {
  void operator()(xmlSecDSigCtxPtr ctx) const noexcept { xmlSecDSigCtxDestroy(ctx); }
};
struct KeyFree {
  void operator()(xmlSecKeyPtr key) const noexcept { xmlSecKeyDestroy(key); }
};

class Refusal {
 public:
  explicit Refusal(std::string location) : location_(std::move(location)) {}
  [[noreturn]] void operator()(const std::string& reason) const {
    throw Failure(codes::kSignatureInvalid, location_, reason);
  }

 private:
  std::string location_;
};

xmlNode* required_child(const xmlNode* parent, std::string_view local, const Refusal& refuse) {
  bool many = false;
  xmlNode* child = detail::only_child(parent, kDsigNs, local, many);
  if (many) refuse("more than one ds:" + std::string(local));
  if (child == nullptr) refuse("no ds:" + std::string(local));
  return child;
}

const detail::Algorithm& algorithm_of(const xmlNode* element, detail::Role role,
                                      const Refusal& refuse) {
  const std::string uri = detail::attribute(element, "Algorithm").value_or("");
  const detail::Algorithm* found = detail::find_algorithm(uri);
  const bool transform_ok = role == detail::Role::Transform && found != nullptr &&
                            found->role == detail::Role::Canonicalization;
  if (found == nullptr || (found->role != role && !transform_ok)) {
    refuse("algorithm not accepted in ds:" +
           std::string(reinterpret_cast<const char*>(element->name)) + ": \"" + uri + "\"");
  }
  return *found;
}

// Structure and algorithms of SignedInfo; returns the reference URIs.
std::vector<std::string> check_signed_info(const xmlNode* signed_info, VerifiedSignature& out,
                                           const VerifyOptions& options, const Refusal& refuse) {
  out.canonicalization_method =
      std::string(algorithm_of(required_child(signed_info, "CanonicalizationMethod", refuse),
                               detail::Role::Canonicalization, refuse)
                      .uri);
  out.signature_method =
      std::string(algorithm_of(required_child(signed_info, "SignatureMethod", refuse),
                               detail::Role::Signature, refuse)
                      .uri);
  std::vector<std::string> uris;
  for (const xmlNode* reference : detail::child_elements(signed_info, kDsigNs, "Reference")) {
    const std::optional<std::string> uri = detail::attribute(reference, "URI");
    if (!uri) refuse("a ds:Reference has no URI");
    if (!uri->empty() && uri->front() != '#') {
      refuse("reference URI \"" + *uri + "\" is not a same-document reference");
    }
    // Bare names only: "#xpointer(/)" and friends could select anything.
    if (uri->find('(') != std::string::npos) {
      refuse("reference URI \"" + *uri + "\" is an XPointer expression, not a bare ID");
    }
    if (const xmlNode* transforms = detail::first_child(reference, kDsigNs, "Transforms")) {
      for (const xmlNode* transform : detail::child_elements(transforms)) {
        if (!detail::is_element(transform, kDsigNs, "Transform")) {
          refuse("unexpected element in ds:Transforms of reference \"" + *uri + "\"");
        }
        algorithm_of(transform, detail::Role::Transform, refuse);
      }
    }
    algorithm_of(required_child(reference, "DigestMethod", refuse), detail::Role::Digest, refuse);
    uris.push_back(*uri);
  }
  if (uris.empty()) refuse("ds:SignedInfo has no ds:Reference");
  if (!options.expected_reference_uris.empty()) {
    std::vector<std::string> got = uris;
    std::vector<std::string> want = options.expected_reference_uris;
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    if (got != want) {
      std::string list;
      for (const std::string& uri : uris) list += (list.empty() ? "\"" : ", \"") + uri + "\"";
      refuse("ds:SignedInfo references " + list + " are not the expected ones");
    }
  }
  return uris;
}

std::unique_ptr<xmlSecKey, KeyFree> public_key(const Certificate& certificate,
                                               const TrustStore& trust, const Refusal& refuse) {
  const auto parsed = trust.parse(certificate.der);
  detail::EvpPkeyPtr pkey(parsed ? X509_get_pubkey(parsed->x509.get()) : nullptr);
  if (!pkey) refuse(detail::openssl_error("cannot read the signer certificate's public key"));
  xmlSecKeyDataPtr data = xmlSecOpenSSLEvpKeyAdopt(pkey.get());
  if (data == nullptr) refuse("the signer certificate's key type is not supported");
  pkey.release();  // now owned by `data`
  std::unique_ptr<xmlSecKey, KeyFree> key(xmlSecKeyCreate());
  if (!key || xmlSecKeySetValue(key.get(), data) < 0) {
    xmlSecKeyDataDestroy(data);
    refuse("cannot set up the signer key");
  }
  return key;
}

std::unique_ptr<xmlSecDSigCtx, DSigCtxFree> context(xmlSecKeyPtr key, const Refusal& refuse) {
  std::unique_ptr<xmlSecDSigCtx, DSigCtxFree> ctx(xmlSecDSigCtxCreate(nullptr));
  if (!ctx) refuse("cannot create the xmlsec context");
  // Manifests are the caller's business (their digests are compared against
  // bytes xmlsec cannot see); never let xmlsec try to fetch their URIs.
  ctx->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
  ctx->enabledReferenceUris = static_cast<xmlSecTransformUriType>(
      xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument);
  for (const detail::Algorithm& algorithm : detail::algorithms()) {
    if (algorithm.role != detail::Role::Signature) {
      xmlSecDSigCtxEnableReferenceTransform(ctx.get(), algorithm.id);
    }
    if (algorithm.role == detail::Role::Signature ||
        algorithm.role == detail::Role::Canonicalization) {
      xmlSecDSigCtxEnableSignatureTransform(ctx.get(), algorithm.id);
    }
  }
  ctx->signKey = key;
  return ctx;
}

std::string failed_reference(xmlSecDSigCtxPtr ctx) {
  const xmlSecSize count = xmlSecPtrListGetSize(&ctx->signedInfoReferences);
  for (xmlSecSize i = 0; i < count; ++i) {
    auto* reference =
        static_cast<xmlSecDSigReferenceCtxPtr>(xmlSecPtrListGetItem(&ctx->signedInfoReferences, i));
    if (reference != nullptr && reference->status != xmlSecDSigStatusSucceeded) {
      const char* uri = reinterpret_cast<const char*>(reference->uri);
      return "digest mismatch for reference \"" + std::string(uri != nullptr ? uri : "") + "\"";
    }
  }
  return {};
}

}  // namespace

VerifiedSignature verify(const SignedXml& document, _xmlNode* signature, const TrustStore& trust,
                         const VerifyOptions& options) {
  const Refusal refuse(options.location);
  detail::require_runtime(options.location);
  if (!detail::is_element(signature, kDsigNs, "Signature") || signature->doc != document.doc()) {
    refuse("not a ds:Signature element of this document");
  }
  VerifiedSignature out;
  const xmlNode* signed_info = required_child(signature, "SignedInfo", refuse);
  required_child(signature, "SignatureValue", refuse);
  out.reference_uris = check_signed_info(signed_info, out, options, refuse);
  if (options.key_info != nullptr) {
    out.signer = options.key_info->signer;
    out.chain = options.key_info->chain;
  } else {
    KeyInfoCertificates certificates = read_key_info(signature, options.location, &trust);
    out.signer = std::move(certificates.signer);
    out.chain = std::move(certificates.chain);
  }

  if (options.check_chain) {
    const std::string untrusted = trust.verify_chain(out.signer, out.chain, options.at);
    if (!untrusted.empty()) {
      refuse("signer certificate \"" + out.signer.subject + "\" is not trusted: " + untrusted);
    }
  }

  std::unique_ptr<xmlSecKey, KeyFree> key = public_key(out.signer, trust, refuse);
  std::unique_ptr<xmlSecDSigCtx, DSigCtxFree> ctx = context(key.get(), refuse);
  key.release();  // the context destroys its signKey
  detail::reset_xmlsec_error();
  const int result = xmlSecDSigCtxVerify(ctx.get(), signature);
  ERR_clear_error();
  if (result < 0) {
    const std::string why = detail::xmlsec_error();
    refuse("the signature cannot be processed" + (why.empty() ? "" : ": " + why));
  }
  if (ctx->status != xmlSecDSigStatusSucceeded) {
    const std::string reference = failed_reference(ctx.get());
    refuse(reference.empty() ? "the signature value does not verify with the key of \"" +
                                   out.signer.subject + "\""
                             : reference);
  }
  return out;
}

// The signer is the one certificate no other KeyInfo certificate was issued
// by (the leaf of the chain the signer sent).
KeyInfoCertificates read_key_info(_xmlNode* signature, std::string_view location,
                                  const TrustStore* trust) {
  const Refusal refuse{std::string(location)};
  const xmlNode* key_info = detail::first_child(signature, kDsigNs, "KeyInfo");
  if (key_info == nullptr) refuse("no ds:KeyInfo: the signer certificate is required");
  std::vector<Certificate> certificates;
  for (const xmlNode* data : detail::child_elements(key_info, kDsigNs, "X509Data")) {
    for (const xmlNode* element : detail::child_elements(data, kDsigNs, "X509Certificate")) {
      std::string der;
      if (!detail::base64_decode(detail::text(element), der)) {
        refuse("ds:X509Certificate is not base64");
      }
      if (trust != nullptr) {
        const auto parsed = trust->parse(der);
        if (!parsed) refuse("ds:X509Certificate is not a DER X.509 certificate");
        certificates.push_back(parsed->certificate);
        continue;
      }
      try {
        certificates.push_back(certificate_from_der(der));
      } catch (const Failure&) {
        refuse("ds:X509Certificate is not a DER X.509 certificate");
      }
    }
  }
  if (certificates.empty()) refuse("no ds:X509Certificate in ds:KeyInfo");
  std::vector<std::size_t> leaves;
  for (std::size_t i = 0; i < certificates.size(); ++i) {
    const bool issues_another =
        std::any_of(certificates.begin(), certificates.end(), [&](const Certificate& other) {
          return &other != &certificates[i] && other.issuer == certificates[i].subject &&
                 other.subject != certificates[i].subject;
        });
    if (!issues_another) leaves.push_back(i);
  }
  if (leaves.size() != 1) refuse("ds:KeyInfo certificates do not form one chain");
  KeyInfoCertificates out;
  out.signer = certificates[leaves.front()];
  for (std::size_t i = 0; i < certificates.size(); ++i) {
    if (i != leaves.front()) out.chain.push_back(certificates[i]);
  }
  return out;
}

_xmlNode* find_signature(const SignedXml& document, _xmlNode* parent) {
  xmlNode* start = parent != nullptr ? parent : xmlDocGetRootElement(document.doc());
  if (start == nullptr) return nullptr;
  return xmlSecFindNode(start, xmlSecNodeSignature, xmlSecDSigNs);
}

void register_id(const SignedXml& document, _xmlNode* element, std::string_view attribute) {
  const std::string name(attribute);
  xmlAttr* attr = xmlHasProp(element, reinterpret_cast<const xmlChar*>(name.c_str()));
  if (attr == nullptr || attr->ns != nullptr) {
    throw Failure(codes::kSignatureInvalid, reinterpret_cast<const char*>(element->name),
                  "no " + name + " attribute to reference");
  }
  const std::string value = detail::attribute(element, name).value_or("");
  const auto* id = reinterpret_cast<const xmlChar*>(value.c_str());
  if (xmlAttrPtr existing = xmlGetID(document.doc(), id)) {
    if (existing == attr) return;
    throw Failure(codes::kSignatureInvalid, reinterpret_cast<const char*>(element->name),
                  "duplicate ID \"" + value + "\"");
  }
  if (xmlAddID(nullptr, document.doc(), id, attr) == nullptr) {
    throw Failure(codes::kSignatureInvalid, reinterpret_cast<const char*>(element->name),
                  "cannot register ID \"" + value + "\"");
  }
}

}  // namespace passerelle::signature
