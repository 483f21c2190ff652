// National id formats (R-ID-2).

#include <algorithm>
#include <cctype>
#include <string>

#include "passerelle/registry/record_state.hpp"

namespace passerelle::store {
namespace {

struct IdFormat {
  char prefix;
  std::size_t rest;  // characters after the prefix
  NationalIdKind kind;
  const char* name;
};
constexpr IdFormat kFormats[] = {
    {'0', 11, NationalIdKind::Adeli, "ADELI"}, {'1', 9, NationalIdKind::Finess, "FINESS"},
    {'2', 9, NationalIdKind::Siren, "SIREN"},  {'3', 14, NationalIdKind::Siret, "SIRET"},
    {'4', 14, NationalIdKind::Rpps, "RPPS"},
};

const IdFormat* format_of(std::string_view id) {
  if (id.empty()) return nullptr;
  for (const auto& format : kFormats) {
    if (format.prefix == id.front()) return &format;
  }
  return nullptr;
}

bool alphanumeric(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0; });
}

std::string quoted(std::string_view id) {
  constexpr std::size_t kMax = 40;
  return "'" + std::string(id.substr(0, kMax)) + (id.size() > kMax ? "…'" : "'");
}

}  // namespace

std::optional<NationalIdKind> national_id_kind(std::string_view id) {
  const IdFormat* format = format_of(id);
  if (format == nullptr || id.size() != 1 + format->rest || !alphanumeric(id)) return std::nullopt;
  return format->kind;
}

std::optional<std::string> person_id_problem(std::string_view id) {
  const auto kind = national_id_kind(id);
  if (kind == NationalIdKind::Rpps || kind == NationalIdKind::Adeli) return std::nullopt;
  const std::string expected =
      "a professional is identified by an RPPS (4 followed by 14 letters or digits) or an ADELI "
      "(0 followed by 11) number (R-ID-2)";
  if (kind) {
    return "person id " + quoted(id) + " is an organisation's " + format_of(id)->name +
           " number, not a person's: " + expected;
  }
  const IdFormat* format = format_of(id);
  if (format != nullptr && !alphanumeric(id)) {
    return "person id " + quoted(id) + " has characters other than letters and digits: " + expected;
  }
  if (format != nullptr) {
    return "person id " + quoted(id) + " has " + std::to_string(id.size()) + " characters, a " +
           format->name + " number has " + std::to_string(1 + format->rest) + ": " + expected;
  }
  return "person id " + quoted(id) + " is not a national id: " + expected;
}

}  // namespace passerelle::store
