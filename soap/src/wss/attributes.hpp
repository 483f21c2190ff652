#pragma once

// The VIHF's Subject/NameID and AttributeStatement (dmp-xds-mapping.md §7)
// read into an AccessContext, every required attribute present once, every
// code system the expected one. Reads only below the node it is given: the
// assertion whose signature was verified.

#include <libxml/tree.h>

#include "passerelle/soap/access_context.hpp"

namespace passerelle::soap::wss {

// Throws Failure(kInvalidSecurityToken) with the attribute and the reason.
void read_subject_and_attributes(const xmlNode* assertion, AccessContext& context);

}  // namespace passerelle::soap::wss
