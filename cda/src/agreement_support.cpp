#include "agreement_support.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "rules.hpp"

namespace passerelle::cda::agreement {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string component(std::string_view value, std::size_t index, char separator) {
  const auto parts = split(value, separator);
  return index < parts.size() ? parts[index] : std::string();
}

std::string normalise_space(std::string_view text) {
  std::string out;
  bool pending = false;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending = !out.empty();
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    out += c;
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

namespace {

bool all_digits(std::string_view text) {
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int number(std::string_view digits) {
  int value = 0;
  for (const char c : digits) value = value * 10 + (c - '0');
  return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap(year) ? 29 : kDays[month - 1];
}

std::string two(int value) {
  return std::string(1, static_cast<char>('0' + value / 10)) + static_cast<char>('0' + value % 10);
}

}  // namespace

std::optional<std::string> ts_to_utc(std::string_view ts) {
  std::size_t end = 0;
  while (end < ts.size() && ts[end] >= '0' && ts[end] <= '9') ++end;
  std::string_view digits = ts.substr(0, end);
  std::string_view rest = ts.substr(end);
  if (!rest.empty() && rest.front() == '.') {  // fraction of a second
    if (digits.size() != 14) return std::nullopt;
    std::size_t f = 1;
    while (f < rest.size() && rest[f] >= '0' && rest[f] <= '9') ++f;
    if (f == 1) return std::nullopt;
    rest = rest.substr(f);
  }
  int offset_minutes = 0;
  bool has_offset = false;
  if (!rest.empty()) {
    if (rest.front() != '+' && rest.front() != '-') return std::nullopt;
    std::string offset(rest.substr(1));
    if (offset.empty() || offset.size() > 4 || !all_digits(offset)) return std::nullopt;
    offset.resize(4, '0');
    const int hours = number(std::string_view(offset).substr(0, 2));
    const int minutes = number(std::string_view(offset).substr(2, 2));
    if (hours > 14 || minutes > 59) return std::nullopt;
    offset_minutes = (hours * 60 + minutes) * (rest.front() == '-' ? -1 : 1);
    has_offset = true;
  }
  static constexpr std::size_t kLengths[] = {4, 6, 8, 10, 12, 14};
  bool length_ok = false;
  for (const auto length : kLengths) length_ok = length_ok || digits.size() == length;
  if (!length_ok) return std::nullopt;

  const int year = number(digits.substr(0, 4));
  const int month = digits.size() >= 6 ? number(digits.substr(4, 2)) : 1;
  const int day = digits.size() >= 8 ? number(digits.substr(6, 2)) : 1;
  const int hour = digits.size() >= 10 ? number(digits.substr(8, 2)) : 0;
  const int minute = digits.size() >= 12 ? number(digits.substr(10, 2)) : 0;
  const int second = digits.size() >= 14 ? number(digits.substr(12, 2)) : 0;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  if (!has_offset || digits.size() < 10) return std::string(digits);

  std::int64_t seconds =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second -
      static_cast<std::int64_t>(offset_minutes) * 60;
  std::int64_t days = seconds / 86400;
  std::int64_t in_day = seconds % 86400;
  if (in_day < 0) {
    in_day += 86400;
    --days;
  }
  std::int64_t utc_year = 0;
  unsigned utc_month = 0;
  unsigned utc_day = 0;
  civil_from_days(days, utc_year, utc_month, utc_day);
  if (utc_year < 0 || utc_year > 9999) return std::nullopt;
  std::string out = std::to_string(utc_year);
  out.insert(0, 4 - out.size(), '0');
  out += two(static_cast<int>(utc_month)) + two(static_cast<int>(utc_day)) +
         two(static_cast<int>(in_day / 3600)) + two(static_cast<int>(in_day % 3600 / 60)) +
         two(static_cast<int>(in_day % 60));
  return out.substr(0, digits.size());
}

bool same_instant(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

const detail::El* child(const detail::El* parent, std::string_view name) {
  return parent == nullptr ? nullptr : detail::kid(*parent, name);
}

std::vector<detail::El*> children(const detail::El* parent, std::string_view name) {
  return parent == nullptr ? std::vector<detail::El*>{} : detail::kids(*parent, name);
}

const detail::El* descend(const detail::El* from, std::initializer_list<std::string_view> names) {
  for (const auto name : names) from = child(from, name);
  return from;
}

std::string attr(const detail::El* element, std::string_view name) {
  return element == nullptr ? "" : detail::attr_or(*element, name);
}

std::string text(const detail::El* element) {
  return element == nullptr ? "" : detail::text_content(*element);
}

}  // namespace passerelle::cda::agreement
