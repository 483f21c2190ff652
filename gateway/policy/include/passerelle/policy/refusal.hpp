#pragma once

// Why the policy said no. Codes are stable strings (clients and traces key on
// them); the reason is English text for the caller. Neither ever mentions a
// document the caller may not see: a hidden document is refused exactly like
// an absent one (R-READ-1).

#include <string>

namespace passerelle::policy {

struct Refusal {
  std::string code;      // one of the constants below
  std::string reason;    // English, for the caller and the trace
  std::string location;  // the caller's own object concerned (entryUUID…), "" if none
  bool operator==(const Refusal&) const = default;
};

namespace refusal {

// Access to the record (R-AUTH-*, R-ID-3). docs/policy.md explains each one.
inline constexpr const char* kRecordNotFound = "DMP_AUTH_RECORD_NOT_FOUND";
inline constexpr const char* kRecordClosed = "DMP_AUTH_RECORD_CLOSED";
inline constexpr const char* kUnknownProfession = "DMP_AUTH_UNKNOWN_PROFESSION";
inline constexpr const char* kBlocked = "DMP_AUTH_BLOCKED";
inline constexpr const char* kSecretConnectionAdult = "DMP_AUTH_SECRET_CONNECTION_ADULT";
inline constexpr const char* kEmergencyNonProfessional = "DMP_AUTH_EMERGENCY_NON_PROFESSIONAL";
inline constexpr const char* kEmergencySocialProfile = "DMP_AUTH_EMERGENCY_SOCIAL_PROFILE";
inline constexpr const char* kEmergencyOpposed = "DMP_AUTH_EMERGENCY_OPPOSED";
inline constexpr const char* kCentre15Opposed = "DMP_AUTH_CENTRE_15_OPPOSED";
inline constexpr const char* kConsentRequired = "DMP_AUTH_CONSENT_REQUIRED";
inline constexpr const char* kAuthorisationLapsed = "DMP_AUTH_AUTHORISATION_LAPSED";
inline constexpr const char* kAuthorisationEnded = "DMP_AUTH_AUTHORISATION_ENDED";
inline constexpr const char* kNoAuthorisedProfessional = "DMP_AUTH_NO_AUTHORISED_PROFESSIONAL";
inline constexpr const char* kNotRecordHolder = "DMP_AUTH_NOT_RECORD_HOLDER";
inline constexpr const char* kNotLegalRepresentative = "DMP_AUTH_NOT_LEGAL_REPRESENTATIVE";
inline constexpr const char* kUnavailableInEmergency = "DMP_AUTH_UNAVAILABLE_IN_EMERGENCY";
inline constexpr const char* kProfessionalsOnly = "DMP_AUTH_PROFESSIONALS_ONLY";
inline constexpr const char* kNoAuthorisationToEnd = "DMP_AUTH_NO_AUTHORISATION_TO_END";
inline constexpr const char* kTreatingDoctorOnly = "DMP_AUTH_TREATING_DOCTOR_ONLY";

// Submissions (R-DOC-3/4, R-SPEC-1/2).
inline constexpr const char* kAuthorMissing = "DMP_DOC_AUTHOR_MISSING";
inline constexpr const char* kAuthorMismatch = "DMP_DOC_AUTHOR_MISMATCH";
inline constexpr const char* kConfidentialityInvalid = "DMP_DOC_CONFIDENTIALITY_INVALID";
inline constexpr const char* kConfidentialityIncompatible = "DMP_DOC_CONFIDENTIALITY_INCOMPATIBLE";

// Changes to an existing document (R-CHG-1..5, R-AUTH-7).
inline constexpr const char* kDocumentNotFound = "DMP_DOCUMENT_NOT_FOUND";
inline constexpr const char* kChangeInEmergency = "DMP_CHG_UNAVAILABLE_IN_EMERGENCY";
inline constexpr const char* kChangeNotPermitted = "DMP_CHG_NOT_PERMITTED";
inline constexpr const char* kNotDepositor = "DMP_CHG_NOT_DEPOSITOR";
inline constexpr const char* kCannotHideAgain = "DMP_CHG_CANNOT_HIDE_AGAIN";
inline constexpr const char* kUnsupportedChange = "DMP_CHG_UNSUPPORTED";

// Special documents (R-SPEC-1/2).
inline constexpr const char* kVaccinationRecordExists = "DMP_SPEC_VACCINATION_RECORD_EXISTS";
inline constexpr const char* kVaccinationRecordProtected = "DMP_SPEC_VACCINATION_RECORD_PROTECTED";
inline constexpr const char* kReimbursementProtected = "DMP_SPEC_REIMBURSEMENT_PROTECTED";
inline constexpr const char* kReimbursementInsurerOnly = "DMP_SPEC_REIMBURSEMENT_INSURER_ONLY";

}  // namespace refusal

}  // namespace passerelle::policy
