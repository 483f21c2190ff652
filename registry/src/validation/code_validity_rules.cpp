// Codes valid at the submission date (dmp-xds-mapping.md §4–5): a code of the
// lot that the profile lists with an end of validity (CodeEntry::valid_until,
// from the SVS dateFin) earlier than the SubmissionSet's submissionTime is
// refused. Whether the code is listed at all is check_code's business.

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "passerelle/registry/xds_codes.hpp"
#include "validation/rules.hpp"

namespace passerelle::registry::validation {
namespace {

// Compared at the precision both carry, so a submissionTime of "2020" never
// counts as after an end of validity within 2020.
bool ended_before(std::string_view valid_until, std::string_view submission_time) {
  const std::size_t precision = std::min(valid_until.size(), submission_time.size());
  return valid_until.substr(0, precision) < submission_time.substr(0, precision);
}

class Checker {
 public:
  Checker(const Profile& profile, std::string_view submission_time, Collector& out)
      : profile_(profile), submission_time_(submission_time), out_(out) {}

  void check(std::string_view object_id, std::string_view attribute, const Code& code) const {
    const CodeList* list = profile_.codes(attribute);
    if (list == nullptr) return;
    for (const auto& entry : list->entries()) {
      if (entry.code != code.code || entry.scheme != code.scheme) continue;
      if (!entry.valid_until.empty() && ended_before(entry.valid_until, submission_time_)) {
        out_.add(object_id, xds_codes::kRegistryMetadataError,
                 message(attribute,
                         "code of scheme '" + code.scheme +
                             "' no longer valid: its validity ended " + entry.valid_until +
                             ", before the submissionTime " + std::string(submission_time_),
                         code.code));
      }
      return;
    }
  }

  void check(std::string_view object_id, std::string_view attribute,
             const std::optional<Code>& code) const {
    if (code) check(object_id, attribute, *code);
  }

 private:
  const Profile& profile_;
  std::string_view submission_time_;
  Collector& out_;
};

}  // namespace

void check_code_validity(const Submission& submission, const Profile& profile, Collector& out) {
  // Without exactly one SubmissionSet and its time, check_lot and the slot
  // table already refuse the lot.
  if (submission.submission_sets.size() != 1) return;
  const SubmissionSet& set = submission.submission_sets.front();
  if (set.submission_time.empty()) return;
  const Checker checker(profile, set.submission_time, out);
  checker.check(set.entry_uuid, "contentTypeCode", set.content_type_code);
  for (const DocumentEntry& d : submission.documents) {
    checker.check(d.entry_uuid, "classCode", d.class_code);
    checker.check(d.entry_uuid, "typeCode", d.type_code);
    checker.check(d.entry_uuid, "formatCode", d.format_code);
    checker.check(d.entry_uuid, "healthcareFacilityTypeCode", d.healthcare_facility_type_code);
    checker.check(d.entry_uuid, "practiceSettingCode", d.practice_setting_code);
    for (const Code& code : d.confidentiality_codes) {
      checker.check(d.entry_uuid, "confidentialityCode", code);
    }
    for (const Code& code : d.event_codes) checker.check(d.entry_uuid, "eventCodeList", code);
  }
  for (const Folder& folder : submission.folders) {
    for (const Code& code : folder.codes) checker.check(folder.entry_uuid, "folderCodeList", code);
  }
}

}  // namespace passerelle::registry::validation
