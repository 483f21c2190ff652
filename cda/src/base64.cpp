#include "base64.hpp"

#include <array>

namespace passerelle::cda::detail {
namespace {

constexpr std::array<int, 256> make_table() {
  std::array<int, 256> table{};
  table.fill(-1);
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  }
  return table;
}

constexpr std::array<int, 256> kTable = make_table();

int value_of(char c) { return kTable[static_cast<unsigned char>(c)]; }

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  // At most 3 bytes per 4 characters; written in place, trimmed at the end.
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t written = 0;
  unsigned buffer = 0;
  int bits = 0, padding = 0, symbols = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    // Four alphabet characters on a group boundary (the bulk of a nonXMLBody)
    // give three bytes at once; anything else takes the character loop below.
    if (bits == 0 && padding == 0 && text.size() - i >= 4) {
      const int a = value_of(text[i]), b = value_of(text[i + 1]), c = value_of(text[i + 2]),
                d = value_of(text[i + 3]);
      if ((a | b | c | d) >= 0) {
        const auto group = static_cast<unsigned>((a << 18) | (b << 12) | (c << 6) | d);
        out[written++] = static_cast<char>((group >> 16) & 0xFFu);
        out[written++] = static_cast<char>((group >> 8) & 0xFFu);
        out[written++] = static_cast<char>(group & 0xFFu);
        symbols += 4;
        i += 4;
        continue;
      }
    }
    const char c = text[i++];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      ++symbols;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    const int value = value_of(c);
    if (value < 0) return std::nullopt;
    ++symbols;
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[written++] = static_cast<char>((buffer >> bits) & 0xFFu);
    }
  }
  if (padding > 2 || symbols % 4 != 0) return std::nullopt;
  out.resize(written);
  return out;
}

}  // namespace passerelle::cda::detail
