#pragma once

// One client connection: (TLS handshake) → read header → read body (streamed
// into IncomingBody) → hand the request to a worker → write the reply → keep
// alive or close. Every step is one small async function; the session lives
// as long as an operation holds its shared_ptr.

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <type_traits>

#include "api/xdm_body_limit.hpp"  // issue 10
#include "incoming_body.hpp"
#include "read_deadline.hpp"
#include "server_shared.hpp"

namespace passerelle::gateway {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

std::string new_request_id();
std::string peer_subject(SSL* ssl);  // RFC 2253 subject of the verified client certificate
// Whether the socket's send buffer has room for `bytes` more now, with a
// margin for the kernel's per-segment overhead: a blocking write of them
// then returns without waiting for the peer to read.
bool send_buffer_takes(int socket, std::size_t bytes);
bool acceptable_request_id(std::string_view id);

// One request's share of ServerShared::handling, for as long as it is handled.
class HandlingPermit {
 public:
  explicit HandlingPermit(std::counting_semaphore<>& permits) : permits_(permits) {
    permits_.acquire();
  }
  ~HandlingPermit() { permits_.release(); }
  HandlingPermit(const HandlingPermit&) = delete;
  HandlingPermit& operator=(const HandlingPermit&) = delete;

 private:
  std::counting_semaphore<>& permits_;
};

template <class Stream>
class Session : public SessionControl, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  // `thread_claim`: the connection has a thread of its own
  // (connection_threads.hpp), the socket's executor; null = the shared path.
  Session(net::ip::tcp::socket socket, std::shared_ptr<ServerShared> shared,
          std::shared_ptr<void> thread_claim = nullptr)
      : shared_(std::move(shared)),
        thread_claim_(std::move(thread_claim)),
        stream_(make_stream(std::move(socket))),
        buffer_(
            std::max<std::size_t>(std::size_t{64} * 1024, 2 * shared_->config.max_header_bytes)),
        read_deadline_(stream_.get_executor(),
                       std::min(shared_->config.read_timeout, shared_->config.idle_timeout)) {
    ++shared_->live_sessions;
    shared_->metrics.connection_opened();
    boost::system::error_code ec;
    auto remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) peer_ = remote.address().to_string() + ":" + std::to_string(remote.port());
  }

  ~Session() override {
    shared_->metrics.connection_closed();
    --shared_->live_sessions;
  }

  void run() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->start(); });
  }

  void close_when_idle() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->idle_) beast::get_lowest_layer(self->stream_).cancel();
    });
  }

 private:
  Stream make_stream(net::ip::tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *shared_->tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  void start() {
    read_deadline_.start(this->weak_from_this(), [this] { on_read_deadline(); });
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(shared_->config.read_timeout);
      stream_.async_handshake(
          net::ssl::stream_base::server,
          [self = this->shared_from_this()](beast::error_code ec) { self->on_handshake(ec); });
    } else {
      read_header();
    }
  }

  void on_handshake(beast::error_code ec) {
    if constexpr (kTls) {
      if (ec) {
        // Expired, untrusted or missing client certificates end here.
        shared_->metrics.tls_handshake_failed();
        log_event(*shared_->logger, shared_->config.log_format, spdlog::level::warn, "tls_refused",
                  "peer=" + peer_ + " reason=" + ec.message());
        return;
      }
      if (!shared_->config.client_ca.empty())
        client_subject_ = peer_subject(stream_.native_handle());
    }
    read_header();
  }

  void read_header() {
    if (shared_->draining) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->config.max_header_bytes));
    // issue 10: the XDM import's larger limit; on_header() narrows it again
    // for every other request (Beast checks Content-Length with the header).
    parser_->body_limit(api::xdm_import_body_limit(shared_->config));
    auto& limits = parser_->get().body().limits;
    limits.spill_threshold = shared_->config.spill_threshold;
    limits.max_root_bytes = shared_->config.max_body_bytes;
    if (!shared_->config.spool_dir.empty()) limits.spool_dir = shared_->config.spool_dir;
    idle_ = true;
    // Reads are timed by read_deadline_: Beast's own stream timeout would
    // close the socket, leaving no way to say 408, and arms a timer per read.
    beast::get_lowest_layer(stream_).expires_never();
    read_within(shared_->config.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  void on_header(beast::error_code ec) {
    idle_ = false;
    if (ec) return on_read_error(ec);
    read_within(shared_->config.read_timeout);
    if (!large_body_allowed()) {  // issue 10
      const auto length = parser_->content_length();
      if (length && *length > shared_->config.max_body_bytes) {
        return on_read_error(http::error::body_limit);
      }
      parser_->body_limit(shared_->config.max_body_bytes);
    }
    started_ = std::chrono::steady_clock::now();
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_body(ec);
                     });
  }

  // The deadline of the read about to start. A deadline that passed just as
  // the last read completed found no read to cancel: its flag goes too, so
  // that it turns no later error into a 408.
  void read_within(std::chrono::milliseconds timeout) {
    read_timed_out_ = false;
    read_deadline_.set(timeout);
  }

  // On the stream's executor, while a read is pending: cancel it, and
  // on_read_error() answers 408 or, between requests, closes.
  void on_read_deadline() {
    read_timed_out_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().cancel(ignored);
  }

  // issue 10: only the operator, with its token, may send an XDM package
  // larger than --max-body-bytes (api/xdm_body_limit.hpp).
  bool large_body_allowed() {
    const auto& message = parser_->get();
    return api::is_xdm_import(message.target()) && shared_->operator_api != nullptr &&
           shared_->operator_api->authenticates(message[http::field::authorization]);
  }

  void on_read_error(beast::error_code ec) {
    read_deadline_.clear();
    if (read_timed_out_) {
      read_timed_out_ = false;
      // Nothing received: an idle keep-alive connection, just close it.
      if (!parser_ || !parser_->got_some()) return close();
      return reply_and_close(408, "request not received in time\n");
    }
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::eof || ec == net::ssl::error::stream_truncated) {
      return close();
    }
    if (ec == http::error::body_limit) return reply_and_close(413, "request body too large\n");
    if (ec == http::error::header_limit) {
      return reply_and_close(431, "request header fields too large\n");
    }
    reply_and_close(400, "malformed HTTP request: " + ec.message() + "\n");
  }

  void on_body(beast::error_code ec) {
    read_deadline_.clear();
    if (ec) return on_read_error(ec);
    shared_->metrics.request_started();
    auto request = std::make_shared<InboundRequest>();
    auto& message = parser_->get();
    request->method = message.method();
    request->target = std::string(message.target());
    request->content_type = std::string(message[http::field::content_type]);
    request->authorization = std::string(message[http::field::authorization]);  // operator API
    request->context.peer = peer_;
    request->context.client_subject = client_subject_;
    auto incoming_id = message["X-Request-Id"];
    request->context.request_id =
        acceptable_request_id(incoming_id) ? std::string(incoming_id) : new_request_id();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    bytes_in_ = message.body().received;
    request->body = std::move(message.body());
    parser_.reset();

    if (thread_claim_) {
      // This thread serves this connection alone: handle here.
      {
        const HandlingPermit permit(shared_->handling);
        prepare_reply(*request, shared_->pipeline.handle(*request));
      }
      return write_prepared_reply();
    }
    // Parsing and handling are CPU work: keep them off the network threads.
    // The work guard keeps the network threads running while the handler
    // works: during a drain no other operation may be pending on them.
    net::post(shared_->workers, [self = this->shared_from_this(), request,
                                 guard = net::make_work_guard(stream_.get_executor())] {
      self->prepare_reply(*request, self->shared_->pipeline.handle(*request));
      self->write_prepared_reply();
    });
  }

  // No operation is pending on the stream while a request is handled, so the
  // thread that handled it may use it. A reply the socket can take at once is
  // written there: handing it back to a network thread cost two thread
  // wake-ups per request, about a tenth of a stored query's CPU
  // (bench/README.md). A larger one is written asynchronously, so a client
  // that reads slowly never holds a worker or a connection thread.
  void write_prepared_reply() {
    if (send_buffer_takes(beast::get_lowest_layer(stream_).socket().native_handle(),
                          reply_wire_bytes())) {
      return send_now();
    }
    net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->send(); });
  }

  // Upper bound of the reply's bytes on the wire: header, body and, with
  // TLS, a record header and tag per 16 KiB record.
  std::size_t reply_wire_bytes() const {
    const std::size_t body = response_->body().size();
    return 1024 + body + (body / 16384 + 1) * 64;
  }

  void prepare_reply(const InboundRequest& request, OutboundReply reply) {
    log_.request_id = request.context.request_id;
    log_.method = std::string(http::to_string(request.method));
    log_.path = request.target.substr(0, request.target.find('?'));
    log_.action = reply.action;
    log_.fault_code = reply.fault_code;
    log_.status = reply.status;
    if (!reply.log_detail.empty()) {
      log_event(*shared_->logger, shared_->config.log_format, spdlog::level::err, "internal_error",
                "request_id=" + request.context.request_id + " " + reply.log_detail);
    }
    endpoint_label_ = reply.endpoint;
    action_label_ = shared_->router.is_known_action(reply.action) ? reply.action
                    : reply.action.empty()                        ? ""
                                                                  : "unknown";
    const bool keep_alive = keep_alive_ && !shared_->draining;
    response_.emplace(static_cast<http::status>(reply.status), version_);
    response_->set(http::field::server, "passerelle");
    if (!reply.content_type.empty()) response_->set(http::field::content_type, reply.content_type);
    response_->set("X-Request-Id", request.context.request_id);
    for (const auto& [name, value] : reply.headers) response_->set(name, value);
    if (request.method != http::verb::head) response_->body() = std::move(reply.body);
    response_->keep_alive(keep_alive);
    response_->prepare_payload();
    counted_ = true;
  }

  // Answers a request that could not be read and closes the connection: the
  // stream is no longer in a known state.
  void reply_and_close(unsigned status, std::string text) {
    log_ = {};
    log_.method = parser_ && parser_->is_header_done()
                      ? std::string(http::to_string(parser_->get().method()))
                      : "-";
    log_.path = parser_ && parser_->is_header_done() ? std::string(parser_->get().target()) : "-";
    log_.request_id = new_request_id();
    log_.status = status;
    started_ = std::chrono::steady_clock::now();
    response_.emplace(static_cast<http::status>(status), 11);
    response_->set(http::field::server, "passerelle");
    response_->set(http::field::content_type, "text/plain");
    response_->set("X-Request-Id", log_.request_id);
    response_->body() = std::move(text);
    response_->keep_alive(false);
    response_->prepare_payload();
    counted_ = false;
    parser_.reset();
    send();
  }

  void send() {
    beast::get_lowest_layer(stream_).expires_after(shared_->config.read_timeout);
    http::async_write(stream_, *response_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t bytes) {
                        self->on_write(ec, bytes);
                      });
  }

  // On a worker, when send_buffer_takes() said the socket has room for the
  // whole reply: the write does not wait for the client.
  void send_now() {
    beast::error_code ec;
    const std::size_t bytes = http::write(stream_, *response_, ec);
    on_write(ec, bytes);
  }

  void on_write(beast::error_code ec, std::size_t bytes) {
    const auto elapsed = std::chrono::steady_clock::now() - started_;
    log_.peer = peer_;
    log_.client_subject = client_subject_;
    log_.duration_ms = std::chrono::duration<double, std::milli>(elapsed).count();
    log_.bytes_in = bytes_in_;
    log_.bytes_out = bytes;
    log_request(*shared_->logger, shared_->config.log_format, log_);
    if (counted_) {
      shared_->metrics.request_finished(endpoint_label_, action_label_, log_.status, elapsed);
      counted_ = false;
    } else {
      shared_->metrics.request_rejected(log_.status);
    }
    const bool keep_alive = response_->keep_alive();
    response_.reset();
    log_ = {};
    bytes_in_ = 0;
    if (ec || !keep_alive) return close();
    read_header();
  }

  void close() {
    read_deadline_.stop();
    if constexpr (kTls) {
      // Send close_notify and wait briefly for the peer's; a client that keeps
      // its socket open must not hold a draining server for long.
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::get_lowest_layer(self->stream_).close();
      });
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
      stream_.close();
    }
  }

  std::shared_ptr<ServerShared> shared_;
  const std::shared_ptr<void> thread_claim_;
  Stream stream_;
  // Bounded: the body streams through it into IncomingBody chunk by chunk.
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<IncomingBody>> parser_;
  ReadDeadline read_deadline_;
  bool read_timed_out_ = false;
  std::optional<http::response<http::string_body>> response_;
  std::string peer_;
  std::string client_subject_;
  // Read by close_when_idle() on the strand while a worker may set it.
  std::atomic<bool> idle_{false};
  bool keep_alive_ = true;
  bool counted_ = false;
  unsigned version_ = 11;
  std::uint64_t bytes_in_ = 0;
  std::string endpoint_label_;
  std::string action_label_;
  RequestLog log_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace passerelle::gateway
