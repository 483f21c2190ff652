// A subset's METADATA.XML into the ebRIM model, through the hardened
// parser. Older XDM media (ITI TF-3 before ebRIM 3.0, e.g. the NIST
// sample) carry an ebXML RIM 2.1 rs:SubmitObjectsRequest: the objects are
// the same, so its elements are renamed into the 3.0 namespaces and its
// 2.1 shorthands (short association types, ExternalIdentifier without
// registryObject, top-level Classification or Association without id) are
// spelled out, and its ObjectRef declarations dropped, before the ordinary
// 3.0 reader runs.

#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "xdm/read_steps.hpp"

namespace passerelle::registry::xdm::detail {
namespace {

constexpr std::string_view kRim21 = "urn:oasis:names:tc:ebxml-regrep:rim:xsd:2.1";
constexpr std::string_view kRs21 = "urn:oasis:names:tc:ebxml-regrep:registry:xsd:2.1";

void descendants(xercesc::DOMElement& element, std::vector<xercesc::DOMElement*>& out) {
  for (xercesc::DOMElement* child : xml::child_elements(element)) {
    out.push_back(child);
    descendants(*child, out);
  }
}

void set_attribute(xercesc::DOMElement& element, std::string_view name, std::string_view value) {
  element.setAttribute(xml::xmlch(name).c_str(), xml::xmlch(value).c_str());
}

// 2.1 lists an ObjectRef for every classification scheme the objects use:
// declarations, not objects to register, and ebRIM 3.0 needs none, so they
// go. ebRIM 3.0 wants an id on every top-level object; 2.1 media often
// leave it off Classifications and Associations. The generated id is
// symbolic, as a submitter's own would be.
void prepare_objects(xercesc::DOMElement& list) {
  std::size_t number = 0;
  for (xercesc::DOMElement* object : xml::child_elements(list)) {
    ++number;
    if (xml::local_name(*object) == "ObjectRef") {
      list.removeChild(object)->release();
      continue;
    }
    if (xml::attribute(*object, "id").value_or("").empty()) {
      set_attribute(*object, "id",
                    "rim21-" + xml::local_name(*object) + "-" + std::to_string(number));
    }
  }
}

std::string full_association_type(const std::string& type) {
  if (type.find(':') != std::string::npos) return type;
  if (type == "HasMember") return vocab::kHasMember;
  return "urn:ihe:iti:2007:AssociationType:" + type;
}

void upgrade_rim21(xercesc::DOMDocument& document, xercesc::DOMElement& root) {
  for (xercesc::DOMElement* list : xml::child_elements(root, kRim21, "LeafRegistryObjectList")) {
    prepare_objects(*list);
  }
  std::vector<xercesc::DOMElement*> elements;
  descendants(root, elements);
  document.renameNode(&root, xml::xmlch(ns::kLcm).c_str(),
                      xml::xmlch("lcm:SubmitObjectsRequest").c_str());
  for (xercesc::DOMElement* element : elements) {
    const std::string space = xml::namespace_uri(*element);
    if (space != kRim21 && space != kRs21) continue;
    std::string local = xml::local_name(*element);
    if (local == "LeafRegistryObjectList") local = "RegistryObjectList";
    if (local == "Association") {
      if (const auto type = xml::attribute(*element, "associationType")) {
        set_attribute(*element, "associationType", full_association_type(*type));
      }
    }
    if (local == "ExternalIdentifier" && !xml::attribute(*element, "registryObject")) {
      const auto* owner = dynamic_cast<const xercesc::DOMElement*>(element->getParentNode());
      if (owner != nullptr) {
        set_attribute(*element, "registryObject", xml::attribute(*owner, "id").value_or(""));
      }
    }
    document.renameNode(element, xml::xmlch(ns::kRim).c_str(), xml::xmlch("rim:" + local).c_str());
  }
}

const xercesc::DOMElement* request_element(xml::Document& document) {
  xercesc::DOMElement& root = document.root();
  if (xml::is_element(root, ns::kLcm, "SubmitObjectsRequest")) return &root;
  if (xml::is_element(root, kRs21, "SubmitObjectsRequest")) {
    upgrade_rim21(document.dom(), root);
    return &document.root();  // renameNode may replace a node rather than rename it
  }
  if (xml::is_element(root, ns::kXdsb, "ProvideAndRegisterDocumentSetRequest")) {
    return xml::first_child_element(root, ns::kLcm, "SubmitObjectsRequest");
  }
  return nullptr;
}

}  // namespace

SubmitObjectsRequest parse_metadata(std::string_view bytes, const std::string& location) {
  try {
    xml::Document document = xml::parse(bytes, {}, location);
    const xercesc::DOMElement* request = request_element(document);
    if (request == nullptr) {
      throw Failure(codes::kBadMetadata, location,
                    "root element is {" + xml::namespace_uri(document.root()) + "}" +
                        xml::local_name(document.root()) + ", not an lcm:SubmitObjectsRequest");
    }
    return parse_submit_objects(*request);
  } catch (const Failure& failure) {
    const Error& error = failure.error();
    if (error.code == codes::kBadMetadata) throw;
    throw Failure(
        codes::kBadMetadata, location,
        "not an ebRIM SubmitObjectsRequest: " + error.code +
            (error.location.empty() || error.location == location ? "" : " at " + error.location) +
            ": " + error.message);
  }
}

}  // namespace passerelle::registry::xdm::detail
