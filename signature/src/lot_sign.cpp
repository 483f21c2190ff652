// sign_lot(): the DMP lot signature built with libxml2's tree API and
// xmlsec's templates (no string concatenation), manifest digests filled in
// here, then signed by sign() (SignedInfo: manifest + SignedProperties).

#include <libxml/tree.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

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

const xmlChar* x(std::string_view text) { return reinterpret_cast<const xmlChar*>(text.data()); }

struct Template {
  SignedXml document = SignedXml::empty();
  xmlNodePtr signature = nullptr;
  xmlNsPtr ds = nullptr;
  bool legacy = false;  // LotSigningOptions::dmp_reference_client_algorithms
  xmlSecTransformId digest() const {
    return legacy ? xmlSecTransformSha1Id : xmlSecTransformSha256Id;
  }
  std::string_view digest_uri() const { return legacy ? detail::kSha1 : detail::kSha256; }
  xmlSecTransformId c14n() const {
    return legacy ? xmlSecTransformInclC14NWithCommentsId : xmlSecTransformExclC14NId;
  }
};

void require(const void* node, const char* what) {
  if (node == nullptr) {
    throw Failure(codes::kInternalError, "sign_lot", std::string("cannot build ") + what);
  }
}

xmlNodePtr text_child(xmlNodePtr parent, xmlNsPtr ns, const char* name, const std::string& text) {
  xmlNodePtr node = xmlNewTextChild(parent, ns, x(name), x(text));
  require(node, name);
  return node;
}

void set_digest_value(xmlNodePtr reference, const std::string& raw_digest) {
  xmlNodePtr value = detail::first_child(reference, detail::kDsigNs, "DigestValue");
  require(value, "ds:DigestValue");
  const std::string text = detail::base64_encode(raw_digest);
  xmlNodeSetContent(value, x(text));
}

void add_manifest(const Template& t, const Lot& lot) {
  xmlNodePtr object = xmlSecTmplSignatureAddObject(t.signature, nullptr, nullptr, nullptr);
  require(object, "ds:Object");
  xmlNodePtr manifest = xmlSecTmplObjectAddManifest(object, x(detail::kManifestId));
  require(manifest, "ds:Manifest");
  const auto add = [&](const std::string& unique_id, const std::string& raw_digest) {
    const std::string uri = std::string(detail::kUrnOid) + unique_id;
    xmlNodePtr reference =
        xmlSecTmplManifestAddReference(manifest, t.digest(), nullptr, x(uri), nullptr);
    require(reference, "manifest ds:Reference");
    set_digest_value(reference, raw_digest);
  };
  for (const LotDocument& document : lot.documents) {
    add(document.unique_id, document_digest(document, t.digest_uri()));
  }
  add(lot.unique_id, std::string(detail::kSubmissionSetZeroHash));
}

void add_qualifying_properties(Template& t, const Certificate& signer,
                               const LotSigningOptions& options) {
  xmlNodePtr object = xmlSecTmplSignatureAddObject(t.signature, nullptr, nullptr, nullptr);
  require(object, "ds:Object");
  xmlNodePtr qualifying = xmlNewChild(object, nullptr, x("QualifyingProperties"), nullptr);
  require(qualifying, "xades:QualifyingProperties");
  xmlNsPtr xades = xmlNewNs(qualifying, x(detail::kXadesNs), x("xades"));
  xmlSetNs(qualifying, xades);
  xmlNewProp(qualifying, x("Target"), x("#" + std::string(detail::kSignatureId)));
  xmlNodePtr properties = xmlNewChild(qualifying, xades, x("SignedProperties"), nullptr);
  require(properties, "xades:SignedProperties");
  xmlNewProp(properties, x("Id"), x(detail::kSignedPropertiesId));

  xmlNodePtr signature_properties =
      xmlNewChild(properties, xades, x("SignedSignatureProperties"), nullptr);
  text_child(signature_properties, xades, "SigningTime",
             detail::format_date_time(options.signing_time));
  xmlNodePtr cert =
      xmlNewChild(xmlNewChild(signature_properties, xades, x("SigningCertificate"), nullptr), xades,
                  x("Cert"), nullptr);
  xmlNodePtr cert_digest = xmlNewChild(cert, xades, x("CertDigest"), nullptr);
  xmlNodePtr method = xmlNewChild(cert_digest, t.ds, x("DigestMethod"), nullptr);
  xmlNewProp(method, x("Algorithm"), x(t.digest_uri()));
  text_child(cert_digest, t.ds, "DigestValue",
             detail::base64_encode(
                 document_digest(LotDocument::from_bytes("", signer.der), t.digest_uri())));
  xmlNodePtr issuer_serial = xmlNewChild(cert, xades, x("IssuerSerial"), nullptr);
  text_child(issuer_serial, t.ds, "X509IssuerName", signer.issuer);
  text_child(issuer_serial, t.ds, "X509SerialNumber", signer.serial);
  xmlNewChild(xmlNewChild(signature_properties, xades, x("SignaturePolicyIdentifier"), nullptr),
              xades, x("SignaturePolicyImplied"), nullptr);

  if (t.legacy) return;
  // The purpose, signed: XAdES CommitmentTypeIndication.
  xmlNodePtr indication =
      xmlNewChild(xmlNewChild(properties, xades, x("SignedDataObjectProperties"), nullptr), xades,
                  x("CommitmentTypeIndication"), nullptr);
  xmlNodePtr type_id = xmlNewChild(indication, xades, x("CommitmentTypeId"), nullptr);
  text_child(type_id, xades, "Identifier",
             std::string(detail::kUrnOid) + std::string(kSignaturePurposeOid));
  xmlNewChild(indication, xades, x("AllSignedDataObjects"), nullptr);
}

// The purpose again as the DMP writes it: a ds:SignatureProperty.
void add_purpose_property(Template& t) {
  xmlNodePtr object = xmlSecTmplSignatureAddObject(t.signature, nullptr, nullptr, nullptr);
  require(object, "ds:Object");
  xmlNodePtr properties = xmlNewChild(object, t.ds, x("SignatureProperties"), nullptr);
  xmlNodePtr property =
      text_child(properties, t.ds, "SignatureProperty", std::string(kSignaturePurposeOid));
  xmlNewProp(property, x("Id"), x("purposeOfSignature"));
  xmlNewProp(property, x("Target"), x("#" + std::string(detail::kSignatureId)));
}

}  // namespace

std::string sign_lot(const Lot& lot, const SigningKey& key, const LotSigningOptions& options) {
  Template t;
  t.legacy = options.dmp_reference_client_algorithms;
  t.signature = xmlSecTmplSignatureCreateNsPref(
      t.document.doc(), t.c14n(), t.legacy ? xmlSecTransformRsaSha1Id : xmlSecTransformRsaSha256Id,
      x(detail::kSignatureId), x("ds"));
  require(t.signature, "ds:Signature");
  xmlDocSetRootElement(t.document.doc(), t.signature);
  t.ds = xmlSearchNsByHref(t.document.doc(), t.signature, x(detail::kDsigNs));

  const std::string manifest_uri = "#" + std::string(detail::kManifestId);
  xmlNodePtr manifest_reference = xmlSecTmplSignatureAddReference(
      t.signature, t.digest(), nullptr, x(manifest_uri), x(detail::kManifestType));
  require(manifest_reference, "ds:Reference");
  xmlSecTmplReferenceAddTransform(manifest_reference, t.c14n());
  const std::string properties_uri = "#" + std::string(detail::kSignedPropertiesId);
  xmlNodePtr properties_reference = xmlSecTmplSignatureAddReference(
      t.signature, t.digest(), nullptr, x(properties_uri), x(detail::kSignedPropertiesType));
  require(properties_reference, "ds:Reference");
  xmlSecTmplReferenceAddTransform(properties_reference, t.c14n());
  require(xmlSecTmplKeyInfoAddX509Data(xmlSecTmplSignatureEnsureKeyInfo(t.signature, nullptr)),
          "ds:KeyInfo");

  add_qualifying_properties(t, key.certificate(), options);
  add_purpose_property(t);
  add_manifest(t, lot);

  const xmlNode* qualifying =
      detail::first_child(detail::first_child(t.signature, detail::kDsigNs, "Object"),
                          detail::kXadesNs, "QualifyingProperties");
  register_id(t.document, detail::first_child(qualifying, detail::kXadesNs, "SignedProperties"),
              "Id");
  register_id(t.document, xmlSecFindNode(t.signature, xmlSecNodeManifest, xmlSecDSigNs), "Id");
  sign(t.document, t.signature, key);
  return t.document.serialize();
}

}  // namespace passerelle::signature
