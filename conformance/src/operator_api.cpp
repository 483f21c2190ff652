#include "operator_api.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <cctype>
#include <nlohmann/json.hpp>

#include "passerelle/core/error.hpp"
#include "text.hpp"

namespace passerelle::conformance {
namespace {

// RFC 3986 path segment: everything but unreserved characters escaped (CX
// ids carry ^ and &).
std::string percent_encoded(const std::string& text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string attribute(const RecordChange& change, const std::string& name) {
  const auto found = change.attributes.find(name);
  if (found == change.attributes.end() || found->second.empty()) {
    throw Failure(kHarnessError, change.what,
                  "<" + change.what + "> needs the attribute " + name + "=");
  }
  return found->second;
}

std::string person_of(const RecordChange& change, const VihfProfiles& profiles) {
  const auto profile = attribute(change, "profile");
  const auto found = profiles.find(profile);
  if (found == profiles.end()) {
    throw Failure(kHarnessError, change.what,
                  "<" + change.what + " profile=\"" + profile + "\">: no such profile");
  }
  return found->second.person_id;
}

std::string as_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

}  // namespace

OperatorApi::OperatorApi(const HttpClient& http, Url base, std::string token)
    : http_(http), base_(std::move(base)), token_(std::move(token)) {}

std::string OperatorApi::records_path() const {
  if (base_.target.ends_with("/api/v1/records")) return base_.target;
  return (base_.target == "/" ? "" : base_.target) + "/api/v1/records";
}

std::string OperatorApi::send(const std::string& method, const std::string& path,
                              const std::string& body,
                              std::initializer_list<unsigned> accepted) const {
  Url url = base_;
  url.target = path;
  const auto reply = http_.send(method, url, body.empty() ? "" : "application/json", body,
                                {{"Authorization", "Bearer " + token_}});
  for (const unsigned status : accepted) {
    if (reply.status == status) return reply.body;
  }
  throw Failure(kHarnessError, url.str(),
                method + " " + url.str() + " answered " + std::to_string(reply.status) + ": " +
                    reply.body.substr(0, 300));
}

void OperatorApi::create_record(const std::string& patient, const std::string& test) const {
  const nlohmann::json record = {{"patient_id", patient},
                                 {"family", "NIST"},
                                 {"given", "Test " + test},
                                 {"birth_date", "1970-01-01"},
                                 {"sex", "U"}};
  // 409: the record exists already (a fixed --patient-id): fine.
  send("POST", records_path(), record.dump(), {201, 409});
}

void OperatorApi::apply(const RecordChange& change, const std::string& patient,
                        const VihfProfiles& profiles) const {
  const std::string record = records_path() + "/" + percent_encoded(patient);
  if (change.what == "Emergency") {
    const nlohmann::json choices = {{"bris_de_glace", attribute(change, "bris_de_glace")},
                                    {"centre_15", attribute(change, "centre_15")}};
    send("PUT", record + "/emergency", choices.dump(), {200});
    return;
  }
  const std::string person = percent_encoded(person_of(change, profiles));
  if (change.what == "TreatingDoctor") {
    send("PUT", record + "/treating-doctors/" + person, "", {200});
  } else if (change.what == "RemoveTreatingDoctor") {
    send("DELETE", record + "/treating-doctors/" + person, "", {200});
  } else if (change.what == "Block") {
    send("PUT", record + "/blocked/" + person, "", {200});
  } else if (change.what == "Unblock") {
    send("DELETE", record + "/blocked/" + person, "", {200});
  } else {
    throw Failure(kHarnessError, change.what, "unknown record change <" + change.what + ">");
  }
}

std::string OperatorApi::traces(const std::string& patient) const {
  return send("GET", records_path() + "/" + percent_encoded(patient) + "/traces?limit=1000", "",
              {200});
}

std::optional<std::string> check_trace(const std::string& traces_json,
                                       const TraceExpectation& expected,
                                       const VihfProfiles& profiles) {
  std::map<std::string, std::string> wanted;
  for (const auto& [key, value] : expected.attributes) {
    if (key != "profile") {
      wanted[key] = value;
      continue;
    }
    const auto found = profiles.find(value);
    if (found == profiles.end()) return "ExpectedTrace profile '" + value + "': no such profile";
    wanted["actor_id"] = found->second.person_id;
  }
  std::string description;
  for (const auto& [key, value] : wanted) description += " " + key + "=" + value;
  const auto parsed = nlohmann::json::parse(traces_json, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("traces") || !parsed["traces"].is_array()) {
    return "the traces answer is not {\"traces\": [...]}";
  }
  std::size_t matching = 0;
  for (const auto& trace : parsed["traces"]) {
    bool all = true;
    for (const auto& [key, value] : wanted) {
      all = all && trace.contains(key) && as_text(trace[key]) == value;
    }
    if (all) ++matching;
  }
  if (expected.present && matching == 0) {
    return "no trace with" + description + " among " + std::to_string(parsed["traces"].size());
  }
  if (!expected.present && matching != 0) {
    return std::to_string(matching) + " trace(s) with" + description + ", expected none";
  }
  return std::nullopt;
}

}  // namespace passerelle::conformance
