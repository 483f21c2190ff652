#pragma once

// What Xerces-C reads a document from. Xerces-C decodes UTF-8 through its own
// transcoder at about 8 instructions a byte (11% of the CDA schema pass), and
// takes UTF-16 in the machine's byte order with one copy. So a UTF-8 document
// is handed to it as native UTF-16 when that gives it exactly the same
// characters: Xerces-C would read the bytes as UTF-8 (no byte order mark but
// UTF-8's, an XML declaration naming no encoding or UTF-8), they are valid
// UTF-8 and hold no NUL byte. Anything else goes to Xerces-C as it is, so it
// reports its usual errors. Line and column numbers count UTF-16 units in
// both cases.
//
// Written by hand: the gain is the ASCII runs converted 16 bytes at a time;
// the multi-byte sequences are decoded by utfcpp, which refuses what RFC 3629
// refuses (overlong forms, surrogates, truncated sequences). ICU's
// u_strFromUTF8 was measured as costly per byte as Xerces-C's transcoder.

#include <cstddef>
#include <memory>
#include <string_view>
#include <xercesc/framework/MemBufInputSource.hpp>

namespace passerelle::xml {

class Utf16Input {
 public:
  // An input source over `bytes` (which must outlive it), or over their
  // UTF-16 form kept in this object (which must outlive it too).
  std::unique_ptr<xercesc::MemBufInputSource> source(std::string_view bytes, const char16_t* id);

  // Whether the last source() handed Xerces-C UTF-16.
  bool converted() const { return converted_; }

  // Lets go of a buffer larger than `characters`, for an object kept between
  // documents.
  void trim(std::size_t characters);

 private:
  bool convert(std::string_view bytes);

  std::unique_ptr<char16_t[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t length_ = 0;
  bool converted_ = false;
};

}  // namespace passerelle::xml
