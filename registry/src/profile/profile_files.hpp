#pragma once

// Private helpers of the profile loader (registry/src/profile/).

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "passerelle/registry/profile.hpp"

namespace passerelle::registry::profile_files {

// Throws Failure(codes::kInternalError, location = file, message).
[[noreturn]] void fail(const std::filesystem::path& file, const std::string& message);

// Whole content of a regular file; Failure when it is missing or unreadable.
std::string read_file(const std::filesystem::path& file);

// XDS attribute names a code list may be attached to (profiles/README.md).
bool is_code_list_attribute(std::string_view attribute);

// Code lists of a NIST XDS Toolkit codes.xml, by profile attribute name.
// Needs a live xml::Runtime, like every xml::parse.
std::map<std::string, CodeList, std::less<>> read_nist_codes(const std::filesystem::path& file);

}  // namespace passerelle::registry::profile_files
