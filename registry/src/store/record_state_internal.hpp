#pragma once

// Shared by record_state*.cpp and traces.cpp.

#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "passerelle/registry/record_state.hpp"

namespace passerelle::store::detail {

// SQL for a timestamptz column as ISO 8601 UTC ("2024-03-01T09:12:44Z"),
// or with microseconds for traces, whose order within a second matters.
std::string iso_seconds(const std::string& column);
std::string iso_micros(const std::string& column);

// The choices on a record as `tx` sees them; nullopt when there is no record.
std::optional<RecordChoices> read_choices(pqxx::transaction_base& tx,
                                          const std::string& patient_id);

EmergencyChoice emergency_choice(const std::string& text);

// Rethrows the exception in flight: a passerelle::Failure as is, anything
// else as Failure(kInternalError, location, "database error: …").
[[noreturn]] void rethrow_as_state_error(const std::string& location);

}  // namespace passerelle::store::detail
