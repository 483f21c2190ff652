#pragma once

// The document a CDA with an unstructured body carries (R-OUT-1, issue 10:
// downloads in the original format): component/nonXMLBody/text with
// representation="B64", decoded, without the CDA header around it.

#include <optional>
#include <string>
#include <string_view>

namespace passerelle::cda {

// Failure::error().code of a refusal; location = the element path.
namespace body_codes {
// The CDA has a structuredBody: there is no original document to give.
inline constexpr const char* kStructuredBody = "passerelle:CdaStructuredBody";
// The nonXMLBody is unusable: no text, not B64, no or another media type
// than the five of R-CDA-45, invalid or empty base64; or no body at all.
inline constexpr const char* kMalformedBody = "passerelle:CdaMalformedNonXmlBody";
}  // namespace body_codes

struct UnstructuredBody {
  std::string media_type;  // application/pdf, image/jpeg, image/tiff, text/rtf, text/plain
  std::string extension;   // pdf, jpg, tif, rtf, txt
  std::string bytes;       // decoded
};

// The file extension of an R-CDA-45 media type ("pdf" for application/pdf…),
// "" for any other.
std::string_view file_extension(std::string_view media_type);

// Parses `document` with the hardened parser (an xml::Runtime must be
// alive) and finds the ClinicalDocument as locate_clinical_document does.
// nullopt when `document` is not a CDA at all (not XML, or no
// ClinicalDocument): its bytes are the original. Throws Failure with a
// body_codes code otherwise.
std::optional<UnstructuredBody> unstructured_body(std::string_view document);

}  // namespace passerelle::cda
