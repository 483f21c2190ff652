#include "passerelle/conformance/ebxml21_to_30.hpp"

#include <cctype>
#include <map>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"

namespace passerelle::conformance {
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
  throw Failure(kUnsupportedConstruct, where,
                "unexpected {" + xml::namespace_uri(element) + "}" + xml::local_name(element) +
                    " in " + where);
}

class Converter {
 public:
  explicit Converter(const Ebxml21Options& options) : options_(options) {}

  std::string convert(const xercesc::DOMElement& root) {
    const xercesc::DOMElement* request = &root;
    if (xml::local_name(root) == "ProvideAndRegisterDocumentSetRequest") {
      request = xml::first_child_element(root, kEbLcm30, "SubmitObjectsRequest");
      if (request == nullptr) unexpected(root, "document root (no lcm:SubmitObjectsRequest)");
    }
    if (xml::is_element(*request, kEbRs21, "SubmitObjectsRequest")) {
      rim_ = kEbRim21;
    } else if (xml::is_element(*request, kEbLcm30, "SubmitObjectsRequest")) {
      rim_ = kEbRim30;
    } else {
      unexpected(*request, "document root (want a SubmitObjectsRequest, 2.1 or 3.0)");
    }
    std::string out =
        "<lcm:SubmitObjectsRequest xmlns:lcm=\"urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0\" "
        "xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\"><rim:RegistryObjectList>";
    const std::string list_name =
        rim_ == kEbRim21 ? "LeafRegistryObjectList" : "RegistryObjectList";
    for (const auto* list : xml::child_elements(*request)) {
      if (!xml::is_element(*list, rim_, list_name)) unexpected(*list, "SubmitObjectsRequest");
      for (const auto* object : xml::child_elements(*list)) {
        if (xml::namespace_uri(*object) != rim_) unexpected(*object, list_name);
        const auto kind = xml::local_name(*object);
        if (kind == "ObjectRef") continue;  // a 3.0 registry knows its own objects
        if (kind == "ExtrinsicObject" || kind == "RegistryPackage" || kind == "Classification" ||
            kind == "Association" || kind == "ExternalIdentifier") {
          out += object_xml(*object, "");
        } else {
          unexpected(*object, list_name);
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
    // A nested Classification or ExternalIdentifier is never referred to, and
    // the testkit reuses their ids across objects (id_1 in two documents):
    // each gets an id of its own.
    if (!parent_id.empty() && (kind == "Classification" || kind == "ExternalIdentifier")) {
      id.clear();
    }
    if (id.empty()) {
      if (!needs_generated_id) unexpected(element, "a lot (ExtrinsicObject/RegistryPackage id)");
      id = generated_id();
    }

    // Children name their parent by its id as found (callers key their
    // bookkeeping on it); every id is mapped only when written.
    std::string out = "<rim:" + kind;
    append_attribute(out, "id", mapped(id));
    if (const auto lid = xml::attribute(element, "lid")) append_attribute(out, "lid", mapped(*lid));
    append_optional_attribute(out, element, "objectType");
    if (kind == "ExtrinsicObject") {
      append_optional_attribute(out, element, "mimeType");
      append_optional_attribute(out, element, "isOpaque");
    } else if (kind == "Classification") {
      std::string classified = attribute_or(element, "classifiedObject", parent_id);
      if (classified.empty())
        unexpected(element, "a lot (Classification without classifiedObject)");
      append_attribute(out, "classifiedObject", mapped(classified));
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
      append_attribute(out, "registryObject", mapped(owner));
      append_attribute(out, "identificationScheme", scheme);
      append_attribute(out, "value", value);
    } else if (kind == "Association") {
      append_attribute(out, "associationType",
                       association_type_urn(attribute_or(element, "associationType")));
      for (const char* end : {"sourceObject", "targetObject"}) {
        if (const auto value = xml::attribute(element, end))
          append_attribute(out, end, mapped(*value));
      }
    }
    out += '>';

    // ebRIM 3.0 order: Slot*, Name?, Description?, VersionInfo?, Classification*,
    // ExternalIdentifier*.
    std::vector<const xercesc::DOMElement*> slots, names, descriptions, versions, classifications,
        identifiers;
    for (const auto* child : xml::child_elements(element)) {
      if (xml::namespace_uri(*child) != rim_) unexpected(*child, kind);
      const auto local = xml::local_name(*child);
      if (local == "Slot") {
        slots.push_back(child);
      } else if (local == "Name") {
        names.push_back(child);
      } else if (local == "Description") {
        descriptions.push_back(child);
      } else if (local == "VersionInfo") {
        versions.push_back(child);
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
    for (const auto* version : versions) {
      out += "<rim:VersionInfo";
      append_optional_attribute(out, *version, "versionName");
      out += "/>";
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
      if (!xml::is_element(*list, rim_, "ValueList")) unexpected(*list, "Slot " + name);
      for (const auto* value : xml::child_elements(*list)) {
        if (!xml::is_element(*value, rim_, "Value")) unexpected(*value, "Slot " + name);
        out += "<rim:Value>" + xml::escape(xml::text_content(*value)) + "</rim:Value>";
      }
    }
    return out + "</rim:ValueList></rim:Slot>";
  }

  std::string international_string_xml(const xercesc::DOMElement& element, const char* tag) {
    std::string out = std::string("<rim:") + tag + ">";
    for (const auto* localized : xml::child_elements(element)) {
      if (!xml::is_element(*localized, rim_, "LocalizedString")) unexpected(*localized, tag);
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

  std::string mapped(const std::string& id) const {
    return options_.object_id ? options_.object_id(id) : id;
  }

  const Ebxml21Options& options_;
  std::string_view rim_ = kEbRim21;
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
    throw Failure(kUnsupportedConstruct, "Association", "unknown associationType '" + type + "'");
  }
  return found->second;
}

std::string ebxml21_to_30(std::string_view xml, const Ebxml21Options& options) {
  const auto document = xml::parse(xml, {}, "submission metadata");
  return Converter(options).convert(document.root());
}

}  // namespace passerelle::conformance
