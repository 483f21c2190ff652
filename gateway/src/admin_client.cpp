#include "admin_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <CLI/CLI.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "api/bearer_auth.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/version.hpp"

namespace passerelle::gateway {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr auto kTimeout = std::chrono::seconds(30);

struct Url {
  bool tls = true;
  std::string host;  // without brackets
  std::string port;
  std::string base;  // path prefix, no trailing slash
};

Url parse_url(const std::string& text) {
  auto fail = [&](const std::string& why) -> Url {
    throw std::runtime_error("--url '" + text + "': " + why);
  };
  Url url;
  std::string rest;
  if (text.starts_with("https://")) {
    rest = text.substr(8);
  } else if (text.starts_with("http://")) {
    url.tls = false;
    rest = text.substr(7);
  } else {
    return fail("expected https://host:port (or http://)");
  }
  const std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) url.base = rest.substr(slash);
  while (!url.base.empty() && url.base.back() == '/') url.base.pop_back();
  if (authority.empty()) return fail("missing host");
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) return fail("unterminated [IPv6] address");
    url.host = authority.substr(1, close - 1);
    const std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("expected :port after ]");
      url.port = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    url.host = authority.substr(0, colon);
    if (colon != std::string::npos) url.port = authority.substr(colon + 1);
  }
  if (url.host.empty()) return fail("missing host");
  if (url.port.empty()) url.port = url.tls ? "443" : "80";
  for (char c : url.port) {
    if (c < '0' || c > '9') return fail("bad port '" + url.port + "'");
  }
  return url;
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

template <class Stream>
AdminReply exchange(Stream& stream, http::request<http::string_body>& request) {
  http::write(stream, request);
  beast::flat_buffer buffer;
  // issue 10: no 8 MiB cap (Beast's default for responses): an XDM export is a whole lot.
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  http::read(stream, buffer, parser);
  auto response = parser.release();
  return {response.result_int(), std::move(response.body())};
}

std::string context_error(const std::string& what, const boost::system::system_error& e) {
  return what + ": " + e.code().message();
}

}  // namespace

std::string encode_path_segment(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

AdminReply admin_request(const AdminConnection& connection, http::verb method,
                         const std::string& target, const std::string& json_body) {
  const Url url = parse_url(connection.url);
  std::string token;
  try {
    token = api::read_operator_token(connection.token_file);
  } catch (const Failure& failure) {
    throw std::runtime_error("--token-file: " + failure.error().message);
  }

  http::request<http::string_body> request{method, url.base + target, 11};
  const bool v6 = url.host.find(':') != std::string::npos;
  request.set(http::field::host, (v6 ? "[" + url.host + "]" : url.host) + ":" + url.port);
  request.set(http::field::user_agent, std::string("passerelle-admin/") + kVersion);
  request.set(http::field::authorization, "Bearer " + token);
  request.set(http::field::accept, "application/json");
  if (!json_body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = json_body;
  }
  request.keep_alive(false);
  request.prepare_payload();

  net::io_context io;
  tcp::resolver resolver(io);
  tcp::resolver::results_type endpoints;
  try {
    endpoints = resolver.resolve(url.host, url.port);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(context_error("cannot resolve " + url.host, e));
  }
  const std::string where = url.host + ":" + url.port;

  if (!url.tls) {
    beast::tcp_stream stream(io);
    stream.expires_after(kTimeout);
    try {
      stream.connect(endpoints);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(context_error("cannot connect to " + where, e));
    }
    try {
      return exchange(stream, request);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(context_error("HTTP exchange with " + where + " failed", e));
    }
  }

  net::ssl::context tls(net::ssl::context::tls_client);
  tls.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                  net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                  net::ssl::context::no_tlsv1_1);
  try {
    if (connection.ca_cert.empty()) {
      tls.set_default_verify_paths();
    } else {
      tls.load_verify_file(connection.ca_cert.string());
    }
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(context_error("--ca-cert '" + connection.ca_cert.string() + "'", e));
  }
  if (!connection.cert.empty()) {
    try {
      tls.use_certificate_chain_file(connection.cert.string());
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(context_error("--cert '" + connection.cert.string() + "'", e));
    }
    try {
      tls.use_private_key_file(connection.key.string(), net::ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(context_error("--key '" + connection.key.string() + "'", e));
    }
  }
  tls.set_verify_mode(net::ssl::verify_peer);

  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  // The server certificate must name the host (DNS name or IP address).
  X509_VERIFY_PARAM* param = SSL_get0_param(stream.native_handle());
  if (is_ip_address(url.host)) {
    X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), 0);
    SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str());
  }
  beast::get_lowest_layer(stream).expires_after(kTimeout);
  try {
    beast::get_lowest_layer(stream).connect(endpoints);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(context_error("cannot connect to " + where, e));
  }
  try {
    stream.handshake(net::ssl::stream_base::client);
  } catch (const boost::system::system_error& e) {
    std::string detail = e.code().message();
    const long verify = SSL_get_verify_result(stream.native_handle());
    if (verify != X509_V_OK)
      detail += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
    throw std::runtime_error("TLS handshake with " + where + " failed: " + detail);
  }
  AdminReply reply;
  try {
    reply = exchange(stream, request);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(context_error("HTTPS exchange with " + where + " failed", e));
  }
  beast::error_code ignored;
  stream.shutdown(ignored);
  return reply;
}

namespace {

struct AdminState {
  AdminConnection connection;
  CLI::App* create = nullptr;
  CLI::App* show = nullptr;
  CLI::App* close = nullptr;
  CLI::App* reopen = nullptr;
  std::string patient_id;
  std::string family;
  std::string given;
  std::string birth_date;
  std::string sex;
  std::string reason;
  // The record-state commands (add_record_state_commands) describe their
  // request here when parsed.
  struct Request {
    http::verb method = http::verb::get;
    std::string target;  // after /api/v1/records/{patient_id}
    std::string body;
  };
  std::optional<Request> request;
  std::string person_id;
  std::string bris_de_glace;
  std::string centre_15;
  std::string relationship;
  std::string document;
  std::string limit;
  std::string before;
};

int print_reply(const AdminReply& reply) {
  try {
    std::cout << nlohmann::json::parse(reply.body).dump(2) << std::endl;
  } catch (const nlohmann::json::exception&) {
    std::cout << reply.body;
    if (!reply.body.empty() && reply.body.back() != '\n') std::cout << std::endl;
  }
  if (reply.status >= 200 && reply.status < 300) return 0;
  std::cerr << "passerelle admin: the server answered HTTP " << reply.status << std::endl;
  return 1;
}

int run_admin(const AdminState& state) {
  const std::string records = "/api/v1/records";
  try {
    if (state.create->parsed()) {
      const nlohmann::json body = {{"patient_id", state.patient_id},
                                   {"family", state.family},
                                   {"given", state.given},
                                   {"birth_date", state.birth_date},
                                   {"sex", state.sex}};
      return print_reply(admin_request(state.connection, http::verb::post, records, body.dump()));
    }
    const std::string record = records + "/" + encode_path_segment(state.patient_id);
    if (state.request) {
      return print_reply(admin_request(state.connection, state.request->method,
                                       record + state.request->target, state.request->body));
    }
    if (state.show->parsed()) {
      return print_reply(admin_request(state.connection, http::verb::get, record));
    }
    if (state.close->parsed()) {
      const nlohmann::json body = {{"reason", state.reason}};
      return print_reply(
          admin_request(state.connection, http::verb::post, record + "/close", body.dump()));
    }
    return print_reply(admin_request(state.connection, http::verb::post, record + "/reopen"));
  } catch (const std::exception& e) {
    std::cerr << "passerelle admin: " << e.what() << std::endl;
    return 1;
  }
}

// /traces with the query parameters given on the command line.
std::string traces_target(const AdminState& state) {
  std::string query;
  for (const auto& [name, value] :
       {std::pair{"document", &state.document}, std::pair{"limit", &state.limit},
        std::pair{"before", &state.before}}) {
    if (value->empty()) continue;
    query += (query.empty() ? "?" : "&") + std::string(name) + "=" + encode_path_segment(*value);
  }
  return "/traces" + query;
}

// A subcommand that takes the patient id and sends `method` to `target`
// (with `body()` when given) once parsed.
CLI::App* state_command(CLI::App* parent, const std::string& name, const std::string& help,
                        const std::shared_ptr<AdminState>& state, http::verb method,
                        std::function<std::string()> target,
                        std::function<std::string()> body = {}) {
  CLI::App* command = parent->add_subcommand(name, help);
  command->add_option("patient_id", state->patient_id, "patient id")->required();
  command->callback([state, method, target = std::move(target), body = std::move(body)] {
    state->request = AdminState::Request{method, target(), body ? body() : ""};
  });
  return command;
}

// admin record state | treating-doctor add|remove | block | unblock |
// emergency | legal-representative set|remove | traces (issue 6).
void add_record_state_commands(CLI::App* record, const std::shared_ptr<AdminState>& state) {
  auto person = [state](const std::string& collection) {
    return [state, collection] {
      return "/" + collection + "/" + encode_path_segment(state->person_id);
    };
  };
  auto with_person = [state](CLI::App* command) {
    command->add_option("person_id", state->person_id, "RPPS or ADELI id of the professional")
        ->required();
  };
  state_command(record, "state", "print the patient's choices and authorisations", state,
                http::verb::get, [] { return std::string("/state"); });

  CLI::App* doctor = record->add_subcommand("treating-doctor", "médecin traitant DMP (R-AUTH-5)");
  doctor->require_subcommand(1);
  with_person(state_command(doctor, "add", "make a professional treating doctor", state,
                            http::verb::put, person("treating-doctors")));
  with_person(state_command(doctor, "remove", "remove the treating doctor status", state,
                            http::verb::delete_, person("treating-doctors")));
  with_person(state_command(record, "block", "block a professional (R-AUTH-3)", state,
                            http::verb::put, person("blocked")));
  with_person(state_command(record, "unblock", "lift a block", state, http::verb::delete_,
                            person("blocked")));

  CLI::App* emergency = state_command(
      record, "emergency", "emergency access choices (R-AUTH-2)", state, http::verb::put,
      [] { return std::string("/emergency"); },
      [state] {
        return nlohmann::json{{"bris_de_glace", state->bris_de_glace},
                              {"centre_15", state->centre_15}}
            .dump();
      });
  emergency->add_option("--bris-de-glace", state->bris_de_glace, "allowed or opposed")->required();
  emergency->add_option("--centre-15", state->centre_15, "allowed or opposed")->required();

  CLI::App* representative =
      record->add_subcommand("legal-representative", "the patient's legal representative");
  representative->require_subcommand(1);
  CLI::App* set = state_command(
      representative, "set", "set (or replace) the legal representative", state, http::verb::put,
      [] { return std::string("/legal-representative"); },
      [state] {
        return nlohmann::json{{"family", state->family},
                              {"given", state->given},
                              {"relationship", state->relationship}}
            .dump();
      });
  set->add_option("--family", state->family, "family name")->required();
  set->add_option("--given", state->given, "given name")->required();
  set->add_option("--relationship", state->relationship, "parent, guardian or other")->required();
  state_command(representative, "remove", "remove the legal representative", state,
                http::verb::delete_, [] { return std::string("/legal-representative"); });

  CLI::App* traces =
      state_command(record, "traces", "the record's history, newest first (R-TRACE-1)", state,
                    http::verb::get, [state] { return traces_target(*state); });
  traces->add_option("--document", state->document, "only the traces of this document uniqueId");
  traces->add_option("--limit", state->limit, "at most this many traces (1 to 1000, default 100)");
  traces->add_option("--before", state->before, "only traces older than this trace id");
}

}  // namespace

AdminCommand add_admin_command(CLI::App& app) {
  auto state = std::make_shared<AdminState>();
  auto& c = state->connection;
  CLI::App* admin = app.add_subcommand("admin", "manage the gateway through its operator API");
  admin->add_option("--url", c.url, "the gateway, https://host:port")->required();
  admin->add_option("--token-file", c.token_file, "file holding the operator bearer token")
      ->required();
  admin->add_option("--ca-cert", c.ca_cert, "CA bundle (PEM) trusted for the server certificate");
  auto* cert = admin->add_option("--cert", c.cert, "client certificate (PEM), for mutual TLS");
  auto* key = admin->add_option("--key", c.key, "client private key (PEM)");
  cert->needs(key);
  key->needs(cert);
  admin->require_subcommand(1);

  CLI::App* record = admin->add_subcommand("record", "patient records");
  record->require_subcommand(1);
  state->create = record->add_subcommand("create", "create an open record");
  state->create
      ->add_option("--patient-id", state->patient_id, "INS as id^^^&1.2.250.1.213.1.4.10&ISO^NH")
      ->required();
  state->create->add_option("--family", state->family, "family name")->required();
  state->create->add_option("--given", state->given, "given name")->required();
  state->create->add_option("--birth-date", state->birth_date, "YYYY-MM-DD")->required();
  state->create->add_option("--sex", state->sex, "F, M or U")->required();
  state->show = record->add_subcommand("show", "print a record");
  state->show->add_option("patient_id", state->patient_id, "patient id")->required();
  state->close = record->add_subcommand("close", "close a record");
  state->close->add_option("patient_id", state->patient_id, "patient id")->required();
  state->close->add_option("--reason", state->reason, "why the record is closed")->required();
  state->reopen = record->add_subcommand("reopen", "reopen a closed record");
  state->reopen->add_option("patient_id", state->patient_id, "patient id")->required();
  add_record_state_commands(record, state);

  return {admin, [state] { return run_admin(*state); }};
}

}  // namespace passerelle::gateway
