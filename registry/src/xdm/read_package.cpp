// ITI-32 import: the whole package is checked before anything is returned
// (archive_checks.cpp, lot_metadata.cpp, then every URI'd file here).

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/xdm.hpp"
#include "xdm/digest.hpp"
#include "xdm/names.hpp"
#include "xdm/read_steps.hpp"

namespace passerelle::registry::xdm {
namespace {

using Files = std::map<std::string, std::string>;

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// IHE_XDM/<subset>/METADATA.XML entries, by subset directory. The fixed
// names are matched without regard to case (media written on FAT or ISO
// 9660 file systems); the subset may be named SUBSET01, SUBSET001 or else.
std::map<std::string, const Files::value_type*> subsets(const Files& files) {
  std::map<std::string, const Files::value_type*> out;
  for (const auto& file : files) {
    const std::string& name = file.first;
    const auto first = name.find('/');
    const auto last = name.rfind('/');
    if (first == std::string::npos || first == last || name.find('/', first + 1) != last) continue;
    if (detail::ascii_upper(name.substr(0, first)) != detail::kXdmDirectory ||
        detail::ascii_upper(name.substr(last + 1)) != detail::kMetadataFile) {
      continue;
    }
    out.emplace(name.substr(0, last), &file);
  }
  return out;
}

ImportedDocument imported(const DocumentEntry& entry, const std::string& subset,
                          const Files& files) {
  if (const auto reason = detail::unsafe_uri_reason(entry.uri); !reason.empty()) {
    throw Failure(
        codes::kUnsafeName, subset + "/" + entry.uri,
        "DocumentEntry '" + entry.entry_uuid + "': URI slot '" + entry.uri + "' " + reason);
  }
  const std::string file = subset + "/" + entry.uri;
  const auto found = files.find(file);
  if (found == files.end()) {
    throw Failure(codes::kMissingDocument, file,
                  "DocumentEntry '" + entry.entry_uuid + "' names '" + entry.uri +
                      "' in its URI slot, which is not in the package");
  }
  const std::string& bytes = found->second;
  ImportedDocument document{entry.entry_uuid, file, entry.mime_type, bytes,
                            detail::sha1_hex(bytes)};
  if (!entry.size_text.empty() && (!entry.size || *entry.size != bytes.size())) {
    throw Failure(codes::kDocumentMismatch, file,
                  "DocumentEntry '" + entry.entry_uuid + "': size slot says " + entry.size_text +
                      ", the file has " + std::to_string(bytes.size()) + " bytes");
  }
  if (!entry.hash.empty() && lower(entry.hash) != document.sha1_hex) {
    throw Failure(codes::kDocumentMismatch, file,
                  "DocumentEntry '" + entry.entry_uuid + "': hash slot says " + entry.hash +
                      ", the file's SHA-1 is " + document.sha1_hex);
  }
  return document;
}

}  // namespace

std::vector<ImportedLot> read_package(std::string_view zip, const Limits& limits) {
  const Files files = detail::checked_files(zip, limits);
  const auto found = subsets(files);
  if (found.empty()) {
    throw Failure(codes::kNoSubset, std::string(detail::kXdmDirectory),
                  "the package has no IHE_XDM/<subset>/METADATA.XML");
  }
  std::vector<ImportedLot> lots;
  for (const auto& [subset, metadata] : found) {
    ImportedLot lot;
    lot.subset = subset;
    lot.request = detail::parse_metadata(metadata->second, metadata->first);
    for (const DocumentEntry& entry : read_submission(lot.request).documents) {
      if (entry.uri.empty()) continue;
      lot.documents.push_back(imported(entry, subset, files));
    }
    lots.push_back(std::move(lot));
  }
  return lots;
}

}  // namespace passerelle::registry::xdm
