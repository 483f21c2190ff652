#include "passerelle/core/xml_input.hpp"

#include <utf8.h>

#include <bit>
#include <cstdint>
#include <xercesc/util/XMLUni.hpp>

#include "xml_prolog.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace passerelle::xml {
namespace {

namespace x = xercesc;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

const XMLCh* native_utf16() {
  return std::endian::native == std::endian::little ? x::XMLUni::fgUTF16LEncodingString
                                                    : x::XMLUni::fgUTF16BEncodingString;
}

// Copies the run of ASCII bytes (not NUL) at `in`, 16 at a time, and returns
// how many it copied (a multiple of 16; the rest is left to the caller).
std::size_t copy_ascii_blocks(const unsigned char* in, std::size_t size, char16_t* out) {
  std::size_t done = 0;
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  for (; size - done >= 16; done += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + done));
    // A high bit (a multi-byte sequence) or a NUL byte ends the run.
    if (_mm_movemask_epi8(_mm_or_si128(block, _mm_cmpeq_epi8(block, zero))) != 0) break;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + done), _mm_unpacklo_epi8(block, zero));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + done + 8), _mm_unpackhi_epi8(block, zero));
  }
#endif
  return done;
}

}  // namespace

bool Utf16Input::convert(std::string_view bytes) {
  if (bytes.substr(0, kUtf8Bom.size()) == kUtf8Bom) bytes.remove_prefix(kUtf8Bom.size());
  if (bytes.empty() || !declares_utf8_or_nothing(bytes)) return false;  // empty: Xerces-C says so
  // At most one UTF-16 unit per byte: a sequence of n bytes gives 1 or 2 units.
  if (capacity_ < bytes.size()) {
    buffer_ = std::make_unique_for_overwrite<char16_t[]>(bytes.size());
    capacity_ = bytes.size();
  }
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* const end = in + bytes.size();
  char16_t* out = buffer_.get();
  try {
    while (in < end) {
      const std::size_t copied = copy_ascii_blocks(in, static_cast<std::size_t>(end - in), out);
      in += copied;
      out += copied;
      if (in == end) break;
      if (*in == 0) return false;
      if (*in < 0x80) {
        *out++ = *in++;
        continue;
      }
      const std::uint32_t code_point = utf8::next(in, end);
      if (code_point > 0xFFFF) {
        const std::uint32_t offset = code_point - 0x10000;
        *out++ = static_cast<char16_t>(0xD800 + (offset >> 10));
        *out++ = static_cast<char16_t>(0xDC00 + (offset & 0x3FF));
      } else {
        *out++ = static_cast<char16_t>(code_point);
      }
    }
  } catch (const utf8::exception&) {
    return false;  // Xerces-C reads the bytes and reports the bad sequence itself
  }
  length_ = static_cast<std::size_t>(out - buffer_.get());
  return true;
}

std::unique_ptr<x::MemBufInputSource> Utf16Input::source(std::string_view bytes,
                                                         const char16_t* id) {
  converted_ = convert(bytes);
  std::unique_ptr<x::MemBufInputSource> source;
  if (converted_) {
    source = std::make_unique<x::MemBufInputSource>(reinterpret_cast<const XMLByte*>(buffer_.get()),
                                                    length_ * sizeof(char16_t), id);
    source->setEncoding(native_utf16());
  } else {
    source = std::make_unique<x::MemBufInputSource>(reinterpret_cast<const XMLByte*>(bytes.data()),
                                                    bytes.size(), id);
  }
  source->setCopyBufToStream(false);  // Xerces reads the bytes in place: no copy of the document
  return source;
}

void Utf16Input::trim(std::size_t characters) {
  if (capacity_ > characters) {
    buffer_.reset();
    capacity_ = 0;
    length_ = 0;
  }
}

}  // namespace passerelle::xml
