#pragma once

// Small file and string helpers shared by the harness's sources.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace passerelle::conformance {

inline constexpr const char* kHarnessError = "ConformanceHarnessError";

// Whole file as bytes; throws Failure(kHarnessError) when unreadable.
std::string read_file(const std::filesystem::path& path);
// Creates parent folders; throws Failure(kHarnessError) when it cannot write.
void write_file(const std::filesystem::path& path, std::string_view bytes);
std::string trim(std::string_view text);
std::vector<std::string> split(std::string_view text, char separator);
// Every occurrence of `from` replaced by `to` (no error when absent).
std::string replace_all(std::string text, std::string_view from, std::string_view to);

}  // namespace passerelle::conformance
