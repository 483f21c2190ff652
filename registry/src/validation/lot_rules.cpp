// Rules across the objects of one submission (ITI TF-3 §4.1.4, §4.2.4):
// one SubmissionSet, one patient, uniqueIds unique within the message, and
// patient id assigning authorities the affinity domain accepts.

#include <algorithm>
#include <map>
#include <string>
#include <string_view>

#include "passerelle/registry/datatypes.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "validation/rules.hpp"

namespace passerelle::registry::validation {
namespace {

// What the lot rules need of a SubmissionSet, DocumentEntry or Folder.
struct Member {
  std::string_view kind;
  const std::string* patient_id;
  const std::string* unique_id;
};

// The set, documents and folders of the submission by id, to visit them in document order.
std::map<std::string_view, Member> members_by_id(const Submission& submission) {
  std::map<std::string_view, Member> members;
  for (const auto& s : submission.submission_sets) {
    members.emplace(s.entry_uuid, Member{"SubmissionSet", &s.patient_id, &s.unique_id});
  }
  for (const auto& d : submission.documents) {
    members.emplace(d.entry_uuid, Member{"DocumentEntry", &d.patient_id, &d.unique_id});
  }
  for (const auto& f : submission.folders) {
    members.emplace(f.entry_uuid, Member{"Folder", &f.patient_id, &f.unique_id});
  }
  return members;
}

void check_one_submission_set(const Submission& submission, Collector& out) {
  if (submission.submission_sets.size() != 1) {
    out.add_request(xds_codes::kRegistryMetadataError,
                    message("SubmissionSet", "exactly one SubmissionSet per request",
                            std::to_string(submission.submission_sets.size())));
  }
}

void check_packages_are_known(const SubmitObjectsRequest& request,
                              const std::map<std::string_view, Member>& members, Collector& out) {
  for (const auto& object : request.objects) {
    if (object.kind == ObjectKind::RegistryPackage && !members.contains(object.id)) {
      out.add(object.id, xds_codes::kRegistryMetadataError,
              message("RegistryPackage", "neither a SubmissionSet nor a Folder", object.id));
    }
  }
}

// The SubmissionSet's patientId, or the first well-formed one when the set has none.
std::string reference_patient_id(const SubmitObjectsRequest& request, const Submission& submission,
                                 const std::map<std::string_view, Member>& members) {
  if (!submission.submission_sets.empty() &&
      datatypes::check_cx(submission.submission_sets[0].patient_id).empty()) {
    return submission.submission_sets[0].patient_id;
  }
  for (const auto& object : request.objects) {
    const auto found = members.find(object.id);
    if (found != members.end() && datatypes::check_cx(*found->second.patient_id).empty()) {
      return *found->second.patient_id;
    }
  }
  return "";
}

}  // namespace

void check_lot(const SubmitObjectsRequest& request, const Submission& submission,
               const Profile& profile, Collector& out) {
  check_one_submission_set(submission, out);
  const auto members = members_by_id(submission);
  check_packages_are_known(request, members, out);

  const std::string patient = reference_patient_id(request, submission, members);
  const auto& authorities = profile.patient_id_authorities;
  std::map<std::string_view, std::string_view> first_with_unique_id;  // uniqueId → object id

  for (const auto& object : request.objects) {
    const auto found = members.find(object.id);
    if (found == members.end()) continue;
    const Member& member = found->second;
    const std::string& patient_id = *member.patient_id;

    // A malformed patientId is the attribute rules' XDSRegistryMetadataError, not a mismatch.
    const bool well_formed = datatypes::check_cx(patient_id).empty();
    if (well_formed && patient_id != patient) {
      out.add(
          object.id, xds_codes::kPatientIdDoesNotMatch,
          message("patientId",
                  std::string(member.kind) + " patientId differs from the lot's '" + patient + "'",
                  patient_id));
    }
    if (const auto parsed = datatypes::parse_patient_id(patient_id);
        parsed && !authorities.empty() &&
        std::find(authorities.begin(), authorities.end(), parsed->authority_oid) ==
            authorities.end()) {
      out.add(object.id, xds_codes::kRegistryMetadataError,
              message("patientId",
                      "assigning authority '" + parsed->authority_oid +
                          "' is not accepted by profile '" + profile.name + "'",
                      patient_id));
    }

    const std::string& unique_id = *member.unique_id;
    if (unique_id.empty()) continue;
    const auto [first, inserted] = first_with_unique_id.emplace(unique_id, object.id);
    if (!inserted) {
      out.add(object.id, xds_codes::kRegistryDuplicateUniqueIdInMessage,
              message("uniqueId",
                      std::string(member.kind) + " reuses the uniqueId of '" +
                          std::string(first->second) + "' in this message",
                      unique_id));
    }
  }
}

}  // namespace passerelle::registry::validation
