#include <algorithm>
#include <cctype>
#include <string>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "store/document_store_internal.hpp"

namespace passerelle::store::detail {

std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (const char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string normalise_dtm(std::string_view dtm) {
  std::string digits;
  for (const char c : dtm) {
    if (c < '0' || c > '9') break;
    digits += c;
    if (digits.size() == 14) break;
  }
  if (digits.empty()) return "";
  digits.resize(14, '0');
  return digits;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

void prepare_statements(pqxx::connection& c) {
  // Locks: one advisory lock per uniqueId hash, taken in hash order.
  c.prepare("xds_unique_id_hashes",
            "SELECT DISTINCT hashtext(u) AS h FROM unnest($1::text[]) AS u ORDER BY h");
  c.prepare("xds_lock_unique_id", "SELECT pg_advisory_xact_lock($1::integer, $2::integer)");

  // Checks.
  c.prepare("xds_document_by_unique_id",
            "SELECT entry_uuid, logical_id, hash FROM document_entries WHERE unique_id = $1 "
            "ORDER BY length(version) DESC, version DESC");
  c.prepare("xds_set_by_unique_id", "SELECT entry_uuid FROM submission_sets WHERE unique_id = $1");
  c.prepare("xds_folder_by_unique_id",
            "SELECT f.entry_uuid, o.logical_id FROM folders f "
            "JOIN registry_objects o ON o.entry_uuid = f.entry_uuid WHERE f.unique_id = $1");
  c.prepare("xds_existing_uuids",
            "SELECT entry_uuid FROM registry_objects WHERE entry_uuid = ANY ($1::text[])");
  c.prepare("xds_lock_object",
            "SELECT kind, status FROM registry_objects WHERE entry_uuid = $1 FOR UPDATE");

  // Inserts.
  c.prepare("xds_insert_lot",
            "INSERT INTO lots (submission_set_uuid) VALUES ($1) RETURNING lot_id");
  c.prepare("xds_insert_object",
            "INSERT INTO registry_objects (entry_uuid, logical_id, kind, object_type, status, "
            "patient_id, unique_id, version, object_xml, lot_id) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
  c.prepare("xds_insert_document",
            "INSERT INTO document_entries (entry_uuid, logical_id, unique_id, patient_id, status, "
            "availability, class_code, class_code_scheme, type_code, type_code_scheme, "
            "practice_setting_code, practice_setting_code_scheme, healthcare_facility_type_code, "
            "healthcare_facility_type_code_scheme, format_code, format_code_scheme, "
            "creation_time, service_start_time, service_stop_time, mime_type, hash, size, "
            "repository_unique_id, author_persons, reference_ids, version) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
            "$17, $18, $19, $20, $21, $22, $23, $24::text[], $25::text[], $26)");
  c.prepare("xds_insert_set",
            "INSERT INTO submission_sets (entry_uuid, unique_id, source_id, patient_id, "
            "submission_time, content_type_code, content_type_code_scheme, author_persons) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[])");
  c.prepare("xds_insert_folder",
            "INSERT INTO folders (entry_uuid, unique_id, patient_id, last_update_time) "
            "VALUES ($1, $2, $3, $4)");
  c.prepare("xds_insert_code",
            "INSERT INTO object_codes (entry_uuid, attribute, code, scheme) "
            "VALUES ($1, $2, $3, $4)");
  c.prepare("xds_insert_association",
            "INSERT INTO associations (entry_uuid, type, source, target, status, "
            "submission_set_status) VALUES ($1, $2, $3, $4, $5, $6)");
  c.prepare("xds_deprecate_object",
            "UPDATE registry_objects SET status = $2 WHERE entry_uuid = $1");
  c.prepare("xds_deprecate_document",
            "UPDATE document_entries SET status = $2 WHERE entry_uuid = $1");

  // Content.
  c.prepare("xds_content_id",
            "SELECT content_id FROM contents WHERE repository_unique_id = $1 AND unique_id = $2");
  c.prepare("xds_insert_content",
            "INSERT INTO contents (repository_unique_id, unique_id, size, sha1, mime_type) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING content_id");
  c.prepare("xds_insert_chunk",
            "INSERT INTO content_chunks (content_id, seq, data) VALUES ($1, $2, $3)");
  c.prepare("xds_chunk_count", "SELECT count(*) FROM content_chunks WHERE content_id = $1");
  c.prepare("xds_read_chunk", "SELECT data FROM content_chunks WHERE content_id = $1 AND seq = $2");

  // Queries.
  c.prepare("xds_documents_by_unique_ids",
            "SELECT d.entry_uuid, d.unique_id, d.patient_id, d.status, d.hash, "
            "coalesce(d.size, 0), d.repository_unique_id, d.mime_type, "
            "EXISTS (SELECT 1 FROM contents c WHERE c.repository_unique_id = "
            "d.repository_unique_id AND c.unique_id = d.unique_id) "
            "FROM document_entries d WHERE d.unique_id = ANY ($1::text[]) ORDER BY d.unique_id");
  c.prepare("xds_objects_by_uuids",
            "SELECT entry_uuid, kind, coalesce(patient_id, ''), status FROM registry_objects "
            "WHERE entry_uuid = ANY ($1::text[])");
  c.prepare("xds_object_xml_by_uuids",
            "SELECT entry_uuid, kind, status, object_xml FROM registry_objects "
            "WHERE entry_uuid = ANY ($1::text[])");
  c.prepare("xds_counts",
            "SELECT (SELECT count(*) FROM registry_objects), "
            "(SELECT count(*) FROM document_entries), (SELECT count(*) FROM contents), "
            "(SELECT coalesce(sum(octet_length(data)), 0) FROM content_chunks)");
  prepare_lifecycle_statements(c);  // issue 5
}

void rethrow_as_registry_error(const std::string& location) {
  try {
    throw;
  } catch (const Failure&) {
    throw;
  } catch (const pqxx::sql_error& e) {
    throw Failure(xds_codes::kRegistryError, location,
                  std::string("database error (SQLSTATE ") + e.sqlstate() + "): " + e.what());
  } catch (const std::exception& e) {
    throw Failure(xds_codes::kRegistryError, location, std::string("registry error: ") + e.what());
  } catch (...) {
    throw Failure(xds_codes::kRegistryError, location, "unexpected error");
  }
}

}  // namespace passerelle::store::detail
