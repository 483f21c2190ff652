#pragma once

// UTF-16 (Xerces) to UTF-8 for text that has a length rather than a
// terminating null, such as the character callbacks of a Xerces parser.

#include <string>
#include <string_view>

namespace passerelle::xml {

// Appends `text` to `out` as UTF-8; an unpaired surrogate becomes U+FFFD, as
// in xml::utf8.
void append_as_utf8(std::string& out, std::u16string_view text);

}  // namespace passerelle::xml
