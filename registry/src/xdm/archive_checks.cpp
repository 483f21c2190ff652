// The archive-level defences of read_package: names that could escape an
// extraction directory, links and devices, duplicates, encryption, and the
// entry/byte/ratio limits, counted on the bytes actually inflated.

#include <set>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "xdm/names.hpp"
#include "xdm/read_steps.hpp"
#include "xdm/zip_archive.hpp"

namespace passerelle::registry::xdm::detail {
namespace {

constexpr std::uint64_t kRatioFloor = 1024 * 1024;  // ratios count above 1 MiB only

std::string octal(std::uint32_t mode) {
  char text[16];
  std::snprintf(text, sizeof text, "%o", mode);
  return text;
}

void check_entry(const EntryInfo& entry, std::set<std::string>& names,
                 std::set<std::string>& folded) {
  if (const auto reason = unsafe_name_reason(entry.name, entry.raw_name); !reason.empty()) {
    throw Failure(codes::kUnsafeName, entry.name, "entry name " + reason);
  }
  if (entry.special) {
    throw Failure(
        codes::kSymlink, entry.name,
        "entry is not a regular file or directory (Unix mode " + octal(entry.unix_mode) + ")");
  }
  if (entry.encrypted) throw Failure(codes::kEncrypted, entry.name, "entry is encrypted");
  if (!names.insert(entry.name).second) {
    throw Failure(codes::kDuplicateName, entry.name, "entry name appears more than once");
  }
  // Media are read on case-insensitive file systems (FAT, ISO 9660, NTFS):
  // names that differ only by case would overwrite each other there.
  if (!folded.insert(ascii_upper(entry.name)).second) {
    throw Failure(codes::kDuplicateName, entry.name,
                  "entry name differs only by case from another entry");
  }
}

class Budget {
 public:
  explicit Budget(const Limits& limits) : limits_(limits) {}

  // Called for every inflated piece, so inflation stops at the first byte
  // past a limit whatever the headers claim.
  void count(const EntryInfo& entry, std::uint64_t& entry_bytes, std::size_t piece) {
    entry_bytes += piece;
    total_ += piece;
    if (entry_bytes > limits_.max_entry_bytes) {
      throw Failure(
          codes::kTooLarge, entry.name,
          "entry expands to more than " + std::to_string(limits_.max_entry_bytes) + " bytes");
    }
    if (total_ > limits_.max_expanded_bytes) {
      throw Failure(
          codes::kTooLarge, entry.name,
          "package expands to more than " + std::to_string(limits_.max_expanded_bytes) + " bytes");
    }
    if (entry_bytes > kRatioFloor &&
        entry_bytes >
            limits_.max_compression_ratio * std::max<std::uint64_t>(entry.compressed_size, 1)) {
      throw Failure(codes::kCompressionRatio, entry.name,
                    "entry expands more than " + std::to_string(limits_.max_compression_ratio) +
                        " times its " + std::to_string(entry.compressed_size) +
                        " compressed bytes (zip bomb)");
    }
  }

 private:
  const Limits& limits_;
  std::uint64_t total_ = 0;
};

}  // namespace

std::map<std::string, std::string> checked_files(std::string_view zip, const Limits& limits) {
  const ZipReader reader(zip);
  const std::vector<EntryInfo> entries = reader.entries();
  if (entries.size() > limits.max_entries) {
    throw Failure(codes::kTooManyEntries, "ZIP",
                  "archive has " + std::to_string(entries.size()) + " entries, more than " +
                      std::to_string(limits.max_entries));
  }
  std::set<std::string> names;
  std::set<std::string> folded;
  for (const EntryInfo& entry : entries) check_entry(entry, names, folded);

  Budget budget(limits);
  std::map<std::string, std::string> files;
  for (const EntryInfo& entry : entries) {
    if (entry.directory) continue;
    std::string bytes;
    std::uint64_t entry_bytes = 0;
    reader.inflate(entry, [&](std::string_view piece) {
      budget.count(entry, entry_bytes, piece.size());
      bytes.append(piece);
    });
    files.emplace(entry.name, std::move(bytes));
  }
  return files;
}

}  // namespace passerelle::registry::xdm::detail
