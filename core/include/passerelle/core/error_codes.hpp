#pragma once

// Codes used before a message reaches the registry. IHE codes used by the
// registry live next to the registry's validation.
namespace passerelle::codes {

// SOAP 1.2 (W3C) fault codes.
inline constexpr const char* kVersionMismatch = "soap:VersionMismatch";
inline constexpr const char* kMustUnderstand = "soap:MustUnderstand";
inline constexpr const char* kDataEncodingUnknown = "soap:DataEncodingUnknown";

// WS-Addressing 1.0 SOAP binding fault subcodes.
inline constexpr const char* kActionNotSupported = "wsa:ActionNotSupported";
inline constexpr const char* kInvalidAddressingHeader = "wsa:InvalidAddressingHeader";
inline constexpr const char* kMessageAddressingHeaderRequired =
    "wsa:MessageAddressingHeaderRequired";

// Passerelle's own subcodes for malformed transport or XML.
inline constexpr const char* kMalformedXml = "passerelle:MalformedXml";
inline constexpr const char* kForbiddenXmlConstruct = "passerelle:ForbiddenXmlConstruct";
inline constexpr const char* kXmlLimitExceeded = "passerelle:XmlLimitExceeded";
inline constexpr const char* kMalformedEnvelope = "passerelle:MalformedEnvelope";
inline constexpr const char* kMalformedMime = "passerelle:MalformedMime";
inline constexpr const char* kUnresolvedXopInclude = "passerelle:UnresolvedXopInclude";
inline constexpr const char* kUnsupportedMediaType = "passerelle:UnsupportedMediaType";
inline constexpr const char* kInternalError = "passerelle:InternalError";

// XML-DSig (signature/): any signature that does not verify, with the reason
// in the message.
inline constexpr const char* kSignatureInvalid = "passerelle:SignatureInvalid";

// WS-Security 1.1 fault subcodes (the VIHF assertion, issue 6).
inline constexpr const char* kInvalidSecurity = "wsse:InvalidSecurity";
inline constexpr const char* kInvalidSecurityToken = "wsse:InvalidSecurityToken";
inline constexpr const char* kFailedAuthentication = "wsse:FailedAuthentication";
inline constexpr const char* kFailedCheck = "wsse:FailedCheck";

}  // namespace passerelle::codes
