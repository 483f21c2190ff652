// libFuzzer target: arbitrary bytes through the SOAP envelope decoder, the
// project's first contact with untrusted XML.

#include <cstddef>
#include <cstdint>
#include <string>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/soap/envelope.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Xerces must stay initialised across inputs; the fuzzer never returns
  // from its loop, so the static's destructor runs at exit, if ever.
  static const passerelle::xml::Runtime runtime;
  static const passerelle::soap::DecodeOptions options = [] {
    passerelle::soap::DecodeOptions o;
    o.understood_headers.push_back({"urn:fuzz", "Known"});
    return o;
  }();
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const passerelle::soap::SoapRequest request = passerelle::soap::decode(bytes, options);
    if (request.payload != nullptr) {
      (void)passerelle::xml::serialize(*request.payload);
      try {
        (void)passerelle::soap::binary_content(request, *request.payload, options);
      } catch (const passerelle::Failure&) {
      }
    }
  } catch (const passerelle::Failure&) {
  }
  (void)passerelle::soap::sniff_addressing(bytes);
  return 0;
}
