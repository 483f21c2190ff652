#pragma once

// Patient records (one per patient id), managed by the operator API. A
// record must exist, and be open, before documents are registered for its
// patient when the profile says so.

#include <optional>
#include <string>

#include "passerelle/registry/store.hpp"

namespace passerelle::store {

struct PatientRecord {
  std::string patient_id;  // CX: id^^^&OID&ISO^NH as given
  std::string family;
  std::string given;
  std::string birth_date;    // YYYY-MM-DD
  std::string sex;           // F, M or U
  std::string state;         // "open" or "closed"
  std::string close_reason;  // "" unless closed
  std::string created_at;    // ISO 8601 UTC
  std::string updated_at;
};

// Record error codes (operator API maps them to HTTP 404/409).
inline constexpr const char* kRecordNotFound = "passerelle:RecordNotFound";
inline constexpr const char* kRecordExists = "passerelle:RecordExists";
inline constexpr const char* kRecordState = "passerelle:RecordState";  // close a closed record…

class RecordStore {
 public:
  explicit RecordStore(ConnectionPool& pool) : pool_(pool) {}
  std::optional<PatientRecord> find(const std::string& patient_id);
  PatientRecord create(const PatientRecord& record);  // state "open"; throws kRecordExists
  PatientRecord close(const std::string& patient_id, const std::string& reason);
  PatientRecord reopen(const std::string& patient_id);

 private:
  ConnectionPool& pool_;
};

}  // namespace passerelle::store
