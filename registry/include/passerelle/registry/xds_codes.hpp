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

}  // namespace passerelle::xds_codes
