#pragma once

// HL7 v2 data types as XDS.b constrains them (ITI TF-3 Table 4.2.3.1.7-2)
// and the other value syntaxes metadata uses. Each check returns "" when the
// value is valid, otherwise a short English reason for codeContext.

#include <optional>
#include <string>
#include <string_view>

namespace passerelle::registry::datatypes {

// CX with only component 1 and component 4 (&OID&ISO), as patientId needs.
struct PatientId {
  std::string id;
  std::string authority_oid;
};
std::optional<PatientId> parse_patient_id(std::string_view cx);

std::string check_cx(std::string_view value);   // XDS patientId form: id^^^&OID&ISO
std::string check_cxi(std::string_view value);  // referenceIdList: id^^^&OID&ISO^type^^assigner
std::string check_xcn(std::string_view value);  // person
std::string check_xon(std::string_view value);  // organisation
std::string check_xtn(std::string_view value);  // telecommunication
std::string check_dtm(std::string_view value);  // YYYY[MM[DD[hh[mm[ss]]]]], UTC
std::string check_oid(std::string_view value);  // dotted decimal, ≤ 64 chars
std::string check_uuid_urn(std::string_view value);      // urn:uuid:8-4-4-4-12 hex
std::string check_unique_id(std::string_view value);     // OID, or OID^extension (≤ 16 chars)
std::string check_language_tag(std::string_view value);  // RFC 5646 subset
std::string check_sha1_hex(std::string_view value);      // 40 hex digits, either case
std::string check_size(std::string_view value);          // non-negative decimal integer
std::string check_mime_type(std::string_view value);

}  // namespace passerelle::registry::datatypes
