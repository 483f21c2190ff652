#pragma once

// Random bytes for identifiers (request ids, MessageIDs, entryUUIDs, MIME
// boundaries): OpenSSL's generator, drawn in blocks.

#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace passerelle::random {

// Fills `out` from OpenSSL's RAND_bytes output; false if the generator
// failed. Each byte is handed out once. Not for use across fork() without
// exec: a child would repeat its parent's unused bytes (the project only
// forks to exec PostgreSQL).
[[nodiscard]] bool fill(std::span<unsigned char> out);

// `bytes` random bytes as lowercase hex; nullopt if the generator failed.
std::optional<std::string> hex(std::size_t bytes);
// "urn:uuid:" and an RFC 9562 version 4 UUID; nullopt if the generator failed.
std::optional<std::string> uuid_urn();

}  // namespace passerelle::random
