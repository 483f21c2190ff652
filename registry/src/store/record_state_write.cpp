// RecordStateStore changes: one transaction each, the record row locked,
// the change and its trace committed together (R-TRACE-1).

#include <string>
#include <utility>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/record_state.hpp"
#include "store/record_state_internal.hpp"

namespace passerelle::store {
namespace {

constexpr const char* kLocation = "record state";

// Locks the record; refuses a missing or closed one.
void lock_open_record(pqxx::transaction_base& tx, const std::string& patient_id) {
  const auto rows = tx.exec_params(
      "SELECT state FROM patient_records WHERE patient_id = $1 FOR UPDATE", patient_id);
  if (rows.empty()) {
    throw Failure(kRecordNotFound, patient_id, "no record for patient " + patient_id);
  }
  if (rows[0][0].as<std::string>() != "open") {
    throw Failure(kRecordState, patient_id, "the record of patient " + patient_id + " is closed");
  }
}

bool named_in(pqxx::transaction_base& tx, const char* table, const std::string& patient_id,
              const std::string& person_id) {
  return tx
      .exec_params1(std::string("SELECT EXISTS (SELECT 1 FROM ") + table +
                        " WHERE patient_id = $1 AND person_id = $2)",
                    patient_id, person_id)[0]
      .as<bool>();
}

Trace trace_of(const std::string& patient_id, TraceAction action, const TraceActor& actor,
               std::string subject_id = "", std::string detail = "") {
  Trace trace;
  trace.actor = actor;
  trace.patient_id = patient_id;
  trace.action = action;
  trace.subject_id = std::move(subject_id);
  trace.detail = std::move(detail);
  return trace;
}

// Runs `body` in a transaction on the locked open record and commits what
// it did; any exception rolls everything back.
template <typename Body>
auto on_open_record(ConnectionPool& pool, const std::string& patient_id, Body body) {
  try {
    auto lease = pool.acquire();
    pqxx::work tx(*lease);
    lock_open_record(tx, patient_id);
    auto result = body(tx);
    tx.commit();
    return result;
  } catch (...) {
    detail::rethrow_as_state_error(kLocation);
  }
}

// Runs `change` on the locked open record, traces it and returns what the
// record's choices are after it.
template <typename Change>
RecordChoices change_choices(ConnectionPool& pool, const std::string& patient_id,
                             const Trace& trace, Change change) {
  return on_open_record(pool, patient_id, [&](pqxx::transaction_base& tx) {
    change(tx);
    append_trace(tx, trace);
    return std::move(*detail::read_choices(tx, patient_id));
  });
}

[[noreturn]] void conflict(const std::string& patient_id, const std::string& message) {
  throw Failure(kStateConflict, patient_id, message);
}

[[noreturn]] void entry_not_found(const std::string& patient_id, const std::string& message) {
  throw Failure(kStateEntryNotFound, patient_id, message);
}

// Adds (person) to a table of named professionals; nothing when present.
void name_in(pqxx::transaction_base& tx, const char* table, const std::string& patient_id,
             const std::string& person_id) {
  tx.exec_params(std::string("INSERT INTO ") + table +
                     " (patient_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                 patient_id, person_id);
}

// Removes (person) from a table; false when absent.
bool unname_in(pqxx::transaction_base& tx, const char* table, const std::string& patient_id,
               const std::string& person_id) {
  return tx.exec_params(
               std::string("DELETE FROM ") + table + " WHERE patient_id = $1 AND person_id = $2",
               patient_id, person_id)
             .affected_rows() == 1;
}

Authorisation read_authorisation(pqxx::transaction_base& tx, const std::string& patient_id,
                                 const std::string& person_id) {
  return *RecordStateStore::access_state(tx, patient_id, person_id)->authorisation;
}

}  // namespace

RecordChoices RecordStateStore::add_treating_doctor(const std::string& patient_id,
                                                    const std::string& person_id,
                                                    const TraceActor& actor) {
  return change_choices(pool_, patient_id,
                        trace_of(patient_id, TraceAction::SetTreatingDoctor, actor, person_id),
                        [&](pqxx::transaction_base& tx) {
                          if (named_in(tx, "blocked_professionals", patient_id, person_id)) {
                            conflict(patient_id, person_id +
                                                     " is blocked on this record: unblock them "
                                                     "before making them treating doctor");
                          }
                          name_in(tx, "treating_doctors", patient_id, person_id);
                        });
}

RecordChoices RecordStateStore::remove_treating_doctor(const std::string& patient_id,
                                                       const std::string& person_id,
                                                       const TraceActor& actor) {
  return change_choices(
      pool_, patient_id, trace_of(patient_id, TraceAction::UnsetTreatingDoctor, actor, person_id),
      [&](pqxx::transaction_base& tx) {
        if (!unname_in(tx, "treating_doctors", patient_id, person_id)) {
          entry_not_found(patient_id, person_id + " is not a treating doctor of this record");
        }
      });
}

RecordChoices RecordStateStore::block(const std::string& patient_id, const std::string& person_id,
                                      const TraceActor& actor) {
  return change_choices(pool_, patient_id,
                        trace_of(patient_id, TraceAction::Block, actor, person_id),
                        [&](pqxx::transaction_base& tx) {
                          if (named_in(tx, "treating_doctors", patient_id, person_id)) {
                            conflict(patient_id, person_id +
                                                     " is a treating doctor of this record: "
                                                     "remove that status before blocking them");
                          }
                          name_in(tx, "blocked_professionals", patient_id, person_id);
                        });
}

RecordChoices RecordStateStore::unblock(const std::string& patient_id, const std::string& person_id,
                                        const TraceActor& actor) {
  return change_choices(
      pool_, patient_id, trace_of(patient_id, TraceAction::Unblock, actor, person_id),
      [&](pqxx::transaction_base& tx) {
        if (!unname_in(tx, "blocked_professionals", patient_id, person_id)) {
          entry_not_found(patient_id, person_id + " is not blocked on this record");
        }
      });
}

RecordChoices RecordStateStore::set_emergency(const std::string& patient_id,
                                              EmergencyChoice bris_de_glace,
                                              EmergencyChoice centre_15, const TraceActor& actor) {
  const std::string chosen = "bris_de_glace=" + std::string(to_string(bris_de_glace)) +
                             " centre_15=" + std::string(to_string(centre_15));
  return change_choices(
      pool_, patient_id, trace_of(patient_id, TraceAction::SetEmergency, actor, "", chosen),
      [&](pqxx::transaction_base& tx) {
        tx.exec_params(
            "UPDATE patient_records SET bris_de_glace = $2, centre_15 = $3, updated_at = now() "
            "WHERE patient_id = $1",
            patient_id, std::string(to_string(bris_de_glace)), std::string(to_string(centre_15)));
      });
}

RecordChoices RecordStateStore::set_legal_representative(const std::string& patient_id,
                                                         const LegalRepresentative& r,
                                                         const TraceActor& actor) {
  return change_choices(
      pool_, patient_id,
      trace_of(patient_id, TraceAction::SetLegalRepresentative, actor, "",
               r.family + ", " + r.given + " (" + r.relationship + ")"),
      [&](pqxx::transaction_base& tx) {
        tx.exec_params(
            "INSERT INTO legal_representatives (patient_id, family, given, relationship) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (patient_id) DO UPDATE SET family = $2, "
            "given = $3, relationship = $4, since = now()",
            patient_id, r.family, r.given, r.relationship);
      });
}

RecordChoices RecordStateStore::remove_legal_representative(const std::string& patient_id,
                                                            const TraceActor& actor) {
  return change_choices(
      pool_, patient_id, trace_of(patient_id, TraceAction::RemoveLegalRepresentative, actor),
      [&](pqxx::transaction_base& tx) {
        if (tx.exec_params("DELETE FROM legal_representatives WHERE patient_id = $1", patient_id)
                .affected_rows() == 0) {
          entry_not_found(patient_id, "this record has no legal representative");
        }
      });
}

Authorisation RecordStateStore::authorise(const std::string& patient_id,
                                          const std::string& person_id,
                                          const std::string& consent_declared_by,
                                          const TraceActor& actor) {
  return on_open_record(pool_, patient_id, [&](pqxx::transaction_base& tx) {
    tx.exec_params(
        "INSERT INTO authorisations (patient_id, person_id, status, consent_declared_by, "
        "structure_id) VALUES ($1, $2, 'active', $3, $4) ON CONFLICT (patient_id, person_id) "
        "DO UPDATE SET status = 'active', granted_at = now(), last_access_at = now(), "
        "consent_declared_by = $3, consent_declared_at = now(), ended_at = NULL, "
        "structure_id = $4",
        patient_id, person_id, consent_declared_by, actor.structure);
    append_trace(tx, trace_of(patient_id, TraceAction::Authorise, actor, person_id,
                              "consent declared by " + consent_declared_by));
    return read_authorisation(tx, patient_id, person_id);
  });
}

Authorisation RecordStateStore::end_authorisation(const std::string& patient_id,
                                                  const std::string& person_id,
                                                  const TraceActor& actor) {
  return on_open_record(pool_, patient_id, [&](pqxx::transaction_base& tx) {
    const auto ended = tx.exec_params(
        "UPDATE authorisations SET status = 'ended', ended_at = now() "
        "WHERE patient_id = $1 AND person_id = $2 AND status = 'active'",
        patient_id, person_id);
    if (ended.affected_rows() == 0) {
      entry_not_found(patient_id, person_id + " holds no active authorisation on this record");
    }
    append_trace(tx, trace_of(patient_id, TraceAction::EndAuthorisation, actor, person_id));
    return read_authorisation(tx, patient_id, person_id);
  });
}

bool RecordStateStore::touch_authorisation(pqxx::transaction_base& tx,
                                           const std::string& patient_id,
                                           const std::string& person_id) {
  return tx.exec_params(
               "UPDATE authorisations SET last_access_at = now() "
               "WHERE patient_id = $1 AND person_id = $2 AND status = 'active'",
               patient_id, person_id)
             .affected_rows() == 1;
}

bool RecordStateStore::touch_authorisation(const std::string& patient_id,
                                           const std::string& person_id) {
  try {
    auto lease = pool_.acquire();
    // A single UPDATE is atomic on its own: one round trip.
    pqxx::nontransaction tx(*lease);
    return touch_authorisation(tx, patient_id, person_id);
  } catch (...) {
    detail::rethrow_as_state_error(kLocation);
  }
}

}  // namespace passerelle::store
