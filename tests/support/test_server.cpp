#include "test_server.hpp"

#include <spdlog/logger.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include <fstream>
#include <thread>

#include "passerelle/registry/store.hpp"

namespace passerelle::testing {

std::filesystem::path pki(const std::string& file) {
  return std::filesystem::path(PASSERELLE_TEST_PKI_DIR) / file;
}

TestServer::TestServer(TestServerOptions options)
    : tls_(options.tls),
      mutual_(options.mutual_tls),
      log_sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(10000)) {
  gateway::ServerConfig config;
  config.listen = {"127.0.0.1:0"};
  config.threads = 2;
  config.workers = 2;
  config.log_format = gateway::LogFormat::Json;
  config.shutdown_grace = std::chrono::seconds(10);
  if (tls_) {
    config.tls_cert = pki("server.pem");
    config.tls_key = pki("server.key");
    if (mutual_) config.client_ca = pki("ca.pem");
  } else {
    config.insecure_http = true;
  }
  if (!options.operator_token.empty()) {
    token_file_ = token_dir_.path() / "operator-token";
    std::ofstream(token_file_) << options.operator_token << "\n";
    config.operator_token_file = token_file_;
  }
  if (options.customize) options.customize(config);
  if (!options.db_uri.empty()) {
    pool_ = std::make_shared<store::ConnectionPool>(options.db_uri, 4);
  }
  auto logger = std::make_shared<spdlog::logger>("test-server", log_sink_);
  logger->set_pattern("%v");
  server_ = std::make_unique<gateway::Server>(config, std::move(options.router), pool_, logger,
                                              std::move(options.patient_id_authority));
  server_->start();
}

TestServer::~TestServer() {
  server_->shutdown();
  server_->wait();
}

boost::asio::ip::tcp::endpoint TestServer::endpoint() const { return server_->endpoints().at(0); }

TlsClientOptions TestServer::client(const std::string& client_cert) const {
  TlsClientOptions options;
  if (!tls_) return options;
  options.ca = pki("ca.pem");
  if (mutual_ && !client_cert.empty()) {
    options.client_cert = pki(client_cert + ".pem");
    options.client_key = pki(client_cert + ".key");
  }
  return options;
}

HttpConnection TestServer::connect(const std::string& client_cert) const {
  return HttpConnection(endpoint(), client(client_cert));
}

std::string TestServer::log() const {
  std::string all;
  for (const auto& line : log_sink_->last_formatted()) all += line;
  return all;
}

bool TestServer::wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) const {
  // The server logs a request after its reply is written, so a client may
  // see the reply a moment before the line exists.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (log().find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return log().find(needle) != std::string::npos;
}

}  // namespace passerelle::testing
