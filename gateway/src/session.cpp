#include "session.hpp"

#include <linux/sockios.h>
#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <memory>

#include "passerelle/core/random.hpp"

namespace passerelle::gateway {

std::string new_request_id() {
  auto id = random::hex(8);
  if (!id) throw std::runtime_error("the random generator failed");
  return std::move(*id);
}

bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string peer_subject(SSL* ssl) {
  std::unique_ptr<X509, decltype(&X509_free)> cert(SSL_get1_peer_certificate(ssl), &X509_free);
  if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) return {};
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert.get()), 0,
                     XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  BUF_MEM* memory = nullptr;
  BIO_get_mem_ptr(bio.get(), &memory);
  return memory == nullptr ? std::string() : std::string(memory->data, memory->length);
}

bool send_buffer_takes(int socket, std::size_t bytes) {
  int buffer = 0;
  socklen_t length = sizeof buffer;
  int queued = 0;
  if (getsockopt(socket, SOL_SOCKET, SO_SNDBUF, &buffer, &length) != 0 ||
      ioctl(socket, SIOCOUTQ, &queued) != 0 || buffer <= 0 || queued < 0) {
    return false;
  }
  // The kernel charges each segment's bookkeeping to the buffer too: ask
  // for twice the bytes.
  return static_cast<std::size_t>(queued) + 2 * bytes <= static_cast<std::size_t>(buffer);
}

}  // namespace passerelle::gateway
