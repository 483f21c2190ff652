#pragma once

// The steps of read_package (read_package.cpp), each refusing with one of
// xdm::codes: the archive's structure and sizes (archive_checks.cpp), then
// each subset's METADATA.XML (lot_metadata.cpp).

#include <map>
#include <string>
#include <string_view>

#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/xdm.hpp"

namespace passerelle::registry::xdm::detail {

// Every regular file of the archive by entry name, inflated under `limits`,
// once every entry passed the name, type, duplicate and encryption checks.
std::map<std::string, std::string> checked_files(std::string_view zip, const Limits& limits);

// METADATA.XML (ebRIM 3.0 lcm:SubmitObjectsRequest, alone or inside an
// xdsb:ProvideAndRegisterDocumentSetRequest; or the ebXML 2.1
// rs:SubmitObjectsRequest of older XDM media, read as its 3.0 equivalent)
// through the hardened parser. Throws Failure(kBadMetadata, `location`).
SubmitObjectsRequest parse_metadata(std::string_view bytes, const std::string& location);

}  // namespace passerelle::registry::xdm::detail
