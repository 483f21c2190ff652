// Streaming multipart/related parser (RFC 2046 section 5.1, RFC 2387, XOP).
// Only a lookbehind of one delimiter is kept between chunks; part bodies go
// straight into an Attachment::Builder, so a large upload is hashed and
// spilled while it arrives and never sits whole in memory.

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/soap/mtom.hpp"

namespace passerelle::soap {

namespace {

// Bounds the parser's own buffer whatever chunk size the HTTP layer uses.
constexpr std::size_t kSliceBytes = std::size_t{64} * 1024;
// RFC 2046 allows 70; some clients go beyond, none by this much.
constexpr std::size_t kMaxBoundaryBytes = 200;

[[noreturn]] void malformed(std::string location, std::string message) {
  throw Failure(codes::kMalformedMime, std::move(location), std::move(message));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Content-IDs are compared in the form cid: URIs take once decoded
// (RFC 2392), so an id sent percent-encoded in either place still matches.
// Malformed escapes are kept literally: they cannot match anything anyway.
std::string normalize_content_id(std::string_view raw) {
  std::string_view id = trim(raw);
  if (!id.empty() && id.front() == '<') id.remove_prefix(1);
  if (!id.empty() && id.back() == '>') id.remove_suffix(1);
  id = trim(id);
  std::string out;
  out.reserve(id.size());
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (id[i] == '%' && i + 2 < id.size()) {
      const int hi = hex_value(id[i + 1]);
      const int lo = hex_value(id[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(id[i]);
  }
  return out;
}

// Incremental base64 decoder: chunk boundaries may fall anywhere, line breaks
// and whitespace are ignored, anything else outside the alphabet is refused.
class Base64Stream {
 public:
  // Returns the decoded bytes of `in`; throws std::invalid_argument on bad input.
  std::string decode(std::string_view in) {
    std::string out;
    out.reserve(in.size() / 4 * 3 + 3);
    for (const char c : in) {
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
      if (c == '=') {
        padded_ = true;
        continue;
      }
      const int v = value(c);
      if (v < 0) throw std::invalid_argument("invalid base64 character");
      if (padded_) throw std::invalid_argument("base64 data after padding");
      quantum_[count_++] = static_cast<std::uint8_t>(v);
      if (count_ == 4) {
        emit(out);
        count_ = 0;
      }
    }
    return out;
  }

  // Flushes a final unpadded quantum, which lenient encoders leave behind.
  std::string finish() {
    if (count_ == 1) throw std::invalid_argument("truncated base64 data");
    std::string out;
    emit(out);
    count_ = 0;
    return out;
  }

 private:
  static int value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  }

  void emit(std::string& out) const {
    if (count_ >= 2) out.push_back(static_cast<char>((quantum_[0] << 2) | (quantum_[1] >> 4)));
    if (count_ >= 3)
      out.push_back(static_cast<char>(((quantum_[1] & 0x0f) << 4) | (quantum_[2] >> 2)));
    if (count_ == 4) out.push_back(static_cast<char>(((quantum_[2] & 0x03) << 6) | quantum_[3]));
  }

  std::array<std::uint8_t, 4> quantum_{};
  std::size_t count_ = 0;
  bool padded_ = false;
};

enum class Phase { Preamble, AfterDelimiter, Headers, Body, Epilogue, Failed, Finished };

struct PartHeaders {
  std::optional<std::string> content_id;  // raw, as sent
  std::optional<std::string> content_type;
  std::optional<std::string> transfer_encoding;
};

}  // namespace

struct MtomParser::State {
  MtomLimits limits;
  MtomMessage message;
  std::string delimiter;  // "\n--" + boundary; a preceding '\r' is optional
  std::string start;      // normalized Content-ID of the root, empty for "first part"
  Phase phase = Phase::Preamble;
  std::optional<Error> error;

  std::string buffer;
  std::size_t consumed = 0;  // of buffer, dropped at the end of each slice

  // Current part.
  std::size_t part_number = 0;
  std::size_t header_bytes = 0;
  std::vector<std::string> header_lines;
  std::string content_id;  // normalized
  bool is_root = false;
  bool root_seen = false;
  bool body_start = false;  // the blank line's '\n' may double as the delimiter's
  std::optional<Base64Stream> base64;
  std::optional<Attachment::Builder> builder;
  std::set<std::string> content_ids;

  std::string location() const {
    std::string out = "MIME part " + std::to_string(part_number);
    if (!content_id.empty()) out += " <" + content_id + ">";
    return out;
  }

  void process_slice(std::string_view slice) {
    buffer.append(slice);
    while (step()) {
    }
    buffer.erase(0, consumed);
    consumed = 0;
  }

  // One parsing step on the unconsumed buffer; false when more input is needed.
  bool step() {
    switch (phase) {
      case Phase::Preamble:
        return scan_preamble();
      case Phase::AfterDelimiter:
        return after_delimiter();
      case Phase::Headers:
        return header_line();
      case Phase::Body:
        return body();
      case Phase::Epilogue:
        consumed = buffer.size();
        return false;
      case Phase::Failed:
      case Phase::Finished:
        return false;
    }
    return false;
  }

  std::string_view pending() const { return std::string_view(buffer).substr(consumed); }

  bool scan_preamble() {
    const std::string_view data = pending();
    const std::size_t at = data.find(delimiter);
    if (at == std::string_view::npos) {
      // Keep what could still be the start of the first delimiter.
      consumed += data.size() - std::min(data.size(), delimiter.size() - 1);
      return false;
    }
    consumed += at + delimiter.size();
    phase = Phase::AfterDelimiter;
    return true;
  }

  bool after_delimiter() {
    std::string_view data = pending();
    // RFC 2046 transport padding after the boundary.
    while (!data.empty() && (data.front() == ' ' || data.front() == '\t')) {
      data.remove_prefix(1);
      ++consumed;
    }
    if (data.empty()) return false;
    if (data.front() == '-') {
      if (data.size() < 2) return false;
      if (data[1] != '-') malformed(next_location(), "unexpected characters after boundary");
      consumed = buffer.size();
      phase = Phase::Epilogue;
      return false;
    }
    if (data.front() == '\r') {
      if (data.size() < 2) return false;
      if (data[1] != '\n') malformed(next_location(), "unexpected characters after boundary");
      consumed += 2;
    } else if (data.front() == '\n') {
      consumed += 1;
    } else {
      malformed(next_location(), "unexpected characters after boundary");
    }
    begin_part();
    return true;
  }

  std::string next_location() const { return "MIME part " + std::to_string(part_number + 1); }

  void begin_part() {
    ++part_number;
    content_id.clear();
    if (part_number > limits.max_parts) {
      malformed(location(), "more than " + std::to_string(limits.max_parts) + " MIME parts");
    }
    header_bytes = 0;
    header_lines.clear();
    is_root = false;
    base64.reset();
    builder.reset();
    phase = Phase::Headers;
  }

  bool header_line() {
    const std::string_view data = pending();
    const std::size_t eol = data.find('\n');
    if (eol == std::string_view::npos) {
      if (header_bytes + data.size() > limits.max_part_header_bytes) header_too_large();
      return false;
    }
    header_bytes += eol + 1;
    if (header_bytes > limits.max_part_header_bytes) header_too_large();
    std::string_view line = data.substr(0, eol);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      // Leave the '\n' in place: it may be the one that starts the delimiter
      // of an empty body.
      consumed += eol;
      end_headers();
      return true;
    }
    consumed += eol + 1;
    if (line.front() == ' ' || line.front() == '\t') {
      if (header_lines.empty()) malformed(location(), "continuation line before any header");
      header_lines.back().append(" ").append(trim(line));
    } else {
      // Checked at once: content sent without the blank line must not be
      // read as headers until the limit.
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        malformed(location(), "header line without a name and ':' (missing blank line?)");
      }
      header_lines.emplace_back(line);
    }
    return true;
  }

  [[noreturn]] void header_too_large() const {
    malformed(location(),
              "part headers exceed " + std::to_string(limits.max_part_header_bytes) + " bytes");
  }

  PartHeaders parse_headers() const {
    PartHeaders headers;
    for (const std::string& line : header_lines) {
      const std::size_t colon = line.find(':');
      const std::string name = lower(trim(std::string_view(line).substr(0, colon)));
      const std::string value(trim(std::string_view(line).substr(colon + 1)));
      std::optional<std::string>* slot = nullptr;
      if (name == "content-id") slot = &headers.content_id;
      if (name == "content-type") slot = &headers.content_type;
      if (name == "content-transfer-encoding") slot = &headers.transfer_encoding;
      if (slot == nullptr) continue;
      if (*slot) malformed(location(), "duplicate " + name + " header");
      *slot = value;
    }
    return headers;
  }

  void end_headers() {
    if (header_lines.empty()) malformed(location(), "part without headers");
    PartHeaders headers = parse_headers();
    if (headers.content_id) {
      content_id = normalize_content_id(*headers.content_id);
      if (!content_id.empty() && !content_ids.insert(content_id).second) {
        malformed(location(), "duplicate Content-ID");
      }
    }
    is_root = start.empty() ? part_number == 1 : content_id == start;
    if (is_root) {
      root_seen = true;
      if (headers.content_type) {
        try {
          message.root_type = parse_media_type(*headers.content_type);
        } catch (const Failure& failure) {
          malformed(location(), "root Content-Type: " + failure.error().message);
        }
      }
    }

    const std::string encoding = lower(headers.transfer_encoding.value_or(""));
    if (encoding == "base64") {
      base64.emplace();
    } else if (!encoding.empty() && encoding != "binary" && encoding != "8bit" &&
               encoding != "7bit") {
      malformed(location(), "unsupported Content-Transfer-Encoding '" + encoding + "'");
    }
    if (!is_root) {
      builder.emplace(content_id, headers.content_type.value_or(""), limits.spill_threshold,
                      limits.spool_dir);
    }
    body_start = true;
    phase = Phase::Body;
  }

  bool body() {
    std::string_view data = pending();
    if (body_start) {
      // data[0] is the header block's final '\n'.
      if (data.size() < delimiter.size() &&
          std::string_view(delimiter).substr(0, data.size()) == data) {
        return false;
      }
      body_start = false;
      if (!data.starts_with(delimiter)) {
        ++consumed;
        data.remove_prefix(1);
      }
    }
    const std::size_t at = data.find(delimiter);
    if (at == std::string_view::npos) {
      // Hold back a possible partial delimiter and the '\r' before it.
      const std::size_t ready = data.size() - std::min(data.size(), delimiter.size());
      emit(data.substr(0, ready));
      consumed += ready;
      return false;
    }
    const std::size_t end = (at > 0 && data[at - 1] == '\r') ? at - 1 : at;
    emit(data.substr(0, end));
    consumed += at + delimiter.size();
    end_part();
    phase = Phase::AfterDelimiter;
    return true;
  }

  void emit(std::string_view bytes) {
    if (bytes.empty()) return;
    if (!base64) {
      store(bytes);
      return;
    }
    std::string decoded;
    try {
      decoded = base64->decode(bytes);
    } catch (const std::invalid_argument& e) {
      malformed(location(), e.what());
    }
    store(decoded);
  }

  void store(std::string_view bytes) {
    if (bytes.empty()) return;
    if (!is_root) {
      builder->append(bytes);
      return;
    }
    if (message.root.size() + bytes.size() > limits.max_root_bytes) {
      malformed(location(),
                "root part exceeds " + std::to_string(limits.max_root_bytes) + " bytes");
    }
    message.root.append(bytes);
  }

  void end_part() {
    if (base64) {
      try {
        store(base64->finish());
      } catch (const std::invalid_argument& e) {
        malformed(location(), e.what());
      }
    }
    if (is_root) {
      if (message.root.empty()) malformed(location(), "root part is empty");
      return;
    }
    message.attachments.push_back(std::move(*builder).finish());
    builder.reset();
  }

  void fail(Error failure) {
    error = std::move(failure);
    phase = Phase::Failed;
    // Drops a half-written spool file now rather than with the parser.
    builder.reset();
  }

  MtomMessage finish() {
    switch (phase) {
      case Phase::Preamble:
        malformed("MIME body", "no boundary delimiter found: body has no parts");
      case Phase::AfterDelimiter:
      case Phase::Headers:
      case Phase::Body:
        if (phase == Phase::AfterDelimiter && pending() == "-") {
          malformed(next_location(), "truncated close delimiter");
        }
        malformed(phase == Phase::AfterDelimiter ? next_location() : location(),
                  "truncated body: no closing delimiter");
      case Phase::Epilogue:
      case Phase::Failed:  // unreachable: refused before
      case Phase::Finished:
        break;
    }
    if (part_number == 0) malformed("MIME body", "multipart body has no parts");
    if (!root_seen) {
      malformed("Content-Type", "start parameter <" + start + "> names no MIME part");
    }
    phase = Phase::Finished;
    return std::move(message);
  }
};

MtomParser::MtomParser(const MediaType& content_type, MtomLimits limits)
    : state_(std::make_unique<State>()) {
  if (content_type.type != "multipart/related") {
    malformed("Content-Type", "expected multipart/related, got '" + content_type.type + "'");
  }
  const std::string boundary = content_type.param("boundary");
  if (boundary.empty()) malformed("Content-Type", "missing boundary parameter");
  if (boundary.size() > kMaxBoundaryBytes) malformed("Content-Type", "boundary too long");
  state_->limits = std::move(limits);
  state_->message.content_type = content_type;
  state_->delimiter = "\n--" + boundary;
  state_->start = normalize_content_id(content_type.param("start"));
  // A virtual line break lets the first boundary open the body without one.
  state_->buffer = "\n";
}

MtomParser::~MtomParser() = default;
MtomParser::MtomParser(MtomParser&&) noexcept = default;
MtomParser& MtomParser::operator=(MtomParser&&) noexcept = default;

namespace {

void rethrow_if_unusable(const std::optional<Error>& error, Phase phase) {
  if (error) throw Failure(*error);
  if (phase == Phase::Finished) {
    throw Failure(codes::kInternalError, "MIME body", "MtomParser used after finish()");
  }
}

}  // namespace

void MtomParser::feed(std::string_view chunk) {
  State& s = *state_;
  rethrow_if_unusable(s.error, s.phase);
  try {
    while (!chunk.empty()) {
      const std::string_view slice = chunk.substr(0, kSliceBytes);
      chunk.remove_prefix(slice.size());
      s.process_slice(slice);
    }
  } catch (const Failure& failure) {
    s.fail(failure.error());
    throw;
  } catch (...) {
    // Whatever was half-parsed cannot be trusted after, say, bad_alloc.
    s.fail(Error{codes::kInternalError, Severity::Error, s.location(), "parser failed earlier"});
    throw;
  }
}

MtomMessage MtomParser::finish() {
  State& s = *state_;
  rethrow_if_unusable(s.error, s.phase);
  try {
    return s.finish();
  } catch (const Failure& failure) {
    s.fail(failure.error());
    throw;
  }
}

}  // namespace passerelle::soap
