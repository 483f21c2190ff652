#pragma once

// Signing with xmlsec: the caller builds the ds:Signature template with
// xmlsec's template API (libxml2 tree, never string concatenation); sign()
// fills in digests, SignatureValue and the KeyInfo certificate.

#include <memory>
#include <string>
#include <string_view>

#include "passerelle/signature/xmldsig.hpp"

struct _xmlSecKey;

namespace passerelle::signature {

// A private key with its certificate. Immutable; share it across threads
// (sign() works on a copy of the key).
class SigningKey {
 public:
  // PEM private key (unencrypted) and PEM certificate (the first one in
  // the file is the signer's). Throws Failure(kInternalError) when
  // unreadable or when the key does not match the certificate.
  static SigningKey from_pem(std::string_view key_pem, std::string_view certificate_pem,
                             std::string_view location = "signing key");
  static SigningKey from_pem_files(const std::string& key_path,
                                   const std::string& certificate_path);
  const Certificate& certificate() const { return certificate_; }
  _xmlSecKey* key() const { return key_.get(); }

 private:
  std::shared_ptr<_xmlSecKey> key_;
  Certificate certificate_;
};

// Signs the ds:Signature template `signature` of `document` with `key`.
// Same-document references must resolve (register_id() first); manifest
// references are left as the caller filled them in. Throws
// Failure(kInternalError) with xmlsec's reason when signing fails.
void sign(SignedXml& document, _xmlNode* signature, const SigningKey& key);

}  // namespace passerelle::signature
