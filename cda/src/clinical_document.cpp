#include "passerelle/cda/clinical_document.hpp"

#include "passerelle/core/xml.hpp"

namespace passerelle::cda {
namespace {

constexpr std::string_view kXsl = "http://www.w3.org/1999/XSL/Transform";
constexpr std::string_view kDs = "http://www.w3.org/2000/09/xmldsig#";

// First hl7:ClinicalDocument below `element`, depth first, document order.
xercesc::DOMElement* find_below(const xercesc::DOMElement& element) {
  for (auto* child : xml::child_elements(element)) {
    if (xml::is_element(*child, kHl7Namespace, "ClinicalDocument")) return child;
    if (auto* found = find_below(*child)) return found;
  }
  return nullptr;
}

}  // namespace

std::variant<LocatedDocument, Finding> locate_clinical_document(xercesc::DOMElement& root) {
  if (xml::is_element(root, kHl7Namespace, "ClinicalDocument")) {
    return LocatedDocument{&root, Envelope::Plain};
  }
  Envelope envelope;
  if (xml::is_element(root, kDs, "Signature")) {
    envelope = Envelope::Signature;
  } else if (xml::is_element(root, kXsl, "stylesheet") ||
             xml::is_element(root, kXsl, "transform")) {
    envelope = Envelope::Stylesheet;
  } else {
    return Finding{"R-CDA-LOCATE", Severity::Error, "/" + xml::local_name(root),
                   "root element {" + xml::namespace_uri(root) + "}" + xml::local_name(root) +
                       " is neither hl7:ClinicalDocument, ds:Signature nor xsl:stylesheet"};
  }
  if (auto* found = find_below(root)) return LocatedDocument{found, envelope};
  return Finding{
      "R-CDA-LOCATE", Severity::Error, "/" + xml::local_name(root),
      "no hl7:ClinicalDocument inside the " +
          std::string(envelope == Envelope::Signature ? "ds:Signature" : "xsl:stylesheet")};
}

}  // namespace passerelle::cda
