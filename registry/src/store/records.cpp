#include "passerelle/registry/records.hpp"

#include <string>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"

namespace passerelle::store {
namespace {

constexpr const char* kLocation = "patient records";

// Every query returns the record in this shape; timestamps in ISO 8601 UTC.
constexpr const char* kColumns =
    "patient_id, family, given, coalesce(to_char(birth_date, 'YYYY-MM-DD'), ''), sex, state, "
    "close_reason, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

PatientRecord to_record(const pqxx::row& row) {
  PatientRecord record;
  record.patient_id = row[0].as<std::string>();
  record.family = row[1].as<std::string>();
  record.given = row[2].as<std::string>();
  record.birth_date = row[3].as<std::string>();
  record.sex = row[4].as<std::string>();
  record.state = row[5].as<std::string>();
  record.close_reason = row[6].as<std::string>();
  record.created_at = row[7].as<std::string>();
  record.updated_at = row[8].as<std::string>();
  return record;
}

[[noreturn]] void database_failure(const std::exception& e) {
  throw Failure(codes::kInternalError, kLocation, std::string("database error: ") + e.what());
}

[[noreturn]] void not_found(const std::string& patient_id) {
  throw Failure(kRecordNotFound, patient_id, "no record for patient " + patient_id);
}

// Locks the record for the rest of the transaction; throws kRecordNotFound.
PatientRecord lock_record(pqxx::work& tx, const std::string& patient_id) {
  const auto rows = tx.exec_params(
      std::string("SELECT ") + kColumns + " FROM patient_records WHERE patient_id = $1 FOR UPDATE",
      patient_id);
  if (rows.empty()) not_found(patient_id);
  return to_record(rows[0]);
}

PatientRecord set_state(ConnectionPool& pool, const std::string& patient_id,
                        const std::string& from, const std::string& to, const std::string& reason) {
  try {
    auto lease = pool.acquire();
    pqxx::work tx(*lease);
    const auto current = lock_record(tx, patient_id);
    if (current.state != from) {
      throw Failure(
          kRecordState, patient_id,
          "the record of patient " + patient_id + " is " + current.state + ", not " + from);
    }
    const auto row = tx.exec_params1(
        std::string("UPDATE patient_records SET state = $2, close_reason = $3, updated_at = now() "
                    "WHERE patient_id = $1 RETURNING ") +
            kColumns,
        patient_id, to, reason);
    auto record = to_record(row);
    tx.commit();
    return record;
  } catch (const pqxx::failure& e) {
    database_failure(e);
  } catch (const pqxx::usage_error& e) {
    database_failure(e);
  }
}

}  // namespace

std::optional<PatientRecord> RecordStore::find(const std::string& patient_id) {
  try {
    auto lease = pool_.acquire();
    pqxx::read_transaction tx(*lease);
    const auto rows = tx.exec_params(
        std::string("SELECT ") + kColumns + " FROM patient_records WHERE patient_id = $1",
        patient_id);
    if (rows.empty()) return std::nullopt;
    return to_record(rows[0]);
  } catch (const pqxx::failure& e) {
    database_failure(e);
  } catch (const pqxx::usage_error& e) {
    database_failure(e);
  }
}

PatientRecord RecordStore::create(const PatientRecord& record) {
  try {
    auto lease = pool_.acquire();
    pqxx::work tx(*lease);
    // ON CONFLICT keeps the transaction usable and tells a duplicate apart
    // from any other failure without parsing error messages.
    const auto rows = tx.exec_params(
        std::string("INSERT INTO patient_records (patient_id, family, given, birth_date, sex, "
                    "state, close_reason) VALUES ($1, $2, $3, $4::date, $5, 'open', '') "
                    "ON CONFLICT (patient_id) DO NOTHING RETURNING ") +
            kColumns,
        record.patient_id, record.family, record.given,
        record.birth_date.empty() ? std::optional<std::string>() : record.birth_date,
        record.sex.empty() ? std::string("U") : record.sex);
    if (rows.empty()) {
      throw Failure(kRecordExists, record.patient_id,
                    "a record for patient " + record.patient_id + " exists already");
    }
    auto created = to_record(rows[0]);
    tx.commit();
    return created;
  } catch (const pqxx::data_exception& e) {
    throw Failure(codes::kInternalError, record.patient_id,
                  std::string("invalid patient record: ") + e.what());
  } catch (const pqxx::integrity_constraint_violation& e) {
    throw Failure(codes::kInternalError, record.patient_id,
                  std::string("invalid patient record: ") + e.what());
  } catch (const pqxx::failure& e) {
    database_failure(e);
  } catch (const pqxx::usage_error& e) {
    database_failure(e);
  }
}

PatientRecord RecordStore::close(const std::string& patient_id, const std::string& reason) {
  return set_state(pool_, patient_id, "open", "closed", reason);
}

PatientRecord RecordStore::reopen(const std::string& patient_id) {
  return set_state(pool_, patient_id, "closed", "open", "");
}

}  // namespace passerelle::store
