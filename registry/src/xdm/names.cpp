#include "xdm/names.hpp"

#include <cstdio>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/xdm.hpp"

namespace passerelle::registry::xdm::detail {
namespace {

std::string media_type(std::string_view mime) {
  mime = mime.substr(0, mime.find(';'));
  std::string out;
  for (const char c : mime) {
    if (c != ' ' && c != '\t') out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Why one '/'-separated component is unsafe, "" when it is not.
std::string component_reason(std::string_view part) {
  if (part.empty()) return "has an empty path component";
  if (part == "..") return "leaves its directory ('..')";
  if (part == ".") return "has a '.' path component";
  return "";
}

std::string path_reason(std::string_view path) {
  if (path.empty()) return "is empty";
  if (path.front() == '/') return "is an absolute path";
  if (path.find('\\') != std::string_view::npos) return "contains a backslash";
  if (path.find(':') != std::string_view::npos) {
    return "contains ':' (a drive letter, scheme or stream name)";
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    const std::string_view part =
        path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
    // A directory entry ends with '/': its last component is empty by design.
    if (!(part.empty() && slash == std::string_view::npos && start > 0)) {
      if (auto reason = component_reason(part); !reason.empty()) return reason;
    }
    if (slash == std::string_view::npos) return "";
    start = slash + 1;
  }
}

}  // namespace

std::string extension_for(std::string_view mime_type) {
  const std::string type = media_type(mime_type);
  if (type == "text/xml" || type == "application/xml") return "XML";
  if (type == "application/pdf") return "PDF";
  if (type == "image/jpeg") return "JPG";
  if (type == "image/tiff") return "TIF";
  if (type == "text/rtf" || type == "application/rtf") return "RTF";
  if (type == "text/plain") return "TXT";
  return "BIN";
}

std::string document_file_name(std::size_t number, std::string_view mime_type) {
  if (number == 0 || number > 99999) {
    throw Failure(codes::kTooManyEntries, "XDM package",
                  "an XDM package holds at most 99999 documents (8.3 names DOC00001…)");
  }
  char name[16];
  std::snprintf(name, sizeof name, "DOC%05zu.", number);
  return name + extension_for(mime_type);
}

std::string subset_directory(std::size_t number) {
  if (number == 0 || number > 99) {
    throw Failure(codes::kTooManyEntries, "XDM package",
                  "an XDM package holds at most 99 lots (8.3 names SUBSET01…)");
  }
  char name[16];
  std::snprintf(name, sizeof name, "SUBSET%02zu", number);
  return std::string(kXdmDirectory) + "/" + name;
}

std::string unsafe_name_reason(std::string_view name, std::string_view raw) {
  for (const char c : raw) {
    if (is_control(static_cast<unsigned char>(c))) return "contains a control character";
  }
  return path_reason(name);
}

std::string unsafe_uri_reason(std::string_view uri) {
  for (const char c : uri) {
    if (is_control(static_cast<unsigned char>(c))) return "contains a control character";
  }
  if (!uri.empty() && uri.back() == '/') return "names a directory";
  return path_reason(uri);
}

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace passerelle::registry::xdm::detail
