#pragma once

// Names inside an XDM package: the 8.3 names ITI-32 asks of exported files,
// and the checks that keep a hostile archive's names from escaping the
// package (zip slip) when anyone extracts it.

#include <cstddef>
#include <string>
#include <string_view>

namespace passerelle::registry::xdm::detail {

inline constexpr std::string_view kXdmDirectory = "IHE_XDM";
inline constexpr std::string_view kMetadataFile = "METADATA.XML";
inline constexpr std::string_view kIndexFile = "INDEX.HTM";
inline constexpr std::string_view kReadmeFile = "README.TXT";

// "XML", "PDF", "JPG", "TIF", "RTF", "TXT", else "BIN".
std::string extension_for(std::string_view mime_type);
// "DOC00001.XML" for number 1; throws past 99999.
std::string document_file_name(std::size_t number, std::string_view mime_type);
// "IHE_XDM/SUBSET01" for number 1; throws past 99.
std::string subset_directory(std::size_t number);

// "" when `name` (an entry name as libzip reads it, `raw` as stored) may be
// extracted safely, else why not: absolute, drive letter, "..", ".", empty
// component, backslash, control character.
std::string unsafe_name_reason(std::string_view name, std::string_view raw);
// "" when a DocumentEntry URI slot names a file inside its subset
// directory, else why not (scheme, absolute, "..", backslash, control).
std::string unsafe_uri_reason(std::string_view uri);

std::string ascii_upper(std::string_view text);

}  // namespace passerelle::registry::xdm::detail
