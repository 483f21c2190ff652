#pragma once

// Base64 of CDA nonXMLBody text (R-CDA-45 checks it, downloads decode it).

#include <optional>
#include <string>
#include <string_view>

namespace passerelle::cda::detail {

// Standard base64, whitespace ignored, padding optional only at the end;
// nullopt when `text` is not base64.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace passerelle::cda::detail
