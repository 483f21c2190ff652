#pragma once

// Document bytes as the registry sees them: size and SHA-1 known up front
// (computed while the transport received them), content read in chunks so
// a large document is never copied whole through the heap.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace passerelle::registry {

struct DocumentContent {
  std::string mime_type;  // from the transport part, may be ""
  std::uint64_t size = 0;
  std::string sha1_hex;  // lower case
  // Calls sink with consecutive chunks of the content.
  std::function<void(const std::function<void(std::string_view)>& sink)> read;
};

}  // namespace passerelle::registry
