#include "passerelle/gateway/server.hpp"

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <thread>

#include "connection_threads.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/registry/store.hpp"
#include "server_shared.hpp"
#include "session.hpp"

namespace passerelle::gateway {
namespace {

using tcp = net::ip::tcp;

std::size_t or_cores(std::size_t wanted) {
  if (wanted != 0) return wanted;
  return std::max(1u, std::thread::hardware_concurrency());
}

// "HOST:PORT", "[v6]:PORT" or ":PORT" (all interfaces).
tcp::endpoint parse_listen(const std::string& text) {
  auto fail = [&](const std::string& why) {
    throw Failure(codes::kInternalError, "--listen", "bad listen address '" + text + "': " + why);
  };
  auto colon = text.rfind(':');
  if (colon == std::string::npos) fail("expected HOST:PORT");
  std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host == "*") host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(port_text, &used);
    if (used != port_text.size() || port > 65535) fail("bad port");
  } catch (const std::logic_error&) {
    fail("bad port");
  }
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) fail("bad host (use an IP address or localhost)");
  return {address, static_cast<unsigned short>(port)};
}

void configure_tls(ServerShared& shared) {
  const auto& config = shared.config;
  auto& tls = shared.tls.emplace(net::ssl::context::tls_server);
  tls.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                  net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                  net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  try {
    tls.use_certificate_chain_file(config.tls_cert.string());
    tls.use_private_key_file(config.tls_key.string(), net::ssl::context::pem);
    if (!config.client_ca.empty()) {
      tls.load_verify_file(config.client_ca.string());
      // Tell clients which CAs we accept, and refuse any handshake without a
      // certificate chaining to them (OpenSSL also refuses expired ones).
      SSL_CTX_set_client_CA_list(tls.native_handle(),
                                 SSL_load_client_CA_file(config.client_ca.c_str()));
      tls.set_verify_mode(net::ssl::verify_peer | net::ssl::verify_fail_if_no_peer_cert);
    }
  } catch (const boost::system::system_error& e) {
    throw Failure(codes::kInternalError, "tls", std::string("TLS configuration: ") + e.what());
  }
}

}  // namespace

struct Server::Impl {
  Impl(ServerConfig config, Router router, std::shared_ptr<store::ConnectionPool> pool,
       std::shared_ptr<spdlog::logger> logger, std::size_t workers,
       PatientIdAuthorityCheck patient_id_authority)
      : shared(std::make_shared<ServerShared>(std::move(config), std::move(router), std::move(pool),
                                              std::move(logger), workers,
                                              std::move(patient_id_authority))),
        io(static_cast<int>(or_cores(shared->config.threads))) {}

  void start_session(tcp::socket socket) {
    std::shared_ptr<void> claim;
    if (auto free_thread = connection_threads ? connection_threads->claim() : std::nullopt) {
      // The socket moves to that thread's io_context.
      // On failure before release() the socket stays on the shared path.
      boost::system::error_code ec;
      const auto protocol = socket.local_endpoint(ec).protocol();
      const auto handle = ec ? tcp::socket::native_handle_type{-1} : socket.release(ec);
      if (!ec) {
        socket = tcp::socket(free_thread->executor);
        socket.assign(protocol, handle, ec);
        if (ec) {
          ::close(handle);
          return;
        }
        claim = std::move(free_thread->claim);
      }
    }
    if (shared->tls) {
      auto session = std::make_shared<Session<TlsStream>>(std::move(socket), shared, claim);
      shared->track(session);
      session->run();
    } else {
      auto session = std::make_shared<Session<PlainStream>>(std::move(socket), shared, claim);
      shared->track(session);
      session->run();
    }
  }

  void accept(tcp::acceptor& acceptor) {
    acceptor.async_accept(net::make_strand(io),
                          [this, &acceptor](boost::system::error_code ec, tcp::socket socket) {
                            if (ec) {
                              if (ec == net::error::operation_aborted || !acceptor.is_open())
                                return;
                              log_event(*shared->logger, shared->config.log_format,
                                        spdlog::level::warn, "accept_failed", ec.message());
                            } else if (shared->draining) {
                              return;
                            } else {
                              // SOAP replies are written in a few segments: without NODELAY the
                              // last one waits ~40 ms for the client's delayed ACK (Nagle).
                              boost::system::error_code ignored;
                              socket.set_option(tcp::no_delay(true), ignored);
                              start_session(std::move(socket));
                            }
                            accept(acceptor);
                          });
  }

  std::shared_ptr<ServerShared> shared;
  net::io_context io;
  std::unique_ptr<ConnectionThreads> connection_threads;  // made by start()
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<tcp::endpoint> bound;
  std::vector<std::thread> threads;
  std::mutex state_mutex;
  std::condition_variable state_changed;
  bool stopped = false;
  bool shutting_down = false;
};

Server::Server(ServerConfig config, Router router, std::shared_ptr<store::ConnectionPool> pool,
               std::shared_ptr<spdlog::logger> logger, PatientIdAuthorityCheck patient_id_authority)
    : impl_(std::make_unique<Impl>(config, std::move(router), std::move(pool), std::move(logger),
                                   or_cores(config.workers), std::move(patient_id_authority))) {}

Server::~Server() {
  shutdown();
  wait();
}

void Server::start() {
  auto& shared = *impl_->shared;
  if (!shared.config.insecure_http) configure_tls(shared);
  if (shared.config.listen.empty()) {
    throw Failure(codes::kInternalError, "--listen", "no listen address");
  }
  for (const auto& text : shared.config.listen) {
    const auto endpoint = parse_listen(text);
    auto acceptor = std::make_unique<tcp::acceptor>(net::make_strand(impl_->io));
    boost::system::error_code ec;
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      throw Failure(codes::kInternalError, "--listen",
                    "cannot listen on " + text + ": " + ec.message());
    }
    impl_->bound.push_back(acceptor->local_endpoint());
    impl_->acceptors.push_back(std::move(acceptor));
  }
  if (shared.config.connection_threads > 0) {
    impl_->connection_threads =
        std::make_unique<ConnectionThreads>(shared.config.connection_threads);
  }
  for (auto& acceptor : impl_->acceptors) impl_->accept(*acceptor);
  const std::size_t threads = or_cores(shared.config.threads);
  for (std::size_t i = 0; i < threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  }
}

std::vector<boost::asio::ip::tcp::endpoint> Server::endpoints() const { return impl_->bound; }

std::vector<std::string> Server::urls() const {
  std::vector<std::string> urls;
  const std::string scheme = impl_->shared->config.insecure_http ? "http" : "https";
  for (const auto& endpoint : impl_->bound) {
    const auto address = endpoint.address();
    const std::string host =
        address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    urls.push_back(scheme + "://" + host + ":" + std::to_string(endpoint.port()));
  }
  return urls;
}

void Server::shutdown() {
  {
    std::lock_guard lock(impl_->state_mutex);
    if (impl_->shutting_down) return;
    impl_->shutting_down = true;
  }
  auto& shared = *impl_->shared;
  shared.draining = true;
  // Acceptors belong to their strands; close them there.
  for (auto& acceptor : impl_->acceptors) {
    net::post(acceptor->get_executor(), [&acceptor = *acceptor] {
      boost::system::error_code ignored;
      acceptor.close(ignored);
    });
  }
  for (auto& session : shared.live()) session->close_when_idle();

  // Let in-flight requests finish, up to the grace period.
  const auto deadline = std::chrono::steady_clock::now() + shared.config.shutdown_grace;
  while (shared.live_sessions.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (auto& session : shared.live()) session->close_when_idle();
  }
  impl_->io.stop();
  for (auto& thread : impl_->threads) {
    if (thread.joinable()) thread.join();
  }
  if (impl_->connection_threads) impl_->connection_threads->stop();
  shared.workers.join();
  {
    std::lock_guard lock(impl_->state_mutex);
    impl_->stopped = true;
  }
  impl_->state_changed.notify_all();
}

void Server::wait() {
  std::unique_lock lock(impl_->state_mutex);
  impl_->state_changed.wait(lock, [this] { return impl_->stopped || impl_->threads.empty(); });
}

}  // namespace passerelle::gateway
