#include "download/download_request.hpp"

#include "access/dmp_operations.hpp"
#include "download/download_codes.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"

namespace passerelle::gateway::download {
namespace {

constexpr const char* kRequest = "DownloadRequest";

}  // namespace

const char* to_string(Format format) {
  switch (format) {
    case Format::Cda:
      return "cda";
    case Format::Xdm:
      return "xdm";
    case Format::Original:
      break;
  }
  return "original";
}

DownloadRequest parse_download_request(const soap::SoapRequest& request) {
  using access::kDmpNamespace;
  if (request.payload == nullptr || !xml::is_element(*request.payload, kDmpNamespace, kRequest)) {
    throw Failure(passerelle::codes::kMalformedEnvelope, "soap:Body",
                  std::string("the Body must contain ") + kRequest + " (" + kDmpNamespace + ")");
  }
  const auto ids = xml::child_elements(*request.payload, kDmpNamespace, "DocumentUniqueId");
  if (ids.empty() || xml::text_content(*ids.front()).empty()) {
    throw Failure(passerelle::codes::kMalformedEnvelope, kRequest,
                  "dmp:DocumentUniqueId is missing");
  }
  if (ids.size() > 1) {
    throw Failure(codes::kOneDocument, kRequest,
                  "a download request names exactly one document (R-OUT-2); this one names " +
                      std::to_string(ids.size()));
  }
  DownloadRequest out;
  out.document_unique_id = xml::text_content(*ids.front());
  const auto formats = xml::child_elements(*request.payload, kDmpNamespace, "Format");
  const std::string format = formats.size() == 1 ? xml::text_content(*formats.front()) : "";
  if (format == "original") {
    out.format = Format::Original;
  } else if (format == "cda") {
    out.format = Format::Cda;
  } else if (format == "xdm") {
    out.format = Format::Xdm;
  } else {
    throw Failure(codes::kUnknownFormat, "dmp:Format",
                  formats.size() > 1
                      ? std::string("dmp:Format is given more than once")
                      : "dmp:Format must be original, cda or xdm, not '" + format + "'");
  }
  return out;
}

}  // namespace passerelle::gateway::download
