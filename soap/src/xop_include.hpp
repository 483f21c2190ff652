#pragma once

// Resolution of xop:Include references, shared by MTOM decoding (which
// checks every reference up front) and binary_content (which returns one).

#include <memory>
#include <string>
#include <string_view>
#include <vector>
#include <xercesc/dom/DOM.hpp>

#include "passerelle/soap/attachment.hpp"

namespace passerelle::soap {

// The attachment an xop:Include element names through href="cid:...".
// Throws Failure(kUnresolvedXopInclude) with the href as location when the
// href is missing, not a cid: URL, badly percent-encoded or names no part.
std::shared_ptr<const Attachment> resolve_xop_include(
    const xercesc::DOMElement& include,
    const std::vector<std::shared_ptr<const Attachment>>& attachments);

}  // namespace passerelle::soap
