// The checks that need something only the gateway knows: the request's
// patient (after the body is read) and the TLS client certificate.

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/soap/wss.hpp"
#include "values.hpp"

namespace passerelle::soap::wss {
namespace {

[[noreturn]] void refuse(const std::string& where, const std::string& why) {
  throw Failure(codes::kFailedAuthentication, where, "VIHF: " + why);
}

// The attribute values of a normalised DN ("cn=x,ou=y" → {"x", "y"}).
bool dn_has_value(std::string_view dn, std::string_view value) {
  const std::string normalized = normalized_dn(dn);
  std::size_t start = 0;
  while (start <= normalized.size()) {
    const auto end = std::min(normalized.find(',', start), normalized.size());
    const std::string_view rdn = std::string_view(normalized).substr(start, end - start);
    const auto equals = rdn.find('=');
    if (equals != std::string_view::npos && rdn.substr(equals + 1) == value) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

void check_patient(const AccessContext& context, std::string_view patient_id) {
  const auto asserted = parse_patient_cx(context.patient_id);
  const auto requested = parse_patient_cx(patient_id);
  if (!asserted || !requested || *asserted != *requested) {
    refuse("resource-id", "the assertion's resource-id '" + context.patient_id.substr(0, 80) +
                              "' is not the request's patient '" +
                              std::string(patient_id.substr(0, 80)) + "'");
  }
}

void check_tls_client(const AccessContext& context, std::string_view tls_subject) {
  if (tls_subject.empty()) return;
  if (context.authentication == AuthenticationMode::Directe) {
    // The professional's own card: its subject names the person.
    if (!dn_has_value(tls_subject, context.person_id)) {
      refuse("Authentification_Mode", "direct authentication, but the TLS client certificate '" +
                                          std::string(tls_subject.substr(0, 200)) +
                                          "' does not carry the NameID '" + context.person_id +
                                          "'");
    }
    return;
  }
  // Indirect: the organisation's certificate is both channel and signer.
  if (!same_distinguished_name(tls_subject, context.issuer)) {
    refuse("saml:Issuer", "indirect authentication, but the TLS client certificate '" +
                              std::string(tls_subject.substr(0, 200)) +
                              "' is not the assertion's Issuer '" + context.issuer + "'");
  }
}

}  // namespace passerelle::soap::wss
