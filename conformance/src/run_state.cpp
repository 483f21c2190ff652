#include "run_state.hpp"

#include <utility>

#include "passerelle/core/error.hpp"
#include "text.hpp"

namespace passerelle::conformance {
namespace {

// "../submit", "submit" → ("", submit); "../../12346/single_doc" → (12346, single_doc).
std::pair<std::string, std::string> locate(const std::string& testdir) {
  std::vector<std::string> names;
  for (const auto& part : split(testdir, '/')) {
    if (part != "." && part != "..") names.push_back(part);
  }
  if (names.size() >= 2) return {names[names.size() - 2], names.back()};
  if (names.size() == 1) return {"", names.back()};
  return {"", ""};
}

[[noreturn]] void missing(const std::string& what) {
  throw Failure(kHarnessError, what,
                what +
                    ": nothing to use (the step that makes it did not run "
                    "or did not succeed)");
}

}  // namespace

void RunState::assign_uid(const StepKey& where, const std::string& object, const std::string& uid) {
  uids_[{where, object}] = uid;
}

void RunState::assign_uuid(const StepKey& where, const std::string& object,
                           const std::string& uuid) {
  uuids_[{where, object}] = uuid;
}

void RunState::report(const StepKey& where, const std::string& name, const std::string& value) {
  reports_[{where, name}] = value;
}

void RunState::set_patients(const std::string& test, const std::string& patient,
                            const std::string& second, const std::string& alt) {
  patients_[test] = {patient, second, alt};
}

void RunState::trade_patients(const std::string& test) {
  const auto found = patients_.find(test);
  if (found == patients_.end()) missing("patient of test " + test);
  std::swap(found->second.patient, found->second.second);
}

const RunState::Patients& RunState::patients(const std::string& test) const {
  const auto found = patients_.find(test);
  if (found == patients_.end()) missing("patient of test " + test);
  return found->second;
}

const std::string& RunState::patient(const std::string& test) const {
  return patients(test).patient;
}

const std::string& RunState::second_patient(const std::string& test) const {
  return patients(test).second;
}

const std::string& RunState::alt_patient(const std::string& test) const {
  return patients(test).alt;
}

std::string RunState::test_of(const std::string& testdir) { return locate(testdir).first; }

std::map<std::string, std::string> RunState::symbols(const std::string& test,
                                                     const std::string& section,
                                                     const TestStep& step) const {
  std::map<std::string, std::string> out;
  // Every step may use the test's patient: the toolkit's default symbol.
  out["$patientid$"] = patient(test);
  for (const auto& use : step.use_ids) {
    auto [other_test, other_section] = locate(use.testdir);
    if (other_test.empty()) other_test = test;
    if (other_section.empty()) other_section = section;
    const StepKey key{other_test, other_section, use.step};
    const std::string what = "UseId " + use.symbol + " (" + use.section + " " + other_test + "/" +
                             other_section + "/" + use.step + "/" + use.id + ")";
    if (use.section == "AssignedPatientId") {
      out[use.symbol] = patient(other_test);
      continue;
    }
    const auto& table = use.section == "AssignedUuids" ? uuids_ : uids_;
    const auto found = table.find({key, use.id});
    if (found == table.end()) missing(what);
    out[use.symbol] = found->second;
  }
  for (const auto& use : step.use_reports) {
    const std::string what =
        "UseReport " + use.report_name + " (" + use.section + "/" + use.step + ")";
    // The patient a Patient Identity Feed test (15817, 15818, … section
    // "pif") registered: the test's own patient; 15817b: its second one.
    if (use.section == "pif" || use.report_name == "$patientid$") {
      out[use.use_as] = use.test.ends_with("b") ? second_patient(test) : patient(test);
      continue;
    }
    const std::string from_test = use.test.empty() ? test : use.test;
    // section "THIS": the step's own section.
    const StepKey key{from_test, use.section == "THIS" ? section : use.section, use.step};
    if (const auto found = reports_.find({key, use.report_name}); found != reports_.end()) {
      out[use.use_as] = found->second;
      continue;
    }
    // <object>_uid: the uniqueId the step assigned to <object>.
    if (use.report_name.ends_with("_uid")) {
      const auto object = use.report_name.substr(0, use.report_name.size() - 4);
      if (const auto found = uids_.find({key, object}); found != uids_.end()) {
        out[use.use_as] = found->second;
        continue;
      }
    }
    // <object>_uuid: the UUID the step gave <object>.
    if (use.report_name.ends_with("_uuid")) {
      const auto object = use.report_name.substr(0, use.report_name.size() - 5);
      if (const auto found = uuids_.find({key, object}); found != uuids_.end()) {
        out[use.use_as] = found->second;
        continue;
      }
    }
    missing(what);
  }
  return out;
}

}  // namespace passerelle::conformance
