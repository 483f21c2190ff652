#pragma once

// IHE DSG lot signatures as the DMP uses them (dmp-xds-mapping.md §8,
// docs/signature.md): an enveloping XML-DSig whose SignedInfo signs an
// IHEManifest (one reference "urn:oid:<uniqueId>" per document of the lot
// plus the lot's own) and XAdES-BES SignedProperties (SigningTime,
// SigningCertificate, SignaturePolicyImplied, purpose
// 1.2.840.10065.1.12.1.14). Verifying and signing share this module.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/signature/signer.hpp"
#include "passerelle/signature/xmldsig.hpp"

namespace passerelle::signature {

inline constexpr std::string_view kSignaturePurposeOid = "1.2.840.10065.1.12.1.14";

// The error code of each refusal (Failure::error().code); the message says
// exactly what was wrong.
namespace lot_codes {
// Not a lot signature: not XML-DSig, no IHEManifest, no SignedProperties,
// no SigningTime, no lot reference, a manifest reference with a transform
// other than one canonicalization…
inline constexpr const char* kMalformed = "passerelle:LotSignatureMalformed";
// SignedInfo digests or the signature value do not verify.
inline constexpr const char* kInvalid = "passerelle:SignatureInvalid";
// The signer's chain does not lead to a trust anchor.
inline constexpr const char* kUntrusted = "passerelle:LotSignerUntrusted";
// The signer's certificate (or its chain) was not valid at SigningTime.
inline constexpr const char* kCertificateNotValid = "passerelle:LotSignerCertificateNotValid";
// XAdES SigningCertificate (digest or IssuerSerial) is not the KeyInfo certificate.
inline constexpr const char* kSigningCertificateMismatch =
    "passerelle:LotSigningCertificateMismatch";
// Purpose of signature absent or not 1.2.840.10065.1.12.1.14.
inline constexpr const char* kWrongPurpose = "passerelle:LotSignaturePurpose";
// A document of the lot has no reference in the manifest.
inline constexpr const char* kDocumentNotCovered = "passerelle:LotDocumentNotSigned";
// The manifest references a document the lot does not hold.
inline constexpr const char* kDocumentMissing = "passerelle:LotSignedDocumentMissing";
// A document's bytes (or their canonical form, under a canonicalization
// transform) do not have the digest the manifest gives.
inline constexpr const char* kDocumentAltered = "passerelle:LotDocumentAltered";
// A document whose manifest reference has a canonicalization transform is
// not XML that can be canonicalized: not well-formed, a DOCTYPE, over the
// size or depth limits of SignedXml::parse.
inline constexpr const char* kDocumentNotXml = "passerelle:LotSignedDocumentNotXml";
// The manifest's reference to the lot itself (urn:oid:<SubmissionSet
// uniqueId>) does not carry the zero hash IHE DSG prescribes for it (ITI
// TF-3 Rev. 20.0 §5.5.3.1: "the SubmissionSet uniqueID with a hash value of
// 0"; the DMP clients write the one zero byte "AA==").
inline constexpr const char* kSubmissionSetDigest = "passerelle:LotSubmissionSetDigest";
// ITI-41 (gateway): the lot has no signature document and the profile
// requires one.
inline constexpr const char* kMissing = "passerelle:LotSignatureMissing";
// ITI-41 (gateway): the signature DocumentEntry's metadata (classCode,
// typeCode, formatCode, mimeType, eventCode, languageCode, `signs`
// association) is not the DSG one.
inline constexpr const char* kMetadata = "passerelle:LotSignatureMetadata";
}  // namespace lot_codes

// One document of the lot, read in chunks (never needs to be whole in memory).
struct LotDocument {
  std::string unique_id;  // DocumentEntry uniqueId; manifest URI "urn:oid:" + unique_id
  std::function<void(const std::function<void(std::string_view)>& sink)> read;

  static LotDocument from_bytes(std::string unique_id, std::string bytes);
};

struct Lot {
  std::string unique_id;               // SubmissionSet uniqueId
  std::vector<LotDocument> documents;  // the signed documents (not the signature itself)
};

struct LotVerification {
  Certificate signer;
  std::chrono::system_clock::time_point signing_time;
  std::string signing_time_text;  // xades:SigningTime as written
  std::string signature_method;   // algorithm URI
  std::string digest_method;      // of the manifest references (URI; the first one's)
  std::string xades_namespace;    // XAdES 1.3.2 or 1.1.1 (namespace URI)
};

// Verifies `signature_document` (the bytes of the signature DocumentEntry)
// for `lot` against `trust`. Throws Failure with a lot_codes code (or the
// SignedXml::parse codes for unparseable XML); location = `location`.
LotVerification verify_lot_signature(std::string_view signature_document, const Lot& lot,
                                     const TrustStore& trust,
                                     std::string_view location = "lot signature");

struct LotSigningOptions {
  std::chrono::system_clock::time_point signing_time = std::chrono::system_clock::now();
  // What the public DMP reference client produces: RSA-SHA1, SHA-1 digests,
  // C14N 1.0 with comments, purpose as a ds:SignatureProperty only. For
  // interoperability tests; Passerelle itself signs with SHA-256.
  bool dmp_reference_client_algorithms = false;
};

// The signature document for `lot` in the DMP format: RSA-SHA256, SHA-256
// digests, exclusive C14N (unless options say otherwise). Throws
// Failure(kInternalError) when signing fails.
std::string sign_lot(const Lot& lot, const SigningKey& key, const LotSigningOptions& options = {});

// The SHA digest (raw bytes) of a document for a DigestMethod URI (SHA-1,
// SHA-256, SHA-384, SHA-512): over its bytes or, with `canonicalization`
// (the URI of a C14N 1.0 / 1.1 / exclusive transform, with or without
// comments), over the canonical form of the document parsed with
// SignedXml::parse's hardened settings (read whole for that). Throws
// Failure(kMalformed) for
// another URI, Failure(kDocumentNotXml) when the document does not parse or
// canonicalize.
std::string document_digest(const LotDocument& document, std::string_view digest_method,
                            std::string_view canonicalization = {});

}  // namespace passerelle::signature
