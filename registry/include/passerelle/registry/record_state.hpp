#pragma once

// The patient's choices on a record and each professional's authorisation
// (dmp-rules.md §3): treating doctors (R-AUTH-5), blocked professionals
// (R-AUTH-3), emergency access choices (R-AUTH-2), legal representative,
// consent and its 6-month lapse (R-AUTH-1, -4). The access policy reads it
// for every request in one query (access_state); the operator API changes it
// for the patient. Every change is traced in its own transaction
// (traces.hpp, R-TRACE-1).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/registry/records.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/traces.hpp"

namespace passerelle::store {

// National ids (R-ID-2): ADELI `0` + 11, FINESS `1` + 9, SIREN `2` + 9,
// SIRET `3` + 14, RPPS `4` + 14 characters (letters or digits).
enum class NationalIdKind { Adeli, Finess, Siren, Siret, Rpps };
std::optional<NationalIdKind> national_id_kind(std::string_view id);
// Why `id` is not a professional's (RPPS or ADELI) id, or nullopt.
std::optional<std::string> person_id_problem(std::string_view id);

enum class EmergencyChoice { Allowed, Opposed };
std::string_view to_string(EmergencyChoice choice);  // "allowed" / "opposed"

struct LegalRepresentative {
  std::string family;
  std::string given;
  std::string relationship;  // "parent", "guardian" or "other"
  std::string since;         // set by the store: ISO 8601 UTC
};

struct Authorisation {
  std::string person_id;
  std::string status;  // "active" or "ended" (R-AUTH-4)
  std::string granted_at;
  std::string last_access_at;  // the 6-month lapse of R-AUTH-1 counts from here
  std::string consent_declared_by;
  std::string consent_declared_at;
  std::string ended_at;      // "" while active
  std::string structure_id;  // the organisation they acted for when authorised (R-ID-3)
};

// A professional named on a record (treating doctor, blocked) and since when.
struct NamedProfessional {
  std::string person_id;
  std::string since;
};

// What the policy needs about one record and one professional. Timestamps
// are ISO 8601 UTC ("2024-03-01T09:12:44Z").
struct RecordAccessState {
  std::string patient_id;
  std::string state;       // "open" or "closed" (R-AUTH-8)
  std::string birth_date;  // YYYY-MM-DD, "" when unknown (minors: R-AUTH-6)
  EmergencyChoice bris_de_glace = EmergencyChoice::Allowed;
  EmergencyChoice centre_15 = EmergencyChoice::Allowed;
  bool is_treating_doctor = false;  // the professional asked about
  bool is_blocked = false;
  std::vector<std::string> treating_doctors;   // all of them, by person id
  std::vector<std::string> blocked;            // all of them, by person id
  std::optional<Authorisation> authorisation;  // theirs, active or ended
  // R-ID-3: the most recently used active authorisation held by a
  // professional of the structure asked about (none when not asked).
  std::optional<Authorisation> structure_authorisation;
  bool has_legal_representative = false;
  std::string now;  // the database clock when read, to compute the lapse
};

// Everything chosen on a record, for the operator view.
struct RecordChoices {
  std::string patient_id;
  std::string state;
  std::string birth_date;
  EmergencyChoice bris_de_glace = EmergencyChoice::Allowed;
  EmergencyChoice centre_15 = EmergencyChoice::Allowed;
  std::vector<NamedProfessional> treating_doctors;  // by person id
  std::vector<NamedProfessional> blocked;           // by person id
  std::optional<LegalRepresentative> legal_representative;
  std::vector<Authorisation> authorisations;  // by person id
};

// Error codes (the operator API maps them to HTTP statuses). A missing
// record is kRecordNotFound (records.hpp); a change on a closed record is
// kRecordState.
inline constexpr const char* kStateEntryNotFound = "passerelle:RecordStateEntryNotFound";  // 404
inline constexpr const char* kStateConflict = "passerelle:RecordStateConflict";            // 409

class RecordStateStore {
 public:
  explicit RecordStateStore(ConnectionPool& pool) : pool_(pool) {}

  // One prepared statement, one round trip (plus the PREPARE on a
  // connection's first call); nullopt when the record does not exist.
  // `structure_id` (may be "") selects structure_authorisation.
  std::optional<RecordAccessState> access_state(const std::string& patient_id,
                                                const std::string& person_id,
                                                const std::string& structure_id = "");
  // The same inside a transaction the caller runs (one statement).
  static std::optional<RecordAccessState> access_state(pqxx::transaction_base& tx,
                                                       const std::string& patient_id,
                                                       const std::string& person_id,
                                                       const std::string& structure_id = "");
  std::optional<RecordChoices> choices(const std::string& patient_id);

  // Operator (patient-side) changes. Each locks the record, refuses a closed
  // one (kRecordState) or a missing one (kRecordNotFound), traces itself with
  // `actor` in the same transaction and returns the choices after it.
  // Setting what is set already changes nothing but is traced.
  // kStateConflict: a blocked professional cannot be made treating doctor,
  // nor a treating doctor blocked (R-AUTH-3, -5).
  RecordChoices add_treating_doctor(const std::string& patient_id, const std::string& person_id,
                                    const TraceActor& actor);
  // kStateEntryNotFound when the person is not a treating doctor.
  RecordChoices remove_treating_doctor(const std::string& patient_id, const std::string& person_id,
                                       const TraceActor& actor);
  RecordChoices block(const std::string& patient_id, const std::string& person_id,
                      const TraceActor& actor);
  RecordChoices unblock(const std::string& patient_id, const std::string& person_id,
                        const TraceActor& actor);
  RecordChoices set_emergency(const std::string& patient_id, EmergencyChoice bris_de_glace,
                              EmergencyChoice centre_15, const TraceActor& actor);
  RecordChoices set_legal_representative(const std::string& patient_id,
                                         const LegalRepresentative& representative,
                                         const TraceActor& actor);
  RecordChoices remove_legal_representative(const std::string& patient_id, const TraceActor& actor);

  // Professional-side (DeclareConsent, R-AUTH-1 / R-AUTH-4), traced with
  // `actor` (the professional). authorise (re)starts an active authorisation:
  // granted, last access and consent all now, for actor.structure. end_authorisation throws
  // kStateEntryNotFound unless an active one exists. Refuse a closed record
  // like the operator changes; the access decision itself is the policy's.
  Authorisation authorise(const std::string& patient_id, const std::string& person_id,
                          const std::string& consent_declared_by, const TraceActor& actor);
  Authorisation end_authorisation(const std::string& patient_id, const std::string& person_id,
                                  const TraceActor& actor);

  // Records an access by the professional (last_access_at = now) when they
  // hold an active authorisation; false when they hold none. Not traced:
  // the access itself is.
  bool touch_authorisation(const std::string& patient_id, const std::string& person_id);
  static bool touch_authorisation(pqxx::transaction_base& tx, const std::string& patient_id,
                                  const std::string& person_id);

 private:
  ConnectionPool& pool_;
};

}  // namespace passerelle::store
