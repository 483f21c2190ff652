#pragma once

// Placeholders of the testkit ($patientid$, $docuid1$, orig_uuid, …) and the
// fresh identifiers the toolkit gives every run (uniqueIds, UUIDs, patients).

#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>

namespace passerelle::conformance {

// Replaces every symbol by its value, longest symbol first (so "$a$" never
// eats the start of "$a$_2"); values are XML-escaped when `escape` (the text
// is XML and a CX holds '&').
std::string substitute(std::string text, const std::map<std::string, std::string>& values,
                       bool escape = true);

// The toolkit's own symbols of a Stored Query (its QueryTransaction):
// "$now$" is `now` and "$lastyear$" the same instant a year before, both
// HL7 DTM to the second (YYYYMMDDhhmmss), in UTC as the registry's times
// are. 29 February has no year-before twin: 28 February stands for it.
std::map<std::string, std::string> query_time_symbols(std::chrono::system_clock::time_point now);

// The first "$name$" left in `text`, "" when none.
std::string first_placeholder(const std::string& text);

// Whether a submission sends `id` as it is rather than a fresh UUID. Symbolic
// ids get one (the toolkit's <AssignUuids/>), and so do the urn:uuids the
// metadata file writes on the objects it defines (`defined`), so that a test
// can run twice. An urn:uuid the submission only refers to stays, and so does
// one a UseId or UseReport gave (a value of `symbols`): a UUID an earlier
// step assigned, submitted again on purpose (NIST 15806 resubmits a
// DocumentEntry under it, which the registry must refuse).
bool keeps_object_id(const std::string& id, const std::set<std::string>& defined,
                     const std::map<std::string, std::string>& symbols);

// Fresh identifiers for one run: OIDs under `oid_root` (a per-run arc, so two
// runs never collide), random v4 UUIDs, patient ids.
class IdFactory {
 public:
  // `run_stamp` makes the OIDs of this run unique (e.g. the start time).
  IdFactory(std::string oid_root, std::uint64_t run_stamp);

  std::string unique_id();  // "<root>.<stamp>.<n>"
  std::string uuid();       // "urn:uuid:…"
  // "P<stamp><n>^^^&<authority>&ISO", then "^<type_code>" when not empty.
  std::string patient(const std::string& authority, const std::string& type_code = "");

 private:
  std::string root_;
  std::uint64_t stamp_;
  std::uint64_t counter_ = 0;
  std::mt19937_64 random_;
};

}  // namespace passerelle::conformance
