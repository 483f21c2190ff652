#pragma once

// soap/wss: the caller's VIHF assertion (dmp-xds-mapping.md §7, R-ID-1/2),
// read from the wsse:Security header, verified, and turned into the one
// immutable AccessContext of the request. docs/identity.md says what we
// accept and why.
//
// Every refusal is a Failure with a WS-Security code (core/error_codes.hpp):
//   kInvalidSecurity       the Security header's structure (two assertions,
//                          duplicate IDs, signature wrapping)
//   kFailedCheck           the signature (absent, altered, wrong reference or
//                          transforms)
//   kFailedAuthentication  who signed, when, for which patient / channel
//   kInvalidSecurityToken  the assertion's content (attributes, id formats)

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "passerelle/core/xml.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "passerelle/soap/access_context.hpp"

namespace passerelle::soap::wss {

inline constexpr const char* kSaml2 = "urn:oasis:names:tc:SAML:2.0:assertion";

struct VihfOptions {
  // Trusted signers (CA and/or signer certificates). Null: no assertion can
  // be trusted, every present one is refused.
  std::shared_ptr<const signature::TrustStore> trust;
  // Tolerated clock difference for NotBefore/NotOnOrAfter.
  std::chrono::seconds clock_skew{60};
  // The instant the assertion and its certificate are judged at; unset = now.
  std::optional<std::chrono::system_clock::time_point> at;
  xml::Limits xml_limits;
};

// Reads the VIHF of a SOAP 1.2 envelope (the root part's bytes for MTOM;
// they are parsed again with libxml2, which xmlsec needs). Returns nullopt
// when the message carries no saml:Assertion in a wsse:Security header; the
// caller decides whether that is acceptable (profile). Throws Failure with a
// wsse code and a precise reason when an assertion is present but not
// acceptable. Needs a live signature::Runtime.
std::optional<AccessContext> read_vihf(std::string_view envelope_bytes, const VihfOptions& options);

// resource-id must be the request's patient (ITI-41/42: the SubmissionSet's
// patientId; ITI-18: $XDSDocumentEntryPatientId / $XDSSubmissionSetPatientId…).
// Both are CX; compared on id and assigning authority. Throws
// Failure(kFailedAuthentication) otherwise.
void check_patient(const AccessContext& context, std::string_view patient_id);

// Mutual TLS: the assertion must match the client certificate of the
// channel (`tls_subject`, RFC 2253). Indirect authentication: the channel is
// the organisation's certificate, so its subject must be the assertion's
// Issuer (its signer). Direct authentication: the channel is the
// professional's card, whose subject must carry the NameID (as CN or as an
// attribute value). An empty `tls_subject` (no client certificate) passes.
// Throws Failure(kFailedAuthentication) otherwise.
void check_tls_client(const AccessContext& context, std::string_view tls_subject);

// An instant as SAML writes it (xs:dateTime, UTC, whole seconds):
// "2026-11-26T04:05:06Z".
std::string format_saml_instant(std::chrono::system_clock::time_point at);

// Two RFC 2253 / OpenSSL-style distinguished names are the same: RDNs
// compared in order, attribute types case-insensitively, spaces around
// separators ignored.
bool same_distinguished_name(std::string_view a, std::string_view b);

}  // namespace passerelle::soap::wss
