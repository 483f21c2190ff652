#pragma once

// The XML-DSig algorithms Passerelle accepts, by URI, with their xmlsec
// transform. Anything else is refused before xmlsec runs (no XSLT, no
// XPath, no external URIs).

#include <xmlsec/transforms.h>

#include <string_view>
#include <vector>

namespace passerelle::signature::detail {

inline constexpr std::string_view kC14n = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
inline constexpr std::string_view kC14nWithComments =
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
inline constexpr std::string_view kExcC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
inline constexpr std::string_view kEnveloped =
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
inline constexpr std::string_view kSha1 = "http://www.w3.org/2000/09/xmldsig#sha1";
inline constexpr std::string_view kSha256 = "http://www.w3.org/2001/04/xmlenc#sha256";
inline constexpr std::string_view kRsaSha1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
inline constexpr std::string_view kRsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

enum class Role { Canonicalization, Transform, Digest, Signature };

struct Algorithm {
  std::string_view uri;
  Role role;
  xmlSecTransformId id;
};

// Every accepted algorithm (C14N 1.0/1.1/exclusive with and without
// comments, enveloped-signature, SHA-1/256/384/512, RSA with those).
const std::vector<Algorithm>& algorithms();
const Algorithm* find_algorithm(std::string_view uri);

}  // namespace passerelle::signature::detail
