#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>

#include "openssl_util.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/signature/xmldsig.hpp"

namespace passerelle::signature {
namespace {

using detail::X509Ptr;

struct StoreFree {
  void operator()(X509_STORE* s) const noexcept { X509_STORE_free(s); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* c) const noexcept { X509_STORE_CTX_free(c); }
};
struct StackFree {
  void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_pop_free(s, X509_free); }
};

using TimePoint = std::chrono::system_clock::time_point;

// Bounded: emptied when full (signers are few; a flood of one-off
// certificates must not grow memory).
constexpr std::size_t kMaxCached = 1024;

}  // namespace

// What never changes for a given DER: its decoding, and whether a chain's
// signatures and constraints verify. Only the validity window depends on the
// instant asked about, so a verified chain is remembered with it (the
// intersection of its certificates' validity periods).
struct TrustStore::Cache {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const Parsed>, std::less<>> parsed;
  std::map<std::string, std::pair<TimePoint, TimePoint>> chains;
};

std::shared_ptr<const TrustStore::Parsed> TrustStore::parse(std::string_view der) const {
  {
    const std::lock_guard lock(cache_->mutex);
    if (const auto found = cache_->parsed.find(der); found != cache_->parsed.end()) {
      return found->second;
    }
  }
  X509Ptr x509 = detail::x509_from_der(der);
  if (!x509) {
    ERR_clear_error();
    return nullptr;
  }
  auto parsed = std::make_shared<Parsed>();
  parsed->certificate = detail::describe(x509.get());
  parsed->x509 = std::shared_ptr<X509>(x509.release(), X509_free);
  const std::lock_guard lock(cache_->mutex);
  if (cache_->parsed.size() >= kMaxCached) cache_->parsed.clear();
  cache_->parsed.emplace(std::string(der), parsed);
  return parsed;
}

std::vector<Certificate> certificates_from_pem(std::string_view pem, std::string_view location) {
  detail::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::vector<Certificate> out;
  for (;;) {
    X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!certificate) break;
    out.push_back(detail::describe(certificate.get()));
  }
  // The loop ends on "no start line" at the end of the input; anything else
  // is a damaged certificate.
  const unsigned long last = ERR_peek_last_error();
  ERR_clear_error();
  if (last != 0 && ERR_GET_REASON(last) != PEM_R_NO_START_LINE) {
    throw Failure(codes::kSignatureInvalid, std::string(location), "unreadable PEM certificate");
  }
  if (out.empty()) {
    throw Failure(codes::kSignatureInvalid, std::string(location), "no PEM certificate found");
  }
  return out;
}

Certificate certificate_from_der(std::string_view der, std::string_view location) {
  X509Ptr certificate = detail::x509_from_der(der);
  if (!certificate) {
    ERR_clear_error();
    throw Failure(codes::kSignatureInvalid, std::string(location), "not a DER X.509 certificate");
  }
  return detail::describe(certificate.get());
}

std::shared_ptr<const TrustStore> TrustStore::from_pem_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Failure(codes::kInternalError, path, "cannot read the trust anchors file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return from_pem(text.str(), path);
}

std::shared_ptr<const TrustStore> TrustStore::from_pem(std::string_view pem,
                                                       std::string_view location) {
  auto trust = std::make_shared<TrustStore>();
  trust->cache_ = std::make_shared<Cache>();
  trust->certificates_ = certificates_from_pem(pem, location);
  std::shared_ptr<X509_STORE> store(X509_STORE_new(), StoreFree{});
  for (const Certificate& anchor : trust->certificates_) {
    X509Ptr certificate = detail::x509_from_der(anchor.der);
    if (!certificate || X509_STORE_add_cert(store.get(), certificate.get()) != 1) {
      throw Failure(codes::kInternalError, std::string(location),
                    detail::openssl_error("cannot add a trust anchor"));
    }
  }
  trust->store_ = std::move(store);
  return trust;
}

std::string TrustStore::verify_chain(const Certificate& leaf,
                                     const std::vector<Certificate>& intermediates,
                                     std::chrono::system_clock::time_point at) const {
  std::string key = leaf.der;
  for (const Certificate& intermediate : intermediates) key += intermediate.der;
  {
    const std::lock_guard lock(cache_->mutex);
    if (const auto found = cache_->chains.find(key);
        found != cache_->chains.end() && found->second.first <= at && at <= found->second.second) {
      return {};
    }
  }
  const auto certificate = parse(leaf.der);
  if (!certificate) return "the signer certificate is not a DER X.509 certificate";
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  for (const Certificate& intermediate : intermediates) {
    const auto extra = parse(intermediate.der);
    if (!extra) return "a KeyInfo certificate is not a DER X.509 certificate";
    X509_up_ref(extra->x509.get());
    sk_X509_push(untrusted.get(), extra->x509.get());
  }
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (!ctx ||
      X509_STORE_CTX_init(ctx.get(), store_.get(), certificate->x509.get(), untrusted.get()) != 1) {
    return detail::openssl_error("cannot set up certificate verification");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(at));
  // A signer certificate may itself be an anchor (pinned), not only its CA.
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (X509_verify_cert(ctx.get()) != 1) {
    ERR_clear_error();
    return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  }
  std::pair<TimePoint, TimePoint> window{TimePoint::min(), TimePoint::max()};
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    const Certificate link = detail::describe(sk_X509_value(chain, i));
    window.first = std::max(window.first, link.not_before);
    window.second = std::min(window.second, link.not_after);
  }
  const std::lock_guard lock(cache_->mutex);
  if (cache_->chains.size() >= kMaxCached) cache_->chains.clear();
  cache_->chains.emplace(std::move(key), window);
  return {};
}

}  // namespace passerelle::signature
