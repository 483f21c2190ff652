// ebRIM model → XML text, in the element order of the ebRIM 3.0 schema.
// Kept extras come last in each element: the schema has no place for them,
// so their exact position cannot matter to a reader of the model.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"

namespace passerelle::registry {
namespace {

class Writer {
 public:
  std::string take() { return std::move(out_); }

  void request(const SubmitObjectsRequest& request) {
    out_ += "<lcm:SubmitObjectsRequest xmlns:lcm=\"";
    out_ += ns::kLcm;
    out_ += "\" xmlns:rim=\"";
    out_ += ns::kRim;
    out_ += "\" xmlns:rs=\"";
    out_ += ns::kRs;
    out_ += "\">";
    if (!request.request_slots.empty()) {
      out_ += "<rs:RequestSlotList>";
      for (const Slot& s : request.request_slots) slot(s);
      out_ += "</rs:RequestSlotList>";
    }
    out_ += "<rim:RegistryObjectList>";
    for (const RegistryObject& o : request.objects) object(o, false);
    out_ += "</rim:RegistryObjectList></lcm:SubmitObjectsRequest>";
  }

  void object(const RegistryObject& o, bool declare_namespace) {
    const std::string tag =
        "rim:" + (o.element_name.empty() ? default_name(o.kind) : o.element_name);
    out_ += "<" + tag;
    if (declare_namespace) attribute("xmlns:rim", ns::kRim);
    attribute("id", o.id);
    optional_attribute("lid", o.lid);
    optional_attribute("objectType", o.object_type);
    optional_attribute("status", o.status);
    optional_attribute("home", o.home);
    switch (o.kind) {
      case ObjectKind::ExtrinsicObject:
        optional_attribute("mimeType", o.mime_type);
        if (o.is_opaque) attribute("isOpaque", *o.is_opaque ? "true" : "false");
        break;
      case ObjectKind::Association:
        attribute("associationType", o.association_type);
        attribute("sourceObject", o.source_object);
        attribute("targetObject", o.target_object);
        break;
      case ObjectKind::Classification:
        if (o.classification) {
          optional_attribute("classificationScheme", o.classification->classification_scheme);
          optional_attribute("classificationNode", o.classification->classification_node);
          attribute("classifiedObject", o.classification->classified_object);
          optional_attribute("nodeRepresentation", o.classification->node_representation);
        }
        break;
      case ObjectKind::RegistryPackage:
      case ObjectKind::Other:
        break;
    }
    extra_attributes(o.extras);
    out_ += ">";
    for (const Slot& s : o.slots) slot(s);
    international_string("Name", o.name);
    international_string("Description", o.description);
    if (o.version_name) {
      out_ += "<rim:VersionInfo";
      optional_attribute("versionName", *o.version_name);
      out_ += "/>";
    }
    for (const Classification& c : o.classifications) classification(c);
    for (const ExternalIdentifier& e : o.external_identifiers) external_identifier(e);
    extra_elements(o.extras);
    out_ += "</" + tag + ">";
  }

 private:
  static std::string default_name(ObjectKind kind) {
    switch (kind) {
      case ObjectKind::ExtrinsicObject:
        return "ExtrinsicObject";
      case ObjectKind::RegistryPackage:
        return "RegistryPackage";
      case ObjectKind::Association:
        return "Association";
      case ObjectKind::Classification:
        return "Classification";
      case ObjectKind::Other:
        break;
    }
    return "RegistryObject";
  }

  // Tab and newline must be character references in attribute values, or
  // the reader's attribute-value normalisation turns them into spaces.
  void attribute(std::string_view name, std::string_view value) {
    out_ += " ";
    out_ += name;
    out_ += "=\"";
    for (const char c : xml::escape(value)) {
      if (c == '\n') {
        out_ += "&#xA;";
      } else if (c == '\t') {
        out_ += "&#x9;";
      } else {
        out_.push_back(c);
      }
    }
    out_ += "\"";
  }

  void optional_attribute(std::string_view name, std::string_view value) {
    if (!value.empty()) attribute(name, value);
  }

  void extra_attributes(const Extras& extras) {
    for (const auto& [name, value] : extras.attributes) attribute(name, value);
  }

  void extra_elements(const Extras& extras) {
    for (const std::string& element : extras.elements) out_ += element;
  }

  void slot(const Slot& s) {
    out_ += "<rim:Slot";
    attribute("name", s.name);
    optional_attribute("slotType", s.slot_type);
    out_ += "><rim:ValueList>";
    for (const std::string& value : s.values) {
      out_ += "<rim:Value>" + xml::escape(value) + "</rim:Value>";
    }
    out_ += "</rim:ValueList></rim:Slot>";
  }

  void international_string(std::string_view element, const std::vector<LocalizedString>& strings) {
    if (strings.empty()) return;
    out_ += "<rim:";
    out_ += element;
    out_ += ">";
    for (const LocalizedString& s : strings) {
      out_ += "<rim:LocalizedString";
      optional_attribute("xml:lang", s.lang);
      optional_attribute("charset", s.charset);
      attribute("value", s.value);
      out_ += "/>";
    }
    out_ += "</rim:";
    out_ += element;
    out_ += ">";
  }

  void classification(const Classification& c) {
    out_ += "<rim:Classification";
    optional_attribute("id", c.id);
    optional_attribute("classificationScheme", c.classification_scheme);
    optional_attribute("classificationNode", c.classification_node);
    attribute("classifiedObject", c.classified_object);
    attribute("nodeRepresentation", c.node_representation);
    optional_attribute("objectType", c.object_type);
    extra_attributes(c.extras);
    out_ += ">";
    for (const Slot& s : c.slots) slot(s);
    international_string("Name", c.name);
    international_string("Description", c.description);
    extra_elements(c.extras);
    out_ += "</rim:Classification>";
  }

  void external_identifier(const ExternalIdentifier& e) {
    out_ += "<rim:ExternalIdentifier";
    optional_attribute("id", e.id);
    attribute("identificationScheme", e.identification_scheme);
    attribute("registryObject", e.registry_object);
    attribute("value", e.value);
    optional_attribute("objectType", e.object_type);
    extra_attributes(e.extras);
    out_ += ">";
    for (const Slot& s : e.slots) slot(s);
    international_string("Name", e.name);
    international_string("Description", e.description);
    extra_elements(e.extras);
    out_ += "</rim:ExternalIdentifier>";
  }

  std::string out_;
};

}  // namespace

std::string serialize(const SubmitObjectsRequest& request) {
  Writer writer;
  writer.request(request);
  return writer.take();
}

std::string serialize(const RegistryObject& object) {
  Writer writer;
  writer.object(object, true);
  return writer.take();
}

}  // namespace passerelle::registry
