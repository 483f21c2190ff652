#pragma once

// Private to registry/src/validation: the rule tables' vocabulary and the
// engine that applies them. Each *_rules.cpp holds the table of one kind of
// object (ITI TF-3 Table 4.3.1-3, Register) plus the rules a table cannot say.

#include <cstddef>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/validation.hpp"

namespace passerelle::registry::validation {

// A value check from datatypes.hpp: "" when valid, else the reason.
using Check = std::string (*)(std::string_view);

// Optionality as the ITI table says it: R, R2/O, or not to be sent by the client.
enum class Need { Required, Optional, Forbidden };
// Cardinality of the values: single-valued (0..1 or 1..1), or multi-valued.
enum class Count { One, Many };

// An attribute carried by a rim:Slot.
struct SlotRule {
  std::string_view attribute;  // ITI attribute name (also the profile's name for it)
  std::string_view slot;       // slot name
  Need need;
  Count count;
  Check check;  // nullptr: any value
};

// An attribute carried by a rim:ExternalIdentifier (always exactly one when present).
struct IdRule {
  std::string_view attribute;
  std::string_view scheme;  // identificationScheme
  Need need;
  Check check;
};

// A coded attribute carried by an external rim:Classification.
struct CodeRule {
  std::string_view attribute;
  std::string_view scheme;  // classificationScheme
  Need need;
  Count count;                 // One: 0..1 / 1..1, Many: 0..n / 1..n
  std::string_view code_list;  // the profile's code list name for it
};

// Everything the generic engine checks on one object.
struct ObjectRules {
  std::span<const SlotRule> slots;
  std::span<const IdRule> ids;
  std::span<const CodeRule> codes;
  std::string_view author_scheme;  // "" when the object has no author
  Need author;                     // the author classification as a whole
  Need title;                      // rim:Name
  // Attributes the affinity domain requires on top of ITI (Profile::required_*).
  const std::set<std::string, std::less<>>* also_required = nullptr;
};

// Collects errors with the position of the object they concern in the
// request, so that they come out in document order whatever rule found them.
class Collector {
 public:
  explicit Collector(const SubmitObjectsRequest& request);
  // An error about the object with that id (its location).
  void add(std::string_view object_id, std::string_view code, std::string message);
  // An error about the request as a whole (no single object to blame).
  void add_request(std::string_view code, std::string message);
  std::vector<Error> take();

 private:
  std::map<std::string, std::size_t, std::less<>> position_;  // id → index + 1
  std::vector<std::pair<std::size_t, Error>> errors_;
};

inline constexpr std::string_view kRequestLocation = "SubmitObjectsRequest";

// "<attribute>: <what>, got '<value>'" (the value shortened when long).
std::string message(std::string_view attribute, std::string_view what, std::string_view value);
std::string missing(std::string_view attribute);  // "<attribute>: required attribute is missing"

// The engine (attribute_rules.cpp): slots, external identifiers, code
// classifications, author and title of one object against its table.
void check_attributes(const RegistryObject& object, const ObjectRules& rules,
                      const Profile& profile, Collector& out);

// One code classification (codes.cpp): nodeRepresentation, codingScheme and
// the profile's code list.
void check_code(const RegistryObject& object, const CodeRule& rule,
                const Classification& classification, const Profile& profile, Collector& out);

// One author classification (attribute_rules.cpp).
void check_author(const RegistryObject& object, const Classification& author, Collector& out);

// Per kind of object; each reports on the objects of the request in order.
void check_document_entries(const Submission& submission, const Profile& profile, Collector& out);
void check_submission_sets(const SubmitObjectsRequest& request, const Submission& submission,
                           const Profile& profile, Collector& out);
void check_folders(const SubmitObjectsRequest& request, const Submission& submission,
                   const Profile& profile, Collector& out);
void check_associations(const Submission& submission, SubmissionKind kind, Collector& out);
// Rules across the lot: one set, same patient, unique uniqueIds, authorities.
void check_lot(const SubmitObjectsRequest& request, const Submission& submission,
               const Profile& profile, Collector& out);

// ---- issue 8: profile lists beyond the code classifications ----
// referenceIdList type codes in the profile's "referenceIdType" list (reference_id_rules.cpp).
void check_reference_ids(const Submission& submission, const Profile& profile, Collector& out);
// Listed codes still valid at the submissionTime (code_validity_rules.cpp).
void check_code_validity(const Submission& submission, const Profile& profile, Collector& out);
// ---- end issue 8 ----

// Whether the package is classified with that node (top-level or nested Classification).
bool classified_as(const SubmitObjectsRequest& request, const RegistryObject& package,
                   std::string_view node);

}  // namespace passerelle::registry::validation
