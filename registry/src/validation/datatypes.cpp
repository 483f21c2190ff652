// Value syntaxes of XDS metadata (ITI TF-3 §4.2.3.1.7 and Table 4.2.3.1.7-2).
// Every check returns "" when the value is valid, otherwise a short reason.

#include "passerelle/registry/datatypes.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace passerelle::registry::datatypes {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool all_of(std::string_view text, bool (*pred)(char)) {
  for (const char c : text) {
    if (!pred(c)) return false;
  }
  return true;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// Component n (1-based) of a ^-separated value, "" when absent.
std::string_view component(const std::vector<std::string_view>& parts, std::size_t n) {
  return n <= parts.size() ? parts[n - 1] : std::string_view{};
}

bool has_control_or_separator(std::string_view text, std::string_view separators) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || separators.find(c) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// HD with the universal id form required by XDS: "[namespace]&OID&ISO".
std::string check_hd_iso(std::string_view hd, std::string_view what) {
  const auto sub = split(hd, '&');
  if (sub.size() != 3) {
    return std::string(what) + " must be &OID&ISO";
  }
  if (std::string reason = check_oid(sub[1]); !reason.empty()) {
    return std::string(what) + " OID: " + reason;
  }
  if (sub[2] != "ISO") {
    return std::string(what) + " universal id type must be ISO";
  }
  return "";
}

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

int number(std::string_view digits) {
  int value = 0;
  for (const char c : digits) value = value * 10 + (c - '0');
  return value;
}

bool is_restricted_name(std::string_view name) {  // RFC 6838 §4.2
  if (name.empty() || name.size() > 127 || !is_alnum(name.front())) return false;
  for (const char c : name) {
    if (!is_alnum(c) && std::string_view("!#$&-^_.+").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string check_oid(std::string_view value) {
  if (value.empty()) return "empty OID";
  if (value.size() > 64) return "OID longer than 64 characters";
  const auto arcs = split(value, '.');
  if (arcs.size() < 2) return "OID needs at least two arcs";
  for (const auto arc : arcs) {
    if (arc.empty()) return "empty OID arc";
    if (!all_of(arc, is_digit)) return "OID arcs must be decimal digits";
    if (arc.size() > 1 && arc.front() == '0') return "OID arc with a leading zero";
  }
  if (arcs[0].size() != 1 || arcs[0][0] > '2') return "first OID arc must be 0, 1 or 2";
  if (arcs[0][0] != '2' && (arcs[1].size() > 2 || number(arcs[1]) > 39)) {
    return "second OID arc must be at most 39 under 0 and 1";
  }
  return "";
}

std::optional<PatientId> parse_patient_id(std::string_view cx) {
  if (!check_cx(cx).empty()) return std::nullopt;
  const auto parts = split(cx, '^');
  return PatientId{std::string(parts[0]), std::string(split(parts[3], '&')[1])};
}

std::string check_cx(std::string_view value) {
  const auto parts = split(value, '^');
  if (parts.size() < 4) return "CX must be id^^^&OID&ISO";
  // CX.5 (identifier type code, e.g. the CI-SIS "NH") is tolerated; nothing after it.
  if (parts.size() > 5) return "CX may only have components 1 and 4";
  if (parts[0].empty()) return "CX id (component 1) is empty";
  if (has_control_or_separator(parts[0], "&~\\")) return "CX id contains a separator";
  if (!parts[1].empty() || !parts[2].empty()) return "CX components 2 and 3 must be empty";
  if (std::string reason = check_hd_iso(parts[3], "CX assigning authority"); !reason.empty()) {
    return reason;
  }
  if (!split(parts[3], '&')[0].empty()) return "CX assigning authority namespace must be empty";
  if (parts.size() == 5 && !all_of(parts[4], is_alnum)) return "CX type code must be alphanumeric";
  return "";
}

std::string check_cxi(std::string_view value) {
  const auto parts = split(value, '^');
  if (parts.size() > 7) return "CXi has more than 7 components";
  if (parts[0].empty()) return "CXi id (component 1) is empty";
  if (has_control_or_separator(parts[0], "&~\\")) return "CXi id contains a separator";
  if (!component(parts, 2).empty() || !component(parts, 3).empty()) {
    return "CXi components 2 and 3 must be empty";
  }
  if (component(parts, 5).empty()) return "CXi identifier type code (component 5) is missing";
  const auto authority = component(parts, 4);
  if (!authority.empty() && authority.find('&') != std::string_view::npos) {
    const auto sub = split(authority, '&');
    if (sub.size() != 3 || !check_oid(sub[1]).empty() || sub[2] != "ISO") {
      return "CXi assigning authority must be &OID&ISO";
    }
  }
  return "";
}

std::string check_xcn(std::string_view value) {
  if (value.empty()) return "empty XCN";
  if (has_control_or_separator(value, "~")) return "XCN contains a control character or '~'";
  const auto parts = split(value, '^');
  if (parts.size() > 23) return "XCN has more than 23 components";
  const auto id = parts[0];
  if (id.empty() && component(parts, 2).empty()) {
    return "XCN needs an id (component 1) or a family name (component 2)";
  }
  for (std::size_t n = 1; n <= 8; ++n) {
    if (component(parts, n).find('&') != std::string_view::npos) {
      return "XCN component " + std::to_string(n) + " contains '&'";
    }
  }
  // XCN.9 "shall be present if available" when XCN.1 is: checked when given.
  const auto authority = component(parts, 9);
  if (!authority.empty()) {
    if (id.empty()) return "XCN assigning authority (component 9) without an id";
    if (std::string reason = check_hd_iso(authority, "XCN assigning authority"); !reason.empty()) {
      return reason;
    }
  }
  return "";
}

std::string check_xon(std::string_view value) {
  if (value.empty()) return "empty XON";
  if (has_control_or_separator(value, "~")) return "XON contains a control character or '~'";
  const auto parts = split(value, '^');
  if (parts.size() > 10) return "XON has more than 10 components";
  if (parts[0].empty()) return "XON organization name (component 1) is empty";
  if (parts[0].find('&') != std::string_view::npos) return "XON name contains '&'";
  for (const std::size_t n : {2u, 3u, 4u, 5u, 8u, 9u}) {
    if (!component(parts, n).empty()) {
      return "XON may only have components 1, 6, 7 and 10, got component " + std::to_string(n);
    }
  }
  const auto authority = component(parts, 6);
  const auto org_id = component(parts, 10);
  if (!authority.empty()) {
    if (org_id.empty()) return "XON assigning authority (component 6) without an identifier";
    if (std::string reason = check_hd_iso(authority, "XON assigning authority"); !reason.empty()) {
      return reason;
    }
  } else if (!org_id.empty() && !check_oid(org_id).empty()) {
    return "XON identifier (component 10) must be an OID when component 6 is absent";
  }
  if (org_id.find('&') != std::string_view::npos) return "XON identifier contains '&'";
  return "";
}

std::string check_xtn(std::string_view value) {
  if (value.empty()) return "empty XTN";
  if (has_control_or_separator(value, "~&")) return "XTN contains a control character, '~' or '&'";
  const auto parts = split(value, '^');
  if (parts.size() > 12) return "XTN has more than 12 components";
  const auto equipment = component(parts, 3);
  // "NET" is the CI-SIS spelling of an e-mail address (^WPN^NET^address).
  if (equipment == "Internet" || equipment == "X.400" || equipment == "NET") {
    const auto email = component(parts, 4);
    const auto at = email.find('@');
    if (email.empty()) return "XTN e-mail address (component 4) is missing";
    if (at == 0 || at == std::string_view::npos || at + 1 == email.size() ||
        email.find('@', at + 1) != std::string_view::npos ||
        email.find(' ') != std::string_view::npos) {
      return "XTN e-mail address is malformed";
    }
    return "";
  }
  const auto phone_like = [](std::string_view text) {
    bool digit = false;
    for (const char c : text) {
      if (is_digit(c)) {
        digit = true;
      } else if (std::string_view("+-(). xX").find(c) == std::string_view::npos) {
        return false;
      }
    }
    return digit;
  };
  if (!equipment.empty() && equipment != "PH" && equipment != "FX" && equipment != "CP" &&
      equipment != "BP" && equipment != "MD" && equipment != "TDD" && equipment != "TTY" &&
      equipment != "SAT") {
    return "XTN equipment type (component 3) is unknown";
  }
  const auto local = component(parts, 7);
  const auto unformatted = component(parts, 12);
  const auto legacy = parts[0];
  if (local.empty() && unformatted.empty() && legacy.empty()) {
    return "XTN needs an e-mail (^^Internet^address) or a telephone number";
  }
  for (const auto number_text :
       {local, unformatted, legacy, component(parts, 5), component(parts, 6)}) {
    if (!number_text.empty() && !phone_like(number_text))
      return "XTN telephone number is malformed";
  }
  return "";
}

std::string check_dtm(std::string_view value) {
  switch (value.size()) {
    case 4:
    case 6:
    case 8:
    case 10:
    case 12:
    case 14:
      break;
    default:
      return "DTM must be YYYY[MM[DD[hh[mm[ss]]]]]";
  }
  if (!all_of(value, is_digit)) return "DTM must contain digits only";
  const int year = number(value.substr(0, 4));
  if (value.size() >= 6) {
    const int month = number(value.substr(4, 2));
    if (month < 1 || month > 12) return "DTM month out of range";
    if (value.size() >= 8) {
      const int day = number(value.substr(6, 2));
      if (day < 1 || day > days_in_month(year, month)) return "DTM day out of range";
    }
  }
  if (value.size() >= 10 && number(value.substr(8, 2)) > 23) return "DTM hour out of range";
  if (value.size() >= 12 && number(value.substr(10, 2)) > 59) return "DTM minute out of range";
  if (value.size() >= 14 && number(value.substr(12, 2)) > 59) return "DTM second out of range";
  return "";
}

std::string check_uuid_urn(std::string_view value) {
  static constexpr std::string_view kPrefix = "urn:uuid:";
  if (value.size() != kPrefix.size() + 36 || value.substr(0, kPrefix.size()) != kPrefix) {
    return "must be urn:uuid: followed by 36 characters";
  }
  const auto uuid = value.substr(kPrefix.size());
  for (std::size_t i = 0; i < uuid.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? uuid[i] != '-' : !is_hex(uuid[i])) return "UUID must be 8-4-4-4-12 hex digits";
  }
  return "";
}

std::string check_unique_id(std::string_view value) {
  if (value.empty()) return "empty uniqueId";
  if (value.size() > 128) return "uniqueId longer than 128 characters";
  const auto caret = value.find('^');
  const auto root = value.substr(0, caret);
  if (std::string reason = check_oid(root); !reason.empty()) return "uniqueId root: " + reason;
  if (caret == std::string_view::npos) return "";
  const auto extension = value.substr(caret + 1);
  if (extension.empty()) return "uniqueId extension after '^' is empty";
  if (extension.size() > 16) return "uniqueId extension longer than 16 characters";
  if (has_control_or_separator(extension, "^&~\\ ")) return "uniqueId extension has a separator";
  return "";
}

std::string check_language_tag(std::string_view value) {
  if (value.empty()) return "empty language tag";
  const auto subtags = split(value, '-');
  for (const auto subtag : subtags) {
    if (subtag.empty() || subtag.size() > 8 || !all_of(subtag, is_alnum)) {
      return "language subtags must be 1 to 8 letters or digits";
    }
  }
  std::size_t i = 0;
  const auto size = subtags.size();
  const auto alpha = [](std::string_view s) { return all_of(s, is_alpha); };
  const auto digits = [](std::string_view s) { return all_of(s, is_digit); };
  const auto private_use = [&](std::size_t from) {
    return from + 1 < size ? "" : "private use subtag 'x' must be followed by a subtag";
  };
  if (subtags[0] == "x" || subtags[0] == "X") return private_use(0);
  // language: 2-3 letters (+ up to 3 extlang of 3 letters), or 4-8 letters.
  if (!alpha(subtags[0]) || subtags[0].size() < 2) return "primary language must be 2 to 8 letters";
  const bool short_language = subtags[0].size() <= 3;
  ++i;
  for (int extlang = 0; short_language && extlang < 3 && i < size; ++extlang, ++i) {
    if (subtags[i].size() != 3 || !alpha(subtags[i])) break;
  }
  if (i < size && subtags[i].size() == 4 && alpha(subtags[i])) ++i;  // script
  if (i < size && ((subtags[i].size() == 2 && alpha(subtags[i])) ||
                   (subtags[i].size() == 3 && digits(subtags[i])))) {
    ++i;  // region
  }
  while (i < size &&
         ((subtags[i].size() >= 5) || (subtags[i].size() == 4 && is_digit(subtags[i][0])))) {
    ++i;  // variants
  }
  while (i < size && subtags[i].size() == 1 && subtags[i] != "x" && subtags[i] != "X") {
    ++i;  // extension singleton and its 2-8 character subtags
    if (i >= size || subtags[i].size() < 2) return "language extension needs a subtag";
    while (i < size && subtags[i].size() >= 2) ++i;
  }
  if (i < size && (subtags[i] == "x" || subtags[i] == "X")) return private_use(i);
  if (i < size) return "unexpected language subtag '" + std::string(subtags[i]) + "'";
  return "";
}

std::string check_sha1_hex(std::string_view value) {
  if (value.size() != 40) return "SHA-1 must be 40 hex digits";
  if (!all_of(value, is_hex)) return "SHA-1 must contain hex digits only";
  return "";
}

std::string check_size(std::string_view value) {
  if (value.empty()) return "empty size";
  if (!all_of(value, is_digit)) return "size must be a non-negative decimal integer";
  std::uint64_t total = 0;
  for (const char c : value) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (total > (UINT64_MAX - digit) / 10) return "size too large";
    total = total * 10 + digit;
  }
  return "";
}

std::string check_mime_type(std::string_view value) {
  const auto slash = value.find('/');
  if (value.empty() || slash == std::string_view::npos) return "mimeType must be type/subtype";
  if (!is_restricted_name(value.substr(0, slash)) || !is_restricted_name(value.substr(slash + 1))) {
    return "mimeType must be type/subtype with RFC 6838 characters";
  }
  return "";
}

}  // namespace passerelle::registry::datatypes
