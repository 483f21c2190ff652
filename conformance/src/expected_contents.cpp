#include "passerelle/conformance/expected_contents.hpp"

#include <algorithm>
#include <functional>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"

namespace passerelle::conformance {
namespace {

constexpr const char* kSubmissionSetNode = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";
constexpr const char* kFolderNode = "urn:uuid:d9d542f3-6cc4-48b6-8870-ea235fbc94c2";
constexpr const char* kSubmissionSetUniqueId = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8";
constexpr const char* kFolderUniqueId = "urn:uuid:75df8f67-9973-4fbe-a900-df66cefecc5a";
constexpr const char* kApproved = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
constexpr const char* kDeprecated = "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated";
constexpr const char* kHasMember = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember";

std::string attribute_or(const xercesc::DOMElement& element, const char* name) {
  return xml::attribute(element, name).value_or("");
}

// A RegistryPackage is a SubmissionSet or a Folder by its classification
// (nested, or a separate Classification object) or its uniqueId scheme.
std::string package_kind(const xercesc::DOMElement& package,
                         const std::vector<xercesc::DOMElement*>& siblings) {
  const std::string id = attribute_or(package, "id");
  const auto by_node = [](const std::string& node) -> std::string {
    if (node == kSubmissionSetNode) return "SubmissionSet";
    if (node == kFolderNode) return "Folder";
    return "";
  };
  for (const auto* child : xml::child_elements(package)) {
    const auto name = xml::local_name(*child);
    if (name == "Classification") {
      if (auto kind = by_node(attribute_or(*child, "classificationNode")); !kind.empty()) {
        return kind;
      }
    } else if (name == "ExternalIdentifier") {
      const auto scheme = attribute_or(*child, "identificationScheme");
      if (scheme == kSubmissionSetUniqueId) return "SubmissionSet";
      if (scheme == kFolderUniqueId) return "Folder";
    }
  }
  for (const auto* sibling : siblings) {
    if (xml::local_name(*sibling) == "Classification" &&
        attribute_or(*sibling, "classifiedObject") == id) {
      if (auto kind = by_node(attribute_or(*sibling, "classificationNode")); !kind.empty()) {
        return kind;
      }
    }
  }
  return "Other";
}

std::size_t count_kind(const std::vector<ReturnedObject>& objects, const std::string& kind) {
  return static_cast<std::size_t>(std::count_if(
      objects.begin(), objects.end(), [&](const ReturnedObject& o) { return o.kind == kind; }));
}

std::vector<const ReturnedObject*> of_kind(const std::vector<ReturnedObject>& objects,
                                           const std::string& kind) {
  std::vector<const ReturnedObject*> out;
  for (const auto& object : objects) {
    if (object.kind == kind) out.push_back(&object);
  }
  return out;
}

std::string short_status(const std::string& status) {
  return status.empty() ? "(none)" : status.substr(status.rfind(':') + 1);
}

std::optional<std::string> expect_count(const std::vector<ReturnedObject>& objects,
                                        const std::string& kind, std::size_t want) {
  const auto got = count_kind(objects, kind);
  if (got == want) return std::nullopt;
  return "expected " + std::to_string(want) + " " + kind + "(s), got " + std::to_string(got);
}

// Every object of `kind` has `status` (true of none: the testkit pairs
// <Documents count="0"/> with <DocApp/>); with `exactly`, there is that many.
std::optional<std::string> expect_status(const std::vector<ReturnedObject>& objects,
                                         const std::string& kind, const std::string& status,
                                         std::optional<std::size_t> exactly) {
  const auto found = of_kind(objects, kind);
  if (exactly && found.size() != *exactly) return expect_count(objects, kind, *exactly);
  for (const auto* object : found) {
    if (object->status != status) {
      return kind + " " + object->id + " is " + short_status(object->status) + ", expected " +
             short_status(status);
    }
  }
  return std::nullopt;
}

// A SubmissionSet with `documents` DocumentEntries and `folders` Folders,
// each a member of it.
std::optional<std::string> expect_submission_set(const std::vector<ReturnedObject>& objects,
                                                 std::size_t documents, std::size_t folders) {
  if (auto why = expect_count(objects, "SubmissionSet", 1)) return why;
  if (auto why = expect_count(objects, "DocumentEntry", documents)) return why;
  if (auto why = expect_count(objects, "Folder", folders)) return why;
  const auto* set = of_kind(objects, "SubmissionSet").front();
  for (const auto& kind : {std::string("DocumentEntry"), std::string("Folder")}) {
    for (const auto* member : of_kind(objects, kind)) {
      const bool linked = std::any_of(objects.begin(), objects.end(), [&](const auto& o) {
        return o.kind == "Association" && o.association_type == kHasMember && o.source == set->id &&
               o.target == member->id;
      });
      if (!linked) return "no HasMember association from the SubmissionSet to " + member->id;
    }
  }
  return std::nullopt;
}

std::size_t count_attribute(const ContentCheck& check) {
  const auto found = check.attributes.find("count");
  if (found == check.attributes.end()) {
    throw Failure(kUnsupportedCheck, check.name, check.name + " without a count attribute");
  }
  try {
    return static_cast<std::size_t>(std::stoul(found->second));
  } catch (const std::exception&) {
    throw Failure(kUnsupportedCheck, check.name, "count '" + found->second + "' is not a number");
  }
}

}  // namespace

std::vector<ReturnedObject> returned_objects(const xercesc::DOMElement& response) {
  std::vector<ReturnedObject> out;
  for (const auto* list : xml::child_elements(response)) {
    if (xml::local_name(*list) != "RegistryObjectList") continue;
    const auto siblings = xml::child_elements(*list);
    for (const auto* element : siblings) {
      ReturnedObject object;
      object.element = xml::local_name(*element);
      object.id = attribute_or(*element, "id");
      object.lid = attribute_or(*element, "lid");
      object.status = attribute_or(*element, "status");
      if (object.element == "ExtrinsicObject") {
        object.kind = "DocumentEntry";
      } else if (object.element == "RegistryPackage") {
        object.kind = package_kind(*element, siblings);
      } else if (object.element == "Association") {
        object.kind = "Association";
        object.association_type = attribute_or(*element, "associationType");
        object.source = attribute_or(*element, "sourceObject");
        object.target = attribute_or(*element, "targetObject");
      } else if (object.element == "ObjectRef") {
        object.kind = "ObjectRef";
      } else {
        object.kind = "Other";
      }
      out.push_back(std::move(object));
    }
  }
  return out;
}

std::optional<std::string> check_contents(const ContentCheck& check,
                                          const std::vector<ReturnedObject>& objects) {
  const auto& name = check.name;
  if (name == "Documents") return expect_count(objects, "DocumentEntry", count_attribute(check));
  if (name == "SubmissionSets") {
    return expect_count(objects, "SubmissionSet", count_attribute(check));
  }
  if (name == "Folders") return expect_count(objects, "Folder", count_attribute(check));
  if (name == "Associations") return expect_count(objects, "Association", count_attribute(check));
  if (name == "ObjectRefs") return expect_count(objects, "ObjectRef", count_attribute(check));
  if (name == "None") {
    if (objects.empty()) return std::nullopt;
    return "expected no object, got " + std::to_string(objects.size());
  }
  if (name == "SSwithOneDoc") return expect_submission_set(objects, 1, 0);
  if (name == "SSwithTwoDoc") return expect_submission_set(objects, 2, 0);
  if (name == "SSwithOneFol") return expect_submission_set(objects, 0, 1);
  if (name == "SSwithOneDocOneFol") return expect_submission_set(objects, 1, 1);
  if (name == "SSwithTwoDocOneFol") return expect_submission_set(objects, 2, 1);
  if (name == "DocApp") return expect_status(objects, "DocumentEntry", kApproved, std::nullopt);
  if (name == "DocDep") return expect_status(objects, "DocumentEntry", kDeprecated, std::nullopt);
  if (name == "OneDocApp") return expect_status(objects, "DocumentEntry", kApproved, 1);
  if (name == "OneDocDep") return expect_status(objects, "DocumentEntry", kDeprecated, 1);
  if (name == "FolApp") return expect_status(objects, "Folder", kApproved, std::nullopt);
  if (name == "SSApproved") return expect_status(objects, "SubmissionSet", kApproved, std::nullopt);
  if (name == "HasXFRM_RPLC") {
    const bool found = std::any_of(objects.begin(), objects.end(), [](const auto& o) {
      return o.association_type == "urn:ihe:iti:2007:AssociationType:XFRM_RPLC";
    });
    if (found) return std::nullopt;
    return "no XFRM_RPLC association returned";
  }
  throw Failure(kUnsupportedCheck, name, "ExpectedContents checker <" + name + "> not supported");
}

}  // namespace passerelle::conformance
