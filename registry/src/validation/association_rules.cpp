// Associations of a submission (ITI TF-3 §4.2.2, §4.2.3.1.5).

#include <set>
#include <string>
#include <string_view>

#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "validation/rules.hpp"

namespace passerelle::registry::validation {
namespace {

constexpr std::string_view kMetadataError = xds_codes::kRegistryMetadataError;

struct TypeRule {
  std::string_view type;
  bool source_is_document;   // source must be a DocumentEntry of this submission
  bool update_only = false;  // an ITI-57 operation
};

// clang-format off
constexpr TypeRule kTypes[] = {
    // associationType         source must be a DocumentEntry of the submission
    {vocab::kHasMember,        false},
    {vocab::kReplace,          true},
    {vocab::kTransform,        true},
    {vocab::kAppend,           true},
    {vocab::kTransformReplace, true},
    {vocab::kSigns,            true},
    {vocab::kIsSnapshotOf,     true},
    {vocab::kUpdateAvailabilityStatus, false, true},
};
// clang-format on

const TypeRule* find_type(std::string_view type) {
  for (const auto& rule : kTypes) {
    if (rule.type == type) return &rule;
  }
  return nullptr;
}

// SubmissionSetStatus of a HasMember from the set: Original for an object of
// the submission, Reference for one already registered.
// ITI TF-3 §4.2.2.1: required towards a DocumentEntry; towards a Folder or an
// association it may be left out.
void check_set_member(const Association& a, bool member_of_submission, bool required,
                      Collector& out) {
  std::size_t slots = 0;
  std::size_t values = 0;
  for (const auto& slot : a.object->slots) {
    if (slot.name != "SubmissionSetStatus") continue;
    ++slots;
    values += slot.values.size();
  }
  const std::string& status = a.submission_set_status;
  if (slots > 1 || values > 1) {
    out.add(a.entry_uuid, kMetadataError,
            message("SubmissionSetStatus", "single-valued slot given several values", status));
  }
  if (member_of_submission) {
    if (status.empty() && !required) {
      return;
    }
    if (status.empty()) {
      out.add(a.entry_uuid, kMetadataError, missing("SubmissionSetStatus"));
    } else if (status != "Original") {
      out.add(a.entry_uuid, kMetadataError,
              message("SubmissionSetStatus", "must be Original for an object of this submission",
                      status));
    }
  } else if (!status.empty() && status != "Original" && status != "Reference") {
    out.add(a.entry_uuid, kMetadataError,
            message("SubmissionSetStatus", "must be Original or Reference", status));
  }
}

// An original submission (ITI-41/42) carries no ITI-57 semantics.
void check_original_only(const Submission& submission, Collector& out) {
  for (const auto& d : submission.documents) {
    if (!d.logical_id.empty() && d.logical_id != d.entry_uuid) {
      out.add(d.entry_uuid, kMetadataError,
              message("lid",
                      "must equal the entryUUID in an original submission; new versions "
                      "go through ITI-57 Update Document Set",
                      d.logical_id));
    }
  }
  for (const auto& f : submission.folders) {
    if (f.object != nullptr && !f.object->lid.empty() && f.object->lid != f.entry_uuid) {
      out.add(f.entry_uuid, kMetadataError,
              message("lid",
                      "must equal the entryUUID in an original submission; new versions "
                      "go through ITI-57 Update Document Set",
                      f.object->lid));
    }
  }
  for (const auto& a : submission.associations) {
    if (a.object != nullptr && a.object->slot("PreviousVersion") != nullptr) {
      out.add(a.entry_uuid, kMetadataError,
              message("PreviousVersion", "is an ITI-57 Update Document Set slot",
                      a.object->slot("PreviousVersion")->values.empty()
                          ? ""
                          : a.object->slot("PreviousVersion")->values.front()));
    }
  }
}

}  // namespace

void check_associations(const Submission& submission, SubmissionKind kind, Collector& out) {
  if (kind == SubmissionKind::Original) check_original_only(submission, out);
  std::set<std::string, std::less<>> documents;
  std::set<std::string, std::less<>> members;  // DocumentEntries and Folders of the lot
  std::set<std::string, std::less<>> sets;
  for (const auto& d : submission.documents) documents.insert(d.entry_uuid);
  for (const auto& d : submission.documents) members.insert(d.entry_uuid);
  for (const auto& f : submission.folders) members.insert(f.entry_uuid);
  for (const auto& s : submission.submission_sets) sets.insert(s.entry_uuid);

  std::set<std::string, std::less<>> set_members;
  for (const Association& a : submission.associations) {
    if (a.object == nullptr) continue;
    const TypeRule* rule = find_type(a.type);
    if (rule != nullptr && rule->update_only && kind == SubmissionKind::Original) rule = nullptr;
    if (rule == nullptr) {
      out.add(a.entry_uuid, kMetadataError,
              message("associationType", "unknown association type", a.type));
      continue;
    }
    if (a.source == a.target) {
      out.add(a.entry_uuid, kMetadataError,
              message("targetObject", "must differ from sourceObject", a.target));
    }
    // ITI-57 Submit Association links registered documents: the transaction checks them.
    if (rule->source_is_document && !documents.contains(a.source) &&
        kind == SubmissionKind::Original) {
      out.add(a.entry_uuid, kMetadataError,
              message("sourceObject",
                      "must be a DocumentEntry of this submission for " +
                          a.type.substr(a.type.rfind(':') + 1),
                      a.source));
    }
    if (a.type == vocab::kHasMember && sets.contains(a.source)) {
      const bool member = members.contains(a.target);
      check_set_member(a, member, documents.contains(a.target), out);
      if (member) set_members.insert(a.target);
    }
  }

  if (sets.empty()) return;  // reported by the lot rules
  const auto check_membership = [&](const std::string& id, std::string_view kind) {
    if (!set_members.contains(id)) {
      out.add(
          id, kMetadataError,
          message(kind, "not the target of a HasMember association from the SubmissionSet", id));
    }
  };
  for (const auto& d : submission.documents) check_membership(d.entry_uuid, "DocumentEntry");
  for (const auto& f : submission.folders) check_membership(f.entry_uuid, "Folder");
}

}  // namespace passerelle::registry::validation
