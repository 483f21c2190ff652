#pragma once

// Starts the real gateway Server in-process on 127.0.0.1:<free port> with the
// test PKI, for integration tests.

#include <spdlog/sinks/ringbuffer_sink.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "http_client.hpp"
#include "passerelle/gateway/config.hpp"
#include "passerelle/gateway/router.hpp"
#include "passerelle/gateway/server.hpp"
#include "temp_dir.hpp"

namespace passerelle::store {
class ConnectionPool;
}

namespace passerelle::testing {

// A file of the test PKI made by certs/make-test-pki.sh (ctest fixture).
std::filesystem::path pki(const std::string& file);

struct TestServerOptions {
  bool tls = true;
  bool mutual_tls = false;
  std::string db_uri;  // empty = no database (readiness reports "not configured")
  gateway::Router router = gateway::make_xds_router();
  std::function<void(gateway::ServerConfig&)> customize;
  // Operator API: non-empty = written to a token file given to the server
  // (operator_token_file); empty = the operator API stays disabled.
  std::string operator_token;
  gateway::PatientIdAuthorityCheck patient_id_authority;  // empty = any OID
};

class TestServer {
 public:
  explicit TestServer(TestServerOptions options = {});
  ~TestServer();

  boost::asio::ip::tcp::endpoint endpoint() const;
  // Client options matching the server: CA trust, and with mutual TLS the
  // structure certificate unless `client_cert` names another PKI file stem.
  TlsClientOptions client(const std::string& client_cert = "structure") const;
  HttpConnection connect(const std::string& client_cert = "structure") const;
  gateway::Server& server() { return *server_; }
  // Everything the server logged so far (one line per request/event).
  std::string log() const;
  bool wait_for_log(const std::string& needle,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // The operator token file (empty path without TestServerOptions::operator_token).
  const std::filesystem::path& operator_token_file() const { return token_file_; }

 private:
  bool tls_;
  bool mutual_;
  TempDir token_dir_{"passerelle-token"};
  std::filesystem::path token_file_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> log_sink_;
  std::shared_ptr<store::ConnectionPool> pool_;
  std::unique_ptr<gateway::Server> server_;
};

}  // namespace passerelle::testing
