#include "ebxml21_to_30.hpp"

#include <cctype>
#include <map>
#include <stdexcept>
#include <vector>

#include "passerelle/core/xml.hpp"

namespace passerelle::testing {
namespace {

constexpr const char* kXmlNs = "http://www.w3.org/XML/1998/namespace";

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string attribute_or(const xercesc::DOMElement& element, const char* name,
                         const std::string& fallback = "") {
  return xml::attribute(element, name).value_or(fallback);
}

void append_attribute(std::string& out, const char* name, const std::string& value) {
  out += ' ';
  out += name;
  out += "=\"";
  out += xml::escape(value);
  out += '"';
}

void append_optional_attribute(std::string& out, const xercesc::DOMElement& element,
                               const char* name) {
  if (const auto value = xml::attribute(element, name)) append_attribute(out, name, *value);
}

[[noreturn]] void unexpected(const xercesc::DOMElement& element, const std::string& where) {
  throw std::runtime_error("ebxml21_to_30: unexpected {" + xml::namespace_uri(element) + "}" +
                           xml::local_name(element) + " in " + where);
}

class Converter {
 public:
  explicit Converter(const Ebxml21Options& options) : options_(options) {}

  std::string convert(const xercesc::DOMElement& root) {
    if (!xml::is_element(root, kEbRs21, "SubmitObjectsRequest")) {
      unexpected(root, "document root (want rs:SubmitObjectsRequest, registry:xsd:2.1)");
    }
    std::string out =
        "<lcm:SubmitObjectsRequest xmlns:lcm=\"urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0\" "
        "xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\"><rim:RegistryObjectList>";
    for (const auto* list : xml::child_elements(root)) {
      if (!xml::is_element(*list, kEbRim21, "LeafRegistryObjectList")) {
        unexpected(*list, "rs:SubmitObjectsRequest");
      }
      for (const auto* object : xml::child_elements(*list)) {
        if (xml::namespace_uri(*object) != kEbRim21) unexpected(*object, "LeafRegistryObjectList");
        const auto kind = xml::local_name(*object);
        if (kind == "ObjectRef") continue;  // 3.0 registries know their own classification nodes
        if (kind == "ExtrinsicObject" || kind == "RegistryPackage" || kind == "Classification" ||
            kind == "Association" || kind == "ExternalIdentifier") {
          out += object_xml(*object, "");
        } else {
          unexpected(*object, "LeafRegistryObjectList");
        }
      }
    }
    return out + "</rim:RegistryObjectList></lcm:SubmitObjectsRequest>";
  }

 private:
  std::string generated_id() { return options_.generated_id_prefix + std::to_string(++next_id_); }

  std::string object_xml(const xercesc::DOMElement& element, const std::string& parent_id) {
    const auto kind = xml::local_name(element);
    const bool needs_generated_id =
        kind == "Classification" || kind == "ExternalIdentifier" || kind == "Association";
    std::string id = attribute_or(element, "id");
    if (id.empty()) {
      if (!needs_generated_id) unexpected(element, "a lot (ExtrinsicObject/RegistryPackage id)");
      id = generated_id();
    }

    std::string out = "<rim:" + kind;
    append_attribute(out, "id", id);
    append_optional_attribute(out, element, "lid");
    append_optional_attribute(out, element, "objectType");
    if (kind == "ExtrinsicObject") {
      append_optional_attribute(out, element, "mimeType");
      append_optional_attribute(out, element, "isOpaque");
    } else if (kind == "Classification") {
      std::string classified = attribute_or(element, "classifiedObject", parent_id);
      if (classified.empty())
        unexpected(element, "a lot (Classification without classifiedObject)");
      append_attribute(out, "classifiedObject", classified);
      append_optional_attribute(out, element, "classificationScheme");
      append_optional_attribute(out, element, "classificationNode");
      append_optional_attribute(out, element, "nodeRepresentation");
    } else if (kind == "ExternalIdentifier") {
      const std::string owner = attribute_or(element, "registryObject", parent_id);
      if (owner.empty()) unexpected(element, "a lot (ExternalIdentifier without registryObject)");
      const std::string scheme = attribute_or(element, "identificationScheme");
      std::string value = attribute_or(element, "value");
      if (options_.external_identifier_value) {
        value = options_.external_identifier_value(owner, scheme, value);
      }
      append_attribute(out, "registryObject", owner);
      append_attribute(out, "identificationScheme", scheme);
      append_attribute(out, "value", value);
    } else if (kind == "Association") {
      append_attribute(out, "associationType",
                       association_type_urn(attribute_or(element, "associationType")));
      append_optional_attribute(out, element, "sourceObject");
      append_optional_attribute(out, element, "targetObject");
    }
    out += '>';

    // ebRIM 3.0 order: Slot*, Name?, Description?, Classification*, ExternalIdentifier*.
    std::vector<const xercesc::DOMElement*> slots, names, descriptions, classifications,
        identifiers;
    for (const auto* child : xml::child_elements(element)) {
      if (xml::namespace_uri(*child) != kEbRim21) unexpected(*child, kind);
      const auto local = xml::local_name(*child);
      if (local == "Slot") {
        slots.push_back(child);
      } else if (local == "Name") {
        names.push_back(child);
      } else if (local == "Description") {
        descriptions.push_back(child);
      } else if (local == "Classification" && kind != "Classification") {
        classifications.push_back(child);
      } else if (local == "ExternalIdentifier" && kind != "ExternalIdentifier") {
        identifiers.push_back(child);
      } else {
        unexpected(*child, kind);
      }
    }
    if (names.size() > 1 || descriptions.size() > 1) unexpected(element, "a lot (two Names)");
    for (const auto* slot : slots) out += slot_xml(*slot, kind);
    for (const auto* name : names) out += international_string_xml(*name, "Name");
    for (const auto* description : descriptions) {
      out += international_string_xml(*description, "Description");
    }
    for (const auto* classification : classifications) out += object_xml(*classification, id);
    for (const auto* identifier : identifiers) out += object_xml(*identifier, id);
    return out + "</rim:" + kind + ">";
  }

  std::string slot_xml(const xercesc::DOMElement& slot, const std::string& owner_kind) {
    std::string name = attribute_or(slot, "name");
    if (owner_kind == "Association" && lower(name) == "submissionsetstatus") {
      name = "SubmissionSetStatus";
    }
    std::string out = "<rim:Slot";
    append_attribute(out, "name", name);
    append_optional_attribute(out, slot, "slotType");
    out += "><rim:ValueList>";
    for (const auto* list : xml::child_elements(slot)) {
      if (!xml::is_element(*list, kEbRim21, "ValueList")) unexpected(*list, "Slot " + name);
      for (const auto* value : xml::child_elements(*list)) {
        if (!xml::is_element(*value, kEbRim21, "Value")) unexpected(*value, "Slot " + name);
        out += "<rim:Value>" + xml::escape(xml::text_content(*value)) + "</rim:Value>";
      }
    }
    return out + "</rim:ValueList></rim:Slot>";
  }

  std::string international_string_xml(const xercesc::DOMElement& element, const char* tag) {
    std::string out = std::string("<rim:") + tag + ">";
    for (const auto* localized : xml::child_elements(element)) {
      if (!xml::is_element(*localized, kEbRim21, "LocalizedString")) unexpected(*localized, tag);
      out += "<rim:LocalizedString";
      if (const auto lang = xml::attribute(*localized, kXmlNs, "lang")) {
        append_attribute(out, "xml:lang", *lang);
      }
      append_optional_attribute(out, *localized, "charset");
      append_attribute(out, "value", attribute_or(*localized, "value"));
      out += "/>";
    }
    return out + "</rim:" + tag + ">";
  }

  const Ebxml21Options& options_;
  int next_id_ = 0;
};

}  // namespace

std::string association_type_urn(const std::string& type) {
  static const std::map<std::string, std::string> kUrns = {
      {"HasMember", "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember"},
      {"RPLC", "urn:ihe:iti:2007:AssociationType:RPLC"},
      {"XFRM", "urn:ihe:iti:2007:AssociationType:XFRM"},
      {"APND", "urn:ihe:iti:2007:AssociationType:APND"},
      {"XFRM_RPLC", "urn:ihe:iti:2007:AssociationType:XFRM_RPLC"},
      {"signs", "urn:ihe:iti:2007:AssociationType:signs"},
  };
  if (type.rfind("urn:", 0) == 0) return type;
  const auto found = kUrns.find(type);
  if (found == kUrns.end()) {
    throw std::runtime_error("ebxml21_to_30: unknown associationType '" + type + "'");
  }
  return found->second;
}

std::string ebxml21_to_30(std::string_view xml21, const Ebxml21Options& options) {
  const auto document = xml::parse(xml21, {}, "ebXML 2.1 metadata");
  return Converter(options).convert(document.root());
}

}  // namespace passerelle::testing
