#pragma once

// Random bytes for identifiers (request ids, MessageIDs, entryUUIDs, MIME
// boundaries): OpenSSL's generator, drawn in blocks.

#include <span>

namespace passerelle::random {

// Fills `out` from OpenSSL's RAND_bytes output; false if the generator
// failed. Each byte is handed out once. Not for use across fork() without
// exec: a child would repeat its parent's unused bytes (the project only
// forks to exec PostgreSQL).
[[nodiscard]] bool fill(std::span<unsigned char> out);

}  // namespace passerelle::random
