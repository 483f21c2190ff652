#pragma once

// Identifiers fixed by ITI TF-3 §4.2.5 (classification schemes, external
// identifier schemes, object types, association types, status values).

namespace passerelle::registry::vocab {

// Object types
inline constexpr const char* kStableDocumentEntry = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1";
inline constexpr const char* kOnDemandDocumentEntry =
    "urn:uuid:34268e47-fdf5-41a6-ba33-82133c465248";
inline constexpr const char* kSubmissionSetNode = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";
inline constexpr const char* kFolderNode = "urn:uuid:d9d542f3-6cc4-48b6-8870-ea235fbc94c2";
inline constexpr const char* kRegistryPackageType =
    "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage";
inline constexpr const char* kAssociationType =
    "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Association";
inline constexpr const char* kClassificationType =
    "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification";
inline constexpr const char* kExternalIdentifierType =
    "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExternalIdentifier";

// DocumentEntry classification schemes
inline constexpr const char* kDocAuthor = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d";
inline constexpr const char* kDocClassCode = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a";
inline constexpr const char* kDocConfidentialityCode =
    "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f";
inline constexpr const char* kDocEventCode = "urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4";
inline constexpr const char* kDocFormatCode = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d";
inline constexpr const char* kDocHealthcareFacilityTypeCode =
    "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1";
inline constexpr const char* kDocPracticeSettingCode =
    "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead";
inline constexpr const char* kDocTypeCode = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983";
inline constexpr const char* kDocPatientId = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427";
inline constexpr const char* kDocUniqueId = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab";

// SubmissionSet
inline constexpr const char* kSetAuthor = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d";
inline constexpr const char* kSetContentTypeCode = "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500";
inline constexpr const char* kSetPatientId = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446";
inline constexpr const char* kSetSourceId = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832";
inline constexpr const char* kSetUniqueId = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8";

// Folder
inline constexpr const char* kFolderCodeList = "urn:uuid:1ba97051-7806-41a8-a48b-8fce7af683c5";
inline constexpr const char* kFolderPatientId = "urn:uuid:f64ffdf0-4b97-4e06-b79f-a52b38ec2f8a";
inline constexpr const char* kFolderUniqueId = "urn:uuid:75df8f67-9973-4fbe-a900-df66cefecc5a";

// Association types
inline constexpr const char* kHasMember =
    "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember";
inline constexpr const char* kReplace = "urn:ihe:iti:2007:AssociationType:RPLC";
inline constexpr const char* kTransform = "urn:ihe:iti:2007:AssociationType:XFRM";
inline constexpr const char* kAppend = "urn:ihe:iti:2007:AssociationType:APND";
inline constexpr const char* kTransformReplace = "urn:ihe:iti:2007:AssociationType:XFRM_RPLC";
inline constexpr const char* kSigns = "urn:ihe:iti:2007:AssociationType:signs";
inline constexpr const char* kIsSnapshotOf = "urn:ihe:iti:2010:AssociationType:IsSnapshotOf";
inline constexpr const char* kUpdateAvailabilityStatus =
    "urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus";

// Status values (ebRS and the CI-SIS extensions, JDV_J52)
inline constexpr const char* kApproved = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
inline constexpr const char* kDeprecated = "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated";
inline constexpr const char* kSubmitted = "urn:oasis:names:tc:ebxml-regrep:StatusType:Submitted";
inline constexpr const char* kArchived = "urn:asip:ci-sis:2010:StatusType:Archived";
inline constexpr const char* kDeleted = "urn:asip:ci-sis:2010:StatusType:Deleted";

// Response status
inline constexpr const char* kResponseSuccess =
    "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success";
inline constexpr const char* kResponseFailure =
    "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure";
inline constexpr const char* kResponsePartialSuccess =
    "urn:ihe:iti:2007:ResponseStatusType:PartialSuccess";
inline constexpr const char* kSeverityError =
    "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error";
inline constexpr const char* kSeverityWarning =
    "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning";

// IHE DSG lot signatures (dmp-xds-mapping.md §8): the signature
// DocumentEntry's classCode and its two accepted formatCodes (DSG detached,
// and the plain XML-DSig one the DMP's reference clients send).
inline constexpr const char* kDsgClassCode = "urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1";
inline constexpr const char* kDsgDetachedFormat = "urn:ihe:iti:dsg:detached:2014";
inline constexpr const char* kDsgDetachedFormatScheme = "1.3.6.1.4.1.19376.1.2.3";
inline constexpr const char* kXmlDsigFormat = "http://www.w3.org/2000/09/xmldsig#";

}  // namespace passerelle::registry::vocab
