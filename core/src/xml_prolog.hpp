#pragma once

#include <string_view>

namespace passerelle::xml {

// True when the prolog of a UTF-8 or ASCII-compatible document holds a
// DOCTYPE declaration. Lets xml::parse refuse DTDs before Xerces reads a
// byte, with the right error code even for a malformed declaration.
bool prolog_has_doctype(std::string_view bytes);

}  // namespace passerelle::xml
