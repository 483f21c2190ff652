#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <string>

#include "passerelle/gateway/config.hpp"

namespace passerelle::gateway {

// A logger writing one line per event to stderr; in Json format each line is
// one JSON object (message text is the JSON, built by the caller).
std::shared_ptr<spdlog::logger> make_logger(LogFormat format,
                                            const std::string& name = "passerelle");

// The one line per request. Never carries document or assertion content.
struct RequestLog {
  std::string request_id;
  std::string peer;
  std::string client_subject;
  std::string method;
  std::string path;
  std::string action;
  unsigned status = 0;
  std::string fault_code;  // IHE/SOAP code when the answer was a fault
  double duration_ms = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
};

void log_request(spdlog::logger& logger, LogFormat format, const RequestLog& entry);

// Other events (startup, shutdown, TLS refusals) in the same format.
void log_event(spdlog::logger& logger, LogFormat format, spdlog::level::level_enum level,
               const std::string& event, const std::string& detail);

}  // namespace passerelle::gateway
