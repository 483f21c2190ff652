#pragma once

// ebRIM requests for unit tests, parsed with the product's hardened parser
// (an xml::Runtime must be alive).

#include <string>

#include "passerelle/registry/ebrim.hpp"

namespace passerelle::testing {

registry::SubmitObjectsRequest parse_submission(const std::string& text);
// tests/fixtures/xds/provide_and_register_two_docs.xml, parsed.
registry::SubmitObjectsRequest two_document_request();
// `objects` (rim:* elements, prefix rim) inside a SubmitObjectsRequest.
registry::SubmitObjectsRequest wrap_objects(const std::string& objects);

}  // namespace passerelle::testing
