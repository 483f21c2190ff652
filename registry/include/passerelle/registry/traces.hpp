#pragma once

// The trace of every access and action on a record, allowed or refused
// (R-TRACE-1), in the append-only `traces` table (schema migration 4). A
// trace of a change is written inside the transaction of that change, so
// that a change never exists without its trace nor a trace without its
// change; refusals and reads are written on their own.

#include <cstdint>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/registry/store.hpp"

namespace passerelle::store {

enum class TraceAction {
  Authenticate,  // a refused identity (VIHF) before anything else was known
  RecordStatus,
  Consult,
  Search,
  Retrieve,
  Add,
  Replace,
  UpdateMetadata,
  Mask,
  Unmask,
  MakeVisible,
  Archive,
  Unarchive,
  Delete,
  Authorise,  // consent declared (R-AUTH-1)
  EndAuthorisation,
  EmergencyAccess,
  Block,
  Unblock,
  SetTreatingDoctor,
  UnsetTreatingDoctor,
  SetEmergency,
  SetLegalRepresentative,
  RemoveLegalRepresentative,
  CloseRecord,
  ReopenRecord,
  Download,  // R-OUT-1: one document taken out (detail = the format); issue 10
  Misuse,    // R-TRACE-4: downloads above the threshold, recorded, never blocking
};
inline constexpr TraceAction kAllTraceActions[] = {
    TraceAction::Authenticate,
    TraceAction::RecordStatus,
    TraceAction::Consult,
    TraceAction::Search,
    TraceAction::Retrieve,
    TraceAction::Add,
    TraceAction::Replace,
    TraceAction::UpdateMetadata,
    TraceAction::Mask,
    TraceAction::Unmask,
    TraceAction::MakeVisible,
    TraceAction::Archive,
    TraceAction::Unarchive,
    TraceAction::Delete,
    TraceAction::Authorise,
    TraceAction::EndAuthorisation,
    TraceAction::EmergencyAccess,
    TraceAction::Block,
    TraceAction::Unblock,
    TraceAction::SetTreatingDoctor,
    TraceAction::UnsetTreatingDoctor,
    TraceAction::SetEmergency,
    TraceAction::SetLegalRepresentative,
    TraceAction::RemoveLegalRepresentative,
    TraceAction::CloseRecord,
    TraceAction::ReopenRecord,
    TraceAction::Download,
    TraceAction::Misuse,
};

enum class ActorKind { Rpps, Adeli, Operator, Other };
enum class TraceAuthentication { Directe, Indirecte, IndirecteRenforcee, OperatorToken, None };
enum class TracePurpose { Normal, BrisDeGlace, Centre15 };

// The database spelling of each value ("update_metadata", "bris_de_glace"…).
std::string_view to_string(TraceAction action);
std::string_view to_string(ActorKind kind);
std::string_view to_string(TraceAuthentication authentication);
std::string_view to_string(TracePurpose purpose);
std::optional<TraceAction> trace_action_from(std::string_view text);

// Who acted, how and why (R-ID-1); the same for every trace of a request.
struct TraceActor {
  std::string id;  // national id (R-ID-2), "operator", or "" when unknown
  ActorKind kind = ActorKind::Other;
  std::string profession;  // profession code (TRE_G15), "" when none
  std::string structure;   // structure id (R-ID-2), "" when none
  TraceAuthentication authentication = TraceAuthentication::None;
  TracePurpose purpose = TracePurpose::Normal;
  bool secret_connection = false;  // R-AUTH-6
  std::string request_id;          // the gateway's request id, for the logs
};

// The operator API acting for the patient (its bearer token is the proof).
TraceActor operator_actor(std::string request_id);

struct Trace {
  std::int64_t id = 0;  // assigned by the database
  std::string at;       // assigned by the database: ISO 8601 UTC, microseconds
  TraceActor actor;
  std::string patient_id;
  std::optional<std::string> document_unique_id;
  TraceAction action = TraceAction::Consult;
  std::string subject_id;  // the professional a change is about (set_mt, block…)
  std::string detail;      // what was chosen, the justification of an emergency access…
  bool allowed = true;
  std::string reason_code;  // non-empty exactly when refused
  std::string reason;       // human text of a refusal (never about hidden documents)
};

// Inside the caller's transaction: the trace commits or rolls back with it.
// Returns the trace id. Throws Failure(kInternalError) on a malformed trace
// (refused without a reason code, or a reason code on an allowed one).
std::int64_t append_trace(pqxx::transaction_base& tx, const Trace& trace);
// In a transaction of its own (refusals, reads).
std::int64_t append_trace(ConnectionPool& pool, const Trace& trace);

// Work to run inside another store's transaction just before it commits
// (e.g. XdsStore::commit_lot, which must trace the lot it stores).
using TransactionHook = std::function<void(pqxx::transaction_base&)>;
TransactionHook append_traces_hook(std::vector<Trace> traces);

struct TracePage {
  std::vector<Trace> traces;           // newest first
  std::optional<std::int64_t> before;  // pass as `before` for the next page; none = last page
};
// Who may see which traces (R-TRACE-2): an MT and the operator see all; any
// other professional only their own (only_actor); legal representatives
// never see secret connections (include_secret = false).
struct TraceVisibility {
  std::optional<std::string> only_actor;
  bool include_secret = true;
};

// The traces of a record, optionally only those about one document
// (R-TRACE-3), newest first, at most `limit` (1..1000), strictly older than
// trace id `before` when given.
TracePage list_traces(ConnectionPool& pool, const std::string& patient_id,
                      const std::optional<std::string>& document_unique_id, int limit,
                      std::optional<std::int64_t> before = std::nullopt,
                      const TraceVisibility& visibility = {});

// Issue 10 (R-TRACE-4): the allowed traces of `action` about a document
// (document_unique_id set) by `actor_id`, on any record, in the last
// `period_seconds` (database clock).
std::int64_t count_recent_document_traces(ConnectionPool& pool, const std::string& actor_id,
                                          TraceAction action, std::int64_t period_seconds);

}  // namespace passerelle::store
