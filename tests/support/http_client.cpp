#include "http_client.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/ssl.hpp>
#include <sstream>

namespace passerelle::testing {
namespace http = boost::beast::http;
namespace beast = boost::beast;

std::string HttpReply::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpConnection::HttpConnection(const boost::asio::ip::tcp::endpoint& endpoint,
                               TlsClientOptions tls) {
  if (tls.ca.empty()) {
    plain_ = std::make_unique<beast::tcp_stream>(io_);
    plain_->expires_after(std::chrono::seconds(30));
    plain_->connect(endpoint);
    plain_->socket().set_option(boost::asio::ip::tcp::no_delay(true));
    return;
  }
  auto& context = tls_context_.emplace(boost::asio::ssl::context::tls_client);
  context.load_verify_file(tls.ca.string());
  context.set_verify_mode(boost::asio::ssl::verify_peer);
  if (!tls.client_cert.empty()) {
    context.use_certificate_chain_file(tls.client_cert.string());
    context.use_private_key_file(tls.client_key.string(), boost::asio::ssl::context::pem);
  }
  secure_ = std::make_unique<boost::asio::ssl::stream<beast::tcp_stream>>(io_, context);
  SSL_set_tlsext_host_name(secure_->native_handle(), "localhost");
  secure_->set_verify_callback(boost::asio::ssl::host_name_verification("localhost"));
  beast::get_lowest_layer(*secure_).expires_after(std::chrono::seconds(30));
  beast::get_lowest_layer(*secure_).connect(endpoint);
  beast::get_lowest_layer(*secure_).socket().set_option(boost::asio::ip::tcp::no_delay(true));
  secure_->handshake(boost::asio::ssl::stream_base::client);
  // With TLS 1.3 the server checks the client certificate after the client's
  // handshake has returned, so a refused certificate surfaces on the first
  // request instead: tests assert that the request throws.
}

HttpConnection::~HttpConnection() {
  beast::error_code ignored;
  if (plain_) plain_->socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  if (secure_) beast::get_lowest_layer(*secure_).socket().close(ignored);
}

void HttpConnection::write_all(const std::string& bytes) {
  if (plain_) {
    plain_->expires_after(std::chrono::seconds(30));
    boost::asio::write(*plain_, boost::asio::buffer(bytes));
  } else {
    beast::get_lowest_layer(*secure_).expires_after(std::chrono::seconds(30));
    boost::asio::write(*secure_, boost::asio::buffer(bytes));
  }
}

void HttpConnection::write(const std::string& bytes) { write_all(bytes); }

HttpReply HttpConnection::read_reply(std::chrono::seconds timeout) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(512u * 1024u * 1024u);
  if (plain_) {
    plain_->expires_after(timeout);
    http::read(*plain_, buffer_, parser);
  } else {
    beast::get_lowest_layer(*secure_).expires_after(timeout);
    http::read(*secure_, buffer_, parser);
  }
  auto message = parser.release();
  HttpReply reply;
  reply.status = message.result_int();
  for (const auto& field : message) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    reply.headers[name] = std::string(field.value());
  }
  reply.body = std::move(message.body());
  reply.keep_alive = message.keep_alive();
  return reply;
}

HttpReply HttpConnection::request(const std::string& method, const std::string& target,
                                  const std::string& content_type, const std::string& body,
                                  const std::map<std::string, std::string>& extra_headers) {
  http::request<http::string_body> message(http::string_to_verb(method), target, 11);
  message.set(http::field::host, "localhost");
  if (!content_type.empty()) message.set(http::field::content_type, content_type);
  for (const auto& [name, value] : extra_headers) message.set(name, value);
  message.body() = body;
  message.keep_alive(true);
  message.prepare_payload();
  // One write of header and body: asio's TLS stream writes one buffer per
  // record, so http::write would send the header and the body as two TLS
  // records and two segments, and wake the server twice per request.
  std::ostringstream wire;
  wire << message;
  write_all(wire.str());
  return read_reply();
}

HttpReply HttpConnection::raw(const std::string& bytes) {
  write_all(bytes);
  return read_reply();
}

bool HttpConnection::closed_by_peer(std::chrono::milliseconds wait) {
  char byte = 0;
  beast::error_code ec;
  if (plain_) {
    plain_->expires_after(wait);
    plain_->read_some(boost::asio::buffer(&byte, 1), ec);
  } else {
    beast::get_lowest_layer(*secure_).expires_after(wait);
    secure_->read_some(boost::asio::buffer(&byte, 1), ec);
  }
  return ec && ec != beast::error::timeout;
}

}  // namespace passerelle::testing
