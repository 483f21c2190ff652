#pragma once

// SHA-1 of document bytes, as the XDS `hash` slot carries it.

#include <string>
#include <string_view>

namespace passerelle::registry::xdm::detail {

std::string sha1_hex(std::string_view bytes);  // 40 lower-case hex digits

}  // namespace passerelle::registry::xdm::detail
