#pragma once

// RAII over libzip for XDM packages, in memory only: a writer that yields
// the archive bytes and a reader that inflates entries under a byte budget.
// Raw libzip handles never leave zip_archive.cpp.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace passerelle::registry::xdm::detail {

// Builds a ZIP in memory. Entries are deflated, dated `mtime` (local time,
// as ZIP stores it) and marked as regular Unix files, mode 0644.
class ZipWriter {
 public:
  explicit ZipWriter(std::int64_t mtime);
  ~ZipWriter();
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  void add(const std::string& name, std::string bytes);
  std::string finish();  // the archive; the writer is spent afterwards

 private:
  struct Handles;
  std::unique_ptr<Handles> handles_;
  std::int64_t mtime_;
};

struct EntryInfo {
  std::uint64_t index = 0;
  std::string name;        // as libzip reads it (CP437 → UTF-8 unless flagged UTF-8)
  std::string raw_name;    // the stored bytes (libzip turns a NUL into a space)
  bool directory = false;  // name ends with '/' or the Unix mode says so
  bool special = false;    // symlink, device, fifo, socket (Unix mode)
  std::uint32_t unix_mode = 0;
  bool encrypted = false;
  std::uint64_t compressed_size = 0;  // as the header claims, at most the archive size
};

// Reads a ZIP held in memory (the bytes must outlive the reader). Throws
// Failure(codes::kNotZip) when libzip cannot open or read it.
class ZipReader {
 public:
  explicit ZipReader(std::string_view zip);
  ~ZipReader();
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  std::vector<EntryInfo> entries() const;
  // Inflates entry `index`, handing each piece to `sink` as it comes, so a
  // caller can stop (by throwing) as soon as a limit is passed.
  void inflate(const EntryInfo& entry, const std::function<void(std::string_view)>& sink) const;

 private:
  struct Handles;
  std::unique_ptr<Handles> handles_;
};

}  // namespace passerelle::registry::xdm::detail
