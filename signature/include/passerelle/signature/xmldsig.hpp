#pragma once

// XML-DSig verification shared by the VIHF assertion (enveloped signature,
// issue 6) and the XAdES lot signature (enveloping, issue 9). xmlsec1 works on
// libxml2 trees, so signed XML is parsed here with libxml2 under the same
// hardening as core's xml::parse (no DTD, no entity expansion, no network,
// size and depth limits); nothing else in the project uses libxml2.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/core/xml.hpp"

// libxml2 types, so callers need not include libxml2 headers.
struct _xmlDoc;
struct _xmlNode;
struct x509_store_st;
struct x509_st;

namespace passerelle::signature {

// Initialises libxml2, xmlsec1 and its OpenSSL backend for as long as it
// lives; create one next to xml::Runtime in main() and in test fixtures.
// Verifying or signing without one throws.
class Runtime {
 public:
  Runtime();
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
};

// A libxml2 document parsed with the hardened options. Throws Failure with
// the same codes as xml::parse (kMalformedXml, kForbiddenXmlConstruct,
// kXmlLimitExceeded). Movable, not copyable.
class SignedXml {
 public:
  static SignedXml parse(std::string_view bytes, const xml::Limits& limits = {},
                         std::string_view location = "");
  // A new document without a root element, to build with libxml2's tree
  // API (and xmlsec's templates) before signing.
  static SignedXml empty();
  SignedXml(SignedXml&&) noexcept;
  SignedXml& operator=(SignedXml&&) noexcept;
  ~SignedXml();
  _xmlDoc* doc() const { return doc_; }
  // Canonical-free UTF-8 serialisation of the whole document.
  std::string serialize() const;

 private:
  explicit SignedXml(_xmlDoc* doc) : doc_(doc) {}
  _xmlDoc* doc_ = nullptr;
};

struct Certificate {
  std::string subject;  // RFC 2253
  std::string issuer;   // RFC 2253
  std::string serial;   // decimal
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  std::string der;
};

// Certificates of a PEM bundle, in order; throws Failure(kSignatureInvalid)
// when there is none or one is damaged.
std::vector<Certificate> certificates_from_pem(std::string_view pem,
                                               std::string_view location = "PEM");
// One DER certificate; throws Failure(kSignatureInvalid) otherwise.
Certificate certificate_from_der(std::string_view der, std::string_view location = "DER");

// Trust anchors: CA and/or signer certificates (PEM bundle). Immutable once
// loaded; share it across threads.
class TrustStore {
 public:
  static std::shared_ptr<const TrustStore> from_pem_file(const std::string& path);
  static std::shared_ptr<const TrustStore> from_pem(std::string_view pem,
                                                    std::string_view location = "PEM");
  const std::vector<Certificate>& certificates() const { return certificates_; }
  // Chain check of `leaf` (+ untrusted intermediates) against the anchors,
  // as at `at`. Returns "" when trusted, else the reason (OpenSSL's text).
  std::string verify_chain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                           std::chrono::system_clock::time_point at) const;

  // A DER certificate decoded once and then served from a cache (signers
  // send the same certificate again and again, and OpenSSL 3 takes ~0.3 ms
  // to decode one); null when `der` is not one DER certificate.
  struct Parsed {
    Certificate certificate;
    std::shared_ptr<x509_st> x509;
  };
  std::shared_ptr<const Parsed> parse(std::string_view der) const;

 private:
  struct Cache;  // parsed certificates and verified chains; thread-safe
  std::vector<Certificate> certificates_;
  std::shared_ptr<x509_store_st> store_;  // built once; read-only afterwards
  std::shared_ptr<Cache> cache_;
};

// The ds:KeyInfo certificates of `signature`: the signer is the leaf (the
// one no other KeyInfo certificate was issued by), `chain` the rest. Throws
// Failure(kSignatureInvalid, location, reason) when there is none, one is
// not a DER certificate, or they do not form one chain.
struct KeyInfoCertificates {
  Certificate signer;
  std::vector<Certificate> chain;
};
// With `trust`, certificates are decoded through its cache.
KeyInfoCertificates read_key_info(_xmlNode* signature, std::string_view location = "ds:KeyInfo",
                                  const TrustStore* trust = nullptr);

struct VerifyOptions {
  // Certificate validity and chain are checked as at this instant (now for a
  // VIHF, the XAdES SigningTime for a lot).
  std::chrono::system_clock::time_point at = std::chrono::system_clock::now();
  // When not empty, the SignedInfo references must be exactly these URIs,
  // each once, in any order. Only same-document ("#id") and "" URIs are ever
  // dereferenced: anything else is refused before xmlsec sees it.
  std::vector<std::string> expected_reference_uris;
  // Names the signature in errors (Failure::location).
  std::string location = "ds:Signature";
  // false when the caller has already checked the signer's chain itself (as
  // at `at`) and wants its own errors for it: saves one RSA verification.
  bool check_chain = true;
  // The KeyInfo certificates when the caller has already read them from this
  // signature with read_key_info() (saves decoding them again); null: read.
  const KeyInfoCertificates* key_info = nullptr;
};

struct VerifiedSignature {
  Certificate signer;                       // the KeyInfo X509Certificate that verified
  std::vector<Certificate> chain;           // other KeyInfo certificates
  std::vector<std::string> reference_uris;  // SignedInfo references, in order
  std::string signature_method;             // algorithm URI
  std::string canonicalization_method;      // SignedInfo's, algorithm URI
};

// Declares `attribute` of `element` (e.g. "ID" of a SAML Assertion, "Id" of
// a ds:Manifest) as an XML ID so "#value" references resolve to that element
// and to no other. Never registers IDs document-wide by name (signature
// wrapping). Throws Failure(kSignatureInvalid) when the attribute is missing
// or its value is already an ID of another element.
void register_id(const SignedXml& document, _xmlNode* element, std::string_view attribute);

// Verifies the ds:Signature element `signature` inside `document` (enveloped
// or enveloping): SignedInfo references and the signature value with the key
// of the KeyInfo certificate, and that certificate's chain against `trust`.
// Manifests are NOT checked here (xmlsec never fails on them; callers compare
// manifest digests themselves). Throws Failure(codes::kSignatureInvalid, …)
// with a precise reason on any failure.
VerifiedSignature verify(const SignedXml& document, _xmlNode* signature, const TrustStore& trust,
                         const VerifyOptions& options = {});

// The first ds:Signature element at or under `parent` (document order; the
// whole document when null), or null.
_xmlNode* find_signature(const SignedXml& document, _xmlNode* parent = nullptr);

}  // namespace passerelle::signature
