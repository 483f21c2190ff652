#pragma once

// The two libraries a test process initialises once: Xerces-C (xml::Runtime)
// and xmlsec1/libxml2 (signature::Runtime). A test file registers it with
// BOOST_TEST_GLOBAL_FIXTURE(XmlAndSignatureRuntimes) after
// `using namespace passerelle::testing;` (the macro wants a plain name).

#include "passerelle/core/xml.hpp"
#include "passerelle/signature/xmldsig.hpp"

namespace passerelle::testing {

struct XmlAndSignatureRuntimes {
  xml::Runtime xml;
  signature::Runtime signature;
};

}  // namespace passerelle::testing
