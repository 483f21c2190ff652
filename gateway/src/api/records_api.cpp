#include "api/records_api.hpp"

#include <algorithm>
#include <array>
#include <boost/url/pct_string_view.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "api/bearer_auth.hpp"
#include "api/record_state_api.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/store.hpp"

namespace passerelle::gateway::api {
namespace http = boost::beast::http;
using Json = nlohmann::ordered_json;

namespace {

constexpr std::string_view kRecordsPath = "/api/v1/records";
constexpr std::size_t kMaxPatientId = 256;
constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxReason = 1000;

}  // namespace

// Declared in records_api.hpp: shared with record_state_api.cpp.
namespace request {

// User text echoed in a message, cut so a huge value cannot bloat the reply.
std::string echo(std::string_view text) {
  constexpr std::size_t kMax = 80;
  if (text.size() <= kMax) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kMax)) + "…'";
}

ApiReply json_reply(unsigned status, const Json& body) {
  ApiReply reply;
  reply.status = status;
  reply.body = body.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  return reply;
}

Json record_json(const store::PatientRecord& record) {
  return Json{{"patient_id", record.patient_id},
              {"family", record.family},
              {"given", record.given},
              {"birth_date", record.birth_date},
              {"sex", record.sex},
              {"state", record.state},
              {"close_reason", record.close_reason},
              {"created_at", record.created_at},
              {"updated_at", record.updated_at}};
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_json_media_type(std::string_view content_type) {
  return lower(trim(content_type.substr(0, content_type.find(';')))) == "application/json";
}

// Percent-decoding of one path segment ('+' stays '+': this is a path).
std::optional<std::string> percent_decode(std::string_view text) {
  const auto segment = boost::urls::make_pct_string_view(text);
  if (!segment) return std::nullopt;
  return segment->decode();
}

Json parse_object(std::string_view body) {
  Json json;
  try {
    json = Json::parse(body);
  } catch (const Json::parse_error& e) {
    throw BadRequest{"request body is not valid JSON (error at byte " + std::to_string(e.byte) +
                     ")"};
  }
  if (!json.is_object()) throw BadRequest{"request body must be a JSON object"};
  return json;
}

// Refuses members other than `allowed`.
void refuse_unknown_fields(const Json& object, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      throw BadRequest{"unknown field " + echo(key)};
    }
  }
}

// The required string member `name`, checked for emptiness, length and
// control characters.
std::string string_field(const Json& object, const std::string& name, std::size_t max_length) {
  const auto it = object.find(name);
  if (it == object.end()) throw BadRequest{"missing field '" + name + "'"};
  if (!it->is_string()) throw BadRequest{"field '" + name + "' must be a string"};
  std::string value = it->get<std::string>();
  if (value.empty()) throw BadRequest{"field '" + name + "' must not be empty"};
  if (value.size() > max_length) {
    throw BadRequest{"field '" + name + "' is longer than " + std::to_string(max_length) +
                     " bytes"};
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) {
      throw BadRequest{"field '" + name + "' must not contain control characters"};
    }
  }
  return value;
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace request
using namespace request;

namespace {

void check_birth_date(const std::string& date) {
  const bool shape = date.size() == 10 && date[4] == '-' && date[7] == '-' &&
                     all_digits(std::string_view(date).substr(0, 4)) &&
                     all_digits(std::string_view(date).substr(5, 2)) &&
                     all_digits(std::string_view(date).substr(8, 2));
  if (!shape) throw BadRequest{"birth_date must be a date as YYYY-MM-DD, got " + echo(date)};
  using namespace std::chrono;
  const year_month_day ymd{year{std::stoi(date.substr(0, 4))},
                           month{static_cast<unsigned>(std::stoi(date.substr(5, 2)))},
                           day{static_cast<unsigned>(std::stoi(date.substr(8, 2)))}};
  if (!ymd.ok()) throw BadRequest{"birth_date " + echo(date) + " is not a calendar date"};
  const year_month_day today{floor<days>(system_clock::now())};
  if (ymd > today) throw BadRequest{"birth_date " + echo(date) + " is in the future"};
}

store::PatientRecord parse_new_record(std::string_view body, const AuthorityCheck& check) {
  const Json json = parse_object(body);
  refuse_unknown_fields(json, {"patient_id", "family", "given", "birth_date", "sex"});
  store::PatientRecord record;
  record.patient_id = string_field(json, "patient_id", kMaxPatientId);
  if (auto problem = patient_id_problem(record.patient_id, check)) throw BadRequest{*problem};
  record.family = string_field(json, "family", kMaxName);
  record.given = string_field(json, "given", kMaxName);
  record.birth_date = string_field(json, "birth_date", 10 + 1);
  check_birth_date(record.birth_date);
  record.sex = string_field(json, "sex", 1 + 1);
  if (record.sex != "F" && record.sex != "M" && record.sex != "U") {
    throw BadRequest{"field 'sex' must be F, M or U, got " + echo(record.sex)};
  }
  return record;
}

std::string parse_close_reason(std::string_view body) {
  const Json json = parse_object(body);
  refuse_unknown_fields(json, {"reason"});
  return string_field(json, "reason", kMaxReason);
}

void parse_reopen(std::string_view body) {
  if (body.empty()) return;
  refuse_unknown_fields(parse_object(body), {});
}

}  // namespace

ApiReply request::method_not_allowed(std::string_view allow) {
  ApiReply reply =
      api_error(405, "method_not_allowed", "this resource accepts " + std::string(allow) + " only");
  reply.headers.emplace_back("Allow", std::string(allow));
  return reply;
}

namespace {

ApiReply store_error(const Failure& failure, const std::string& patient_id, bool closing) {
  const std::string& code = failure.error().code;
  if (code == store::kRecordNotFound) {
    return api_error(404, "record_not_found", "no record for patient " + echo(patient_id));
  }
  if (code == store::kRecordExists) {
    return api_error(409, "record_exists",
                     "a record already exists for patient " + echo(patient_id));
  }
  if (code == store::kRecordState) {
    return api_error(409, "record_state",
                     "the record of patient " + echo(patient_id) +
                         (closing ? " is already closed" : " is already open"));
  }
  ApiReply reply = api_error(500, "internal_error", "internal error while handling the request");
  reply.log_detail = code + ": " + failure.error().message;
  return reply;
}

}  // namespace

AuthorityCheck accept_authorities(std::vector<std::string> oids) {
  if (oids.empty()) return {};
  return [oids = std::move(oids)](const std::string& oid) {
    return std::find(oids.begin(), oids.end(), oid) != oids.end();
  };
}

bool is_dotted_decimal_oid(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  std::size_t arcs = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string_view arc =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!all_digits(arc) || (arc.size() > 1 && arc.front() == '0')) return false;
    if (arcs == 0 && (arc.size() != 1 || arc.front() > '2')) return false;
    ++arcs;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return arcs >= 2;
}

std::optional<std::string> patient_id_problem(const std::string& patient_id,
                                              const AuthorityCheck& check) {
  if (patient_id.size() > kMaxPatientId) {
    return "patient_id is longer than " + std::to_string(kMaxPatientId) + " bytes";
  }
  constexpr std::string_view kMiddle = "^^^&";
  constexpr std::string_view kEnd = "&ISO^NH";
  const std::size_t middle = patient_id.find(kMiddle);
  const bool shape = middle != std::string::npos && patient_id.size() >= kEnd.size() &&
                     patient_id.size() - kEnd.size() >= middle + kMiddle.size() &&
                     patient_id.compare(patient_id.size() - kEnd.size(), kEnd.size(), kEnd) == 0;
  if (!shape) {
    return "patient_id must be of the form id^^^&OID&ISO^NH, got " + echo(patient_id);
  }
  const std::string id = patient_id.substr(0, middle);
  const std::string oid = patient_id.substr(
      middle + kMiddle.size(), patient_id.size() - kEnd.size() - middle - kMiddle.size());
  const bool id_ok = !id.empty() && std::none_of(id.begin(), id.end(), [](unsigned char c) {
    return c <= 0x20 || c == 0x7f || c == '^' || c == '&' || c == '~' || c == '\\' || c == '|';
  });
  if (!id_ok) {
    return "patient_id " + echo(patient_id) +
           ": the id before ^^^ must be non-empty, without spaces, control characters or "
           "separators (^ & ~ \\ |)";
  }
  if (!is_dotted_decimal_oid(oid)) {
    return "patient_id " + echo(patient_id) + ": assigning authority " + echo(oid) +
           " is not a dotted-decimal OID";
  }
  if (check && !check(oid)) {
    return "patient_id " + echo(patient_id) + ": assigning authority " + echo(oid) +
           " is not accepted by this affinity domain";
  }
  return std::nullopt;
}

ApiReply api_error(unsigned status, std::string_view code, std::string_view message) {
  return json_reply(status, Json{{"error", {{"code", code}, {"message", message}}}});
}

ApiReply handle_records_api(http::verb method, std::string_view target,
                            std::string_view content_type, std::string_view body,
                            store::RecordStore& records, const AuthorityCheck& check) {
  const std::string_view path = target.substr(0, target.find_first_of("?#"));
  if (path.substr(0, kRecordsPath.size()) != kRecordsPath) {
    return api_error(404, "not_found", "no such API endpoint");
  }
  std::string_view rest = path.substr(kRecordsPath.size());
  if (rest == "/") rest = "";

  // Which resource: the collection, one record, or an action on one record.
  enum class Resource { Collection, Record, Close, Reopen } resource = Resource::Collection;
  std::string_view id_segment;
  if (!rest.empty()) {
    if (rest.front() != '/') return api_error(404, "not_found", "no such API endpoint");
    rest.remove_prefix(1);
    const std::size_t slash = rest.find('/');
    id_segment = rest.substr(0, slash);
    resource = Resource::Record;
    if (slash != std::string_view::npos) {
      const std::string_view action = rest.substr(slash + 1);
      if (action == "close") {
        resource = Resource::Close;
      } else if (action == "reopen") {
        resource = Resource::Reopen;
      } else {
        return api_error(404, "not_found", "no such API endpoint");
      }
    }
    if (id_segment.empty()) return api_error(404, "not_found", "no such API endpoint");
  }

  const bool post = method == http::verb::post;
  if (resource == Resource::Record) {
    if (method != http::verb::get && method != http::verb::head) {
      return method_not_allowed("GET, HEAD");
    }
  } else if (!post) {
    return method_not_allowed("POST");
  }
  // A POST body must be JSON; reopen alone may come without a body.
  if (post && !is_json_media_type(content_type) &&
      !(resource == Resource::Reopen && body.empty() && content_type.empty())) {
    return api_error(415, "unsupported_media_type",
                     content_type.empty()
                         ? "missing Content-Type: the body must be application/json"
                         : "Content-Type " + echo(content_type) +
                               " is not supported: the body must be application/json");
  }

  std::string patient_id;
  try {
    if (resource != Resource::Collection) {
      auto decoded = percent_decode(id_segment);
      if (!decoded) throw BadRequest{"malformed percent-encoding in the patient id of the URL"};
      patient_id = std::move(*decoded);
      if (auto problem = patient_id_problem(patient_id)) throw BadRequest{*problem};
    }
    switch (resource) {
      case Resource::Collection: {
        const store::PatientRecord wanted = parse_new_record(body, check);
        patient_id = wanted.patient_id;
        return json_reply(201, record_json(records.create(wanted)));
      }
      case Resource::Record: {
        const auto record = records.find(patient_id);
        if (!record) {
          return api_error(404, "record_not_found", "no record for patient " + echo(patient_id));
        }
        return json_reply(200, record_json(*record));
      }
      case Resource::Close: {
        const std::string reason = parse_close_reason(body);
        return json_reply(200, record_json(records.close(patient_id, reason)));
      }
      case Resource::Reopen:
        parse_reopen(body);
        return json_reply(200, record_json(records.reopen(patient_id)));
    }
  } catch (const BadRequest& bad) {
    return api_error(400, "invalid_request", bad.message);
  } catch (const Failure& failure) {
    return store_error(failure, patient_id, resource == Resource::Close);
  } catch (const std::exception& e) {
    ApiReply reply = api_error(500, "internal_error", "internal error while handling the request");
    reply.log_detail = e.what();
    return reply;
  }
  return api_error(404, "not_found", "no such API endpoint");
}

OperatorApi::OperatorApi(std::string token, store::ConnectionPool* pool, AuthorityCheck check)
    : token_(std::move(token)), pool_(pool), check_(std::move(check)) {}

ApiReply OperatorApi::handle(http::verb method, std::string_view target,
                             std::string_view authorization, std::string_view content_type,
                             std::string_view body, std::string_view request_id) const {
  if (!bearer_token_matches(authorization, token_)) {
    ApiReply reply =
        api_error(401, "unauthorized",
                  authorization.empty() ? "missing Authorization: Bearer <operator token>"
                                        : "invalid operator token");
    reply.headers.emplace_back("WWW-Authenticate",
                               authorization.empty()
                                   ? "Bearer realm=\"passerelle\""
                                   : "Bearer realm=\"passerelle\", error=\"invalid_token\"");
    return reply;
  }
  if (pool_ == nullptr) {
    return api_error(503, "unavailable", "no database is configured on this server");
  }
  // The patient's choices and the traces (record_state_api.cpp), then records.
  if (auto reply =
          handle_record_state_api(method, target, content_type, body, *pool_, request_id)) {
    return std::move(*reply);
  }
  store::RecordStore records(*pool_);
  return handle_records_api(method, target, content_type, body, records, check_);
}

std::unique_ptr<OperatorApi> make_operator_api(const std::filesystem::path& token_file,
                                               store::ConnectionPool* pool, AuthorityCheck check) {
  if (token_file.empty()) return nullptr;
  return std::make_unique<OperatorApi>(read_operator_token(token_file), pool, std::move(check));
}

ApiReply api_disabled() {
  return api_error(404, "not_found",
                   "the operator API is disabled (the server has no --operator-token-file)");
}

}  // namespace passerelle::gateway::api
