// verify_lot_signature(): the XAdES and manifest checks around verify().
// Order: shape of the document, KeyInfo certificate against XAdES
// SigningCertificate, chain at SigningTime, SignedInfo and signature value
// (xmlsec), purpose, then every manifest digest against the lot's bytes, or
// their canonical form under a C14N transform (xmlsec never fails a
// signature on a manifest reference).

#include <openssl/x509.h>

#include <cctype>
#include <map>
#include <set>
#include <string>

#include "algorithms.hpp"
#include "lot_format.hpp"
#include "openssl_util.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/signature/lot_signature.hpp"
#include "tree.hpp"

namespace passerelle::signature {
namespace {

using detail::kDsigNs;

// The XAdES versions accepted: 1.3.2 (what Passerelle and the DMP's C# kit
// write) and 1.1.1 (DRIMbox). The same properties are checked in both; 1.1.1
// types the SignedInfo reference with its own URI and declares CertDigest's
// DigestMethod and DigestValue in its own namespace (its DigestAlgAndValueType
// has local elements where 1.3.2 refers to ds:DigestMethod / ds:DigestValue).
struct Xades {
  std::string_view ns;
  std::string_view signed_properties_type;
  std::string_view cert_digest_ns;
};
constexpr Xades kXades132{detail::kXadesNs, detail::kSignedPropertiesType, detail::kDsigNs};
constexpr Xades kXades111{detail::kXades111Ns, detail::kSignedPropertiesType111,
                          detail::kXades111Ns};

struct Refuse {
  std::string location;
  [[noreturn]] void operator()(const char* code, const std::string& reason) const {
    throw Failure(code, location, reason);
  }
};

std::string prefixed(std::string_view ns, std::string_view local) {
  return std::string(ns == kDsigNs ? "ds:" : "xades:") + std::string(local);
}

// The only `local` child of `parent` in `ns`, or null; refuses when repeated.
xmlNode* one_or_none(const xmlNode* parent, std::string_view ns, std::string_view local,
                     const Refuse& refuse) {
  bool many = false;
  xmlNode* child = detail::only_child(parent, ns, local, many);
  if (many) refuse(lot_codes::kMalformed, "more than one " + prefixed(ns, local));
  return child;
}

// The only `local` child of `parent` in `ns`; refuses when absent or repeated.
xmlNode* one(const xmlNode* parent, std::string_view ns, std::string_view local,
             const Refuse& refuse) {
  xmlNode* child = one_or_none(parent, ns, local, refuse);
  if (child == nullptr) {
    refuse(lot_codes::kMalformed,
           "no " + prefixed(ns, local) + " in " + reinterpret_cast<const char*>(parent->name));
  }
  return child;
}

struct Parts {
  const Xades* xades = nullptr;  // the version QualifyingProperties is in
  xmlNode* manifest = nullptr;
  xmlNode* qualifying = nullptr;
  xmlNode* signed_properties = nullptr;
  std::vector<xmlNode*> signature_properties;  // ds:SignatureProperty
};

Parts find_parts(xmlNode* signature, const Refuse& refuse) {
  Parts parts;
  for (xmlNode* object : detail::child_elements(signature, kDsigNs, "Object")) {
    for (xmlNode* child : detail::child_elements(object)) {
      if (detail::is_element(child, kDsigNs, "Manifest")) {
        if (parts.manifest != nullptr) refuse(lot_codes::kMalformed, "more than one ds:Manifest");
        parts.manifest = child;
      } else if (const Xades* xades =
                     detail::is_element(child, kXades132.ns, "QualifyingProperties")   ? &kXades132
                     : detail::is_element(child, kXades111.ns, "QualifyingProperties") ? &kXades111
                                                                                       : nullptr) {
        if (parts.qualifying != nullptr) {
          refuse(lot_codes::kMalformed, "more than one xades:QualifyingProperties");
        }
        parts.qualifying = child;
        parts.xades = xades;
      } else if (detail::is_element(child, kDsigNs, "SignatureProperties")) {
        for (xmlNode* property : detail::child_elements(child, kDsigNs, "SignatureProperty")) {
          parts.signature_properties.push_back(property);
        }
      }
    }
  }
  if (parts.manifest == nullptr) refuse(lot_codes::kMalformed, "no ds:Manifest (IHEManifest)");
  if (parts.qualifying == nullptr) {
    refuse(lot_codes::kMalformed, "no xades:QualifyingProperties: not a XAdES signature");
  }
  parts.signed_properties = one(parts.qualifying, parts.xades->ns, "SignedProperties", refuse);
  return parts;
}

std::string id_of(const xmlNode* element, const char* what, const Refuse& refuse) {
  const std::string id = detail::attribute(element, "Id").value_or("");
  if (id.empty()) refuse(lot_codes::kMalformed, std::string(what) + " has no Id");
  return id;
}

// "CN=a, O=b" and "CN=a,O=b" name the same issuer; so do different cases.
std::string comparable_name(std::string_view name) {
  std::string out;
  bool after_separator = false;
  for (const char c : name) {
    if (after_separator && c == ' ') continue;
    after_separator = c == ',' || c == '+';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

void check_signing_certificate(const xmlNode* signed_signature_properties, const Xades& xades,
                               const Certificate& signer, const Refuse& refuse) {
  const xmlNode* signing_certificate =
      one(signed_signature_properties, xades.ns, "SigningCertificate", refuse);
  const std::vector<xmlNode*> certs = detail::child_elements(signing_certificate, xades.ns, "Cert");
  if (certs.empty()) refuse(lot_codes::kMalformed, "xades:SigningCertificate has no xades:Cert");
  // The first Cert is the signer's (XAdES 1.3.2 §7.2.2); others are its CAs.
  const xmlNode* cert = certs.front();
  const xmlNode* cert_digest = one(cert, xades.ns, "CertDigest", refuse);
  const std::string method =
      detail::attribute(one(cert_digest, xades.cert_digest_ns, "DigestMethod", refuse), "Algorithm")
          .value_or("");
  std::string expected;
  if (!detail::base64_decode(
          detail::text(one(cert_digest, xades.cert_digest_ns, "DigestValue", refuse)), expected)) {
    refuse(lot_codes::kMalformed, "xades:CertDigest DigestValue is not base64");
  }
  const std::string actual = document_digest(LotDocument::from_bytes("", signer.der), method);
  if (actual != expected) {
    refuse(lot_codes::kSigningCertificateMismatch,
           "xades:SigningCertificate digest is not the digest of the ds:KeyInfo certificate \"" +
               signer.subject + "\"");
  }
  const xmlNode* issuer_serial = one(cert, xades.ns, "IssuerSerial", refuse);
  const std::string issuer =
      detail::trimmed_text(one(issuer_serial, kDsigNs, "X509IssuerName", refuse));
  const std::string serial =
      detail::trimmed_text(one(issuer_serial, kDsigNs, "X509SerialNumber", refuse));
  if (serial != signer.serial) {
    refuse(lot_codes::kSigningCertificateMismatch,
           "xades:SigningCertificate serial number " + serial +
               " is not the ds:KeyInfo certificate's " + signer.serial);
  }
  if (comparable_name(issuer) != comparable_name(signer.issuer)) {
    refuse(lot_codes::kSigningCertificateMismatch, "xades:SigningCertificate issuer \"" + issuer +
                                                       "\" is not the ds:KeyInfo certificate's \"" +
                                                       signer.issuer + "\"");
  }
}

std::string without_urn_oid(std::string_view text) {
  if (text.substr(0, detail::kUrnOid.size()) == detail::kUrnOid) {
    text.remove_prefix(detail::kUrnOid.size());
  }
  return std::string(text);
}

// The purpose may be in XAdES CommitmentTypeIndication (signed) and/or a
// ds:SignatureProperty (the DMP's form); at least one must say it, and
// none may say anything else.
void check_purpose(const Parts& parts, const Refuse& refuse) {
  std::vector<std::string> purposes;
  for (const xmlNode* property : parts.signature_properties) {
    purposes.push_back(without_urn_oid(detail::trimmed_text(property)));
  }
  const std::string_view xades = parts.xades->ns;
  if (const xmlNode* data =
          detail::first_child(parts.signed_properties, xades, "SignedDataObjectProperties")) {
    for (const xmlNode* indication :
         detail::child_elements(data, xades, "CommitmentTypeIndication")) {
      if (const xmlNode* id = detail::first_child(indication, xades, "CommitmentTypeId")) {
        if (const xmlNode* identifier = detail::first_child(id, xades, "Identifier")) {
          purposes.push_back(without_urn_oid(detail::trimmed_text(identifier)));
        }
      }
    }
  }
  if (purposes.empty()) {
    refuse(lot_codes::kWrongPurpose,
           "no purpose of signature (" + std::string(kSignaturePurposeOid) + ")");
  }
  for (const std::string& purpose : purposes) {
    if (purpose != kSignaturePurposeOid) {
      refuse(lot_codes::kWrongPurpose, "purpose of signature is \"" + purpose + "\", not " +
                                           std::string(kSignaturePurposeOid));
    }
  }
}

struct ManifestEntry {
  std::string digest_method;
  std::string canonicalization;  // transform URI; empty: the bytes as stored
  std::string digest;            // raw
};

// At most one ds:Transform, a canonicalization without parameters (the DMP's
// C# kit and DRIMbox put C14N with comments on references to CDA
// documents): its URI, or "" without transforms. Anything else could make
// the digest cover something other than the document as stored.
std::string manifest_transform(const xmlNode* reference, const std::string& uri,
                               const Refuse& refuse) {
  const xmlNode* transforms = one_or_none(reference, kDsigNs, "Transforms", refuse);
  if (transforms == nullptr) return {};
  const std::vector<xmlNode*> children = detail::child_elements(transforms);
  const std::string where = "manifest reference \"" + uri + "\"";
  if (children.size() != 1) {
    refuse(lot_codes::kMalformed, where + " has " + std::to_string(children.size()) +
                                      " transforms: at most one canonicalization is accepted");
  }
  const xmlNode* transform = children.front();
  if (!detail::is_element(transform, kDsigNs, "Transform")) {
    refuse(lot_codes::kMalformed, "unexpected element in ds:Transforms of " + where);
  }
  const std::string algorithm = detail::attribute(transform, "Algorithm").value_or("");
  const detail::Algorithm* found = detail::find_algorithm(algorithm);
  if (found == nullptr || found->role != detail::Role::Canonicalization) {
    refuse(lot_codes::kMalformed,
           where + " has transform \"" + algorithm +
               "\": only a canonicalization (C14N 1.0, 1.1 or exclusive) is accepted");
  }
  if (!detail::child_elements(transform).empty()) {
    refuse(lot_codes::kMalformed,
           where + " transform \"" + algorithm + "\" has parameters: none are accepted");
  }
  return algorithm;
}

std::map<std::string, ManifestEntry> read_manifest(const xmlNode* manifest, const Refuse& refuse) {
  std::map<std::string, ManifestEntry> entries;
  for (const xmlNode* child : detail::child_elements(manifest)) {
    if (!detail::is_element(child, kDsigNs, "Reference")) {
      refuse(lot_codes::kMalformed, "unexpected element in ds:Manifest");
    }
    const std::string uri = detail::attribute(child, "URI").value_or("");
    if (uri.substr(0, detail::kUrnOid.size()) != detail::kUrnOid ||
        uri.size() == detail::kUrnOid.size()) {
      refuse(lot_codes::kMalformed, "manifest reference URI \"" + uri + "\" is not urn:oid:");
    }
    ManifestEntry entry;
    entry.canonicalization = manifest_transform(child, uri, refuse);
    entry.digest_method =
        detail::attribute(one(child, kDsigNs, "DigestMethod", refuse), "Algorithm").value_or("");
    if (!detail::base64_decode(detail::text(one(child, kDsigNs, "DigestValue", refuse)),
                               entry.digest)) {
      refuse(lot_codes::kMalformed, "manifest reference \"" + uri + "\" digest is not base64");
    }
    if (!entries.emplace(uri.substr(detail::kUrnOid.size()), std::move(entry)).second) {
      refuse(lot_codes::kMalformed, "manifest references \"" + uri + "\" twice");
    }
  }
  return entries;
}

// IHE DSG's "hash value of 0" (ITI TF-3 §5.5.3.1): one or more zero bytes
// ("AA==" as the DMP clients write it, or a digest-sized run of zeros).
bool is_zero_hash(std::string_view raw) {
  return !raw.empty() && raw.find_first_not_of('\0') == std::string_view::npos;
}

// The lot's own reference binds the signature to this SubmissionSet and
// carries the zero hash (there are no SubmissionSet bytes to digest).
std::string check_manifest(const xmlNode* manifest, const Lot& lot, const Refuse& refuse) {
  std::map<std::string, ManifestEntry> entries = read_manifest(manifest, refuse);
  const auto own = entries.find(lot.unique_id);
  if (own == entries.end()) {
    refuse(lot_codes::kMalformed,
           "the manifest has no reference to the lot itself (urn:oid:" + lot.unique_id + ")");
  }
  if (!own->second.canonicalization.empty()) {
    refuse(lot_codes::kMalformed,
           "the manifest reference to the lot itself (urn:oid:" + lot.unique_id +
               ") has a transform: it carries the zero hash, nothing is "
               "digested");
  }
  if (!is_zero_hash(own->second.digest)) {
    refuse(lot_codes::kSubmissionSetDigest,
           "the manifest reference to the lot itself (urn:oid:" + lot.unique_id +
               ") has digest \"" + detail::base64_encode(own->second.digest) +
               "\", not the zero hash IHE DSG prescribes (\"AA==\")");
  }
  entries.erase(own);
  std::set<std::string> in_lot;
  for (const LotDocument& document : lot.documents) {
    in_lot.insert(document.unique_id);
    if (!entries.count(document.unique_id)) {
      refuse(lot_codes::kDocumentNotCovered,
             "document urn:oid:" + document.unique_id + " is not covered by the signature");
    }
  }
  for (const auto& [unique_id, entry] : entries) {
    if (!in_lot.count(unique_id)) {
      refuse(lot_codes::kDocumentMissing,
             "the signature covers urn:oid:" + unique_id + ", which is not in the lot");
    }
  }
  std::string first_method;
  for (const LotDocument& document : lot.documents) {
    const ManifestEntry& entry = entries.at(document.unique_id);
    if (first_method.empty()) first_method = entry.digest_method;
    if (document_digest(document, entry.digest_method, entry.canonicalization) != entry.digest) {
      refuse(lot_codes::kDocumentAltered,
             "document urn:oid:" + document.unique_id + " does not have the signed digest" +
                 (entry.canonicalization.empty()
                      ? std::string()
                      : " (of its canonical form, transform \"" + entry.canonicalization + "\")"));
    }
  }
  return first_method;
}

}  // namespace

LotVerification verify_lot_signature(std::string_view signature_document, const Lot& lot,
                                     const TrustStore& trust, std::string_view location) {
  const Refuse refuse{std::string(location)};
  SignedXml document = SignedXml::parse(signature_document, {}, location);
  xmlNode* signature = xmlDocGetRootElement(document.doc());
  if (!detail::is_element(signature, kDsigNs, "Signature")) {
    refuse(lot_codes::kMalformed, "the root element is not ds:Signature (enveloping signature)");
  }
  const Parts parts = find_parts(signature, refuse);
  const std::string manifest_id = id_of(parts.manifest, "ds:Manifest", refuse);
  const std::string properties_id =
      id_of(parts.signed_properties, "xades:SignedProperties", refuse);
  try {
    register_id(document, parts.manifest, "Id");
    register_id(document, parts.signed_properties, "Id");
  } catch (const Failure& failure) {
    refuse(lot_codes::kMalformed, failure.error().message);
  }
  // Both SignedInfo references must be typed as what they point to.
  for (const xmlNode* reference : detail::child_elements(
           one(signature, kDsigNs, "SignedInfo", refuse), kDsigNs, "Reference")) {
    const std::string uri = detail::attribute(reference, "URI").value_or("");
    const std::string type = detail::attribute(reference, "Type").value_or("");
    if ((uri == "#" + properties_id && type != parts.xades->signed_properties_type) ||
        (uri == "#" + manifest_id && !type.empty() && type != detail::kManifestType)) {
      refuse(lot_codes::kMalformed, "ds:Reference \"" + uri + "\" has Type \"" + type + "\"");
    }
  }

  const xmlNode* signed_signature_properties =
      one(parts.signed_properties, parts.xades->ns, "SignedSignatureProperties", refuse);
  const std::string signing_time_text = detail::trimmed_text(
      one(signed_signature_properties, parts.xades->ns, "SigningTime", refuse));
  const auto signing_time = detail::parse_date_time(signing_time_text);
  if (!signing_time) {
    refuse(lot_codes::kMalformed, "xades:SigningTime \"" + signing_time_text +
                                      "\" is not an xs:dateTime with a time zone");
  }

  KeyInfoCertificates certificates;
  try {
    certificates = read_key_info(signature, location, &trust);
  } catch (const Failure& failure) {
    refuse(lot_codes::kMalformed, failure.error().message);
  }
  check_signing_certificate(signed_signature_properties, *parts.xades, certificates.signer, refuse);

  const std::string untrusted =
      trust.verify_chain(certificates.signer, certificates.chain, *signing_time);
  if (!untrusted.empty()) {
    const bool validity = untrusted == X509_verify_cert_error_string(X509_V_ERR_CERT_HAS_EXPIRED) ||
                          untrusted == X509_verify_cert_error_string(X509_V_ERR_CERT_NOT_YET_VALID);
    refuse(validity ? lot_codes::kCertificateNotValid : lot_codes::kUntrusted,
           "signer certificate \"" + certificates.signer.subject + "\" at SigningTime " +
               signing_time_text + ": " + untrusted);
  }

  VerifyOptions options;
  options.at = *signing_time;
  options.expected_reference_uris = {"#" + manifest_id, "#" + properties_id};
  options.location = std::string(location);
  options.check_chain = false;  // done above, with the lot's own error codes
  options.key_info = &certificates;
  const VerifiedSignature verified = verify(document, signature, trust, options);

  check_purpose(parts, refuse);
  LotVerification out;
  out.digest_method = check_manifest(parts.manifest, lot, refuse);
  out.signer = verified.signer;
  out.signing_time = *signing_time;
  out.signing_time_text = signing_time_text;
  out.signature_method = verified.signature_method;
  out.xades_namespace = std::string(parts.xades->ns);
  return out;
}

}  // namespace passerelle::signature
