#pragma once

// A small synchronous HTTP(S) client for integration tests: real TCP, real
// TLS (optionally with a client certificate), keep-alive across requests, and
// raw byte writes for malformed-request tests.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace passerelle::testing {

struct TlsClientOptions {
  std::filesystem::path ca;           // trust anchor for the server; empty = plain HTTP
  std::filesystem::path client_cert;  // empty = no client certificate
  std::filesystem::path client_key;
};

struct HttpReply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = false;
  std::string header(const std::string& lower_name) const;
};

class HttpConnection {
 public:
  // Connects (and handshakes). Throws boost::system::system_error on failure,
  // which is how tests observe a refused TLS handshake.
  HttpConnection(const boost::asio::ip::tcp::endpoint& endpoint, TlsClientOptions tls);
  ~HttpConnection();

  HttpReply request(const std::string& method, const std::string& target,
                    const std::string& content_type = "", const std::string& body = "",
                    const std::map<std::string, std::string>& extra_headers = {});
  // Writes bytes as they are, then reads one response.
  HttpReply raw(const std::string& bytes);
  // Writes bytes without reading (slowloris-style tests).
  void write(const std::string& bytes);
  HttpReply read_reply(std::chrono::seconds timeout = std::chrono::seconds(30));
  // True when the server has closed the connection (read returns EOF).
  bool closed_by_peer(std::chrono::milliseconds wait = std::chrono::milliseconds(2000));

 private:
  void write_all(const std::string& bytes);

  boost::asio::io_context io_;
  std::optional<boost::asio::ssl::context> tls_context_;
  std::unique_ptr<boost::beast::tcp_stream> plain_;
  std::unique_ptr<boost::asio::ssl::stream<boost::beast::tcp_stream>> secure_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace passerelle::testing
