#pragma once

// The one policy entry point: caller, record state, operation and the current
// time in; a decision out. Pure: no I/O, no clock, no global state; the
// matrix is read-only. Every refusal has a code and a reason (refusal.hpp).

#include <optional>
#include <string>

#include "passerelle/policy/caller.hpp"
#include "passerelle/policy/habilitation.hpp"
#include "passerelle/policy/operation.hpp"
#include "passerelle/policy/read_filter.hpp"
#include "passerelle/policy/record_state.hpp"
#include "passerelle/policy/refusal.hpp"

namespace passerelle::policy {

// Which traces of the record a caller may read (R-TRACE-2, R-AUTH-5/6).
struct TraceFilter {
  bool all_actors = false;  // false: only traces whose actor is `own_actor_id`
  std::string own_actor_id;
  bool include_secret_connections = false;  // R-AUTH-6: never for legal representatives
};

struct Decision {
  std::optional<Refusal> refusal;  // empty: allowed
  // How access happened, for the trace (R-TRACE-1) and the emergency banner.
  soap::PurposeOfUse mode = soap::PurposeOfUse::Normal;
  bool secret_connection = false;     // R-AUTH-6: hide from the legal representatives
  std::optional<ReadFilter> filter;   // ReadDocuments, when allowed
  std::optional<TraceFilter> traces;  // ReadAccessHistory, when allowed

  bool allowed() const { return !refusal.has_value(); }
};

Decision decide(const Caller& caller, const RecordState& record, const Operation& operation,
                const HabilitationMatrix& matrix, Clock::time_point now);

// TD0.2 answer for a professional: VALIDE, EXPIRE, INTERDIT (with the refusal
// that makes it so) or NON_EXISTE, and whether the caller is an MT.
struct AuthorisationStatus {
  enum class Value { Valide, Expire, Interdit, NonExiste };
  Value value = Value::NonExiste;
  std::optional<Refusal> reason;  // Interdit only
  bool treating_doctor = false;
};
AuthorisationStatus authorisation_status(const Caller& caller, const RecordState& record,
                                         const HabilitationMatrix& matrix, Clock::time_point now);
const char* to_string(AuthorisationStatus::Value value);  // "VALIDE", …

}  // namespace passerelle::policy
