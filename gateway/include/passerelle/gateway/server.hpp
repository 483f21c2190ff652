#pragma once

// The HTTPS (or, when asked, plain HTTP) server: Boost.Beast sessions on a
// pool of network threads, request handling on a separate worker pool so a
// slow parse never stalls other connections.

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "passerelle/gateway/config.hpp"
#include "passerelle/gateway/router.hpp"

namespace spdlog {
class logger;
}

namespace passerelle::store {
class ConnectionPool;
}

namespace passerelle::gateway {

// Operator API: accepts or refuses the assigning authority OID of a patient
// id given to POST /api/v1/records; empty = any dotted-decimal OID. Build it
// from the profile's patient_id_authorities (api::accept_authorities).
using PatientIdAuthorityCheck = std::function<bool(const std::string& oid)>;

class Server {
 public:
  // `pool` may be null (then readiness reports the database as absent).
  // Reads config.operator_token_file when set (the operator API is disabled
  // without it); throws Failure when that file is missing, unreadable or empty.
  Server(ServerConfig config, Router router, std::shared_ptr<store::ConnectionPool> pool,
         std::shared_ptr<spdlog::logger> logger, PatientIdAuthorityCheck patient_id_authority = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every listen address and starts the threads. Throws on bind or TLS
  // configuration errors.
  void start();
  // Bound addresses (useful with port 0), and their URLs.
  std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;
  std::vector<std::string> urls() const;

  // Graceful stop: no new connections, in-flight requests finish (up to the
  // configured grace), idle connections close. Safe from any thread.
  void shutdown();
  // Blocks until the server has stopped.
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace passerelle::gateway
