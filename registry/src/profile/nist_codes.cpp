// Reads the code lists of a NIST XDS Toolkit codes.xml:
//   <Codes>
//     <CodeType name="classCode" classScheme="urn:uuid:…">
//       <Code code="…" display="…" codingScheme="…" system="…"/>…
//     </CodeType>…
//     <AssigningAuthority id="…" display="…"/>…
//   </Codes>

#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "profile/profile_files.hpp"

namespace passerelle::registry::profile_files {
namespace {

struct CodeTypeMapping {
  std::string_view nist_name;
  std::string_view attribute;     // profile attribute name
  std::string_view class_scheme;  // ITI TF-3 classification scheme; empty = none
  bool needs_coding_scheme;
};

// NIST CodeType name → profile attribute. The names are the ITI attribute
// names already; the classScheme, when the file gives one, must be the ITI
// classification scheme of that attribute.
constexpr std::array<CodeTypeMapping, 11> kMappings{{
    {"classCode", "classCode", "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a", true},
    {"typeCode", "typeCode", "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983", true},
    {"formatCode", "formatCode", "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d", true},
    {"confidentialityCode", "confidentialityCode", "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f",
     true},
    {"healthcareFacilityTypeCode", "healthcareFacilityTypeCode",
     "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1", true},
    {"practiceSettingCode", "practiceSettingCode", "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead",
     true},
    {"contentTypeCode", "contentTypeCode", "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500", true},
    {"eventCodeList", "eventCodeList", "urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4", true},
    {"folderCodeList", "folderCodeList", "urn:uuid:1ba97051-7806-41a8-a48b-8fce7af683c5", true},
    {"associationDocumentation", "associationDocumentation",
     "urn:uuid:abd807a3-4432-4053-87b4-fd82c643d1f3", true},
    // mimeType is a plain attribute, not a classification: codes have no
    // codingScheme and are stored with an empty scheme.
    {"mimeType", "mimeType", "", false},
}};

const CodeTypeMapping* find_mapping(std::string_view name) {
  for (const auto& mapping : kMappings) {
    if (mapping.nist_name == name) return &mapping;
  }
  return nullptr;
}

std::string attribute_or_empty(const xercesc::DOMElement& element, std::string_view name) {
  return xml::attribute(element, name).value_or("");
}

CodeList read_code_type(const std::filesystem::path& file, const xercesc::DOMElement& code_type,
                        const CodeTypeMapping& mapping) {
  const std::string name(mapping.nist_name);
  std::vector<CodeEntry> entries;
  std::size_t index = 0;
  for (const auto* child : xml::child_elements(code_type)) {
    if (!xml::namespace_uri(*child).empty() || xml::local_name(*child) != "Code") {
      fail(file, "CodeType '" + name + "' contains an unexpected element <" +
                     xml::local_name(*child) + ">");
    }
    const std::string where = name + " Code " + std::to_string(index);
    CodeEntry entry;
    entry.code = attribute_or_empty(*child, "code");
    if (entry.code.empty()) fail(file, where + " has no code");
    entry.scheme = attribute_or_empty(*child, "codingScheme");
    if (mapping.needs_coding_scheme && entry.scheme.empty()) {
      fail(file, where + " has no codingScheme");
    }
    entry.display = attribute_or_empty(*child, "display");
    entries.push_back(std::move(entry));
    ++index;
  }
  if (entries.empty()) fail(file, "CodeType '" + name + "' has no Code");
  return CodeList(std::move(entries));
}

}  // namespace

std::map<std::string, CodeList, std::less<>> read_nist_codes(const std::filesystem::path& file) {
  const std::string bytes = read_file(file);
  std::optional<xml::Document> document;
  try {
    document.emplace(xml::parse(bytes, {}, file.string()));
  } catch (const Failure& failure) {
    fail(file, "not a well-formed, safe XML file: " + failure.error().message);
  }
  const xercesc::DOMElement& root = document->root();
  if (const std::string ns = xml::namespace_uri(root); !ns.empty()) {
    fail(file, "root element is in namespace '" + ns + "', expected <Codes> in no namespace");
  }
  if (xml::local_name(root) != "Codes") {
    fail(file, "root element is <" + xml::local_name(root) + ">, expected <Codes>");
  }

  std::map<std::string, CodeList, std::less<>> lists;
  std::size_t index = 0;
  for (const auto* child : xml::child_elements(root)) {
    const std::string element = xml::local_name(*child);
    if (!xml::namespace_uri(*child).empty() ||
        (element != "CodeType" && element != "AssigningAuthority")) {
      fail(file, "unexpected element <" + element + "> in <Codes>");
    }
    if (element == "AssigningAuthority") continue;  // patient id domains: not code lists
    const std::string name = attribute_or_empty(*child, "name");
    if (name.empty()) fail(file, "CodeType " + std::to_string(index) + " has no name");
    ++index;
    const CodeTypeMapping* mapping = find_mapping(name);
    if (mapping == nullptr) {
      fail(file, "CodeType '" + name + "' is not a known XDS code attribute");
    }
    if (const auto scheme = xml::attribute(*child, "classScheme");
        scheme && *scheme != mapping->class_scheme) {
      fail(file, "CodeType '" + name + "' has classScheme '" + *scheme + "', expected '" +
                     std::string(mapping->class_scheme) + "'");
    }
    const std::string attribute(mapping->attribute);
    if (lists.contains(attribute)) fail(file, "CodeType '" + name + "' appears twice");
    lists.emplace(attribute, read_code_type(file, *child, *mapping));
  }
  if (lists.empty()) fail(file, "no CodeType in <Codes>");
  return lists;
}

}  // namespace passerelle::registry::profile_files
