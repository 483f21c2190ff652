#include "passerelle/conformance/placeholders.hpp"

#include <algorithm>
#include <cctype>
#include <iomanip>
#include <sstream>
#include <vector>

#include "passerelle/core/xml.hpp"
#include "text.hpp"

namespace passerelle::conformance {

std::string substitute(std::string text, const std::map<std::string, std::string>& values,
                       bool escape) {
  std::vector<std::pair<std::string, std::string>> ordered(values.begin(), values.end());
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [symbol, raw] : ordered) {
    text = replace_all(std::move(text), symbol, escape ? xml::escape(raw) : raw);
  }
  return text;
}

namespace {

std::string dtm(std::chrono::year_month_day day, std::chrono::hh_mm_ss<std::chrono::seconds> time) {
  // A stream, not snprintf: no buffer to size (one tripped
  // -Wformat-truncation in the -O3 build).
  std::ostringstream text;
  text << std::setfill('0') << std::setw(4) << static_cast<int>(day.year()) << std::setw(2)
       << static_cast<unsigned>(day.month()) << std::setw(2) << static_cast<unsigned>(day.day())
       << std::setw(2) << time.hours().count() << std::setw(2) << time.minutes().count()
       << std::setw(2) << time.seconds().count();
  return text.str();
}

}  // namespace

std::map<std::string, std::string> query_time_symbols(std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  const auto day_start = floor<days>(now);
  const year_month_day today{day_start};
  const hh_mm_ss<seconds> time{floor<seconds>(now - day_start)};
  auto a_year_before = today - years{1};
  if (!a_year_before.ok()) a_year_before = a_year_before.year() / February / 28;
  return {{"$now$", dtm(today, time)}, {"$lastyear$", dtm(a_year_before, time)}};
}

std::string first_placeholder(const std::string& text) {
  for (auto at = text.find('$'); at != std::string::npos; at = text.find('$', at + 1)) {
    std::size_t end = at + 1;
    while (end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) {
      ++end;
    }
    if (end > at + 1 && end < text.size() && text[end] == '$') {
      return text.substr(at, end - at + 1);
    }
  }
  return "";
}

bool keeps_object_id(const std::string& id, const std::set<std::string>& defined,
                     const std::map<std::string, std::string>& symbols) {
  if (!id.starts_with("urn:uuid:")) return false;
  if (!defined.contains(id)) return true;
  return std::any_of(symbols.begin(), symbols.end(),
                     [&](const auto& symbol) { return symbol.second == id; });
}

IdFactory::IdFactory(std::string oid_root, std::uint64_t run_stamp)
    : root_(std::move(oid_root)), stamp_(run_stamp), random_(std::random_device{}()) {}

std::string IdFactory::unique_id() {
  return root_ + "." + std::to_string(stamp_) + "." + std::to_string(++counter_);
}

std::string IdFactory::uuid() {
  static constexpr const char* kHex = "0123456789abcdef";
  std::string out = "urn:uuid:";
  const std::uint64_t high = random_(), low = random_();
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    const std::uint64_t word = i < 16 ? high : low;
    auto nibble = static_cast<unsigned>((word >> (4 * (15 - (i % 16)))) & 0xF);
    if (i == 12) nibble = 4;                 // version 4
    if (i == 16) nibble = 8 | (nibble & 3);  // RFC 4122 variant
    out += kHex[nibble];
  }
  return out;
}

std::string IdFactory::patient(const std::string& authority, const std::string& type_code) {
  return "P" + std::to_string(stamp_) + std::to_string(++counter_) + "^^^&" + authority + "&ISO" +
         (type_code.empty() ? "" : "^" + type_code);
}

}  // namespace passerelle::conformance
