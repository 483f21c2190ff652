#pragma once

// Issue 10: urn:passerelle:dmp:Download requests (docs/downloads.md) and
// their MTOM answers, for integration tests.

#include <string>
#include <vector>

#include "http_client.hpp"
#include "xds_client.hpp"

namespace passerelle::testing {

// dmp:DownloadRequest with one dmp:DocumentUniqueId per id (the gateway
// refuses more than one) and dmp:Format `format` (omitted when empty).
HttpRequestBody download_request(const std::vector<std::string>& unique_ids,
                                 const std::string& format);

struct DownloadAnswer {
  std::string file_name;
  std::string media_type;
  std::string part_content_type;  // of the MIME part the xop:Include names
  std::string bytes;
};
// Reads a dmp:DownloadResponse; throws when the reply is something else.
DownloadAnswer read_download_answer(const HttpReply& reply);

}  // namespace passerelle::testing
