// DOM → ebRIM model. Everything the model has no field for is kept in
// Extras so that serialize() can give it back unchanged.

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <xercesc/dom/DOM.hpp>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace passerelle::registry {
namespace {

using xercesc::DOMElement;
using xercesc::DOMNode;

constexpr std::string_view kXmlnsNs = "http://www.w3.org/2000/xmlns/";
constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";

[[noreturn]] void fail(const std::string& location, const std::string& message) {
  throw Failure(xds_codes::kRegistryMetadataError, location, message);
}

std::string attr_or_empty(const DOMElement& element, std::string_view name) {
  return xml::attribute(element, name).value_or("");
}

bool is_rim(const DOMElement& element, std::string_view local) {
  return xml::is_element(element, ns::kRim, local);
}

template <std::size_t N>
bool is_known(std::string_view name, const std::array<std::string_view, N>& known) {
  return std::find(known.begin(), known.end(), name) != known.end();
}

// Unprefixed attributes named in `known` are the model's; every other
// attribute is kept. A kept namespaced attribute carries its xmlns
// declaration with it, since the prefix may have been declared on an
// ancestor that serialize() will not reproduce. Declarations themselves are
// dropped otherwise: they describe the sender's document, not the object.
template <std::size_t N>
void collect_extra_attributes(const DOMElement& element,
                              const std::array<std::string_view, N>& known, Extras& extras) {
  const xercesc::DOMNamedNodeMap* attrs = element.getAttributes();
  const XMLSize_t count = attrs != nullptr ? attrs->getLength() : 0;
  for (XMLSize_t i = 0; i < count; ++i) {
    const DOMNode& attr = *attrs->item(i);
    const std::string ns = xml::namespace_uri(attr);
    if (ns == kXmlnsNs) continue;
    const std::string qname = xml::utf8(attr.getNodeName());
    if (ns.empty() && is_known(qname, known)) continue;
    if (!ns.empty() && ns != kXmlNs) {
      const std::string prefix = xml::utf8(attr.getPrefix());
      const std::string declaration = "xmlns:" + prefix;
      const bool declared =
          std::any_of(extras.attributes.begin(), extras.attributes.end(),
                      [&](const auto& entry) { return entry.first == declaration; });
      if (!declared) extras.attributes.emplace_back(declaration, ns);
    }
    extras.attributes.emplace_back(qname, xml::utf8(attr.getNodeValue()));
  }
}

// Serializes an unknown child as if it stood alone: only the namespaces it
// declares or uses, not every declaration of the sender's envelope. That
// makes the text independent of where the element was found, so a second
// parse of our own output yields the same string.
std::string detached_xml(const DOMElement& element) {
  static constexpr XMLCh kCore[] = {u'C', u'o', u'r', u'e', 0};
  xercesc::DOMImplementation* impl =
      xercesc::DOMImplementationRegistry::getDOMImplementation(kCore);
  std::unique_ptr<xercesc::DOMDocument, xml::DocumentRelease> doc(impl->createDocument());
  DOMNode* copy = doc->importNode(&element, true);
  doc->appendChild(copy);
  return xml::serialize(*copy);
}

void keep_element(const DOMElement& element, Extras& extras) {
  extras.elements.push_back(detached_xml(element));
}

std::vector<LocalizedString> parse_international_string(const DOMElement& element,
                                                        const std::string& location) {
  std::vector<LocalizedString> out;
  for (const DOMElement* child : xml::child_elements(element, ns::kRim, "LocalizedString")) {
    const std::optional<std::string> value = xml::attribute(*child, "value");
    if (!value) {
      fail(location,
           "rim:" + xml::local_name(element) + "/rim:LocalizedString has no value attribute");
    }
    out.push_back(LocalizedString{*value, xml::attribute(*child, kXmlNs, "lang").value_or(""),
                                  attr_or_empty(*child, "charset")});
  }
  return out;
}

void append(std::vector<LocalizedString>& to, std::vector<LocalizedString> from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

Slot parse_slot(const DOMElement& element, const std::string& location) {
  Slot slot;
  const std::optional<std::string> name = xml::attribute(element, "name");
  if (!name || name->empty()) fail(location, "rim:Slot has no name attribute");
  slot.name = *name;
  slot.slot_type = attr_or_empty(element, "slotType");
  for (const DOMElement* list : xml::child_elements(element, ns::kRim, "ValueList")) {
    for (const DOMElement* value : xml::child_elements(*list, ns::kRim, "Value")) {
      slot.values.push_back(xml::text_content(*value));
    }
  }
  return slot;
}

// The id of the element at fault when it has one, else of its owner.
std::string location_of(const std::string& own_id, const std::string& owner_location) {
  return own_id.empty() ? owner_location : own_id;
}

// Name, Description and Slot children shared by every rim object; returns
// false for any other child so the caller can look at it.
struct Common {
  std::vector<LocalizedString>* name;
  std::vector<LocalizedString>* description;
  std::vector<Slot>* slots;
};

bool parse_common_child(const DOMElement& child, const std::string& location, Common common) {
  if (is_rim(child, "Slot")) {
    common.slots->push_back(parse_slot(child, location));
  } else if (is_rim(child, "Name")) {
    append(*common.name, parse_international_string(child, location));
  } else if (is_rim(child, "Description")) {
    append(*common.description, parse_international_string(child, location));
  } else {
    return false;
  }
  return true;
}

constexpr std::array<std::string_view, 6> kClassificationAttributes = {"id",
                                                                       "classificationScheme",
                                                                       "classificationNode",
                                                                       "classifiedObject",
                                                                       "nodeRepresentation",
                                                                       "objectType"};

Classification parse_classification(const DOMElement& element, const std::string& owner_location) {
  Classification c;
  c.id = attr_or_empty(element, "id");
  const std::string location = location_of(c.id, owner_location);
  c.classification_scheme = attr_or_empty(element, "classificationScheme");
  c.classification_node = attr_or_empty(element, "classificationNode");
  c.classified_object = attr_or_empty(element, "classifiedObject");
  c.node_representation = attr_or_empty(element, "nodeRepresentation");
  c.object_type = attr_or_empty(element, "objectType");
  if (c.classified_object.empty()) fail(location, "rim:Classification has no classifiedObject");
  if (c.classification_scheme.empty() && c.classification_node.empty()) {
    fail(location, "rim:Classification has neither classificationScheme nor classificationNode");
  }
  collect_extra_attributes(element, kClassificationAttributes, c.extras);
  for (const DOMElement* child : xml::child_elements(element)) {
    if (!parse_common_child(*child, location, {&c.name, &c.description, &c.slots})) {
      keep_element(*child, c.extras);
    }
  }
  return c;
}

constexpr std::array<std::string_view, 5> kExternalIdentifierAttributes = {
    "id", "identificationScheme", "registryObject", "value", "objectType"};

ExternalIdentifier parse_external_identifier(const DOMElement& element,
                                             const std::string& owner_location) {
  ExternalIdentifier e;
  e.id = attr_or_empty(element, "id");
  const std::string location = location_of(e.id, owner_location);
  e.identification_scheme = attr_or_empty(element, "identificationScheme");
  e.registry_object = attr_or_empty(element, "registryObject");
  const std::optional<std::string> value = xml::attribute(element, "value");
  e.object_type = attr_or_empty(element, "objectType");
  if (e.identification_scheme.empty()) {
    fail(location, "rim:ExternalIdentifier has no identificationScheme");
  }
  if (e.registry_object.empty()) fail(location, "rim:ExternalIdentifier has no registryObject");
  if (!value) fail(location, "rim:ExternalIdentifier has no value");
  e.value = *value;
  collect_extra_attributes(element, kExternalIdentifierAttributes, e.extras);
  for (const DOMElement* child : xml::child_elements(element)) {
    if (!parse_common_child(*child, location, {&e.name, &e.description, &e.slots})) {
      keep_element(*child, e.extras);
    }
  }
  return e;
}

ObjectKind kind_of(const std::string& local) {
  if (local == "ExtrinsicObject") return ObjectKind::ExtrinsicObject;
  if (local == "RegistryPackage") return ObjectKind::RegistryPackage;
  if (local == "Association") return ObjectKind::Association;
  if (local == "Classification") return ObjectKind::Classification;
  return ObjectKind::Other;
}

constexpr std::array<std::string_view, 5> kObjectAttributes = {"id", "lid", "objectType", "status",
                                                               "home"};
constexpr std::array<std::string_view, 7> kExtrinsicAttributes = {
    "id", "lid", "objectType", "status", "home", "mimeType", "isOpaque"};
constexpr std::array<std::string_view, 8> kAssociationAttributes = {
    "id", "lid", "objectType", "status", "home", "associationType", "sourceObject", "targetObject"};
constexpr std::array<std::string_view, 9> kTopClassificationAttributes = {"id",
                                                                          "lid",
                                                                          "objectType",
                                                                          "status",
                                                                          "home",
                                                                          "classificationScheme",
                                                                          "classificationNode",
                                                                          "classifiedObject",
                                                                          "nodeRepresentation"};

std::string required(const DOMElement& element, std::string_view name, const RegistryObject& o) {
  std::string value = attr_or_empty(element, name);
  if (value.empty()) fail(o.id, "rim:" + o.element_name + " has no " + std::string(name));
  return value;
}

void parse_kind_attributes(const DOMElement& element, RegistryObject& o) {
  switch (o.kind) {
    case ObjectKind::ExtrinsicObject: {
      o.mime_type = attr_or_empty(element, "mimeType");
      if (const auto opaque = xml::attribute(element, "isOpaque")) {
        if (*opaque == "true" || *opaque == "1") {
          o.is_opaque = true;
        } else if (*opaque == "false" || *opaque == "0") {
          o.is_opaque = false;
        } else {
          fail(o.id, "rim:ExtrinsicObject isOpaque '" + *opaque + "' is not a boolean");
        }
      }
      collect_extra_attributes(element, kExtrinsicAttributes, o.extras);
      break;
    }
    case ObjectKind::Association:
      o.association_type = required(element, "associationType", o);
      o.source_object = required(element, "sourceObject", o);
      o.target_object = required(element, "targetObject", o);
      collect_extra_attributes(element, kAssociationAttributes, o.extras);
      break;
    case ObjectKind::Classification: {
      Classification c;
      c.id = o.id;
      c.object_type = o.object_type;
      c.classification_scheme = attr_or_empty(element, "classificationScheme");
      c.classification_node = attr_or_empty(element, "classificationNode");
      c.classified_object = required(element, "classifiedObject", o);
      c.node_representation = attr_or_empty(element, "nodeRepresentation");
      if (c.classification_scheme.empty() && c.classification_node.empty()) {
        fail(o.id, "rim:Classification has neither classificationScheme nor classificationNode");
      }
      o.classification = std::move(c);
      collect_extra_attributes(element, kTopClassificationAttributes, o.extras);
      break;
    }
    case ObjectKind::RegistryPackage:
    case ObjectKind::Other:
      collect_extra_attributes(element, kObjectAttributes, o.extras);
      break;
  }
}

RegistryObject parse_object(const DOMElement& element) {
  RegistryObject o;
  o.element_name = xml::local_name(element);
  if (xml::namespace_uri(element) != ns::kRim) {
    fail(o.element_name,
         "element " + o.element_name + " in rim:RegistryObjectList is not in the ebRIM namespace");
  }
  o.kind = kind_of(o.element_name);
  o.id = attr_or_empty(element, "id");
  if (o.id.empty()) fail(o.element_name, "rim:" + o.element_name + " has no id attribute");
  o.lid = attr_or_empty(element, "lid");
  o.object_type = attr_or_empty(element, "objectType");
  o.status = attr_or_empty(element, "status");
  o.home = attr_or_empty(element, "home");
  parse_kind_attributes(element, o);

  for (const DOMElement* child : xml::child_elements(element)) {
    if (parse_common_child(*child, o.id, {&o.name, &o.description, &o.slots})) continue;
    if (is_rim(*child, "Classification")) {
      o.classifications.push_back(parse_classification(*child, o.id));
    } else if (is_rim(*child, "ExternalIdentifier")) {
      o.external_identifiers.push_back(parse_external_identifier(*child, o.id));
    } else if (is_rim(*child, "VersionInfo") && !o.version_name) {
      o.version_name = attr_or_empty(*child, "versionName");
    } else {
      keep_element(*child, o.extras);
    }
  }
  if (o.classification) {
    o.classification->name = o.name;
    o.classification->description = o.description;
    o.classification->slots = o.slots;
  }
  return o;
}

}  // namespace

const Slot* RegistryObject::slot(std::string_view slot_name) const {
  for (const Slot& s : slots) {
    if (s.name == slot_name) return &s;
  }
  return nullptr;
}

SubmitObjectsRequest parse_submit_objects(const DOMElement& request) {
  if (!xml::is_element(request, ns::kLcm, "SubmitObjectsRequest")) {
    fail(xml::local_name(request), "expected lcm:SubmitObjectsRequest, found " +
                                       xml::local_name(request) + " in namespace '" +
                                       xml::namespace_uri(request) + "'");
  }
  SubmitObjectsRequest out;
  const DOMElement* list = nullptr;
  for (const DOMElement* child : xml::child_elements(request)) {
    if (xml::is_element(*child, ns::kRs, "RequestSlotList")) {
      for (const DOMElement* slot : xml::child_elements(*child, ns::kRim, "Slot")) {
        out.request_slots.push_back(parse_slot(*slot, "SubmitObjectsRequest"));
      }
    } else if (is_rim(*child, "Slot")) {
      out.request_slots.push_back(parse_slot(*child, "SubmitObjectsRequest"));
    } else if (is_rim(*child, "RegistryObjectList")) {
      if (list != nullptr) fail("SubmitObjectsRequest", "more than one rim:RegistryObjectList");
      list = child;
    }
  }
  if (list == nullptr) {
    fail("SubmitObjectsRequest", "lcm:SubmitObjectsRequest has no rim:RegistryObjectList");
  }
  for (const DOMElement* child : xml::child_elements(*list)) {
    out.objects.push_back(parse_object(*child));
  }
  return out;
}

}  // namespace passerelle::registry
