// Message-level validation of a submission (ITI TF-3 §4.2.3, §4.3): runs the
// rule sets of each kind of object and returns every error in document order.

#include "passerelle/registry/validation.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "passerelle/registry/xds_codes.hpp"
#include "validation/rules.hpp"

namespace passerelle::registry {
namespace validation {

namespace {
constexpr std::size_t kMaxValueInMessage = 120;
}  // namespace

Collector::Collector(const SubmitObjectsRequest& request) {
  for (std::size_t i = 0; i < request.objects.size(); ++i) {
    position_.emplace(request.objects[i].id, i + 1);
  }
}

void Collector::add(std::string_view object_id, std::string_view code, std::string message) {
  const auto found = position_.find(object_id);
  const std::size_t position = found == position_.end() ? position_.size() + 1 : found->second;
  errors_.emplace_back(position, Error{std::string(code), Severity::Error, std::string(object_id),
                                       std::move(message)});
}

void Collector::add_request(std::string_view code, std::string message) {
  errors_.emplace_back(0, Error{std::string(code), Severity::Error, std::string(kRequestLocation),
                                std::move(message)});
}

std::vector<Error> Collector::take() {
  std::stable_sort(errors_.begin(), errors_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Error> errors;
  errors.reserve(errors_.size());
  for (auto& [position, error] : errors_) errors.push_back(std::move(error));
  errors_.clear();
  return errors;
}

std::string message(std::string_view attribute, std::string_view what, std::string_view value) {
  std::string shown(value.substr(0, kMaxValueInMessage));
  if (value.size() > kMaxValueInMessage) shown += "…";
  return std::string(attribute) + ": " + std::string(what) + ", got '" + shown + "'";
}

std::string missing(std::string_view attribute) {
  return std::string(attribute) + ": required attribute is missing";
}

bool classified_as(const SubmitObjectsRequest& request, const RegistryObject& package,
                   std::string_view node) {
  for (const auto& c : package.classifications) {
    if (c.classification_node == node) return true;
  }
  for (const auto& object : request.objects) {
    if (object.kind == ObjectKind::Classification && object.classification &&
        object.classification->classified_object == package.id &&
        object.classification->classification_node == node) {
      return true;
    }
  }
  return false;
}

}  // namespace validation

std::vector<Error> validate_submission(const SubmitObjectsRequest& request,
                                       const Submission& submission, const Profile& profile,
                                       SubmissionKind kind) {
  validation::Collector out(request);
  validation::check_lot(request, submission, profile, out);
  validation::check_submission_sets(request, submission, profile, out);
  validation::check_document_entries(submission, profile, out);
  validation::check_folders(request, submission, profile, out);
  validation::check_associations(submission, kind, out);
  // ---- issue 8: referenceIdList types and code validity dates ----
  validation::check_reference_ids(submission, profile, out);
  validation::check_code_validity(submission, profile, out);
  // ---- end issue 8 ----
  return out.take();
}

}  // namespace passerelle::registry
