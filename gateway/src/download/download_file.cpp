#include "download/download_file.hpp"

#include <string_view>

#include "download/download_codes.hpp"
#include "passerelle/cda/unstructured_body.hpp"
#include "passerelle/core/error.hpp"

namespace passerelle::gateway::download {
namespace {

// text/xml, application/xml and any +xml type, with parameters or not.
bool is_xml(std::string_view mime_type) {
  const std::string_view type = mime_type.substr(0, mime_type.find(';'));
  return type == "text/xml" || type == "application/xml" ||
         (type.size() > 4 && type.substr(type.size() - 4) == "+xml");
}

}  // namespace

std::string file_stem(const std::string& unique_id) {
  std::string out;
  for (const char c : unique_id) {
    const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_';
    out += kept ? c : '_';
  }
  return out.empty() ? "document" : out;
}

DownloadFile cda_file(StoredDocument stored) {
  if (!is_xml(stored.mime_type)) {
    throw Failure(codes::kNotCda, stored.unique_id,
                  "document '" + stored.unique_id + "' is stored as " + stored.mime_type +
                      ", not as a CDA: ask for the original or xdm format");
  }
  return {file_stem(stored.unique_id) + ".xml", "text/xml", std::move(stored.bytes)};
}

DownloadFile original_file(StoredDocument stored) {
  if (is_xml(stored.mime_type)) {
    if (auto body = cda::unstructured_body(stored.bytes)) {
      return {file_stem(stored.unique_id) + "." + body->extension, std::move(body->media_type),
              std::move(body->bytes)};
    }
  }
  std::string extension(cda::file_extension(stored.mime_type));
  if (extension.empty()) extension = is_xml(stored.mime_type) ? "xml" : "bin";
  return {file_stem(stored.unique_id) + "." + extension, std::move(stored.mime_type),
          std::move(stored.bytes)};
}

}  // namespace passerelle::gateway::download
