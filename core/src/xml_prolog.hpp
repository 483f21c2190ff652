#pragma once

#include <string_view>

namespace passerelle::xml {

// True when the prolog of a UTF-8 or ASCII-compatible document holds a
// DOCTYPE declaration. Lets xml::parse refuse DTDs before Xerces reads a
// byte, with the right error code even for a malformed declaration.
bool prolog_has_doctype(std::string_view bytes);

// True when the document has no XML declaration, or one that names no
// encoding or UTF-8 (in any case): then Xerces-C reads a document without a
// UTF-16 or UCS-4 byte order mark as UTF-8. False for any other encoding, and
// for a declaration it cannot read (no "?>" within its first 512 bytes, an
// unquoted value).
bool declares_utf8_or_nothing(std::string_view bytes);

}  // namespace passerelle::xml
