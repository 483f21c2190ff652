#include "passerelle/policy/habilitation.hpp"

#include <algorithm>
#include <utility>

namespace passerelle::policy {

namespace {

bool same(const std::optional<Coded>& wanted, const soap::CodedValue& actual) {
  return !wanted || (wanted->code == actual.code && wanted->system == actual.code_system);
}

bool same(const std::optional<Coded>& wanted, const std::optional<soap::CodedValue>& actual) {
  return !wanted || (actual && same(wanted, *actual));
}

}  // namespace

ReadableTypes::ReadableTypes(std::vector<TypeCode> types) : types_(std::move(types)) {
  std::sort(types_.begin(), types_.end());
  types_.erase(std::unique(types_.begin(), types_.end()), types_.end());
}

bool ReadableTypes::contains(std::string_view code, std::string_view scheme) const {
  const auto at = std::lower_bound(
      types_.begin(), types_.end(), std::pair{code, scheme},
      [](const TypeCode& type, const std::pair<std::string_view, std::string_view>& key) {
        return std::pair<std::string_view, std::string_view>{type.code, type.scheme} < key;
      });
  return at != types_.end() && at->code == code && at->scheme == scheme;
}

bool Criterion::matches(const soap::AccessContext& caller) const {
  return same(profession, caller.profession) && same(role, caller.role) &&
         same(speciality, caller.speciality);
}

HabilitationMatrix::HabilitationMatrix(std::vector<ProfessionGroup> groups)
    : groups_(std::move(groups)) {}

const ProfessionGroup* HabilitationMatrix::classify(const soap::AccessContext& caller) const {
  const auto holds = [&caller](const Criterion& criterion) { return criterion.matches(caller); };
  for (const ProfessionGroup& group : groups_) {
    if (std::any_of(group.match.begin(), group.match.end(), holds) &&
        std::none_of(group.exclude.begin(), group.exclude.end(), holds)) {
      return &group;
    }
  }
  return nullptr;
}

const ProfessionGroup* HabilitationMatrix::group(std::string_view id) const {
  for (const ProfessionGroup& group : groups_) {
    if (group.id == id) return &group;
  }
  return nullptr;
}

std::filesystem::path default_habilitation_matrix_path() {
  return PASSERELLE_DEFAULT_HABILITATION_FILE;
}

}  // namespace passerelle::policy
