// read_vihf(): the order matters. Structure first (one Security, one
// Assertion, no duplicate IDs), then the signature of that very Assertion
// (one Reference to its own ID, enveloped + C14N only, ID registered on it
// alone), then who signed and when, and only then the attributes, read from
// the node the signature covered (dmp-xds-mapping.md §7, signature wrapping).

#include <libxml/tree.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "attributes.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/soap/namespaces.hpp"
#include "passerelle/soap/wss.hpp"
#include "tree.hpp"
#include "values.hpp"

namespace passerelle::soap::wss {
namespace {

constexpr const char* kX509SubjectName =
    "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName";
constexpr const char* kEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const std::set<std::string, std::less<>> kC14n = {
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
};

[[noreturn]] void refuse(const char* code, const std::string& where, const std::string& why) {
  throw Failure(code, where, "VIHF: " + why);
}

// Attributes that can be an XML-DSig target: SAML's ID, ds/wsu's Id,
// xml:id, SAML 1's AssertionID. ebRIM's lower-case id is never registered
// as an ID, so it cannot be a reference target and is not counted.
bool is_id_attribute(const xmlAttr* attr) {
  const std::string_view name(reinterpret_cast<const char*>(attr->name));
  return name == "ID" || name == "Id" || name == "AssertionID" ||
         (name == "id" && attr->ns != nullptr && attr->ns->prefix != nullptr &&
          std::string_view(reinterpret_cast<const char*>(attr->ns->prefix)) == "xml");
}

void collect_ids(const xmlNode* node, std::map<std::string, int>& seen, std::string& duplicate) {
  for (const xmlNode* child = node; child != nullptr && duplicate.empty(); child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    for (const xmlAttr* attr = child->properties; attr != nullptr; attr = attr->next) {
      if (!is_id_attribute(attr)) continue;
      const std::string value = tree::text(reinterpret_cast<const xmlNode*>(attr));
      if (++seen[value] > 1) {
        duplicate = value;
        return;
      }
    }
    collect_ids(child->children, seen, duplicate);
  }
}

xmlNode* security_header(const xmlDoc* doc) {
  const xmlNode* envelope = xmlDocGetRootElement(doc);
  if (!tree::is_element(envelope, ns::kSoap12, "Envelope")) return nullptr;
  const auto headers = tree::children(envelope, ns::kSoap12, "Header");
  if (headers.empty()) return nullptr;
  const auto security = tree::children(headers.front(), ns::kWsse, "Security");
  if (security.size() > 1) {
    refuse(codes::kInvalidSecurity, "wsse:Security",
           "more than one wsse:Security header (" + std::to_string(security.size()) + ")");
  }
  return security.empty() ? nullptr : security.front();
}

// The Assertion, the only one in the Security header and its direct child.
xmlNode* the_assertion(const xmlNode* security) {
  const auto assertions = tree::descendants(security, kSaml2, "Assertion");
  if (assertions.empty()) return nullptr;
  if (assertions.size() != 1) {
    refuse(codes::kInvalidSecurity, "wsse:Security",
           "expected exactly one saml:Assertion in wsse:Security, found " +
               std::to_string(assertions.size()));
  }
  if (assertions.front()->parent != security) {
    refuse(codes::kInvalidSecurity, "wsse:Security",
           "the saml:Assertion must be a direct child of wsse:Security");
  }
  return assertions.front();
}

// One ds:Signature, child of the Assertion, with one Reference to "#ID" and
// the enveloped-signature then C14N transforms.
xmlNode* the_signature(const xmlNode* assertion, const std::string& id) {
  const auto signatures = tree::descendants(assertion, tree::kDsig, "Signature");
  if (signatures.empty())
    refuse(codes::kFailedCheck, "saml:Assertion", "the assertion is not signed");
  if (signatures.size() != 1 || signatures.front()->parent != assertion) {
    refuse(codes::kFailedCheck, "ds:Signature",
           "the assertion must carry exactly one ds:Signature, as its child");
  }
  xmlNode* signature = signatures.front();
  const auto signed_info = tree::children(signature, tree::kDsig, "SignedInfo");
  if (signed_info.size() != 1)
    refuse(codes::kFailedCheck, "ds:Signature", "expected one ds:SignedInfo");
  const auto references = tree::children(signed_info.front(), tree::kDsig, "Reference");
  if (references.size() != 1) {
    refuse(codes::kFailedCheck, "ds:SignedInfo",
           "expected exactly one ds:Reference, found " + std::to_string(references.size()));
  }
  const std::string uri = tree::attribute(references.front(), "URI");
  if (uri != "#" + id) {
    refuse(codes::kFailedCheck, "ds:Reference",
           "the reference URI '" + uri.substr(0, 80) + "' is not the assertion's own ID '#" + id +
               "'");
  }
  const auto transforms_parent = tree::children(references.front(), tree::kDsig, "Transforms");
  std::vector<std::string> transforms;
  if (transforms_parent.size() == 1) {
    for (const xmlNode* transform : tree::element_children(transforms_parent.front())) {
      transforms.push_back(tree::attribute(transform, "Algorithm"));
    }
  }
  if (transforms.size() != 2 || transforms[0] != kEnveloped || !kC14n.contains(transforms[1])) {
    std::string list;
    for (const auto& transform : transforms) list += (list.empty() ? "" : ", ") + transform;
    refuse(codes::kFailedCheck, "ds:Transforms",
           "the reference must have exactly the enveloped-signature and one C14N transform, got [" +
               list + "]");
  }
  return signature;
}

signature::VerifiedSignature verified(const signature::SignedXml& document, xmlNode* assertion,
                                      xmlNode* signature, const std::string& id,
                                      const VihfOptions& options,
                                      std::chrono::system_clock::time_point at) {
  if (!options.trust) {
    refuse(codes::kFailedAuthentication, "ds:Signature",
           "no trusted VIHF signers are configured (--vihf-trust)");
  }
  try {
    signature::register_id(document, assertion, "ID");
    return signature::verify(document, signature, *options.trust,
                             {at, {"#" + id}, "saml:Assertion/ds:Signature"});
  } catch (const Failure& failure) {
    if (failure.error().code != codes::kSignatureInvalid) throw;  // e.g. no signature::Runtime
    // signature/ has one code for every refusal; an untrusted signer is an
    // authentication failure, everything else a failed check.
    const std::string& why = failure.error().message;
    const bool untrusted = why.find("is not trusted") != std::string::npos;
    refuse(untrusted ? codes::kFailedAuthentication : codes::kFailedCheck, failure.error().location,
           (untrusted ? "untrusted signer: " : "signature check failed: ") + why);
  }
}

std::chrono::system_clock::time_point instant(const xmlNode* conditions, const char* name) {
  bool present = false;
  const std::string text = tree::attribute(conditions, name, &present);
  if (!present) {
    refuse(codes::kInvalidSecurityToken, "saml:Conditions",
           std::string("saml:Conditions has no ") + name);
  }
  const auto value = parse_saml_instant(text);
  if (!value) {
    refuse(codes::kInvalidSecurityToken, "saml:Conditions",
           std::string(name) + " '" + text.substr(0, 40) + "' is not a UTC xs:dateTime");
  }
  return *value;
}

void check_validity(const xmlNode* assertion, const VihfOptions& options,
                    std::chrono::system_clock::time_point now, AccessContext& context) {
  const auto conditions = tree::children(assertion, kSaml2, "Conditions");
  if (conditions.size() != 1) {
    refuse(codes::kInvalidSecurityToken, "saml:Conditions", "expected exactly one saml:Conditions");
  }
  context.not_before = instant(conditions.front(), "NotBefore");
  context.not_on_or_after = instant(conditions.front(), "NotOnOrAfter");
  if (now + options.clock_skew < context.not_before) {
    refuse(codes::kFailedAuthentication, "saml:Conditions",
           "the assertion is not yet valid (NotBefore " + format_saml_instant(context.not_before) +
               ", now " + format_saml_instant(now) + ")");
  }
  if (now - options.clock_skew >= context.not_on_or_after) {
    refuse(codes::kFailedAuthentication, "saml:Conditions",
           "the assertion has expired (NotOnOrAfter " +
               format_saml_instant(context.not_on_or_after) + ", now " + format_saml_instant(now) +
               ")");
  }
}

void check_issuer(const xmlNode* assertion, const signature::Certificate& signer,
                  AccessContext& context) {
  const auto issuers = tree::children(assertion, kSaml2, "Issuer");
  if (issuers.size() != 1) {
    refuse(codes::kInvalidSecurityToken, "saml:Issuer", "expected exactly one saml:Issuer");
  }
  if (tree::attribute(issuers.front(), "Format") != kX509SubjectName) {
    refuse(codes::kInvalidSecurityToken, "saml:Issuer",
           std::string("the Issuer Format must be ") + kX509SubjectName);
  }
  context.issuer = tree::text(issuers.front());
  if (!same_distinguished_name(context.issuer, signer.subject)) {
    refuse(codes::kFailedAuthentication, "saml:Issuer",
           "the Issuer '" + context.issuer.substr(0, 200) +
               "' is not the signing certificate's subject '" + signer.subject + "'");
  }
}

}  // namespace

std::optional<AccessContext> read_vihf(std::string_view envelope_bytes,
                                       const VihfOptions& options) {
  const auto now = options.at.value_or(std::chrono::system_clock::now());
  const auto document =
      signature::SignedXml::parse(envelope_bytes, options.xml_limits, "soap:Envelope");
  const xmlNode* security = security_header(document.doc());
  if (security == nullptr) return std::nullopt;
  xmlNode* assertion = the_assertion(security);
  if (assertion == nullptr) return std::nullopt;

  std::map<std::string, int> seen;
  std::string duplicate;
  collect_ids(xmlDocGetRootElement(document.doc()), seen, duplicate);
  if (!duplicate.empty()) {
    refuse(codes::kInvalidSecurity, "soap:Envelope",
           "the ID '" + duplicate.substr(0, 80) + "' appears more than once in the message");
  }

  if (tree::attribute(assertion, "Version") != "2.0") {
    refuse(codes::kInvalidSecurityToken, "saml:Assertion", "the assertion's Version must be 2.0");
  }
  AccessContext context;
  context.assertion_id = tree::attribute(assertion, "ID");
  if (context.assertion_id.empty()) {
    refuse(codes::kInvalidSecurityToken, "saml:Assertion", "the assertion has no ID");
  }
  xmlNode* signature = the_signature(assertion, context.assertion_id);
  const auto verified_signature =
      verified(document, assertion, signature, context.assertion_id, options, now);
  check_issuer(assertion, verified_signature.signer, context);
  check_validity(assertion, options, now, context);
  read_subject_and_attributes(assertion, context);
  return context;
}

}  // namespace passerelle::soap::wss
