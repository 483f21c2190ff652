// RecordStateStore reads: the policy's one-query view and the operator's
// full view.

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "passerelle/registry/record_state.hpp"
#include "store/record_state_internal.hpp"

namespace passerelle::store {
namespace {

constexpr const char* kLocation = "record state";

std::string authorisation_columns(const std::string& table) {
  return table + ".person_id, " + table + ".status, " + detail::iso_seconds(table + ".granted_at") +
         ", " + detail::iso_seconds(table + ".last_access_at") + ", " + table +
         ".consent_declared_by, " + detail::iso_seconds(table + ".consent_declared_at") +
         ", coalesce(" + detail::iso_seconds(table + ".ended_at") + ", ''), " + table +
         ".structure_id";
}

// The eight columns of authorisation_columns() from `first` on; none when
// the (outer-joined) row has no authorisation.
std::optional<Authorisation> to_authorisation(const pqxx::row& row, pqxx::row::size_type first) {
  if (row[first].is_null()) return std::nullopt;
  Authorisation a;
  a.person_id = row[first].as<std::string>();
  a.status = row[first + 1].as<std::string>();
  a.granted_at = row[first + 2].as<std::string>();
  a.last_access_at = row[first + 3].as<std::string>();
  a.consent_declared_by = row[first + 4].as<std::string>();
  a.consent_declared_at = row[first + 5].as<std::string>();
  a.ended_at = row[first + 6].as<std::string>();
  a.structure_id = row[first + 7].as<std::string>();
  return a;
}

std::vector<std::string> json_strings(const pqxx::field& field) {
  return nlohmann::json::parse(field.c_str()).get<std::vector<std::string>>();
}

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::vector<NamedProfessional> named(pqxx::transaction_base& tx, const std::string& table,
                                     const std::string& patient_id) {
  std::vector<NamedProfessional> out;
  for (const auto& row :
       tx.exec_params("SELECT person_id, " + detail::iso_seconds("since") + " FROM " + table +
                          " WHERE patient_id = $1 ORDER BY person_id",
                      patient_id)) {
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
  }
  return out;
}

constexpr const char* kAccessStateStatement = "record_access_state";

std::string access_state_sql() {
  return "SELECT r.state, coalesce(to_char(r.birth_date, 'YYYY-MM-DD'), ''), r.bris_de_glace, "
         "r.centre_15, "
         "EXISTS (SELECT 1 FROM legal_representatives l WHERE l.patient_id = r.patient_id), " +
         detail::iso_seconds("now()") +
         ", coalesce((SELECT json_agg(t.person_id ORDER BY t.person_id) FROM treating_doctors t "
         "WHERE t.patient_id = r.patient_id), '[]'), "
         "coalesce((SELECT json_agg(b.person_id ORDER BY b.person_id) FROM "
         "blocked_professionals b WHERE b.patient_id = r.patient_id), '[]'), " +
         authorisation_columns("a") + ", " + authorisation_columns("s") +
         " FROM patient_records r LEFT JOIN authorisations a "
         "ON a.patient_id = r.patient_id AND a.person_id = $2 "
         "LEFT JOIN LATERAL (SELECT * FROM authorisations x WHERE x.patient_id = r.patient_id "
         "AND $3 <> '' AND x.structure_id = $3 AND x.status = 'active' "
         "ORDER BY x.last_access_at DESC, x.person_id LIMIT 1) s ON true "
         "WHERE r.patient_id = $1";
}

}  // namespace

std::string_view to_string(EmergencyChoice choice) {
  return choice == EmergencyChoice::Opposed ? "opposed" : "allowed";
}

namespace detail {

EmergencyChoice emergency_choice(const std::string& text) {
  return text == "opposed" ? EmergencyChoice::Opposed : EmergencyChoice::Allowed;
}

std::optional<RecordChoices> read_choices(pqxx::transaction_base& tx,
                                          const std::string& patient_id) {
  const auto records = tx.exec_params(
      "SELECT state, coalesce(to_char(birth_date, 'YYYY-MM-DD'), ''), bris_de_glace, centre_15 "
      "FROM patient_records WHERE patient_id = $1",
      patient_id);
  if (records.empty()) return std::nullopt;
  RecordChoices choices;
  choices.patient_id = patient_id;
  choices.state = records[0][0].as<std::string>();
  choices.birth_date = records[0][1].as<std::string>();
  choices.bris_de_glace = emergency_choice(records[0][2].as<std::string>());
  choices.centre_15 = emergency_choice(records[0][3].as<std::string>());
  choices.treating_doctors = named(tx, "treating_doctors", patient_id);
  choices.blocked = named(tx, "blocked_professionals", patient_id);
  const auto representative =
      tx.exec_params("SELECT family, given, relationship, " + iso_seconds("since") +
                         " FROM legal_representatives WHERE patient_id = $1",
                     patient_id);
  if (!representative.empty()) {
    const auto& row = representative[0];
    choices.legal_representative =
        LegalRepresentative{row[0].as<std::string>(), row[1].as<std::string>(),
                            row[2].as<std::string>(), row[3].as<std::string>()};
  }
  for (const auto& row :
       tx.exec_params("SELECT " + authorisation_columns("a") +
                          " FROM authorisations a WHERE a.patient_id = $1 ORDER BY a.person_id",
                      patient_id)) {
    choices.authorisations.push_back(*to_authorisation(row, 0));
  }
  return choices;
}

}  // namespace detail

std::optional<RecordAccessState> RecordStateStore::access_state(pqxx::transaction_base& tx,
                                                                const std::string& patient_id,
                                                                const std::string& person_id,
                                                                const std::string& structure_id) {
  // One statement, prepared once per connection: the policy runs it for
  // every request.
  tx.conn().prepare(kAccessStateStatement, access_state_sql());
  const auto rows = tx.exec_prepared(kAccessStateStatement, patient_id, person_id, structure_id);
  if (rows.empty()) return std::nullopt;
  const auto& row = rows[0];
  RecordAccessState state;
  state.patient_id = patient_id;
  state.state = row[0].as<std::string>();
  state.birth_date = row[1].as<std::string>();
  state.bris_de_glace = detail::emergency_choice(row[2].as<std::string>());
  state.centre_15 = detail::emergency_choice(row[3].as<std::string>());
  state.has_legal_representative = row[4].as<bool>();
  state.now = row[5].as<std::string>();
  state.treating_doctors = json_strings(row[6]);
  state.blocked = json_strings(row[7]);
  state.is_treating_doctor = contains(state.treating_doctors, person_id);
  state.is_blocked = contains(state.blocked, person_id);
  state.authorisation = to_authorisation(row, 8);
  state.structure_authorisation = to_authorisation(row, 16);
  return state;
}

std::optional<RecordAccessState> RecordStateStore::access_state(const std::string& patient_id,
                                                                const std::string& person_id,
                                                                const std::string& structure_id) {
  try {
    auto lease = pool_.acquire();
    // No BEGIN/COMMIT: a single SELECT is consistent on its own, and this
    // keeps the read to one round trip.
    pqxx::nontransaction tx(*lease);
    return access_state(tx, patient_id, person_id, structure_id);
  } catch (...) {
    detail::rethrow_as_state_error(kLocation);
  }
}

std::optional<RecordChoices> RecordStateStore::choices(const std::string& patient_id) {
  try {
    auto lease = pool_.acquire();
    // One snapshot for the several reads.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(*lease);
    return detail::read_choices(tx, patient_id);
  } catch (...) {
    detail::rethrow_as_state_error(kLocation);
  }
}

}  // namespace passerelle::store
