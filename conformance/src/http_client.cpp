#include "passerelle/conformance/http_client.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>

#include "passerelle/core/error.hpp"
#include "text.hpp"

namespace passerelle::conformance {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

template <typename Stream>
HttpResponse exchange_over(Stream& stream, const http::request<http::string_body>& request) {
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024u * 1024u * 1024u);
  http::read(stream, buffer, parser);
  auto message = parser.release();
  HttpResponse response;
  response.status = message.result_int();
  for (const auto& field : message) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    response.headers[name] = std::string(field.value());
  }
  response.body = std::move(message.body());
  return response;
}

}  // namespace

Url Url::parse(const std::string& text) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string::npos) {
    throw Failure(kHarnessError, text, "'" + text + "' is not an http(s):// URL");
  }
  url.scheme = text.substr(0, scheme_end);
  if (url.scheme != "http" && url.scheme != "https") {
    throw Failure(kHarnessError, text, "'" + text + "': only http and https are supported");
  }
  const auto authority_start = scheme_end + 3;
  const auto path_start = text.find('/', authority_start);
  const std::string authority =
      text.substr(authority_start, path_start == std::string::npos ? std::string::npos
                                                                   : path_start - authority_start);
  url.target = path_start == std::string::npos ? "/" : text.substr(path_start);
  const auto colon = authority.rfind(':');
  const bool bracketed = !authority.empty() && authority.back() == ']';
  if (colon != std::string::npos && !bracketed) {
    url.host = authority.substr(0, colon);
    url.port = authority.substr(colon + 1);
  } else {
    url.host = authority;
    url.port = url.scheme == "https" ? "443" : "80";
  }
  if (url.host.size() > 1 && url.host.front() == '[')
    url.host = url.host.substr(1, url.host.size() - 2);
  if (url.host.empty() || url.port.empty() ||
      !std::all_of(url.port.begin(), url.port.end(),
                   [](unsigned char c) { return std::isdigit(c) != 0; })) {
    throw Failure(kHarnessError, text, "'" + text + "' has no valid host:port");
  }
  return url;
}

std::string Url::str() const { return scheme + "://" + host + ":" + port + target; }

std::string HttpResponse::header(const std::string& lower_name) const {
  const auto found = headers.find(lower_name);
  return found == headers.end() ? std::string() : found->second;
}

HttpClient::HttpClient(TlsFiles tls, std::chrono::seconds timeout)
    : tls_(std::move(tls)), timeout_(timeout) {}

HttpResponse HttpClient::send(const std::string& method, const Url& url,
                              const std::string& content_type, const std::string& body,
                              const std::map<std::string, std::string>& extra_headers) const {
  http::request<http::string_body> request(http::string_to_verb(method), url.target, 11);
  request.set(http::field::host, url.host);
  request.set(http::field::user_agent, "passerelle-conformance");
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  for (const auto& [name, value] : extra_headers) request.set(name, value);
  request.body() = body;
  request.keep_alive(false);
  request.prepare_payload();

  try {
    boost::asio::io_context io;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(url.host, url.port);
    if (url.scheme == "http") {
      beast::tcp_stream stream(io);
      stream.expires_after(timeout_);
      stream.connect(endpoints);
      return exchange_over(stream, request);
    }
    ssl::context context(ssl::context::tls_client);
    if (tls_.ca.empty()) {
      context.set_default_verify_paths();
    } else {
      context.load_verify_file(tls_.ca.string());
    }
    context.set_verify_mode(ssl::verify_peer);
    if (!tls_.client_cert.empty()) {
      context.use_certificate_chain_file(tls_.client_cert.string());
      context.use_private_key_file(tls_.client_key.string(), ssl::context::pem);
    }
    ssl::stream<beast::tcp_stream> stream(io, context);
    SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str());
    stream.set_verify_callback(ssl::host_name_verification(url.host));
    beast::get_lowest_layer(stream).expires_after(timeout_);
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(ssl::stream_base::client);
    auto response = exchange_over(stream, request);
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);
    return response;
  } catch (const boost::system::system_error& error) {
    throw Failure(kHarnessError, url.str(),
                  method + " " + url.str() + " failed: " + error.code().message());
  }
}

}  // namespace passerelle::conformance
