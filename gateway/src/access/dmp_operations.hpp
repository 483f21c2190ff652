#pragma once

// The two professional-side DMP operations on /xds/registry (issue 6,
// docs/dmp-operations.xsd, docs/policy-enforcement.md), VIHF-authenticated:
// urn:passerelle:dmp:RecordStatus (TD0.2: does the record exist, is it
// closed, the caller's authorisation and MT status) and
// urn:passerelle:dmp:DeclareConsent (TD0.3: declare the patient's consent,
// R-AUTH-1, or end one's own authorisation, R-AUTH-4).

#include <memory>

#include "access/access_control.hpp"
#include "passerelle/gateway/router.hpp"

namespace passerelle::gateway::access {

inline constexpr const char* kDmpNamespace = "urn:passerelle:dmp";
inline constexpr const char* kRecordStatusAction = "urn:passerelle:dmp:RecordStatus";
inline constexpr const char* kDeclareConsentAction = "urn:passerelle:dmp:DeclareConsent";

Operation make_record_status_operation(std::shared_ptr<const AccessControl> access);
Operation make_declare_consent_operation(std::shared_ptr<const AccessControl> access);

}  // namespace passerelle::gateway::access
