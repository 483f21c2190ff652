#include "openssl_util.hpp"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>

#include <ctime>
#include <string>

namespace passerelle::signature::detail {
namespace {

std::string name_text(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::chrono::system_clock::time_point time_point(const ASN1_TIME* time) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return {};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string serial_text(const ASN1_INTEGER* serial) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(ASN1_INTEGER_to_BN(serial, nullptr), BN_free);
  if (!bn) return {};
  char* dec = BN_bn2dec(bn.get());
  if (dec == nullptr) return {};
  std::string out(dec);
  OPENSSL_free(dec);
  return out;
}

}  // namespace

std::string openssl_error(std::string_view fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return std::string(fallback);
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return std::string(fallback) + " (" + text + ")";
}

X509Ptr x509_from_der(std::string_view der) {
  const auto* data = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr certificate(d2i_X509(nullptr, &data, static_cast<long>(der.size())));
  // Trailing bytes after the certificate mean it is not one DER certificate.
  if (certificate && data != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return nullptr;
  }
  return certificate;
}

Certificate describe(X509* certificate) {
  Certificate out;
  out.subject = name_text(X509_get_subject_name(certificate));
  out.issuer = name_text(X509_get_issuer_name(certificate));
  out.serial = serial_text(X509_get0_serialNumber(certificate));
  out.not_before = time_point(X509_get0_notBefore(certificate));
  out.not_after = time_point(X509_get0_notAfter(certificate));
  unsigned char* der = nullptr;
  const int size = i2d_X509(certificate, &der);
  if (size > 0) {
    out.der.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
    OPENSSL_free(der);
  }
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  std::string compact;
  compact.reserve(text.size());
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    compact.push_back(c);
  }
  if (compact.size() % 4 != 0) return false;
  out.assign(compact.size() / 4 * 3, '\0');
  const int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<const unsigned char*>(compact.data()),
                                   static_cast<int>(compact.size()));
  if (size < 0) return false;
  // EVP_DecodeBlock counts padding as zero bytes.
  std::size_t length = static_cast<std::size_t>(size);
  if (!compact.empty() && compact.back() == '=') --length;
  if (compact.size() >= 2 && compact[compact.size() - 2] == '=') --length;
  out.resize(length);
  return true;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<const unsigned char*>(bytes.data()),
                                   static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(size));
  return out;
}

}  // namespace passerelle::signature::detail
