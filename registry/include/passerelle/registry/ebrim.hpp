#pragma once

// ebRIM 3.0 objects of an lcm:SubmitObjectsRequest, as plain values.
// Parsing and serializing are lossless for everything XDS.b defines, and
// keep what it does not (extra slots, unknown classifications, unknown
// attributes and child elements) so that it round-trips.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/core/xml.hpp"

namespace passerelle::registry {

namespace ns {
inline constexpr const char* kRim = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";
inline constexpr const char* kLcm = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0";
inline constexpr const char* kRs = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0";
inline constexpr const char* kQuery = "urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0";
inline constexpr const char* kXdsb = "urn:ihe:iti:xds-b:2007";
}  // namespace ns

struct LocalizedString {
  std::string value;
  std::string lang;     // xml:lang, "" when absent
  std::string charset;  // "" when absent
  bool operator==(const LocalizedString&) const = default;
};

struct Slot {
  std::string name;
  std::string slot_type;  // "" when absent
  std::vector<std::string> values;
  bool operator==(const Slot&) const = default;
};

// Attributes and child elements the model does not know, kept verbatim.
struct Extras {
  std::vector<std::pair<std::string, std::string>> attributes;  // qualified name → value
  std::vector<std::string> elements;                            // serialized XML
  bool operator==(const Extras&) const = default;
};

struct Classification {
  std::string id;
  std::string classification_scheme;  // "" for a node classification
  std::string classification_node;    // "" for an external classification
  std::string classified_object;
  std::string node_representation;
  std::string object_type;  // "" when absent
  std::vector<LocalizedString> name;
  std::vector<LocalizedString> description;
  std::vector<Slot> slots;
  Extras extras;
  bool operator==(const Classification&) const = default;
};

struct ExternalIdentifier {
  std::string id;
  std::string identification_scheme;
  std::string registry_object;
  std::string value;
  std::string object_type;  // "" when absent
  std::vector<LocalizedString> name;
  std::vector<LocalizedString> description;
  std::vector<Slot> slots;
  Extras extras;
  bool operator==(const ExternalIdentifier&) const = default;
};

enum class ObjectKind { ExtrinsicObject, RegistryPackage, Association, Classification, Other };

// One top-level object of the RegistryObjectList. Fields that do not apply
// to a kind stay empty.
struct RegistryObject {
  ObjectKind kind = ObjectKind::Other;
  std::string element_name;  // local name as sent, e.g. "ExtrinsicObject"
  std::string id;
  std::string lid;                          // "" when absent
  std::string object_type;                  // "" when absent
  std::string status;                       // "" when absent
  std::string home;                         // "" when absent
  std::optional<std::string> version_name;  // rim:VersionInfo/@versionName
  std::vector<LocalizedString> name;
  std::vector<LocalizedString> description;
  std::vector<Slot> slots;
  std::vector<Classification> classifications;
  std::vector<ExternalIdentifier> external_identifiers;

  // ExtrinsicObject
  std::string mime_type;
  std::optional<bool> is_opaque;

  // Association
  std::string association_type;
  std::string source_object;
  std::string target_object;

  // Top-level Classification (classifies a package as SubmissionSet/Folder)
  std::optional<Classification> classification;

  Extras extras;

  const Slot* slot(std::string_view slot_name) const;  // first slot of that name
  bool operator==(const RegistryObject&) const = default;
};

struct SubmitObjectsRequest {
  std::vector<Slot> request_slots;  // lcm:SubmitObjectsRequest/rim:Slot
  std::vector<RegistryObject> objects;
  bool operator==(const SubmitObjectsRequest&) const = default;
};

// Reads an lcm:SubmitObjectsRequest element. Throws Failure with code
// XDSRegistryMetadataError (location = object id or element path) when the
// structure is not ebRIM: missing RegistryObjectList, object without id,
// Classification without classifiedObject, Association without source/target…
SubmitObjectsRequest parse_submit_objects(const xercesc::DOMElement& request);

// Serializes back; the namespaces are declared on each returned root.
std::string serialize(const SubmitObjectsRequest& request);
std::string serialize(const RegistryObject& object);  // one rim:* element

}  // namespace passerelle::registry
