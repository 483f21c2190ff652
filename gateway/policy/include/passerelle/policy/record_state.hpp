#pragma once

// What the registry knows about one patient record and this caller's
// standing in it, fetched before the decision (the policy never queries).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace passerelle::policy {

using Clock = std::chrono::system_clock;

enum class RecordStatus { NotFound, Open, Closed };

enum class PatientChoice { Allowed, Opposed };

// A professional's authorisation on the record (R-AUTH-1, R-AUTH-4).
struct Authorisation {
  enum class Status { None, Active, Ended };
  Status status = Status::None;
  Clock::time_point last_access{};  // meaningful when Active
};

struct RecordState {
  RecordStatus status = RecordStatus::NotFound;
  std::string patient_id;                                 // CX of the record (INS matricule first)
  std::optional<std::chrono::year_month_day> birth_date;  // unknown → treated as adult
  std::vector<std::string> treating_doctors;              // MT person ids (R-AUTH-5)
  std::vector<std::string> blocked;                       // blocked person ids (R-AUTH-3)
  PatientChoice bris_de_glace = PatientChoice::Allowed;   // R-AUTH-2
  PatientChoice centre_15 = PatientChoice::Allowed;       // R-AUTH-2, separate choice
  std::optional<std::string> legal_representative;        // person id
  // The caller's own authorisation (professionals).
  Authorisation authorisation;
  // R-ID-3: for a non-professional caller, the most recently used
  // authorisation held by a PS of the caller's structure (Status::None when
  // no PS of that structure holds one).
  Authorisation structure_authorisation;
  // R-SPEC-1: the record already holds its vaccination record (not deleted).
  bool has_vaccination_record = false;
};

// 18 or more on the UTC date of `now`; an unknown birth date counts as adult.
bool is_minor(const RecordState& record, Clock::time_point now);

// R-AUTH-1: an authorisation lapses when not used for more than 6 calendar
// months: last access 15 Jan 10:00 is still valid on 15 Jul 10:00 and lapsed
// one second later (31 Aug + 6 months = end of February).
bool lapsed(const Authorisation& authorisation, Clock::time_point now);

// The id part of a CX / XCN / the INS matricule of a patient id.
std::string first_component(const std::string& hl7_value);

}  // namespace passerelle::policy
