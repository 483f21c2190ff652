#pragma once

// Locates the hl7:ClinicalDocument element in a parsed document. Three shapes
// occur in the DMP: the plain CDA (root element), a CDA wrapped in an
// enveloping ds:Signature (ds:Signature/ds:Object/hl7:ClinicalDocument), and a
// "self-presenting" CDA (an xsl:stylesheet whose body carries the
// ClinicalDocument somewhere below its root).

#include <variant>
#include <xercesc/dom/DOM.hpp>

#include "passerelle/cda/finding.hpp"

namespace passerelle::cda {

inline constexpr const char* kHl7Namespace = "urn:hl7-org:v3";

enum class Envelope { Plain, Signature, Stylesheet };

struct LocatedDocument {
  xercesc::DOMElement* element = nullptr;  // the hl7:ClinicalDocument, owned by the DOM
  Envelope envelope = Envelope::Plain;
};

// Returns the ClinicalDocument, or a Finding (rule "R-CDA-LOCATE", error)
// when none can be found or the root is not one of the three shapes.
std::variant<LocatedDocument, Finding> locate_clinical_document(xercesc::DOMElement& root);

}  // namespace passerelle::cda
