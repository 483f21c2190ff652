#pragma once

// Issue 10: the body of urn:passerelle:dmp:Download (docs/dmp-download.xsd).

#include <string>

#include "passerelle/soap/envelope.hpp"

namespace passerelle::gateway::download {

enum class Format { Original, Cda, Xdm };
const char* to_string(Format format);  // "original", "cda", "xdm"

struct DownloadRequest {
  std::string document_unique_id;
  Format format = Format::Original;
};

// dmp:DownloadRequest with exactly one dmp:DocumentUniqueId (R-OUT-2) and
// one dmp:Format. Throws Failure(kMalformedEnvelope) for another body or a
// missing uniqueId, Failure(codes::kOneDocument) for a second one,
// Failure(codes::kUnknownFormat) for a missing or unknown format.
DownloadRequest parse_download_request(const soap::SoapRequest& request);

}  // namespace passerelle::gateway::download
