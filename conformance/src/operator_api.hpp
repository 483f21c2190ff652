#pragma once

// The Passerelle operator API as the harness uses it (docs/operator-api.md):
// a record for each test's patients, the patient's choices a suite step sets
// (treating doctor, block, emergency), and the record's traces a suite step
// checks. Another DMP-like system offering the same routes can be set up the
// same way; without --record-setup these steps are not applicable.

#include <optional>
#include <string>

#include "passerelle/conformance/http_client.hpp"
#include "passerelle/conformance/testkit.hpp"

namespace passerelle::conformance {

class OperatorApi {
 public:
  // `base`: https://host:port (a trailing /api/v1/records is accepted).
  OperatorApi(const HttpClient& http, Url base, std::string token);

  // POST /api/v1/records; 409 (exists already) is fine.
  void create_record(const std::string& patient, const std::string& test) const;
  // One <TreatingDoctor/>, <Block/>… of a RecordSetupTransaction. Throws
  // Failure(kHarnessError) with the API's answer when refused.
  void apply(const RecordChange& change, const std::string& patient,
             const VihfProfiles& profiles) const;
  // GET …/traces?limit=1000: the body (JSON) as received.
  std::string traces(const std::string& patient) const;

 private:
  std::string records_path() const;
  std::string send(const std::string& method, const std::string& path, const std::string& body,
                   std::initializer_list<unsigned> accepted) const;
  const HttpClient& http_;
  Url base_;
  std::string token_;
};

// Why no trace of `traces_json` (GET …/traces) matches `expected`, or
// nullopt when the expectation holds (present or absent as asked).
std::optional<std::string> check_trace(const std::string& traces_json,
                                       const TraceExpectation& expected,
                                       const VihfProfiles& profiles);

}  // namespace passerelle::conformance
