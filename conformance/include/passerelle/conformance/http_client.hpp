#pragma once

// The harness's HTTP(S) client: one connection per request to any endpoint
// URL, TLS verified against a CA file (or the system's trust store), an
// optional client certificate for mutual TLS. Synchronous on purpose: the
// harness sends one message at a time and waits for the answer.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

namespace passerelle::conformance {

struct Url {
  std::string scheme;  // http | https
  std::string host;
  std::string port;    // "443" / "80" when the URL has none
  std::string target;  // path and query, "/" when empty

  // Throws Failure(kHarnessError) for anything but http(s)://host[:port][/path].
  static Url parse(const std::string& text);
  std::string str() const;
};

struct TlsFiles {
  std::filesystem::path ca;  // empty = the system's trust store
  std::filesystem::path client_cert;
  std::filesystem::path client_key;
};

struct HttpResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(TlsFiles tls, std::chrono::seconds timeout = std::chrono::seconds(60));

  // Throws Failure(kHarnessError) when the exchange fails (connection,
  // handshake, timeout): the message says which endpoint and why.
  HttpResponse send(const std::string& method, const Url& url, const std::string& content_type,
                    const std::string& body,
                    const std::map<std::string, std::string>& extra_headers = {}) const;

 private:
  TlsFiles tls_;
  std::chrono::seconds timeout_;
};

}  // namespace passerelle::conformance
