#pragma once

// The SVS value sets the header rules use, loaded once from cda/value-sets/
// and indexed by value-set OID. Concepts outside their validity dates
// (SVS dateValid / dateFin, when present) are left out.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace passerelle::cda::detail {

class ValueSets {
 public:
  // Loads every *.xml of `dir`; throws Failure when a file is unreadable or
  // one of `required` OIDs is missing. `today` is YYYYMMDD.
  static ValueSets load(const std::filesystem::path& dir, std::string_view today);

  bool has_value_set(std::string_view oid) const;
  bool contains(std::string_view oid, std::string_view code, std::string_view code_system) const;
  bool contains_code(std::string_view oid, std::string_view code) const;

 private:
  std::map<std::string, std::set<std::pair<std::string, std::string>>, std::less<>> sets_;
};

}  // namespace passerelle::cda::detail
