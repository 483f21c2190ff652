#include "values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <vector>

#include "passerelle/soap/wss.hpp"

namespace passerelle::soap::wss {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool all_alnum(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isdigit(c) != 0 || (c >= 'A' && c <= 'Z');
  });
}

bool number(std::string_view text, std::size_t at, std::size_t width, int& out) {
  if (at + width > text.size() || !all_digits(text.substr(at, width))) return false;
  return std::from_chars(text.data() + at, text.data() + at + width, out).ec == std::errc{};
}

std::string trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_saml_instant(std::string_view text) {
  // YYYY-MM-DDThh:mm:ss[.f+]Z
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || !number(text, 0, 4, year) || text[4] != '-' ||
      !number(text, 5, 2, month) || text[7] != '-' || !number(text, 8, 2, day) || text[10] != 'T' ||
      !number(text, 11, 2, hour) || text[13] != ':' || !number(text, 14, 2, minute) ||
      text[16] != ':' || !number(text, 17, 2, second) || text.back() != 'Z') {
    return std::nullopt;
  }
  std::string_view rest = text.substr(19, text.size() - 20);
  std::chrono::microseconds fraction{0};
  if (!rest.empty()) {
    if (rest.front() != '.' || !all_digits(rest.substr(1))) return std::nullopt;
    std::string digits(rest.substr(1, 6));
    digits.resize(6, '0');
    fraction = std::chrono::microseconds(std::stol(digits));
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second) + fraction;
}

std::string structure_id_problem(std::string_view id) {
  const std::string shown = "'" + std::string(id.substr(0, 40)) + "'";
  if (id.empty()) return "is empty";
  const std::string_view rest = id.substr(1);
  switch (id.front()) {
    case '0':
      if (rest.size() == 11 && all_alnum(rest)) return "";
      return shown + " is not an ADELI structure id (0 + 11 characters, R-ID-2)";
    case '1':
      if (rest.size() == 9 && all_alnum(rest)) return "";
      return shown + " is not a FINESS structure id (1 + 9 characters, R-ID-2)";
    case '2':
      if (rest.size() == 9 && all_digits(rest)) return "";
      return shown + " is not a SIREN structure id (2 + 9 digits, R-ID-2)";
    case '3':
      if (rest.size() == 14 && all_digits(rest)) return "";
      return shown + " is not a SIRET structure id (3 + 14 digits, R-ID-2)";
    case '4':
      if (rest.size() == 14 && all_digits(rest)) return "";
      return shown + " is not an RPPS structure id (4 + 14 digits, R-ID-2)";
    default:
      return shown +
             " has no known type prefix (0 ADELI, 1 FINESS, 2 SIREN, 3 SIRET, 4 RPPS; R-ID-2)";
  }
}

std::string person_id_problem(std::string_view id, PersonIdKind& kind) {
  const std::string shown = "'" + std::string(id.substr(0, 40)) + "'";
  if (id.empty()) return "is empty";
  const std::string_view rest = id.substr(1);
  switch (id.front()) {
    case '8':
      kind = PersonIdKind::Rpps;
      if (rest.size() == 11 && all_digits(rest)) return "";
      return shown + " is not an RPPS person id (8 + 11 digits, R-ID-2)";
    case '0':
      kind = PersonIdKind::Adeli;
      if (rest.size() == 11 && all_alnum(rest)) return "";
      return shown + " is not an ADELI person id (0 + 11 characters, R-ID-2)";
    case '3': {
      kind = PersonIdKind::Other;
      const auto slash = rest.find('/');
      const bool printable = std::all_of(rest.begin(), rest.end(),
                                         [](unsigned char c) { return c > 0x20 && c < 0x7f; });
      if (slash != std::string_view::npos && slash > 0 && slash + 1 < rest.size() && printable &&
          rest.size() <= 64 && structure_id_problem(rest.substr(0, slash)).empty()) {
        return "";
      }
      return shown + " is not an internal person id (3 + structure id/local id, R-ID-2)";
    }
    default:
      return shown + " has no known type prefix (8 RPPS, 0 ADELI, 3 internal; R-ID-2)";
  }
}

std::optional<PatientId> parse_patient_cx(std::string_view cx) {
  // <id>^^^&<OID>&ISO[^<type>]
  const auto carets = cx.find("^^^&");
  if (carets == std::string_view::npos || carets == 0) return std::nullopt;
  const std::string_view authority = cx.substr(carets + 4);
  const auto iso = authority.find("&ISO");
  if (iso == std::string_view::npos || iso == 0) return std::nullopt;
  const std::string_view after = authority.substr(iso + 4);
  if (!after.empty() && after.front() != '^') return std::nullopt;
  return PatientId{std::string(cx.substr(0, carets)), std::string(authority.substr(0, iso))};
}

std::string normalized_dn(std::string_view dn) {
  std::vector<std::string> rdns;
  std::string current;
  // Splits on unescaped ',' (RFC 2253) or '/' (OpenSSL one-line form).
  const bool slashed = !dn.empty() && dn.front() == '/';
  if (slashed) dn.remove_prefix(1);
  const char separator = slashed ? '/' : ',';
  for (std::size_t i = 0; i < dn.size(); ++i) {
    if (dn[i] == '\\' && i + 1 < dn.size()) {
      current += dn[i];
      current += dn[++i];
    } else if (dn[i] == separator) {
      rdns.push_back(trim(current));
      current.clear();
    } else {
      current += dn[i];
    }
  }
  rdns.push_back(trim(current));
  // The one-line form lists the RDNs from the root; RFC 2253 from the leaf.
  if (slashed) std::reverse(rdns.begin(), rdns.end());
  std::string out;
  for (auto& rdn : rdns) {
    const auto equals = rdn.find('=');
    std::string type = trim(rdn.substr(0, equals));
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string value = equals == std::string::npos ? "" : trim(rdn.substr(equals + 1));
    if (!out.empty()) out += ',';
    out += type + "=" + value;
  }
  return out;
}

std::string format_saml_instant(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

bool same_distinguished_name(std::string_view a, std::string_view b) {
  return normalized_dn(a) == normalized_dn(b);
}

}  // namespace passerelle::soap::wss
