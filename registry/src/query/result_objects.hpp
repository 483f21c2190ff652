#pragma once

// LeafClass objects of a stored query answer, from the stored rows.

#include <cstdint>
#include <string>
#include <vector>

#include "passerelle/core/xml.hpp"

namespace passerelle::registry::query {

struct StoredRow {
  std::string entry_uuid;
  std::string kind;  // registry_objects.kind
  std::string status;
  std::string patient_id;
  std::int64_t lot_id = 0;
  std::string object_xml;  // registry::serialize output, "" for ObjectRef
};

// Each row's object_xml with the status column as its status attribute.
// SubmissionSets and Folders get back the classification that marks them
// (sent as a top-level rim:Classification, found in `classifications`, the
// stored Classification objects of their lots). Without composed objects,
// Classifications and ExternalIdentifiers are left out. The objects it must
// rebuild are parsed with `parsers`.
std::vector<std::string> result_objects_xml(const std::vector<StoredRow>& rows,
                                            const std::vector<std::string>& classifications,
                                            bool composed, const xml::ParserPool& parsers);

// Sets (or adds) the status attribute of the root element of `xml`.
std::string with_root_status(const std::string& xml, const std::string& status);

}  // namespace passerelle::registry::query
