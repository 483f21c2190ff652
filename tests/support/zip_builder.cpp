#include "zip_builder.hpp"

#include <zip.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace passerelle::testing {
namespace {

std::uint32_t crc32(std::string_view bytes) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (const unsigned char b : bytes) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void put16(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

struct ArchiveDiscard {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using Archive = std::unique_ptr<zip_t, ArchiveDiscard>;

Archive open_archive(std::string_view zip) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
  zip_t* archive = source ? zip_open_from_source(source, ZIP_RDONLY, &error) : nullptr;
  if (archive == nullptr) {
    if (source) zip_source_free(source);
    const std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw std::runtime_error("libzip cannot open the archive: " + text);
  }
  return Archive(archive);
}

}  // namespace

std::string build_zip(const std::vector<RawZipEntry>& entries) {
  std::string out;
  std::string central;
  for (const RawZipEntry& entry : entries) {
    const std::uint32_t offset = static_cast<std::uint32_t>(out.size());
    const std::string& payload = entry.deflated ? *entry.deflated : entry.data;
    const std::uint16_t method = entry.deflated ? 8 : 0;
    const std::uint32_t crc = crc32(entry.data);
    const std::uint32_t size = entry.claimed_size.value_or(entry.data.size());
    const auto common = [&](std::string& header) {
      put16(header, 20);  // version needed
      put16(header, entry.flags);
      put16(header, method);
      put16(header, 0);       // time
      put16(header, 0x0021);  // date 1980-01-01
      put32(header, crc);
      put32(header, static_cast<std::uint32_t>(payload.size()));
      put32(header, size);
      put16(header, static_cast<std::uint32_t>(entry.name.size()));
      put16(header, 0);  // extra length
    };
    put32(out, 0x04034b50);
    common(out);
    out += entry.name;
    out += payload;

    put32(central, 0x02014b50);
    put16(central, (3u << 8) | 20);  // made by Unix
    common(central);
    put16(central, 0);  // comment length
    put16(central, 0);  // disk
    put16(central, 0);  // internal attributes
    put32(central, entry.unix_mode << 16);
    put32(central, offset);
    central += entry.name;
  }
  const std::uint32_t central_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<std::uint32_t>(entries.size()));
  put16(out, static_cast<std::uint32_t>(entries.size()));
  put32(out, static_cast<std::uint32_t>(central.size()));
  put32(out, central_offset);
  put16(out, 0);
  return out;
}

bool libzip_can_encrypt() { return zip_encryption_method_supported(ZIP_EM_AES_256, 1) != 0; }

std::string libzip_archive(const std::string& name, const std::string& bytes,
                           const std::string& password) {
  if (!password.empty() && !libzip_can_encrypt()) return "";
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  zip_source_t* content = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
  const zip_int64_t index = zip_file_add(archive, name.c_str(), content, 0);
  if (index < 0 || zip_set_file_compression(archive, index, ZIP_CM_DEFLATE, 9) < 0 ||
      (!password.empty() &&
       zip_file_set_encryption(archive, index, ZIP_EM_AES_256, password.c_str()) < 0) ||
      zip_close(archive) < 0) {
    throw std::runtime_error(std::string("libzip cannot write: ") + zip_strerror(archive));
  }
  zip_stat_t stat;
  zip_source_open(buffer);
  zip_source_stat(buffer, &stat);
  std::string out(stat.size, '\0');
  zip_source_read(buffer, out.data(), out.size());
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

std::string deflate_raw(const std::string& bytes) {
  const std::string zip = libzip_archive("x", bytes);
  const Archive archive = open_archive(zip);
  zip_stat_t stat;
  zip_stat_index(archive.get(), 0, 0, &stat);
  // The local header (30 bytes, name, extra) precedes the data at offset 0.
  const auto u16 = [&](std::size_t at) {
    return static_cast<std::size_t>(static_cast<unsigned char>(zip[at]) |
                                    static_cast<unsigned char>(zip[at + 1]) << 8);
  };
  return zip.substr(30 + u16(26) + u16(28), stat.comp_size);
}

std::map<std::string, std::string> unzip_all(std::string_view zip) {
  const Archive archive = open_archive(zip);
  std::map<std::string, std::string> out;
  for (zip_int64_t i = 0; i < zip_get_num_entries(archive.get(), 0); ++i) {
    zip_stat_t stat;
    zip_stat_index(archive.get(), i, 0, &stat);
    std::string bytes(stat.size, '\0');
    zip_file_t* file = zip_fopen_index(archive.get(), i, 0);
    if (file == nullptr ||
        zip_fread(file, bytes.data(), bytes.size()) != static_cast<zip_int64_t>(bytes.size())) {
      if (file) zip_fclose(file);
      throw std::runtime_error(std::string("cannot read entry ") + stat.name);
    }
    zip_fclose(file);
    out.emplace(stat.name, std::move(bytes));
  }
  return out;
}

std::vector<std::string> zip_names(std::string_view zip) {
  const Archive archive = open_archive(zip);
  std::vector<std::string> out;
  for (zip_int64_t i = 0; i < zip_get_num_entries(archive.get(), 0); ++i) {
    out.emplace_back(zip_get_name(archive.get(), i, 0));
  }
  return out;
}

std::string rezip(const std::map<std::string, std::string>& files) {
  std::vector<RawZipEntry> entries;
  for (const auto& [name, bytes] : files) entries.push_back({name, bytes});
  return build_zip(entries);
}

}  // namespace passerelle::testing
