#pragma once

// The small value formats of a VIHF: SAML instants, national ids (R-ID-2),
// distinguished names. Pure functions; "" means acceptable, anything else is
// the reason for refusing.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "passerelle/soap/access_context.hpp"

namespace passerelle::soap::wss {

// SAML core §1.3.3: xs:dateTime in UTC ("Z"), optional fractional seconds.
std::optional<std::chrono::system_clock::time_point> parse_saml_instant(std::string_view text);

// R-ID-2: Identifiant_Structure is the type digit then the national id:
// 0 ADELI (11 chars), 1 FINESS (9), 2 SIREN (9 digits), 3 SIRET (14 digits),
// 4 RPPS (14 digits). Returns "" or why not.
std::string structure_id_problem(std::string_view id);

// Subject/NameID, the person's national id (dmp-xds-mapping.md §3, R-ID-2):
// 8 + 11 digits RPPS, 0 + 11 chars ADELI, 3 + <structure id>/<local id> for
// staff known by their organisation (structure id as R-ID-2). Returns "" or why not.
std::string person_id_problem(std::string_view id, PersonIdKind& kind);

// A patient id as CX "<id>^^^&<OID>&ISO^NH": the id and the assigning
// authority OID; nullopt when it does not have that shape.
struct PatientId {
  std::string id;
  std::string authority;
  bool operator==(const PatientId&) const = default;
};
std::optional<PatientId> parse_patient_cx(std::string_view cx);

// RDNs of an RFC 2253 or OpenSSL one-line DN, normalised for comparison
// ("cn=x,o=y": types lower case, spaces around separators dropped).
std::string normalized_dn(std::string_view dn);

}  // namespace passerelle::soap::wss
