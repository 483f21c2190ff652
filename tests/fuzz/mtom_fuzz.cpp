// Drives MtomParser with arbitrary bodies, once whole and once split at
// fuzzer-chosen points: both must agree, so delimiter, header and base64
// state crossing chunk boundaries is checked, not just crash-free.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/soap/mtom.hpp"

namespace {

struct Outcome {
  std::optional<passerelle::Error> error;
  std::string root;
  std::vector<std::string> parts;  // id, type, size and hash of each attachment

  bool operator==(const Outcome&) const = default;
};

Outcome parse(const std::vector<std::string_view>& chunks) {
  passerelle::soap::MtomLimits limits;
  // Small limits reach the spill, part-count and header-size paths quickly.
  limits.spill_threshold = 64;
  limits.max_root_bytes = 4096;
  limits.max_parts = 8;
  limits.max_part_header_bytes = 256;
  Outcome outcome;
  try {
    passerelle::soap::MtomParser parser(
        passerelle::soap::parse_media_type(
            "multipart/related; type=\"application/xop+xml\"; boundary=\"MIMEBoundary_x\"; "
            "start=\"<root@x>\"; start-info=\"application/soap+xml\""),
        limits);
    for (const std::string_view chunk : chunks) parser.feed(chunk);
    passerelle::soap::MtomMessage message = parser.finish();
    outcome.root = std::move(message.root);
    for (const auto& attachment : message.attachments) {
      if (attachment->read_all().size() != attachment->size()) __builtin_trap();
      outcome.parts.push_back(attachment->content_id() + '\n' + attachment->content_type() + '\n' +
                              std::to_string(attachment->size()) + '\n' + attachment->sha1_hex());
    }
  } catch (const passerelle::Failure& failure) {
    outcome.error = failure.error();
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t seed = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  // Three chunks; the seed byte picks the cut points.
  const std::size_t first = (seed % 16) * body.size() / 16;
  const std::size_t second = first + (body.size() - first) * ((seed >> 4) % 16) / 16;
  const Outcome whole = parse({body});
  const Outcome split =
      parse({body.substr(0, first), body.substr(first, second - first), body.substr(second)});
  if (!(whole == split)) __builtin_trap();
  return 0;
}
