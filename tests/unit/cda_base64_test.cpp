#define BOOST_TEST_MODULE cda_base64
#include <boost/test/unit_test.hpp>

// cda/src/base64.hpp decodes nonXMLBody text (R-CDA-45, R-DOC-1, the sniff)
// four characters at a time where it can. Compared here with the plain
// character-by-character decoder it replaced, on random text with
// whitespace, padding and stray characters anywhere.

#include <algorithm>
#include <array>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "base64.hpp"

namespace {

std::optional<std::string> reference(std::string_view text) {
  std::array<int, 256> table{};
  table.fill(-1);
  const std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  }
  std::string out;
  unsigned buffer = 0;
  int bits = 0, padding = 0, symbols = 0;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      ++symbols;
      continue;
    }
    if (padding > 0) return std::nullopt;
    const int value = table[static_cast<unsigned char>(c)];
    if (value < 0) return std::nullopt;
    ++symbols;
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFFu);
    }
  }
  if (padding > 2 || symbols % 4 != 0) return std::nullopt;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(known_values) {
  using passerelle::cda::detail::decode_base64;
  BOOST_TEST(decode_base64("").value().empty());
  BOOST_TEST(decode_base64("JVBERi0xLjQK").value() == "%PDF-1.4\n");
  BOOST_TEST(decode_base64("JVBE\r\nRi0x LjQK").value() == "%PDF-1.4\n");
  BOOST_TEST(decode_base64("YQ==").value() == "a");
  BOOST_TEST(decode_base64("YWI=").value() == "ab");
  BOOST_TEST(!decode_base64("YQ=").has_value());       // 3 symbols
  BOOST_TEST(!decode_base64("YQ==YWJj").has_value());  // data after padding
  BOOST_TEST(!decode_base64("YW*j").has_value());
  BOOST_TEST(!decode_base64("Y===").has_value());
  BOOST_TEST(!decode_base64("==AAAAAA").has_value());  // padding first, groups after
}

BOOST_AUTO_TEST_CASE(random_text_decodes_as_the_reference_does) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string noise = " \t\r\n=*-_.\xC3";
  std::mt19937 random(20261126);
  const auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
  };
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const std::size_t length = pick(90);
    const bool clean = pick(3) == 0;  // valid base64, possibly with whitespace
    for (std::size_t k = 0; k < length; ++k) {
      if (!clean && pick(12) == 0) {
        text += noise[pick(noise.size())];
      } else if (pick(20) == 0) {
        text += "\r\n"[pick(2)];
      } else {
        text += alphabet[pick(alphabet.size())];
      }
    }
    if (clean) {
      const auto symbols = static_cast<std::size_t>(
          std::count_if(text.begin(), text.end(), [](char c) { return c != '\r' && c != '\n'; }));
      text.append((4 - symbols % 4) % 4, '=');
    }
    const auto ours = passerelle::cda::detail::decode_base64(text);
    const auto theirs = reference(text);
    BOOST_TEST(ours.has_value() == theirs.has_value(), text);
    if (ours && theirs) BOOST_TEST(*ours == *theirs, text);
  }
}
