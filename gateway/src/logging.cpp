#include "passerelle/gateway/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace passerelle::gateway {
namespace {

// strftime, not an ostringstream with put_time: this runs once per request
// and the stream's locale machinery cost more than the rest of the line.
std::string iso_now() {
  const auto now = std::chrono::system_clock::now();
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof text - length, ".%03dZ", static_cast<int>(millis));
  return text;
}

// A JSON string literal; invalid UTF-8 replaced, as in every JSON line.
std::string json_string(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::shared_ptr<spdlog::logger> make_logger(LogFormat format, const std::string& name) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(name, sink);
  // JSON lines carry their own timestamp and level; text lines get spdlog's.
  logger->set_pattern(format == LogFormat::Json ? "%v" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  return logger;
}

void log_request(spdlog::logger& logger, LogFormat format, const RequestLog& entry) {
  if (format == LogFormat::Json) {
    // Written field by field (nlohmann only escapes the strings), in the
    // sorted key order a json object would give: building that object, a map
    // of twelve nodes, was most of the cost of logging a request.
    std::string line = "{\"action\":" + json_string(entry.action) +
                       ",\"bytes_in\":" + std::to_string(entry.bytes_in) +
                       ",\"bytes_out\":" + std::to_string(entry.bytes_out);
    if (!entry.client_subject.empty()) line += ",\"client\":" + json_string(entry.client_subject);
    line += ",\"duration_ms\":" + nlohmann::json(entry.duration_ms).dump();
    line += ",\"event\":\"request\"";
    if (!entry.fault_code.empty()) line += ",\"fault\":" + json_string(entry.fault_code);
    line += ",\"level\":\"info\",\"method\":" + json_string(entry.method) +
            ",\"path\":" + json_string(entry.path) + ",\"peer\":" + json_string(entry.peer) +
            ",\"request_id\":" + json_string(entry.request_id) +
            ",\"status\":" + std::to_string(entry.status) + ",\"ts\":\"" + iso_now() + "\"}";
    logger.info(line);
    return;
  }
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.2f", entry.duration_ms);
  logger.info("request id={} peer={} {} {} action={} status={}{} duration_ms={} in={} out={}{}",
              entry.request_id, entry.peer, entry.method, entry.path,
              entry.action.empty() ? "-" : entry.action, entry.status,
              entry.fault_code.empty() ? "" : " fault=" + entry.fault_code, duration,
              entry.bytes_in, entry.bytes_out,
              entry.client_subject.empty() ? "" : " client=\"" + entry.client_subject + "\"");
}

void log_event(spdlog::logger& logger, LogFormat format, spdlog::level::level_enum level,
               const std::string& event, const std::string& detail) {
  if (format == LogFormat::Json) {
    nlohmann::json line = {{"ts", iso_now()},
                           {"level", spdlog::level::to_string_view(level).data()},
                           {"event", event},
                           {"detail", detail}};
    logger.log(level, line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  logger.log(level, "{} {}", event, detail);
}

}  // namespace passerelle::gateway
