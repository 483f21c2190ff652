#pragma once

// Bearer-token authentication of the operator API (RFC 6750): the token is
// read once at startup from a file, and every /api/ request must present it
// in `Authorization: Bearer <token>`.

#include <filesystem>
#include <string>
#include <string_view>

namespace passerelle::gateway::api {

// Reads the token file and returns its content with surrounding whitespace
// trimmed. Throws Failure(passerelle:InternalError, location
// "--operator-token-file") when the file is missing, unreadable, empty or
// holds more than one line.
std::string read_operator_token(const std::filesystem::path& file);

// True when `authorization` (the Authorization header value, possibly empty)
// is "Bearer <token>" with exactly `expected` as token. The scheme is
// case-insensitive; the comparison of tokens takes the same time whatever
// the tokens (SHA-256 of both, compared with CRYPTO_memcmp).
bool bearer_token_matches(std::string_view authorization, std::string_view expected);

}  // namespace passerelle::gateway::api
