#pragma once

// Issue 10 (R-OUT-1): what a download gives, by format, from the stored
// document: its file name, media type and bytes.

#include <string>

namespace passerelle::gateway::download {

struct StoredDocument {
  std::string unique_id;
  std::string mime_type;  // as stored (the DocumentEntry's mimeType)
  std::string bytes;
};

struct DownloadFile {
  std::string file_name;
  std::string media_type;
  std::string bytes;
};

// The uniqueId as a file name stem: letters, digits, '.', '-' and '_' kept,
// anything else '_' (a uniqueId is an OID, but a registry may hold others).
std::string file_stem(const std::string& unique_id);

// `cda`: the stored bytes as they are. Throws Failure(codes::kNotCda) when
// the document is not stored as XML.
DownloadFile cda_file(StoredDocument stored);

// `original`: a CDA's decoded nonXMLBody with its own media type
// (cda::unstructured_body; its Failure for a structured or unusable body),
// or, for a document that is not a CDA, the stored bytes.
DownloadFile original_file(StoredDocument stored);

}  // namespace passerelle::gateway::download
