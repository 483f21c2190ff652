#include "passerelle/cda/unstructured_body.hpp"

#include <array>
#include <variant>

#include "base64.hpp"
#include "passerelle/cda/clinical_document.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"

namespace passerelle::cda {
namespace {

struct Media {
  std::string_view type;
  std::string_view extension;
};
// R-CDA-45's media types.
constexpr std::array<Media, 5> kMedia{{{"application/pdf", "pdf"},
                                       {"image/jpeg", "jpg"},
                                       {"image/tiff", "tif"},
                                       {"text/rtf", "rtf"},
                                       {"text/plain", "txt"}}};

[[noreturn]] void malformed(const std::string& location, const std::string& message) {
  throw Failure(body_codes::kMalformedBody, location, message);
}

const xercesc::DOMElement* child(const xercesc::DOMElement& parent, const char* local) {
  return xml::first_child_element(parent, kHl7Namespace, local);
}

}  // namespace

std::string_view file_extension(std::string_view media_type) {
  for (const auto& known : kMedia) {
    if (known.type == media_type) return known.extension;
  }
  return "";
}

std::optional<UnstructuredBody> unstructured_body(std::string_view document) {
  std::optional<xml::Document> parsed;
  try {
    parsed.emplace(xml::parse(document, {}, "document"));
  } catch (const Failure&) {
    return std::nullopt;  // not XML: not a CDA
  }
  const auto located = locate_clinical_document(parsed->root());
  if (std::holds_alternative<Finding>(located)) return std::nullopt;
  const xercesc::DOMElement& clinical = *std::get<LocatedDocument>(located).element;

  std::string at = "ClinicalDocument/component";
  const auto* component = child(clinical, "component");
  if (component == nullptr) malformed(at, "the CDA has no body (component)");
  if (child(*component, "structuredBody") != nullptr) {
    throw Failure(body_codes::kStructuredBody, at + "/structuredBody",
                  "the CDA has a structured body: it has no original document to download "
                  "(ask for the cda or xdm format)");
  }
  const auto* body = child(*component, "nonXMLBody");
  if (body == nullptr) malformed(at, "the CDA has neither a structuredBody nor a nonXMLBody");
  at += "/nonXMLBody/text";
  const auto* text = child(*body, "text");
  if (text == nullptr) malformed(at, "the nonXMLBody has no text");
  if (xml::attribute(*text, "representation").value_or("") != "B64") {
    malformed(at + "/@representation", "the nonXMLBody text is not representation=\"B64\"");
  }
  const auto media_type = xml::attribute(*text, "mediaType");
  if (!media_type || media_type->empty()) {
    malformed(at + "/@mediaType", "the nonXMLBody text has no mediaType");
  }
  const std::string_view extension = file_extension(*media_type);
  if (extension.empty()) {
    malformed(at + "/@mediaType",
              "media type '" + *media_type +
                  "' is not one of application/pdf, image/jpeg, image/tiff, text/rtf, text/plain");
  }
  auto bytes = detail::decode_base64(xml::text_content(*text));
  if (!bytes) malformed(at, "the nonXMLBody text is not valid base64");
  if (bytes->empty()) malformed(at, "the nonXMLBody text is empty");
  return UnstructuredBody{*media_type, std::string(extension), std::move(*bytes)};
}

}  // namespace passerelle::cda
