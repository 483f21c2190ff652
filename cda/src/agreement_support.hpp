#pragma once

// Private helpers of the agreement checks (agreement*.cpp): HL7 v2 field
// splitting for XDS values, CDA TS → XDS DTM conversion, header-tree shortcuts.

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tree.hpp"

namespace passerelle::cda::agreement {

// "a^b^c" → {"a","b","c"}; also for '&' subcomponents.
std::vector<std::string> split(std::string_view text, char separator);
// Component `index` (0-based) of an HL7 v2 value, "" when absent.
std::string component(std::string_view value, std::size_t index, char separator = '^');

// Collapses runs of ASCII whitespace to one space and trims.
std::string normalise_space(std::string_view text);
// ASCII lower case.
std::string lower(std::string_view text);

// CDA TS (YYYY[MM[DD[hh[mm[ss[.f…]]]]]][+-offset]) → XDS DTM in UTC at the
// same precision (fraction dropped). An offset is applied when the value has
// at least the hour; shorter values are returned as they are. Offsets with
// fewer than 4 digits are right-padded (R-CDA-47: "+100" = +10:00). nullopt
// when malformed or not a real date/time.
std::optional<std::string> ts_to_utc(std::string_view ts);
// Whether two DTMs agree on their common precision (the shorter length).
bool same_instant(std::string_view a, std::string_view b);

// Header-tree shortcuts in the HL7 v3 namespace (rules.hpp's, null-safe).
const detail::El* child(const detail::El* parent, std::string_view name);
std::vector<detail::El*> children(const detail::El* parent, std::string_view name);
// Follows the first child of each name in turn.
const detail::El* descend(const detail::El* from, std::initializer_list<std::string_view> names);
std::string attr(const detail::El* element, std::string_view name);
std::string text(const detail::El* element);

}  // namespace passerelle::cda::agreement
