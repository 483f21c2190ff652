#pragma once

// Lot signature documents made the way the two public DMP signers make them
// (docs/signature.md): the C# DMP integration kit (TLSiKitEditeur,
// XDSb_CVA.getXadesSignature) and DRIMbox (ansforge/DRIM-M_DRIMbox,
// XadesSign.java). Both: RSA-SHA1, SHA-1 digests, C14N 1.0 with comments on
// SignedInfo, the lot reference first with the zero hash "AA==", the purpose
// as a ds:SignatureProperty. The kit: "ds:"/"xades:" prefixes, XAdES 1.3.2,
// a C14N-with-comments transform on the SignedInfo manifest reference,
// SigningCertificate listing the signer and its CA. DRIMbox: default
// namespaces, XAdES 1.1.1 (its own SignedProperties Type, CertDigest's
// DigestMethod/DigestValue in the XAdES namespace), no SignedInfo transforms.
// Built with xmlsec's templates and libxml2's tree and signed by
// signature::sign() (which leaves manifest digests as written here), so
// they do not go through the product's sign_lot.

#include <libxml/tree.h>
#include <xmlsec/transforms.h>

#include <string>
#include <vector>

#include "passerelle/signature/lot_signature.hpp"

namespace passerelle::testing {

inline constexpr const char* kSha1 = "http://www.w3.org/2000/09/xmldsig#sha1";
inline constexpr const char* kXades132 = "http://uri.etsi.org/01903/v1.3.2#";
inline constexpr const char* kXades111 = "http://uri.etsi.org/01903/v1.1.1#";
inline constexpr const char* kC14nWithComments =
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
// The signature's Id unless ForeignOptions gives one (the signers use the
// signature entry's uniqueId).
inline const std::string kSignatureOid = "1.2.250.1.999.1.1.7898.5.1";

enum class Signer { CSharpKit, Drimbox };

struct ForeignReference {
  std::string unique_id;
  std::string digested;  // the octets whose SHA-1 the manifest gives
  std::vector<xmlSecTransformId> transforms;
  const char* inclusive_prefixes = nullptr;  // exclusive C14N's InclusiveNamespaces
};

struct ForeignOptions {
  std::string signed_properties_type;  // instead of the signer's own
  bool cert_digest_in_ds = false;      // ds:DigestMethod/Value under a 1.1.1 CertDigest
  std::string serial;                  // instead of the signer certificate's
  xmlSecTransformId lot_reference_transform = nullptr;
  std::string signature_id = kSignatureOid;
};

// The signature document over `documents` of lot `lot_unique_id`, signed
// with `key`; the CA in the kit's SigningCertificate is the test PKI's.
std::string foreign_signature(Signer signer, const std::string& lot_unique_id,
                              const std::vector<ForeignReference>& documents,
                              const signature::SigningKey& key, const ForeignOptions& options = {});

// The inclusive C14N 1.0 form with comments of `xml`, by libxml2 directly
// (what the signers digest under their transform); throws when not XML.
std::string c14n_with_comments(const std::string& xml);

std::string base64(const std::string& raw);
// The raw SHA-1 of `octets`.
std::string sha1(const std::string& octets);
// The first element named `local` in `node`, its siblings and descendants.
xmlNode* element_named(xmlNode* node, const char* local);

}  // namespace passerelle::testing
