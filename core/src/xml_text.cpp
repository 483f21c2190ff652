// UTF-8 <-> UTF-16 conversion and escaping for the xml:: helpers.
//
// Conversion is done by hand rather than through Xerces' transcoders: the
// rules are short, it needs no XMLPlatformUtils state, and malformed input is
// handled the same way everywhere (replaced by U+FFFD instead of throwing
// from deep inside a transcoder).

#include <cstdint>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "passerelle/core/xml.hpp"
#include "passerelle/core/xml_utf8.hpp"

namespace passerelle::xml {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void append_utf16(std::u16string& out, char32_t cp) {
  if (cp < 0x10000) {
    out.push_back(static_cast<char16_t>(cp));
  } else {
    cp -= 0x10000;
    out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
    out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
  }
}

// Decodes one code point at `i`, advancing it; overlong forms, surrogates
// and truncated sequences become U+FFFD so the output is always valid.
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto lead = static_cast<unsigned char>(text[i++]);
  if (lead < 0x80) return lead;
  int extra = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((lead & 0xE0) == 0xC0) {
    extra = 1, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3, cp = lead & 0x07, min = 0x10000;
  } else {
    return kReplacement;
  }
  for (int k = 0; k < extra; ++k) {
    if (i >= text.size()) return kReplacement;
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) return kReplacement;
    cp = (cp << 6) | (c & 0x3F);
    ++i;
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kReplacement;
  return cp;
}

// The length of the run of ASCII units at the start of `text`, eight at a
// time where SSE2 is there: most text the gateway converts (base64 bodies,
// identifiers, codes) is ASCII, and per-unit encoding was 5% of a CDA
// validation.
std::size_t ascii_run(std::u16string_view text) {
  std::size_t n = 0;
#if defined(__SSE2__)
  const __m128i high_bits = _mm_set1_epi16(static_cast<short>(0xFF80));
  const __m128i zero = _mm_setzero_si128();
  for (; text.size() - n >= 8; n += 8) {
    const __m128i units = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + n));
    if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(units, high_bits), zero)) != 0xFFFF) break;
  }
#endif
  while (n < text.size() && text[n] < 0x80) ++n;
  return n;
}

// Writes ASCII units as bytes.
void narrow_ascii(std::u16string_view ascii, char* out) {
  std::size_t k = 0;
#if defined(__SSE2__)
  for (; ascii.size() - k >= 8; k += 8) {
    const __m128i units = _mm_loadu_si128(reinterpret_cast<const __m128i*>(ascii.data() + k));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + k), _mm_packus_epi16(units, units));
  }
#endif
  for (; k < ascii.size(); ++k) out[k] = static_cast<char>(ascii[k]);
}

}  // namespace

void append_as_utf8(std::string& out, std::u16string_view text) {
  out.reserve(out.size() + text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (const std::size_t run = ascii_run(text.substr(i)); run > 0) {
      const std::size_t at = out.size();
      out.resize(at + run);
      narrow_ascii(text.substr(i, run), out.data() + at);
      i += run;
      if (i == text.size()) break;
    }
    char32_t cp = text[i];
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < text.size() && text[i + 1] >= 0xDC00 &&
        text[i + 1] <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (text[i + 1] - 0xDC00);
      ++i;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = kReplacement;
    }
    append_utf8(out, cp);
  }
}

std::string utf8(const XMLCh* text) {
  std::string out;
  if (text != nullptr) append_as_utf8(out, text);
  return out;
}

std::u16string xmlch(std::string_view utf8_text) {
  std::u16string out;
  out.reserve(utf8_text.size());
  std::size_t i = 0;
  while (i < utf8_text.size()) append_utf16(out, next_code_point(utf8_text, i));
  return out;
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      // A literal CR would be normalised away by the reader.
      case '\r':
        out += "&#xD;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace passerelle::xml
