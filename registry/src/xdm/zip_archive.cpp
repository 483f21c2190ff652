#include "xdm/zip_archive.hpp"

#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <array>
#include <deque>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/registry/xdm.hpp"

namespace passerelle::registry::xdm::detail {
namespace {

struct ErrorHolder {
  zip_error_t error{};
  ErrorHolder() { zip_error_init(&error); }
  ~ErrorHolder() { zip_error_fini(&error); }
  ErrorHolder(const ErrorHolder&) = delete;
  ErrorHolder& operator=(const ErrorHolder&) = delete;
  std::string text() { return zip_error_strerror(&error); }
};

struct SourceRelease {
  void operator()(zip_source_t* source) const noexcept { zip_source_free(source); }
};
struct ArchiveRelease {
  void operator()(zip_t* archive) const noexcept { zip_discard(archive); }
};
struct FileRelease {
  void operator()(zip_file_t* file) const noexcept { zip_fclose(file); }
};
using Source = std::unique_ptr<zip_source_t, SourceRelease>;
using Archive = std::unique_ptr<zip_t, ArchiveRelease>;
using File = std::unique_ptr<zip_file_t, FileRelease>;

// Writing can only fail on memory or a libzip defect: an internal error.
[[noreturn]] void write_failed(const std::string& what, const std::string& why) {
  throw Failure(passerelle::codes::kInternalError, "XDM package", "cannot " + what + ": " + why);
}

std::string read_source(zip_source_t* source) {
  zip_stat_t stat;
  if (zip_source_open(source) < 0 || zip_source_stat(source, &stat) < 0) {
    write_failed("read the written archive", zip_error_strerror(zip_source_error(source)));
  }
  std::string out(stat.size, '\0');
  const zip_int64_t read = zip_source_read(source, out.data(), out.size());
  zip_source_close(source);
  if (read < 0 || static_cast<zip_uint64_t>(read) != stat.size) {
    write_failed("read the written archive", "short read");
  }
  return out;
}

}  // namespace

struct ZipWriter::Handles {
  Source buffer;  // kept past zip_close: the archive bytes are read from it
  zip_t* archive = nullptr;
  std::deque<std::string> contents;  // zip_source_buffer borrows until close
};

ZipWriter::ZipWriter(std::int64_t mtime) : handles_(std::make_unique<Handles>()), mtime_(mtime) {
  ErrorHolder error;
  handles_->buffer.reset(zip_source_buffer_create(nullptr, 0, 0, &error.error));
  if (!handles_->buffer) write_failed("create a buffer", error.text());
  zip_source_keep(handles_->buffer.get());
  handles_->archive = zip_open_from_source(handles_->buffer.get(), ZIP_TRUNCATE, &error.error);
  if (handles_->archive == nullptr) {
    zip_source_free(handles_->buffer.get());  // the reference zip_open_from_source did not take
    write_failed("open an archive", error.text());
  }
}

ZipWriter::~ZipWriter() {
  if (handles_->archive != nullptr) zip_discard(handles_->archive);
}

void ZipWriter::add(const std::string& name, std::string bytes) {
  zip_t* archive = handles_->archive;
  const std::string& kept = handles_->contents.emplace_back(std::move(bytes));
  zip_source_t* source = zip_source_buffer(archive, kept.data(), kept.size(), 0);
  if (source == nullptr) write_failed("add " + name, zip_strerror(archive));
  const zip_int64_t index = zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
  if (index < 0) {
    zip_source_free(source);
    write_failed("add " + name, zip_strerror(archive));
  }
  const auto i = static_cast<zip_uint64_t>(index);
  if (zip_set_file_compression(archive, i, ZIP_CM_DEFLATE, 9) < 0 ||
      zip_file_set_mtime(archive, i, static_cast<time_t>(mtime_), 0) < 0 ||
      zip_file_set_external_attributes(archive, i, 0, ZIP_OPSYS_UNIX,
                                       static_cast<zip_uint32_t>(S_IFREG | 0644) << 16) < 0) {
    write_failed("describe " + name, zip_strerror(archive));
  }
}

std::string ZipWriter::finish() {
  zip_t* archive = handles_->archive;
  if (zip_close(archive) < 0) write_failed("write the archive", zip_strerror(archive));
  handles_->archive = nullptr;  // zip_close freed it
  return read_source(handles_->buffer.get());
}

struct ZipReader::Handles {
  Archive archive;
  std::uint64_t zip_size = 0;
};

ZipReader::ZipReader(std::string_view zip) : handles_(std::make_unique<Handles>()) {
  ErrorHolder error;
  Source source(zip_source_buffer_create(zip.data(), zip.size(), 0, &error.error));
  if (!source) throw Failure(codes::kNotZip, "ZIP", "not a ZIP archive: " + error.text());
  // No ZIP_CHECKCONS: it refuses duplicate names before we can name them.
  handles_->archive.reset(zip_open_from_source(source.get(), ZIP_RDONLY, &error.error));
  if (!handles_->archive)
    throw Failure(codes::kNotZip, "ZIP", "not a ZIP archive: " + error.text());
  source.release();  // the archive owns it now
  handles_->zip_size = zip.size();
}

ZipReader::~ZipReader() = default;

std::vector<EntryInfo> ZipReader::entries() const {
  zip_t* archive = handles_->archive.get();
  const zip_int64_t count = zip_get_num_entries(archive, 0);
  std::vector<EntryInfo> out;
  for (zip_int64_t i = 0; i < count; ++i) {
    const auto index = static_cast<zip_uint64_t>(i);
    zip_stat_t stat;
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    const char* raw = zip_get_name(archive, index, ZIP_FL_ENC_RAW);
    if (zip_stat_index(archive, index, 0, &stat) < 0 || raw == nullptr ||
        zip_file_get_external_attributes(archive, index, 0, &opsys, &attributes) < 0) {
      throw Failure(codes::kNotZip, "entry " + std::to_string(i),
                    std::string("unreadable central directory entry: ") + zip_strerror(archive));
    }
    EntryInfo entry;
    entry.index = index;
    entry.name = stat.name;
    entry.raw_name = raw;
    entry.encrypted =
        (stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && stat.encryption_method != ZIP_EM_NONE;
    // A header cannot make an entry's compressed bytes larger than the archive.
    entry.compressed_size = (stat.valid & ZIP_STAT_COMP_SIZE) != 0
                                ? std::min<std::uint64_t>(stat.comp_size, handles_->zip_size)
                                : 0;
    if (opsys == ZIP_OPSYS_UNIX) {
      entry.unix_mode = attributes >> 16;
      const auto type = entry.unix_mode & S_IFMT;
      entry.special = type != 0 && type != S_IFREG && type != S_IFDIR;
      entry.directory = type == S_IFDIR;
    }
    if (!entry.name.empty() && entry.name.back() == '/') entry.directory = true;
    out.push_back(std::move(entry));
  }
  return out;
}

void ZipReader::inflate(const EntryInfo& entry,
                        const std::function<void(std::string_view)>& sink) const {
  zip_t* archive = handles_->archive.get();
  File file(zip_fopen_index(archive, entry.index, 0));
  if (!file) {
    throw Failure(codes::kNotZip, entry.name,
                  std::string("cannot open the entry: ") + zip_strerror(archive));
  }
  std::array<char, 64 * 1024> buffer;
  for (;;) {
    const zip_int64_t read = zip_fread(file.get(), buffer.data(), buffer.size());
    if (read < 0) {
      throw Failure(codes::kNotZip, entry.name,
                    std::string("cannot inflate the entry: ") +
                        zip_error_strerror(zip_file_get_error(file.get())));
    }
    if (read == 0) break;
    sink(std::string_view(buffer.data(), static_cast<std::size_t>(read)));
  }
  // zip_fclose reports a CRC mismatch of the last piece.
  const int closed = zip_fclose(file.release());
  if (closed != 0) {
    throw Failure(codes::kNotZip, entry.name,
                  "the entry's CRC or size does not match its data (libzip error " +
                      std::to_string(closed) + ")");
  }
}

}  // namespace passerelle::registry::xdm::detail
