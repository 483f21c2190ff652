#include "passerelle/registry/traces.hpp"

#include <string>
#include <utility>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "store/record_state_internal.hpp"

namespace passerelle::store {
namespace {

constexpr const char* kLocation = "traces";
constexpr int kMaxLimit = 1000;

struct ActionName {
  TraceAction action;
  std::string_view name;
};
// The spellings the traces.action CHECK constraint accepts.
constexpr ActionName kActionNames[] = {
    {TraceAction::Authenticate, "authenticate"},
    {TraceAction::RecordStatus, "record_status"},
    {TraceAction::Consult, "consult"},
    {TraceAction::Search, "search"},
    {TraceAction::Retrieve, "retrieve"},
    {TraceAction::Add, "add"},
    {TraceAction::Replace, "replace"},
    {TraceAction::UpdateMetadata, "update_metadata"},
    {TraceAction::Mask, "mask"},
    {TraceAction::Unmask, "unmask"},
    {TraceAction::MakeVisible, "make_visible"},
    {TraceAction::Archive, "archive"},
    {TraceAction::Unarchive, "unarchive"},
    {TraceAction::Delete, "delete"},
    {TraceAction::Authorise, "authorise"},
    {TraceAction::EndAuthorisation, "end_authorisation"},
    {TraceAction::EmergencyAccess, "emergency_access"},
    {TraceAction::Block, "block"},
    {TraceAction::Unblock, "unblock"},
    {TraceAction::SetTreatingDoctor, "set_mt"},
    {TraceAction::UnsetTreatingDoctor, "unset_mt"},
    {TraceAction::SetEmergency, "set_emergency"},
    {TraceAction::SetLegalRepresentative, "set_legal_representative"},
    {TraceAction::RemoveLegalRepresentative, "remove_legal_representative"},
    {TraceAction::CloseRecord, "close_record"},
    {TraceAction::ReopenRecord, "reopen_record"},
    {TraceAction::Download, "download"},  // issue 10, schema migration 5
    {TraceAction::Misuse, "misuse"},
};

[[noreturn]] void unknown(const char* what, std::string_view text) {
  throw Failure(codes::kInternalError, kLocation,
                std::string("unknown ") + what + " '" + std::string(text) + "' in a stored trace");
}

template <typename Enum>
Enum parse_enum(std::string_view text, std::initializer_list<Enum> values, const char* what) {
  for (const Enum value : values) {
    if (to_string(value) == text) return value;
  }
  unknown(what, text);
}

Trace to_trace(const pqxx::row& row) {
  Trace trace;
  trace.id = row[0].as<std::int64_t>();
  trace.at = row[1].as<std::string>();
  trace.actor.id = row[2].as<std::string>();
  trace.actor.kind = parse_enum(
      row[3].as<std::string>(),
      {ActorKind::Rpps, ActorKind::Adeli, ActorKind::Operator, ActorKind::Other}, "actor kind");
  trace.actor.profession = row[4].as<std::string>();
  trace.actor.structure = row[5].as<std::string>();
  trace.actor.authentication =
      parse_enum(row[6].as<std::string>(),
                 {TraceAuthentication::Directe, TraceAuthentication::Indirecte,
                  TraceAuthentication::IndirecteRenforcee, TraceAuthentication::OperatorToken,
                  TraceAuthentication::None},
                 "authentication mode");
  trace.actor.purpose = parse_enum(
      row[7].as<std::string>(),
      {TracePurpose::Normal, TracePurpose::BrisDeGlace, TracePurpose::Centre15}, "purpose of use");
  trace.actor.secret_connection = row[8].as<bool>();
  trace.patient_id = row[9].as<std::string>();
  if (!row[10].is_null()) trace.document_unique_id = row[10].as<std::string>();
  const auto action = trace_action_from(row[11].as<std::string>());
  if (!action) unknown("action", row[11].as<std::string>());
  trace.action = *action;
  trace.subject_id = row[12].as<std::string>();
  trace.detail = row[13].as<std::string>();
  trace.allowed = row[14].as<std::string>() == "allowed";
  trace.reason_code = row[15].as<std::string>();
  trace.reason = row[16].as<std::string>();
  trace.actor.request_id = row[17].as<std::string>();
  return trace;
}

}  // namespace

std::string_view to_string(TraceAction action) {
  for (const auto& entry : kActionNames) {
    if (entry.action == action) return entry.name;
  }
  return "";
}

std::optional<TraceAction> trace_action_from(std::string_view text) {
  for (const auto& entry : kActionNames) {
    if (entry.name == text) return entry.action;
  }
  return std::nullopt;
}

std::string_view to_string(ActorKind kind) {
  switch (kind) {
    case ActorKind::Rpps:
      return "rpps";
    case ActorKind::Adeli:
      return "adeli";
    case ActorKind::Operator:
      return "operator";
    case ActorKind::Other:
      break;
  }
  return "other";
}

std::string_view to_string(TraceAuthentication authentication) {
  switch (authentication) {
    case TraceAuthentication::Directe:
      return "directe";
    case TraceAuthentication::Indirecte:
      return "indirecte";
    case TraceAuthentication::IndirecteRenforcee:
      return "indirecte_renforcee";
    case TraceAuthentication::OperatorToken:
      return "operator_token";
    case TraceAuthentication::None:
      break;
  }
  return "none";
}

std::string_view to_string(TracePurpose purpose) {
  switch (purpose) {
    case TracePurpose::BrisDeGlace:
      return "bris_de_glace";
    case TracePurpose::Centre15:
      return "centre_15";
    case TracePurpose::Normal:
      break;
  }
  return "normal";
}

TraceActor operator_actor(std::string request_id) {
  TraceActor actor;
  actor.id = "operator";
  actor.kind = ActorKind::Operator;
  actor.authentication = TraceAuthentication::OperatorToken;
  actor.request_id = std::move(request_id);
  return actor;
}

std::int64_t append_trace(pqxx::transaction_base& tx, const Trace& trace) {
  if (trace.allowed != trace.reason_code.empty()) {
    throw Failure(codes::kInternalError, kLocation,
                  trace.allowed ? "an allowed trace must not carry a reason code"
                                : "a refused trace needs a reason code");
  }
  const auto& a = trace.actor;
  return tx
      .exec_params1(
          "INSERT INTO traces (actor_id, actor_kind, actor_profession, structure_id, "
          "authentication, purpose, secret_connection, patient_id, document_unique_id, action, "
          "subject_id, detail, outcome, reason_code, reason, request_id) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
          "RETURNING trace_id",
          a.id, std::string(to_string(a.kind)), a.profession, a.structure,
          std::string(to_string(a.authentication)), std::string(to_string(a.purpose)),
          a.secret_connection, trace.patient_id, trace.document_unique_id,
          std::string(to_string(trace.action)), trace.subject_id, trace.detail,
          trace.allowed ? "allowed" : "refused", trace.reason_code, trace.reason, a.request_id)[0]
      .as<std::int64_t>();
}

std::int64_t append_trace(ConnectionPool& pool, const Trace& trace) {
  try {
    auto lease = pool.acquire();
    pqxx::work tx(*lease);
    const auto id = append_trace(tx, trace);
    tx.commit();
    return id;
  } catch (...) {
    detail::rethrow_as_state_error(kLocation);
  }
}

TransactionHook append_traces_hook(std::vector<Trace> traces) {
  return [traces = std::move(traces)](pqxx::transaction_base& tx) {
    for (const auto& trace : traces) append_trace(tx, trace);
  };
}

TracePage list_traces(ConnectionPool& pool, const std::string& patient_id,
                      const std::optional<std::string>& document_unique_id, int limit,
                      std::optional<std::int64_t> before, const TraceVisibility& visibility) {
  if (limit < 1 || limit > kMaxLimit) {
    throw Failure(codes::kInternalError, kLocation,
                  "trace limit must be between 1 and " + std::to_string(kMaxLimit));
  }
  try {
    auto lease = pool.acquire();
    pqxx::read_transaction tx(*lease);
    // One row more than asked tells whether another page follows.
    const auto rows = tx.exec_params(
        "SELECT trace_id, " + detail::iso_micros("at") +
            ", actor_id, actor_kind, actor_profession, structure_id, authentication, purpose, "
            "secret_connection, patient_id, document_unique_id, action, subject_id, detail, "
            "outcome, reason_code, reason, request_id FROM traces WHERE patient_id = $1 "
            "AND ($2::text IS NULL OR document_unique_id = $2) "
            "AND ($3::bigint IS NULL OR trace_id < $3) "
            "AND ($5::text IS NULL OR actor_id = $5) AND ($6 OR NOT secret_connection) "
            "ORDER BY trace_id DESC LIMIT $4",
        patient_id, document_unique_id, before, limit + 1, visibility.only_actor,
        visibility.include_secret);
    TracePage page;
    for (const auto& row : rows) {
      if (static_cast<int>(page.traces.size()) == limit) {
        page.before = page.traces.back().id;
        break;
      }
      page.traces.push_back(to_trace(row));
    }
    return page;
  } catch (...) {
    detail::rethrow_as_state_error(kLocation);
  }
}

std::int64_t count_recent_document_traces(ConnectionPool& pool, const std::string& actor_id,
                                          TraceAction action, std::int64_t period_seconds) {
  try {
    auto lease = pool.acquire();
    pqxx::read_transaction tx(*lease);
    return tx
        .exec_params1(
            "SELECT count(*) FROM traces WHERE actor_id = $1 AND action = $2 "
            "AND outcome = 'allowed' AND document_unique_id IS NOT NULL "
            "AND at > clock_timestamp() - make_interval(secs => $3)",
            actor_id, std::string(to_string(action)), static_cast<double>(period_seconds))[0]
        .as<std::int64_t>();
  } catch (...) {
    detail::rethrow_as_state_error(kLocation);
  }
}

}  // namespace passerelle::store
