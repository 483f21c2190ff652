#pragma once

// The human side of an XDM package (ITI TF-3 §4.1.4): INDEX.HTM, which a
// person opens in a browser to see what the media holds, and README.TXT,
// which names the producing system and whom to contact.

#include <cstdint>
#include <string>
#include <vector>

#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/xdm.hpp"

namespace passerelle::registry::xdm::detail {

struct ListedDocument {
  DocumentEntry entry;  // read from the METADATA.XML object, which outlives it
  std::string file;     // path inside the ZIP
  std::uint64_t size = 0;
};

struct ListedLot {
  std::string directory;  // "IHE_XDM/SUBSET01"
  SubmissionSet submission_set;
  std::vector<ListedDocument> documents;
};

// Valid HTML5; every metadata value is HTML-escaped.
std::string index_html(const Package& package, const std::vector<ListedLot>& lots);
// CRLF line ends, as ITI-32 media text files traditionally use.
std::string readme_text(const Package& package);

}  // namespace passerelle::registry::xdm::detail
