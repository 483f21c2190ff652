#include "foreign_lot_signers.hpp"

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <xmlsec/base64.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>

#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "test_server.hpp"

namespace passerelle::testing {
namespace {

const xmlChar* x(const std::string& text) { return reinterpret_cast<const xmlChar*>(text.c_str()); }

void require(bool condition, const char* what) {
  if (!condition) throw std::runtime_error(std::string("foreign_signature: ") + what);
}

signature::Certificate test_ca() {
  std::ifstream in(pki("ca.pem"), std::ios::binary);
  std::ostringstream pem;
  pem << in.rdbuf();
  return signature::certificates_from_pem(pem.str()).front();
}

// Now in a +01:00 zone with milliseconds, as .NET's DateTime.Now and Joda's
// ISODateTimeFormat write it.
std::string local_signing_time() {
  const std::time_t now = std::time(nullptr) + 3600;
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.123+01:00", &tm);
  return text;
}

}  // namespace

std::string base64(const std::string& raw) {
  xmlChar* text =
      xmlSecBase64Encode(reinterpret_cast<const xmlSecByte*>(raw.data()), raw.size(), 0);
  std::string out(reinterpret_cast<const char*>(text));
  xmlFree(text);
  return out;
}

std::string sha1(const std::string& octets) {
  return signature::document_digest(signature::LotDocument::from_bytes("", octets), kSha1);
}

xmlNode* element_named(xmlNode* node, const char* local) {
  for (; node != nullptr; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    if (std::string(reinterpret_cast<const char*>(node->name)) == local) return node;
    if (xmlNode* found = element_named(node->children, local)) return found;
  }
  return nullptr;
}

std::string c14n_with_comments(const std::string& xml) {
  const std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      &xmlFreeDoc);
  if (!doc) throw std::runtime_error("c14n_with_comments: not XML");
  xmlChar* out = nullptr;
  const int size = xmlC14NDocDumpMemory(doc.get(), nullptr, XML_C14N_1_0, nullptr, 1, &out);
  if (size < 0) throw std::runtime_error("c14n_with_comments: canonicalization failed");
  std::string canonical(reinterpret_cast<const char*>(out), static_cast<std::size_t>(size));
  xmlFree(out);
  return canonical;
}

std::string foreign_signature(Signer signer, const std::string& lot_unique_id,
                              const std::vector<ForeignReference>& documents,
                              const signature::SigningKey& key, const ForeignOptions& options) {
  const bool kit = signer == Signer::CSharpKit;
  const char* dsig = "http://www.w3.org/2000/09/xmldsig#";
  const std::string& signature_id = options.signature_id;
  signature::SignedXml document = signature::SignedXml::empty();
  xmlNode* root = xmlSecTmplSignatureCreateNsPref(
      document.doc(), xmlSecTransformInclC14NWithCommentsId, xmlSecTransformRsaSha1Id,
      x(signature_id), kit ? x("ds") : nullptr);
  require(root != nullptr, "no signature template");
  xmlDocSetRootElement(document.doc(), root);
  xmlNs* ds = root->ns;
  // A ds: element anywhere: under DRIMbox's default XAdES namespace it
  // declares the XML-DSig namespace again, as XOM writes it.
  const auto ds_child = [&](xmlNode* parent, const char* name, const std::string& text) {
    xmlNode* node = xmlNewTextChild(parent, nullptr, x(name), text.empty() ? nullptr : x(text));
    xmlSetNs(node, kit ? ds : xmlNewNs(node, x(dsig), nullptr));
    return node;
  };

  const std::string properties_id = kit ? "SignedProperties-Signature01" : "S0-SignedProperties";
  const std::string properties_type = !options.signed_properties_type.empty()
                                          ? options.signed_properties_type
                                      : kit ? "http://uri.etsi.org/01903#SignedProperties"
                                            : "http://uri.etsi.org/01903/v1.1.1#SignedProperties";
  xmlNode* manifest_reference =
      xmlSecTmplSignatureAddReference(root, xmlSecTransformSha1Id, nullptr, x("#IHEManifest"),
                                      x("http://www.w3.org/2000/09/xmldsig#Manifest"));
  if (kit)
    xmlSecTmplReferenceAddTransform(manifest_reference, xmlSecTransformInclC14NWithCommentsId);
  require(xmlSecTmplSignatureAddReference(root, xmlSecTransformSha1Id, nullptr,
                                          x("#" + properties_id), x(properties_type)) != nullptr,
          "no SignedProperties reference");
  require(xmlSecTmplKeyInfoAddX509Data(xmlSecTmplSignatureEnsureKeyInfo(root, nullptr)) != nullptr,
          "no X509Data");

  xmlNode* manifest = nullptr;
  const auto add_manifest = [&] {
    manifest = xmlSecTmplObjectAddManifest(
        xmlSecTmplSignatureAddObject(root, nullptr, nullptr, nullptr), x("IHEManifest"));
    const auto add = [&](const std::string& unique_id, const std::string& raw_digest,
                         const std::vector<xmlSecTransformId>& transforms,
                         const char* inclusive_prefixes) {
      xmlNode* reference = xmlSecTmplManifestAddReference(manifest, xmlSecTransformSha1Id, nullptr,
                                                          x("urn:oid:" + unique_id), nullptr);
      for (const xmlSecTransformId transform : transforms) {
        xmlNode* node = xmlSecTmplReferenceAddTransform(reference, transform);
        if (transform == xmlSecTransformXPathId) {
          xmlSecTmplTransformAddXPath(node, x("not(ancestor-or-self::comment())"), nullptr);
        }
        if (inclusive_prefixes != nullptr) {
          xmlSecTmplTransformAddC14NInclNamespaces(node, x(inclusive_prefixes));
        }
      }
      xmlNode* value = element_named(reference->children, "DigestValue");
      require(value != nullptr, "no manifest DigestValue");
      xmlNodeSetContent(value, x(base64(raw_digest)));
    };
    std::vector<xmlSecTransformId> lot_transforms;
    if (options.lot_reference_transform != nullptr) {
      lot_transforms.push_back(options.lot_reference_transform);
    }
    add(lot_unique_id, std::string(1, '\0'), lot_transforms, nullptr);
    for (const ForeignReference& reference : documents) {
      add(reference.unique_id, sha1(reference.digested), reference.transforms,
          reference.inclusive_prefixes);
    }
  };
  const auto add_purpose = [&] {
    xmlNode* properties = xmlNewChild(xmlSecTmplSignatureAddObject(root, nullptr, nullptr, nullptr),
                                      ds, x("SignatureProperties"), nullptr);
    xmlNode* property = xmlNewTextChild(properties, ds, x("SignatureProperty"),
                                        x(std::string(signature::kSignaturePurposeOid)));
    xmlNewProp(property, x("Id"), x("purposeOfSignature"));
    xmlNewProp(property, x("Target"), x("#" + signature_id));
  };
  if (kit) {
    add_manifest();
    add_purpose();
  } else {
    add_purpose();
    add_manifest();
  }

  xmlNode* qualifying = xmlNewChild(xmlSecTmplSignatureAddObject(root, nullptr, nullptr, nullptr),
                                    nullptr, x("QualifyingProperties"), nullptr);
  xmlNs* xades = xmlNewNs(qualifying, x(kit ? kXades132 : kXades111), kit ? x("xades") : nullptr);
  xmlSetNs(qualifying, xades);
  xmlNewProp(qualifying, x("Target"), x("#" + signature_id));
  xmlNode* properties = xmlNewChild(qualifying, xades, x("SignedProperties"), nullptr);
  xmlNewProp(properties, x("Id"), x(properties_id));
  if (!kit) {
    xmlNs* xsi = xmlNewNs(properties, x("http://www.w3.org/2001/XMLSchema-instance"), x("xsi"));
    xmlNewNsProp(properties, xsi, x("schemaLocation"),
                 x(std::string(kXades111) + " http://uri.etsi.org/01903/v1.1.1/XAdES.xsd"));
  }
  xmlNode* signed_signature =
      xmlNewChild(properties, xades, x("SignedSignatureProperties"), nullptr);
  xmlNewTextChild(signed_signature, xades, x("SigningTime"), x(local_signing_time()));
  xmlNode* signing_certificate =
      xmlNewChild(signed_signature, xades, x("SigningCertificate"), nullptr);
  std::vector<signature::Certificate> certificates{key.certificate()};
  if (kit) certificates.push_back(test_ca());
  for (const signature::Certificate& certificate : certificates) {
    xmlNode* cert = xmlNewChild(signing_certificate, xades, x("Cert"), nullptr);
    xmlNode* cert_digest = xmlNewChild(cert, xades, x("CertDigest"), nullptr);
    const bool digest_in_ds = kit || options.cert_digest_in_ds;
    xmlNode* method = digest_in_ds ? ds_child(cert_digest, "DigestMethod", "")
                                   : xmlNewChild(cert_digest, xades, x("DigestMethod"), nullptr);
    xmlNewProp(method, x("Algorithm"), x(kSha1));
    const std::string digest = base64(sha1(certificate.der));
    if (digest_in_ds) {
      ds_child(cert_digest, "DigestValue", digest);
    } else {
      xmlNewTextChild(cert_digest, xades, x("DigestValue"), x(digest));
    }
    xmlNode* issuer_serial = xmlNewChild(cert, xades, x("IssuerSerial"), nullptr);
    std::string issuer = certificate.issuer;  // DRIMbox: Java's "CN=a, O=b"
    for (std::size_t at = 0; !kit && (at = issuer.find(',', at)) != std::string::npos; at += 2) {
      issuer.insert(at + 1, " ");
    }
    ds_child(issuer_serial, "X509IssuerName", issuer);
    ds_child(issuer_serial, "X509SerialNumber",
             options.serial.empty() || &certificate != &certificates.front() ? certificate.serial
                                                                             : options.serial);
  }
  xmlNewChild(xmlNewChild(signed_signature, xades, x("SignaturePolicyIdentifier"), nullptr), xades,
              x("SignaturePolicyImplied"), nullptr);
  if (!kit) xmlNewChild(properties, xades, x("SignedDataObjectProperties"), nullptr);

  signature::register_id(document, manifest, "Id");
  signature::register_id(document, properties, "Id");
  signature::sign(document, root, key);
  return document.serialize();
}

}  // namespace passerelle::testing
