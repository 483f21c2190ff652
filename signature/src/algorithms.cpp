#include "algorithms.hpp"

#include <xmlsec/crypto.h>

namespace passerelle::signature::detail {

const std::vector<Algorithm>& algorithms() {
  static const std::vector<Algorithm> all = {
      {kC14n, Role::Canonicalization, xmlSecTransformInclC14NId},
      {kC14nWithComments, Role::Canonicalization, xmlSecTransformInclC14NWithCommentsId},
      {"http://www.w3.org/2006/12/xml-c14n11", Role::Canonicalization, xmlSecTransformInclC14N11Id},
      {"http://www.w3.org/2006/12/xml-c14n11#WithComments", Role::Canonicalization,
       xmlSecTransformInclC14N11WithCommentsId},
      {kExcC14n, Role::Canonicalization, xmlSecTransformExclC14NId},
      {"http://www.w3.org/2001/10/xml-exc-c14n#WithComments", Role::Canonicalization,
       xmlSecTransformExclC14NWithCommentsId},
      {kEnveloped, Role::Transform, xmlSecTransformEnvelopedId},
      {kSha1, Role::Digest, xmlSecTransformSha1Id},
      {kSha256, Role::Digest, xmlSecTransformSha256Id},
      {"http://www.w3.org/2001/04/xmldsig-more#sha384", Role::Digest, xmlSecTransformSha384Id},
      {"http://www.w3.org/2001/04/xmlenc#sha512", Role::Digest, xmlSecTransformSha512Id},
      {kRsaSha1, Role::Signature, xmlSecTransformRsaSha1Id},
      {kRsaSha256, Role::Signature, xmlSecTransformRsaSha256Id},
      {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", Role::Signature,
       xmlSecTransformRsaSha384Id},
      {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", Role::Signature,
       xmlSecTransformRsaSha512Id},
  };
  return all;
}

const Algorithm* find_algorithm(std::string_view uri) {
  for (const Algorithm& algorithm : algorithms()) {
    if (algorithm.uri == uri) return &algorithm;
  }
  return nullptr;
}

}  // namespace passerelle::signature::detail
