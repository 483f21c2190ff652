#pragma once

// XDM media (IHE ITI-32, ITI TF-3 §4.1; dmp-xds-mapping.md §10): a ZIP with
// INDEX.HTM and README.TXT at the root and, per lot, IHE_XDM/SUBSETnn/ with
// METADATA.XML (an lcm:SubmitObjectsRequest) and the documents each
// DocumentEntry's `URI` slot names. Writing and reading are pure functions
// of bytes (registry/src/xdm/); exporting from the store is below. The
// archive is handled by libzip (Debian libzip4), never by a shell tool.

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/store.hpp"

namespace passerelle::registry::xdm {

// Error codes of a refused package (Failure::code; location = the ZIP entry
// name or "METADATA.XML"/object id; the message says exactly what is wrong).
namespace codes {
inline constexpr const char* kNotZip = "passerelle:XdmNotZip";                  // unreadable archive
inline constexpr const char* kUnsafeName = "passerelle:XdmUnsafeEntryName";     // absolute, .., \, NUL
inline constexpr const char* kSymlink = "passerelle:XdmSymlink";                // symlink / special entry
inline constexpr const char* kDuplicateName = "passerelle:XdmDuplicateEntry";   // same name twice
inline constexpr const char* kTooManyEntries = "passerelle:XdmTooManyEntries";  // > max_entries
inline constexpr const char* kTooLarge = "passerelle:XdmTooLarge";              // expanded bytes limit
inline constexpr const char* kCompressionRatio = "passerelle:XdmCompressionRatio";  // zip bomb
inline constexpr const char* kEncrypted = "passerelle:XdmEncryptedEntry";
inline constexpr const char* kNoSubset = "passerelle:XdmNoSubset";  // no IHE_XDM/*/METADATA.XML
inline constexpr const char* kMissingDocument = "passerelle:XdmMissingDocument";  // URI not in ZIP
inline constexpr const char* kDocumentMismatch = "passerelle:XdmDocumentMismatch";  // hash/size differ
inline constexpr const char* kBadMetadata = "passerelle:XdmBadMetadata";  // METADATA.XML not ebRIM
}  // namespace codes

// ---- writing (export) ----

struct PackagedDocument {
  RegistryObject entry;  // the DocumentEntry as registered; its URI slot is set by write_package
  std::string bytes;     // the repository content
};

// One IHE_XDM/SUBSETnn directory: one lot (a SubmissionSet), the entries it
// holds in this package and the associations between them (HasMember and
// any among the packaged objects). The lot's signature document (IHE DSG),
// when it has one, is one of `documents`.
struct PackagedLot {
  RegistryObject submission_set;
  std::vector<PackagedDocument> documents;
  std::vector<RegistryObject> associations;
};

// Who made the package (README.TXT, INDEX.HTM; ITI-32 asks for the producing
// system and a contact).
struct Producer {
  std::string organisation;  // e.g. the structure's name
  std::string contact;       // e.g. "support@example.org, +33 1 23 45 67 89"
  std::string application = "Passerelle";
  std::string version;
};

struct Package {
  std::vector<PackagedLot> lots;  // SUBSET01, SUBSET02… in this order
  Producer producer;
  std::string created_at;  // ISO 8601 UTC, shown in INDEX.HTM
};

// The ZIP bytes. Document files are named in 8.3 upper case
// (DOC00001.XML, DOC00002.PDF…, extension from the mime type); each
// DocumentEntry gets its `URI` slot set to that name and `hash`/`size`
// slots set from the bytes (SHA-1, lower case). INDEX.HTM lists each lot and
// document (title, type, author, date) with a link to its file; it escapes
// every metadata value it prints. Deterministic: the same Package gives the
// same bytes (fixed ZIP timestamps), so exports can be compared.
std::string write_package(const Package& package);

// ---- reading (import) ----

struct Limits {
  std::uint64_t max_entries = 1000;
  std::uint64_t max_expanded_bytes = 512ull * 1024 * 1024;  // all entries together
  std::uint64_t max_entry_bytes = 256ull * 1024 * 1024;
  std::uint64_t max_compression_ratio = 100;  // expanded/compressed, per entry above 1 MiB
};

struct ImportedDocument {
  std::string entry_id;   // the DocumentEntry id in METADATA.XML
  std::string file_name;  // path inside the ZIP
  std::string mime_type;  // the DocumentEntry's mimeType
  std::string bytes;
  std::string sha1_hex;  // of bytes, lower case
};

struct ImportedLot {
  std::string subset;                     // "IHE_XDM/SUBSET01"
  SubmitObjectsRequest request;           // METADATA.XML as sent
  std::vector<ImportedDocument> documents;  // one per DocumentEntry with a URI slot
};

// Checks the whole archive before returning anything (a refused package
// yields no lot): entry names (no absolute path, no "..", no backslash or
// NUL), no symlink or other special entry, no duplicate name, no encrypted
// entry, the limits (counted on the bytes actually inflated, not on the
// sizes the headers claim), then each subset's METADATA.XML (hardened
// parser) and each URI'd file (present; hash and size, when the metadata
// gives them, equal to the file's). Throws Failure with one of `codes`.
std::vector<ImportedLot> read_package(std::string_view zip, const Limits& limits = {});

// ---- exporting from the store (registry/src/xdm/export.cpp) ----

// What to export. A lot: every DocumentEntry of the SubmissionSet with that
// uniqueId that this repository holds content for. A document: that entry,
// in its own lot (its SubmissionSet), plus the lot's signature document when
// it has one. `hidden`, when set, returns which of the given document
// uniqueIds the caller may not read (the policy's ITI-43 answer,
// gateway AccessControl::hidden_documents); those entries are left out
// exactly as if they did not exist. Throws Failure(XDSDocumentUniqueIdError,
// uniqueId) for an unknown or unreadable document,
// Failure(XDSRegistryMetadataError, uniqueId) for an unknown lot.
struct ExportRequest {
  enum class Kind { Lot, Document } kind = Kind::Document;
  std::string unique_id;
  std::function<std::set<std::string>(const std::vector<std::string>& unique_ids)> hidden;
};
Package collect_package(store::ConnectionPool& pool, const ExportRequest& request);

}  // namespace passerelle::registry::xdm
