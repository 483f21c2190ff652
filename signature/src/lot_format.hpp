#pragma once

// What the DMP's lot signature looks like, shared by sign_lot() and
// verify_lot_signature(): namespaces, Type URIs, and xs:dateTime.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace passerelle::signature::detail {

inline constexpr std::string_view kManifestType = "http://www.w3.org/2000/09/xmldsig#Manifest";
inline constexpr std::string_view kSignedPropertiesType =
    "http://uri.etsi.org/01903#SignedProperties";
// XAdES 1.1.1's Type for the same reference (verified, never written).
inline constexpr std::string_view kSignedPropertiesType111 =
    "http://uri.etsi.org/01903/v1.1.1#SignedProperties";
inline constexpr std::string_view kUrnOid = "urn:oid:";
// Ids Passerelle gives when signing (verification accepts any).
inline constexpr std::string_view kSignatureId = "lot-signature";
inline constexpr std::string_view kManifestId = "IHEManifest";
inline constexpr std::string_view kSignedPropertiesId = "lot-signature-signed-properties";
// The digest of the manifest reference to the SubmissionSet: IHE DSG's "hash
// value of 0" (ITI TF-3 §5.5.3.1), written as the DMP clients write it, one
// zero byte (base64 "AA=="). Verification accepts any run of zero bytes.
inline constexpr std::string_view kSubmissionSetZeroHash{"\0", 1};

// "2026-11-26T04:00:00Z" (UTC, whole seconds).
std::string format_date_time(std::chrono::system_clock::time_point time);
// xs:dateTime with a time zone ("Z" or ±hh:mm), optional fraction; nullopt
// when malformed or without a zone (a signing time must be unambiguous).
std::optional<std::chrono::system_clock::time_point> parse_date_time(std::string_view text);

}  // namespace passerelle::signature::detail
