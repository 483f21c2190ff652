#include "passerelle/core/random.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

namespace passerelle::random {

// A RAND_bytes call costs 2 µs on this machine and more under load (its fork
// check is a getpid system call, and each call re-keys the DRBG); a stored
// query drew twice, 8 and 16 bytes, about 3% of the gateway process's CPU
// (bench/README.md, eighth session). A block of 4 KiB per thread costs about
// as much as one call. Thread-local, so no thread waits for another.
bool fill(std::span<unsigned char> out) {
  struct Block {
    std::array<unsigned char, 4096> bytes{};
    std::size_t used = 4096;
  };
  thread_local Block block;
  while (!out.empty()) {
    if (block.used == block.bytes.size()) {
      if (RAND_bytes(block.bytes.data(), static_cast<int>(block.bytes.size())) != 1) return false;
      block.used = 0;
    }
    const std::size_t n = std::min(out.size(), block.bytes.size() - block.used);
    std::copy_n(block.bytes.begin() + static_cast<std::ptrdiff_t>(block.used), n, out.begin());
    // Handed-out bytes are not kept: a later dump of the block shows only
    // what is still to come.
    std::fill_n(block.bytes.begin() + static_cast<std::ptrdiff_t>(block.used), n, 0);
    block.used += n;
    out = out.subspan(n);
  }
  return true;
}

namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_hex(std::string& out, unsigned char byte) {
  out.push_back(kHex[byte >> 4]);
  out.push_back(kHex[byte & 0x0F]);
}

}  // namespace

std::optional<std::string> hex(std::size_t bytes) {
  std::vector<unsigned char> drawn(bytes);
  if (!fill(drawn)) return std::nullopt;
  std::string out;
  out.reserve(2 * bytes);
  for (const unsigned char b : drawn) append_hex(out, b);
  return out;
}

std::optional<std::string> uuid_urn() {
  std::array<unsigned char, 16> b{};
  if (!fill(b)) return std::nullopt;
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 9562 variant
  std::string out = "urn:uuid:";
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    append_hex(out, b[i]);
  }
  return out;
}

}  // namespace passerelle::random
