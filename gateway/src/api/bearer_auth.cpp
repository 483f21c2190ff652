#include "api/bearer_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>
#include <fstream>
#include <sstream>
#include <system_error>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"

namespace passerelle::gateway::api {
namespace {

constexpr const char* kOption = "--operator-token-file";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::array<unsigned char, SHA256_DIGEST_LENGTH> digest(std::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> out{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out.data());
  return out;
}

}  // namespace

std::string read_operator_token(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec || !std::filesystem::exists(status)) {
    throw Failure(codes::kInternalError, kOption, "operator token file '" + name + "' not found");
  }
  if (std::filesystem::is_directory(status)) {
    throw Failure(codes::kInternalError, kOption,
                  "operator token file '" + name + "' is a directory");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw Failure(codes::kInternalError, kOption, "cannot read operator token file '" + name + "'");
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    throw Failure(codes::kInternalError, kOption, "cannot read operator token file '" + name + "'");
  }
  const std::string all = content.str();
  const std::string_view token = trim(all);
  if (token.empty()) {
    throw Failure(codes::kInternalError, kOption, "operator token file '" + name + "' is empty");
  }
  for (char c : token) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x21 || byte > 0x7e) {
      throw Failure(codes::kInternalError, kOption,
                    "operator token file '" + name +
                        "' must hold one token of printable ASCII characters without spaces");
    }
  }
  return std::string(token);
}

bool bearer_token_matches(std::string_view authorization, std::string_view expected) {
  authorization = trim(authorization);
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() || !is_space(authorization[kScheme.size()])) {
    return false;
  }
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != kScheme[i]) return false;
  }
  const std::string_view presented = trim(authorization.substr(kScheme.size()));
  if (presented.empty() || expected.empty()) return false;
  const auto a = digest(presented);
  const auto b = digest(expected);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace passerelle::gateway::api
