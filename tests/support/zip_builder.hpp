#pragma once

// ZIP archives for the XDM tests, including the hostile ones libzip will not
// write (duplicate names, symlinks, names with "..", NUL or control bytes,
// headers that lie about sizes): a small hand-written ZIP writer. libzip
// itself makes the deflated and AES-encrypted entries, and reads archives
// back for assertions.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace passerelle::testing {

struct RawZipEntry {
  RawZipEntry(std::string entry_name, std::string entry_data)
      : name(std::move(entry_name)), data(std::move(entry_data)) {}
  std::string name;  // stored as is: any bytes
  std::string data;  // the uncompressed bytes (for the CRC and, when stored, the payload)
  std::uint32_t unix_mode = 0100644;
  std::uint16_t flags = 0;  // general purpose bits; bit 0 = "encrypted"
  // Deflated entries: the raw deflate stream (deflate_raw) written instead of `data`.
  std::optional<std::string> deflated;
  // What the headers claim the uncompressed size is; data.size() when unset.
  std::optional<std::uint32_t> claimed_size;
};

// A ZIP (no ZIP64, Unix "version made by") with the entries in order.
std::string build_zip(const std::vector<RawZipEntry>& entries);

// Raw deflate stream of `bytes`, as libzip compresses it.
std::string deflate_raw(const std::string& bytes);

// One entry written by libzip, deflated; encrypted with AES-256 when a
// password is given (empty when this libzip cannot encrypt).
std::string libzip_archive(const std::string& name, const std::string& bytes,
                           const std::string& password = "");
bool libzip_can_encrypt();

// Every entry of an archive by name, read with libzip (throws when unreadable).
std::map<std::string, std::string> unzip_all(std::string_view zip);
// Entry names in archive order.
std::vector<std::string> zip_names(std::string_view zip);

// `files` as stored entries, in name order (for rewritten packages).
std::string rezip(const std::map<std::string, std::string>& files);

}  // namespace passerelle::testing
