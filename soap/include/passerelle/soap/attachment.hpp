#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace passerelle::soap {

// Binary content of one MIME part or inline base64 element, with its SHA-1
// and size computed once while it was read. Small content stays in memory;
// large content lives in an unnamed temporary file (O_TMPFILE) that
// disappears when the last owner goes away.
class Attachment {
 public:
  class Builder;

  const std::string& content_id() const { return content_id_; }      // without <> and decoded
  const std::string& content_type() const { return content_type_; }  // as sent, may be empty
  std::uint64_t size() const { return size_; }
  const std::array<std::uint8_t, 20>& sha1() const { return sha1_; }
  std::string sha1_hex() const;  // lower case
  bool spilled() const { return fd_ != nullptr; }

  // Whole content; reads the temporary file when spilled.
  std::string read_all() const;
  // Content in chunks, without loading it whole.
  void for_each_chunk(const std::function<void(std::string_view)>& sink) const;

  // Makes an in-memory attachment from bytes (tests, inline base64, responses).
  static std::shared_ptr<const Attachment> from_bytes(std::string content_id,
                                                      std::string content_type, std::string bytes);

 private:
  struct Fd;
  std::string content_id_;
  std::string content_type_;
  std::uint64_t size_ = 0;
  std::array<std::uint8_t, 20> sha1_{};
  std::string memory_;
  std::shared_ptr<Fd> fd_;
};

// Accumulates bytes, hashing as it goes, and spills to a temporary file in
// `spool_dir` (empty: the system temporary directory) once more than
// `spill_threshold` bytes have arrived.
class Attachment::Builder {
 public:
  Builder(std::string content_id, std::string content_type, std::size_t spill_threshold,
          std::filesystem::path spool_dir);
  ~Builder();
  Builder(Builder&&) noexcept;
  Builder& operator=(Builder&&) noexcept;

  void append(std::string_view bytes);  // throws Failure(kInternalError) on I/O failure
  std::uint64_t size() const;
  std::shared_ptr<const Attachment> finish() &&;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace passerelle::soap
