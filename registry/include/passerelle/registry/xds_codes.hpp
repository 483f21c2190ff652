#pragma once

// IHE XDS.b error codes (ITI TF-3 Table 4.2.4.1-2) the registry and the
// repository return as RegistryErrors. Transport and SOAP codes are in
// core/error_codes.hpp.
namespace passerelle::xds_codes {

inline constexpr const char* kRegistryMetadataError = "XDSRegistryMetadataError";
inline constexpr const char* kRepositoryMetadataError = "XDSRepositoryMetadataError";
inline constexpr const char* kPatientIdDoesNotMatch = "XDSPatientIdDoesNotMatch";
inline constexpr const char* kUnknownPatientId = "XDSUnknownPatientId";
inline constexpr const char* kRegistryDuplicateUniqueIdInMessage =
    "XDSRegistryDuplicateUniqueIdInMessage";
inline constexpr const char* kRepositoryDuplicateUniqueIdInMessage =
    "XDSRepositoryDuplicateUniqueIdInMessage";
inline constexpr const char* kDuplicateUniqueIdInRegistry = "XDSDuplicateUniqueIdInRegistry";
inline constexpr const char* kNonIdenticalHash = "XDSNonIdenticalHash";
inline constexpr const char* kNonIdenticalSize = "XDSNonIdenticalSize";
inline constexpr const char* kMissingDocument = "XDSMissingDocument";
inline constexpr const char* kMissingDocumentMetadata = "XDSMissingDocumentMetadata";
inline constexpr const char* kUnknownRepositoryId = "XDSUnknownRepositoryId";
inline constexpr const char* kDocumentUniqueIdError = "XDSDocumentUniqueIdError";
inline constexpr const char* kRegistryError = "XDSRegistryError";      // internal failures only
inline constexpr const char* kRepositoryError = "XDSRepositoryError";  // internal failures only
inline constexpr const char* kUnknownStoredQuery = "XDSUnknownStoredQuery";
inline constexpr const char* kStoredQueryParamNumber = "XDSStoredQueryParamNumber";
inline constexpr const char* kStoredQueryMissingParam = "XDSStoredQueryMissingParam";
inline constexpr const char* kResultNotSinglePatient = "XDSResultNotSinglePatient";
inline constexpr const char* kTooManyResults = "XDSTooManyResults";

// ---- issue 5: lifecycle (ITI TF-2b §3.57.4.1.3.5, ITI TF-3 §4.2.2) ----
inline constexpr const char* kRegistryDeprecatedDocumentError =
    "XDSRegistryDeprecatedDocumentError";
inline constexpr const char* kMetadataUpdateError = "XDSMetadataUpdateError";
inline constexpr const char* kMetadataUpdateOperationError = "XDSMetadataUpdateOperationError";
inline constexpr const char* kMetadataVersionError = "XDSMetadataVersionError";
inline constexpr const char* kMetadataIdentifierError = "XDSMetadataIdentifierError";
inline constexpr const char* kPatientIdReconciliationError = "XDSPatientIDReconciliationError";
inline constexpr const char* kUnmodifiableMetadataError = "UnmodifiableMetadataError";
// ---- end issue 5 ----

// ---- issue 5: ITI-62 (ITI TF-2b §3.62.4.1.3; ebRS 3.0 codes, no XDS prefix) ----
inline constexpr const char* kUnresolvedReference = "UnresolvedReferenceException";
inline constexpr const char* kReferencesExist = "ReferencesExistException";
inline constexpr const char* kUnreferencedObject = "XDSUnreferencedObjectException";
// ---- end ITI-62 ----

}  // namespace passerelle::xds_codes
