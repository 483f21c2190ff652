#pragma once

// Shared by the document_store_*.cpp files: SQL helpers, statement names and
// the mapping of database failures to XDS errors.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/registry/content.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/store.hpp"

namespace passerelle::store::detail {

// Chunk size of content_chunks rows.
inline constexpr std::size_t kChunkBytes = 1024 * 1024;

// Kinds as stored in registry_objects.kind.
inline constexpr const char* kKindDocument = "DocumentEntry";
inline constexpr const char* kKindSubmissionSet = "SubmissionSet";
inline constexpr const char* kKindFolder = "Folder";
inline constexpr const char* kKindAssociation = "Association";
inline constexpr const char* kKindClassification = "Classification";
inline constexpr const char* kKindOther = "Other";

// A PostgreSQL array literal ('{"a","b"}') for a text[] parameter.
std::string text_array(const std::vector<std::string>& values);

// DTM right-padded with '0' to 14 digits (YYYYMMDDhhmmss) so that text
// comparison orders values of different precision; "" stays "" (→ NULL).
std::string normalise_dtm(std::string_view dtm);

std::string lower(std::string_view text);

// Defines (once per connection; pqxx ignores an identical redefinition) the
// prepared statements of the document store.
void prepare_statements(pqxx::connection& connection);

// Writes one document's content as content_chunks rows of kChunkBytes,
// reading it through content.read (never held whole). Throws
// Failure(XDSRepositoryError) when the bytes read differ from content.size.
void insert_content(pqxx::work& tx, const std::string& repository_unique_id,
                    const std::string& unique_id, const registry::DocumentContent& content);

// ---- issue 5: lifecycle (document_store_lifecycle.cpp), inside commit_lot ----
void prepare_lifecycle_statements(pqxx::connection& connection);
// ITI TF-3 §4.2.2 (CP-117): the addenda and transforms of a replaced
// document are deprecated with it, transitively.
void deprecate_dependents(pqxx::work& tx, const std::string& entry_uuid);
void apply_new_versions(pqxx::work& tx, const Lot& lot);
void apply_status_changes(pqxx::work& tx, const Lot& lot);
// Returns the registered Folders that gained a member.
std::vector<std::string> apply_propagations(pqxx::work& tx, const Lot& lot, std::int64_t lot_id);
void touch_folders(pqxx::work& tx, std::vector<std::string> folders, const std::string& now_dtm);
// ---- end issue 5 ----

// Rethrows the exception in flight: a passerelle::Failure as is, anything
// else as Failure(XDSRegistryError, location, …).
[[noreturn]] void rethrow_as_registry_error(const std::string& location);

}  // namespace passerelle::store::detail
