// SubmissionSet (ITI TF-3 §4.2.3.3, Table 4.3.1-3 column "XDS DS / Register").

#include <string>
#include <string_view>

#include "passerelle/registry/datatypes.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "validation/rules.hpp"

namespace passerelle::registry::validation {
namespace {

namespace dt = datatypes;
using enum Need;
using enum Count;

// intendedRecipient: XON|XCN|XTN, at least one part.
std::string check_intended_recipient(std::string_view value) {
  const auto first = value.find('|');
  const auto second = first == std::string_view::npos ? first : value.find('|', first + 1);
  if (second != std::string_view::npos && value.find('|', second + 1) != std::string_view::npos) {
    return "must be organization|person|telecommunication";
  }
  const auto organization = value.substr(0, first);
  const auto person =
      first == std::string_view::npos
          ? std::string_view{}
          : value.substr(first + 1, second == std::string_view::npos ? std::string_view::npos
                                                                     : second - first - 1);
  const auto telecom =
      second == std::string_view::npos ? std::string_view{} : value.substr(second + 1);
  if (organization.empty() && person.empty() && telecom.empty()) return "empty intendedRecipient";
  if (!organization.empty()) {
    if (std::string reason = dt::check_xon(organization); !reason.empty()) return reason;
  }
  if (!person.empty()) {
    if (std::string reason = dt::check_xcn(person); !reason.empty()) return reason;
  }
  if (!telecom.empty()) {
    if (std::string reason = dt::check_xtn(telecom); !reason.empty()) return reason;
  }
  return "";
}

// clang-format off
constexpr SlotRule kSlots[] = {
    // attribute           slot                 need      count check
    {"submissionTime",     "submissionTime",    Required, One,  dt::check_dtm},
    {"intendedRecipient",  "intendedRecipient", Optional, Many, check_intended_recipient},
};

constexpr IdRule kIds[] = {
    // attribute  identificationScheme   need      check
    {"patientId", vocab::kSetPatientId,  Required, dt::check_cx},
    {"sourceId",  vocab::kSetSourceId,   Required, dt::check_oid},
    {"uniqueId",  vocab::kSetUniqueId,   Required, dt::check_oid},
};

constexpr CodeRule kCodes[] = {
    // attribute        classificationScheme        need      count code list
    {"contentTypeCode", vocab::kSetContentTypeCode, Required, One,  "contentTypeCode"},
};
// clang-format on

}  // namespace

void check_submission_sets(const SubmitObjectsRequest& request, const Submission& submission,
                           const Profile& profile, Collector& out) {
  const ObjectRules rules{kSlots,
                          kIds,
                          kCodes,
                          vocab::kSetAuthor,
                          Optional,
                          Optional,
                          &profile.required_submission_set_attributes};
  for (const SubmissionSet& set : submission.submission_sets) {
    if (set.object == nullptr) continue;
    if (!classified_as(request, *set.object, vocab::kSubmissionSetNode)) {
      out.add(set.entry_uuid, xds_codes::kRegistryMetadataError,
              message("SubmissionSet", "RegistryPackage not classified as a SubmissionSet",
                      set.entry_uuid));
    }
    check_attributes(*set.object, rules, profile, out);
  }
}

}  // namespace passerelle::registry::validation
