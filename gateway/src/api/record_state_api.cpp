#include "api/record_state_api.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/record_state.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/traces.hpp"

namespace passerelle::gateway::api {
namespace http = boost::beast::http;
using namespace request;

namespace {

constexpr std::string_view kRecordsPath = "/api/v1/records/";
constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxDocumentId = 256;
constexpr int kDefaultTraceLimit = 100;
constexpr int kMaxTraceLimit = 1000;

enum class Route { State, TreatingDoctor, Blocked, Emergency, LegalRepresentative, Traces };

struct Match {
  Route route;
  std::string_view patient_segment;
  std::string_view person_segment;  // treating-doctors/… and blocked/… only
};

// Which of this file's routes `path` is; nullopt for any other path.
std::optional<Match> match(std::string_view path) {
  if (!path.starts_with(kRecordsPath)) return std::nullopt;
  const std::string_view rest = path.substr(kRecordsPath.size());
  const std::size_t slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
  Match m{Route::State, rest.substr(0, slash), {}};
  const std::string_view tail = rest.substr(slash + 1);
  if (tail == "state") return m;
  if (tail == "emergency") return Match{Route::Emergency, m.patient_segment, {}};
  if (tail == "legal-representative")
    return Match{Route::LegalRepresentative, m.patient_segment, {}};
  if (tail == "traces") return Match{Route::Traces, m.patient_segment, {}};
  for (const auto& [prefix, route] :
       {std::pair{std::string_view("treating-doctors/"), Route::TreatingDoctor},
        std::pair{std::string_view("blocked/"), Route::Blocked}}) {
    if (!tail.starts_with(prefix)) continue;
    const std::string_view person = tail.substr(prefix.size());
    if (person.empty() || person.find('/') != std::string_view::npos) return std::nullopt;
    return Match{route, m.patient_segment, person};
  }
  return std::nullopt;
}

std::string_view allowed_methods(Route route) {
  switch (route) {
    case Route::State:
    case Route::Traces:
      return "GET, HEAD";
    case Route::Emergency:
      return "PUT";
    case Route::TreatingDoctor:
    case Route::Blocked:
    case Route::LegalRepresentative:
      break;
  }
  return "PUT, DELETE";
}

bool method_allowed(Route route, http::verb method) {
  switch (route) {
    case Route::State:
    case Route::Traces:
      return method == http::verb::get || method == http::verb::head;
    case Route::Emergency:
      return method == http::verb::put;
    case Route::TreatingDoctor:
    case Route::Blocked:
    case Route::LegalRepresentative:
      break;
  }
  return method == http::verb::put || method == http::verb::delete_;
}

// Emergency and legal representative PUTs carry a JSON body; the other
// changes take none (or `{}`).
bool needs_body(Route route, http::verb method) {
  return method == http::verb::put &&
         (route == Route::Emergency || route == Route::LegalRepresentative);
}

void parse_empty_body(std::string_view body) {
  if (body.empty()) return;
  refuse_unknown_fields(parse_object(body), {});
}

std::string decoded_segment(std::string_view segment, const char* what) {
  auto decoded = percent_decode(segment);
  if (!decoded) {
    throw BadRequest{std::string("malformed percent-encoding in the ") + what + " of the URL"};
  }
  return std::move(*decoded);
}

store::EmergencyChoice emergency_field(const Json& object, const std::string& name) {
  const std::string value = string_field(object, name, 16);
  if (value == "allowed") return store::EmergencyChoice::Allowed;
  if (value == "opposed") return store::EmergencyChoice::Opposed;
  throw BadRequest{"field '" + name + "' must be \"allowed\" or \"opposed\", got " + echo(value)};
}

store::LegalRepresentative parse_representative(std::string_view body) {
  const Json json = parse_object(body);
  refuse_unknown_fields(json, {"family", "given", "relationship"});
  store::LegalRepresentative representative;
  representative.family = string_field(json, "family", kMaxName);
  representative.given = string_field(json, "given", kMaxName);
  representative.relationship = string_field(json, "relationship", 16);
  const auto& r = representative.relationship;
  if (r != "parent" && r != "guardian" && r != "other") {
    throw BadRequest{"field 'relationship' must be \"parent\", \"guardian\" or \"other\", got " +
                     echo(r)};
  }
  return representative;
}

struct TraceQuery {
  std::optional<std::string> document;
  int limit = kDefaultTraceLimit;
  std::optional<std::int64_t> before;
};

std::optional<std::int64_t> positive_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !all_digits(text) || value < 1) {
    return std::nullopt;
  }
  return value;
}

// ?document=UID&limit=N&before=ID, each at most once ('+' is a plus sign).
TraceQuery parse_trace_query(std::string_view target) {
  TraceQuery query;
  const std::size_t mark = target.find('?');
  if (mark == std::string_view::npos) return query;
  std::string_view rest = target.substr(mark + 1);
  rest = rest.substr(0, rest.find('#'));
  bool seen_document = false, seen_limit = false, seen_before = false;
  while (!rest.empty()) {
    const std::string_view pair = rest.substr(0, rest.find('&'));
    rest.remove_prefix(std::min(rest.size(), pair.size() + 1));
    const std::size_t equal = pair.find('=');
    const std::string_view name = pair.substr(0, equal);
    const auto value =
        percent_decode(equal == std::string_view::npos ? "" : pair.substr(equal + 1));
    if (!value) throw BadRequest{"malformed percent-encoding in query parameter " + echo(name)};
    auto once = [&](bool& seen) {
      if (seen) throw BadRequest{"query parameter " + echo(name) + " is given twice"};
      seen = true;
    };
    if (name == "document") {
      once(seen_document);
      const bool control = std::any_of(value->begin(), value->end(),
                                       [](unsigned char c) { return c < 0x20 || c == 0x7f; });
      if (value->empty() || value->size() > kMaxDocumentId || control) {
        throw BadRequest{"query parameter 'document' must be a document uniqueId (1 to " +
                         std::to_string(kMaxDocumentId) + " bytes, no control characters), got " +
                         echo(*value)};
      }
      query.document = *value;
    } else if (name == "limit") {
      once(seen_limit);
      const auto limit = positive_integer(*value);
      if (!limit || *limit > kMaxTraceLimit) {
        throw BadRequest{"query parameter 'limit' must be an integer from 1 to " +
                         std::to_string(kMaxTraceLimit) + ", got " + echo(*value)};
      }
      query.limit = static_cast<int>(*limit);
    } else if (name == "before") {
      once(seen_before);
      query.before = positive_integer(*value);
      if (!query.before) {
        throw BadRequest{"query parameter 'before' must be a trace id (a positive integer), got " +
                         echo(*value)};
      }
    } else {
      throw BadRequest{"unknown query parameter " + echo(name) +
                       " (known: document, limit, before)"};
    }
  }
  return query;
}

Json named_json(const std::vector<store::NamedProfessional>& people) {
  Json out = Json::array();
  for (const auto& p : people) out.push_back({{"person_id", p.person_id}, {"since", p.since}});
  return out;
}

Json choices_json(const store::RecordChoices& c) {
  Json authorisations = Json::array();
  for (const auto& a : c.authorisations) {
    authorisations.push_back({{"person_id", a.person_id},
                              {"status", a.status},
                              {"granted_at", a.granted_at},
                              {"last_access_at", a.last_access_at},
                              {"consent_declared_by", a.consent_declared_by},
                              {"consent_declared_at", a.consent_declared_at},
                              {"ended_at", a.ended_at.empty() ? Json() : Json(a.ended_at)},
                              {"structure_id", a.structure_id}});
  }
  Json representative;  // null when none
  if (c.legal_representative) {
    const auto& r = *c.legal_representative;
    representative = {{"family", r.family},
                      {"given", r.given},
                      {"relationship", r.relationship},
                      {"since", r.since}};
  }
  return Json{{"patient_id", c.patient_id},
              {"state", c.state},
              {"emergency",
               {{"bris_de_glace", store::to_string(c.bris_de_glace)},
                {"centre_15", store::to_string(c.centre_15)}}},
              {"treating_doctors", named_json(c.treating_doctors)},
              {"blocked", named_json(c.blocked)},
              {"legal_representative", representative},
              {"authorisations", authorisations}};
}

Json trace_json(const store::Trace& t) {
  return Json{{"id", t.id},
              {"at", t.at},
              {"actor_id", t.actor.id},
              {"actor_kind", store::to_string(t.actor.kind)},
              {"actor_profession", t.actor.profession},
              {"structure_id", t.actor.structure},
              {"authentication", store::to_string(t.actor.authentication)},
              {"purpose", store::to_string(t.actor.purpose)},
              {"secret_connection", t.actor.secret_connection},
              {"document_unique_id", t.document_unique_id ? Json(*t.document_unique_id) : Json()},
              {"action", store::to_string(t.action)},
              {"subject_id", t.subject_id},
              {"detail", t.detail},
              {"outcome", t.allowed ? "allowed" : "refused"},
              {"reason_code", t.reason_code},
              {"reason", t.reason},
              {"request_id", t.actor.request_id}};
}

ApiReply state_error(const Failure& failure, const std::string& patient_id, Route route) {
  const std::string& code = failure.error().code;
  if (code == store::kRecordNotFound) {
    return api_error(404, "record_not_found", "no record for patient " + echo(patient_id));
  }
  if (code == store::kRecordState) {
    return api_error(409, "record_state",
                     "the record of patient " + echo(patient_id) + " is closed: reopen it first");
  }
  if (code == store::kStateConflict) {
    return api_error(409, "state_conflict", failure.error().message);
  }
  if (code == store::kStateEntryNotFound) {
    const char* what = route == Route::TreatingDoctor ? "treating_doctor_not_found"
                       : route == Route::Blocked      ? "block_not_found"
                                                      : "legal_representative_not_found";
    return api_error(404, what, failure.error().message);
  }
  ApiReply reply = api_error(500, "internal_error", "internal error while handling the request");
  reply.log_detail = code + ": " + failure.error().message;
  return reply;
}

ApiReply run(const Match& m, http::verb method, std::string_view target, std::string_view body,
             const std::string& patient_id, store::ConnectionPool& pool,
             std::string_view request_id) {
  store::RecordStateStore state(pool);
  const auto actor = store::operator_actor(std::string(request_id));
  const bool put = method == http::verb::put;
  std::string person_id;
  if (m.route == Route::TreatingDoctor || m.route == Route::Blocked) {
    person_id = decoded_segment(m.person_segment, "person id");
    if (auto problem = store::person_id_problem(person_id)) throw BadRequest{*problem};
  }
  switch (m.route) {
    case Route::State: {
      const auto choices = state.choices(patient_id);
      if (!choices) {
        return api_error(404, "record_not_found", "no record for patient " + echo(patient_id));
      }
      return json_reply(200, choices_json(*choices));
    }
    case Route::TreatingDoctor:
      parse_empty_body(body);
      return json_reply(
          200, choices_json(put ? state.add_treating_doctor(patient_id, person_id, actor)
                                : state.remove_treating_doctor(patient_id, person_id, actor)));
    case Route::Blocked:
      parse_empty_body(body);
      return json_reply(200, choices_json(put ? state.block(patient_id, person_id, actor)
                                              : state.unblock(patient_id, person_id, actor)));
    case Route::Emergency: {
      const Json json = parse_object(body);
      refuse_unknown_fields(json, {"bris_de_glace", "centre_15"});
      const auto bris_de_glace = emergency_field(json, "bris_de_glace");
      const auto centre_15 = emergency_field(json, "centre_15");
      return json_reply(
          200, choices_json(state.set_emergency(patient_id, bris_de_glace, centre_15, actor)));
    }
    case Route::LegalRepresentative:
      if (put) {
        return json_reply(200, choices_json(state.set_legal_representative(
                                   patient_id, parse_representative(body), actor)));
      }
      parse_empty_body(body);
      return json_reply(200, choices_json(state.remove_legal_representative(patient_id, actor)));
    case Route::Traces: {
      const TraceQuery query = parse_trace_query(target);
      store::RecordStore records(pool);
      if (!records.find(patient_id)) {
        return api_error(404, "record_not_found", "no record for patient " + echo(patient_id));
      }
      const auto page =
          store::list_traces(pool, patient_id, query.document, query.limit, query.before);
      Json traces = Json::array();
      for (const auto& trace : page.traces) traces.push_back(trace_json(trace));
      return json_reply(200, Json{{"patient_id", patient_id},
                                  {"traces", traces},
                                  {"next_before", page.before ? Json(*page.before) : Json()}});
    }
  }
  return api_error(404, "not_found", "no such API endpoint");
}

}  // namespace

std::optional<ApiReply> handle_record_state_api(http::verb method, std::string_view target,
                                                std::string_view content_type,
                                                std::string_view body, store::ConnectionPool& pool,
                                                std::string_view request_id) {
  const auto m = match(target.substr(0, target.find_first_of("?#")));
  if (!m) return std::nullopt;
  if (!method_allowed(m->route, method)) return method_not_allowed(allowed_methods(m->route));
  const bool reads = method == http::verb::get || method == http::verb::head;
  if (!reads && (needs_body(m->route, method) || !body.empty() || !content_type.empty()) &&
      !is_json_media_type(content_type)) {
    return api_error(415, "unsupported_media_type",
                     content_type.empty()
                         ? "missing Content-Type: the body must be application/json"
                         : "Content-Type " + echo(content_type) +
                               " is not supported: the body must be application/json");
  }
  std::string patient_id;
  try {
    patient_id = decoded_segment(m->patient_segment, "patient id");
    if (auto problem = patient_id_problem(patient_id)) throw BadRequest{*problem};
    return run(*m, method, target, body, patient_id, pool, request_id);
  } catch (const BadRequest& bad) {
    return api_error(400, "invalid_request", bad.message);
  } catch (const Failure& failure) {
    return state_error(failure, patient_id, m->route);
  } catch (const std::exception& e) {
    ApiReply reply = api_error(500, "internal_error", "internal error while handling the request");
    reply.log_detail = e.what();
    return reply;
  }
}

}  // namespace passerelle::gateway::api
