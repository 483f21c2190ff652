#pragma once

// `passerelle admin`: a small HTTPS client of the operator API
// (docs/operator-api.md), and the subcommand that drives it:
//
//   passerelle admin --url https://host:port --token-file F [--ca-cert FILE]
//                    [--cert FILE --key FILE]
//       record create --patient-id … --family … --given … --birth-date … --sex …
//       record show ID | record close ID --reason … | record reopen ID
//       record state ID | record treating-doctor add|remove ID PERSON
//       record block|unblock ID PERSON
//       record emergency ID --bris-de-glace allowed|opposed --centre-15 allowed|opposed
//       record legal-representative set ID --family … --given … --relationship …
//       record legal-representative remove ID
//       record traces ID [--document UID] [--limit N] [--before TRACE_ID]
//
// It prints the JSON reply on stdout and exits 0 on a 2xx status, 1 otherwise.

#include <boost/beast/http/verb.hpp>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace passerelle::gateway {

struct AdminConnection {
  std::string url;  // http(s)://host[:port]
  std::filesystem::path token_file;
  std::filesystem::path ca_cert;  // empty = the system trust store
  std::filesystem::path cert;     // client certificate for mutual TLS
  std::filesystem::path key;
};

struct AdminReply {
  unsigned status = 0;
  std::string body;
};

// One request; throws std::runtime_error with a precise message when the URL,
// the token file, TLS or the connection fail.
AdminReply admin_request(const AdminConnection& connection, boost::beast::http::verb method,
                         const std::string& target, const std::string& json_body = "");

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string encode_path_segment(std::string_view text);

struct AdminCommand {
  CLI::App* command = nullptr;
  std::function<int()> run;  // call once the command line is parsed
};
AdminCommand add_admin_command(CLI::App& app);

}  // namespace passerelle::gateway
