#include "passerelle/policy/record_state.hpp"

namespace passerelle::policy {

namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::sys_days;
using std::chrono::year_month_day;
using std::chrono::year_month_day_last;

// Calendar arithmetic: 31 Aug + 6 months has no 31 Feb and becomes the last
// day of February, so "6 months" never stretches into March.
year_month_day add_months(year_month_day date, std::chrono::months months) {
  year_month_day shifted = date + months;
  if (!shifted.ok())
    shifted = year_month_day_last(shifted.year(), shifted.month() / std::chrono::last);
  return shifted;
}

}  // namespace

bool is_minor(const RecordState& record, Clock::time_point now) {
  if (!record.birth_date || !record.birth_date->ok()) return false;
  const year_month_day today{floor<days>(now)};
  const year_month_day majority = add_months(*record.birth_date, std::chrono::months{12 * 18});
  return today < majority;
}

bool lapsed(const Authorisation& authorisation, Clock::time_point now) {
  const auto day = floor<days>(authorisation.last_access);
  const auto time_of_day = authorisation.last_access - day;
  const auto deadline =
      sys_days{add_months(year_month_day{day}, std::chrono::months{6})} + time_of_day;
  return now > deadline;
}

std::string first_component(const std::string& hl7_value) {
  return hl7_value.substr(0, hl7_value.find('^'));
}

}  // namespace passerelle::policy
