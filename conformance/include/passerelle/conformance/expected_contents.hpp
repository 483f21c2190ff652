#pragma once

// The ExpectedContents checkers of the testkit, applied to what an ITI-18
// stored query returned (query:AdhocQueryResponse).

#include <optional>
#include <string>
#include <vector>
#include <xercesc/dom/DOM.hpp>

#include "passerelle/conformance/testkit.hpp"

namespace passerelle::conformance {

inline constexpr const char* kUnsupportedCheck = "ConformanceUnsupportedCheck";

// One object of the RegistryObjectList, classified.
struct ReturnedObject {
  std::string element;  // ExtrinsicObject, RegistryPackage, Association, ObjectRef, …
  std::string kind;     // DocumentEntry, SubmissionSet, Folder, Association, ObjectRef, Other
  std::string id;
  std::string lid;
  std::string status;            // full URN, "" when absent
  std::string association_type;  // full URN, Associations only
  std::string source, target;    // Associations only
};

// The objects under AdhocQueryResponse/RegistryObjectList, in order.
std::vector<ReturnedObject> returned_objects(const xercesc::DOMElement& response);

// nullopt when the check holds, else why not. Throws Failure(kUnsupportedCheck)
// for a checker this harness does not know (reported, never passed).
std::optional<std::string> check_contents(const ContentCheck& check,
                                          const std::vector<ReturnedObject>& objects);

}  // namespace passerelle::conformance
