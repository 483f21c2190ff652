#pragma once

// What the steps of a run share: the uniqueIds and UUIDs each step assigned,
// the values each step reported, the patient of each test. Turns a step's
// UseId / UseReport into symbol → value, the way the toolkit resolves them.

#include <map>
#include <set>
#include <string>

#include "passerelle/conformance/testkit.hpp"

namespace passerelle::conformance {

// Where an object, a report or a patient was made.
struct StepKey {
  std::string test;
  std::string section;
  std::string step;
  auto operator<=>(const StepKey&) const = default;
};

class RunState {
 public:
  void assign_uid(const StepKey& where, const std::string& object, const std::string& uid);
  void assign_uuid(const StepKey& where, const std::string& object, const std::string& uuid);
  void report(const StepKey& where, const std::string& name, const std::string& value);
  // `patient`: the test's; `second`: another registered one (the toolkit's
  // feed 15817b); `alt`: one the registry does not know (<AltPatientId/>).
  void set_patients(const std::string& test, const std::string& patient, const std::string& second,
                    const std::string& alt);
  const std::string& patient(const std::string& test) const;
  const std::string& second_patient(const std::string& test) const;
  const std::string& alt_patient(const std::string& test) const;
  bool ran(const std::string& test) const { return patients_.contains(test); }
  // <NewPatientId/>: the test's patient and its second one trade places, so
  // the steps that follow submit for another registered patient; trading
  // again gives the test its own patient back.
  void trade_patients(const std::string& test);

  // Symbol → value for `step` of (test, section). Throws Failure(kHarnessError)
  // naming the first UseId/UseReport that has nothing behind it.
  std::map<std::string, std::string> symbols(const std::string& test, const std::string& section,
                                             const TestStep& step) const;

  // The test a testdir ("../../12346/single_doc") names, "" for this test.
  static std::string test_of(const std::string& testdir);

 private:
  std::map<std::pair<StepKey, std::string>, std::string> uids_, uuids_, reports_;
  struct Patients {
    std::string patient, second, alt;
  };
  const Patients& patients(const std::string& test) const;
  std::map<std::string, Patients> patients_;
};

}  // namespace passerelle::conformance
