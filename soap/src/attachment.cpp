#include "passerelle/soap/attachment.hpp"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"

namespace passerelle::soap {

namespace {

// Big enough to keep syscalls rare, small enough that memory stays bounded
// whatever the size of the part.
constexpr std::size_t kIoChunk = std::size_t{64} * 1024;

[[noreturn]] void io_failure(const std::string& location, const char* what, int err) {
  throw Failure(codes::kInternalError, location, std::string(what) + ": " + std::strerror(err));
}

// Capacities halve down from the threshold so that doubling lands on it
// exactly: default string growth could reserve nearly twice the threshold
// just before the spill.
std::size_t buffer_capacity(std::size_t needed, std::size_t threshold) {
  constexpr std::size_t kSmallest = 256;
  std::size_t capacity = threshold;
  while (capacity / 2 >= needed && capacity / 2 >= kSmallest) capacity /= 2;
  return std::max(capacity, needed);
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

MdCtx new_sha1_ctx() {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) != 1) {
    throw Failure(codes::kInternalError, "sha1", "cannot initialise SHA-1");
  }
  return ctx;
}

void write_all(int fd, std::string_view bytes, const std::string& location) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      io_failure(location, "cannot write spool file", errno);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Fills `out` from `offset` with pread so that several readers can share the
// descriptor without a file position to fight over. Returns bytes read.
std::size_t pread_full(int fd, char* out, std::size_t count, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < count) {
    const ssize_t n = ::pread(fd, out + done, count - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      io_failure("attachment", "cannot read spool file", errno);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace

struct Attachment::Fd {
  explicit Fd(int value) : fd(value) {}
  ~Fd() { ::close(fd); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int fd;
};

std::string Attachment::sha1_hex() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(sha1_.size() * 2);
  for (const std::uint8_t byte : sha1_) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0f]);
  }
  return out;
}

std::string Attachment::read_all() const {
  if (!fd_) return memory_;
  std::string out(static_cast<std::size_t>(size_), '\0');
  const std::size_t got = pread_full(fd_->fd, out.data(), out.size(), 0);
  if (got != out.size()) {
    throw Failure(codes::kInternalError, content_id_, "spool file shorter than recorded size");
  }
  return out;
}

void Attachment::for_each_chunk(const std::function<void(std::string_view)>& sink) const {
  if (!fd_) {
    for (std::size_t at = 0; at < memory_.size(); at += kIoChunk) {
      sink(std::string_view(memory_).substr(at, kIoChunk));
    }
    return;
  }
  std::string buffer(kIoChunk, '\0');
  std::uint64_t offset = 0;
  while (offset < size_) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(kIoChunk, size_ - offset));
    const std::size_t got = pread_full(fd_->fd, buffer.data(), want, offset);
    if (got != want) {
      throw Failure(codes::kInternalError, content_id_, "spool file shorter than recorded size");
    }
    sink(std::string_view(buffer.data(), got));
    offset += got;
  }
}

std::shared_ptr<const Attachment> Attachment::from_bytes(std::string content_id,
                                                         std::string content_type,
                                                         std::string bytes) {
  auto attachment = std::make_shared<Attachment>();
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), attachment->sha1_.data(), &length, EVP_sha1(),
                 nullptr) != 1 ||
      length != attachment->sha1_.size()) {
    throw Failure(codes::kInternalError, content_id, "cannot compute SHA-1");
  }
  attachment->content_id_ = std::move(content_id);
  attachment->content_type_ = std::move(content_type);
  attachment->size_ = bytes.size();
  attachment->memory_ = std::move(bytes);
  return attachment;
}

struct Attachment::Builder::State {
  State(std::string id, std::string type, std::size_t threshold, std::filesystem::path dir)
      : content_id(std::move(id)),
        content_type(std::move(type)),
        spill_threshold(threshold),
        spool_dir(std::move(dir)) {}

  std::string content_id;
  std::string content_type;
  std::size_t spill_threshold;
  std::filesystem::path spool_dir;
  MdCtx sha1 = new_sha1_ctx();
  std::uint64_t size = 0;
  // Before spilling: the whole content. After: only bytes not yet written.
  std::string memory;
  std::shared_ptr<Fd> fd;

  void spill();
  void flush();
  int open_unnamed_file() const;
};

int Attachment::Builder::State::open_unnamed_file() const {
  const std::filesystem::path dir =
      spool_dir.empty() ? std::filesystem::temp_directory_path() : spool_dir;
#ifdef O_TMPFILE
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd >= 0) return fd;
    // Some filesystems (and old kernels) lack O_TMPFILE; other errors would
    // make mkstemp fail too, and it reports them just as well.
#endif
  std::string name = (dir / "passerelle-XXXXXX").string();
  const int fallback = ::mkostemp(name.data(), O_CLOEXEC);
  if (fallback < 0) io_failure(content_id, "cannot create spool file", errno);
  // Unlinked at once so the file disappears with its last descriptor, even on a crash.
  if (::unlink(name.c_str()) != 0) {
    const int err = errno;
    ::close(fallback);
    io_failure(content_id, "cannot unlink spool file", err);
  }
  return fallback;
}

void Attachment::Builder::State::spill() {
  fd = std::make_shared<Fd>(open_unnamed_file());
  write_all(fd->fd, memory, content_id);
  // Release the buffer itself, not just its contents, so the part is never
  // held both in memory and on disk.
  std::string().swap(memory);
}

void Attachment::Builder::State::flush() {
  if (!fd || memory.empty()) return;
  write_all(fd->fd, memory, content_id);
  memory.clear();
}

Attachment::Builder::Builder(std::string content_id, std::string content_type,
                             std::size_t spill_threshold, std::filesystem::path spool_dir)
    : state_(std::make_unique<State>(std::move(content_id), std::move(content_type),
                                     spill_threshold, std::move(spool_dir))) {}

Attachment::Builder::~Builder() = default;
Attachment::Builder::Builder(Builder&&) noexcept = default;
Attachment::Builder& Attachment::Builder::operator=(Builder&&) noexcept = default;

void Attachment::Builder::append(std::string_view bytes) {
  State& s = *state_;
  if (bytes.empty()) return;
  if (EVP_DigestUpdate(s.sha1.get(), bytes.data(), bytes.size()) != 1) {
    throw Failure(codes::kInternalError, s.content_id, "cannot update SHA-1");
  }
  s.size += bytes.size();
  if (!s.fd) {
    if (s.size <= s.spill_threshold) {
      if (s.memory.size() + bytes.size() > s.memory.capacity()) {
        s.memory.reserve(buffer_capacity(s.memory.size() + bytes.size(), s.spill_threshold));
      }
      s.memory.append(bytes);
      return;
    }
    s.spill();
  }
  // Small appends are gathered so that byte-by-byte feeding does not cost a
  // syscall per byte; large ones go straight to the file.
  if (s.memory.size() + bytes.size() > kIoChunk) {
    s.flush();
    if (bytes.size() >= kIoChunk) {
      write_all(s.fd->fd, bytes, s.content_id);
      return;
    }
  }
  s.memory.append(bytes);
}

std::uint64_t Attachment::Builder::size() const { return state_->size; }

std::shared_ptr<const Attachment> Attachment::Builder::finish() && {
  State& s = *state_;
  s.flush();
  auto attachment = std::make_shared<Attachment>();
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(s.sha1.get(), attachment->sha1_.data(), &length) != 1 ||
      length != attachment->sha1_.size()) {
    throw Failure(codes::kInternalError, s.content_id, "cannot finish SHA-1");
  }
  attachment->content_id_ = std::move(s.content_id);
  attachment->content_type_ = std::move(s.content_type);
  attachment->size_ = s.size;
  if (s.fd) {
    attachment->fd_ = std::move(s.fd);
  } else {
    attachment->memory_ = std::move(s.memory);
  }
  state_.reset();
  return attachment;
}

}  // namespace passerelle::soap
