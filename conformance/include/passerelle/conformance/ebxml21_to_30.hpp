#pragma once

// Brings a testkit submission to the ebRIM 3.0 lcm:SubmitObjectsRequest that
// XDS.b speaks, rewriting identifiers on the way as the NIST toolkit does
// before sending. Accepted inputs:
//   - ebXML Registry 2.1 rs:SubmitObjectsRequest / rim:LeafRegistryObjectList
//     (most of the testkit): converted;
//   - ebRIM 3.0 lcm:SubmitObjectsRequest, bare or inside an
//     xdsb:ProvideAndRegisterDocumentSetRequest: rewritten the same way.
//
//   - ExtrinsicObject, RegistryPackage, Classification, ExternalIdentifier,
//     Association, Slot/ValueList/Value, Name/Description/LocalizedString,
//     VersionInfo are carried over, children in the 3.0 order (Slot, Name,
//     Description, VersionInfo, Classification, ExternalIdentifier);
//   - ObjectRef is dropped (a 3.0 registry knows its own objects);
//   - short association types (HasMember, RPLC, XFRM, APND, XFRM_RPLC,
//     signs) become their URNs;
//   - the SubmissionSet status slot of an Association is SubmissionSetStatus;
//   - ids 3.0 requires are generated when missing (Classification,
//     ExternalIdentifier, Association), ExternalIdentifier/@registryObject
//     and nested Classification/@classifiedObject name their parent.
//
// Anything else (an unknown element, another root) throws Failure with code
// kUnsupportedConstruct: a new testkit construct must be mapped on purpose.

#include <functional>
#include <string>
#include <string_view>

namespace passerelle::conformance {

inline constexpr const char* kEbRs21 = "urn:oasis:names:tc:ebxml-regrep:registry:xsd:2.1";
inline constexpr const char* kEbRim21 = "urn:oasis:names:tc:ebxml-regrep:rim:xsd:2.1";
inline constexpr const char* kEbRim30 = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";
inline constexpr const char* kEbLcm30 = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0";
inline constexpr const char* kUnsupportedConstruct = "ConformanceUnsupportedConstruct";

struct Ebxml21Options {
  // Called for every ExternalIdentifier with (registryObject, identificationScheme,
  // value as found); returns the value to send. Lets a caller do what the
  // toolkit does: fresh uniqueIds, the test's patient id. Unset = keep.
  std::function<std::string(const std::string& registry_object, const std::string& scheme,
                            const std::string& value)>
      external_identifier_value;
  // Called for every id, lid and reference to an id (sourceObject,
  // targetObject, classifiedObject, registryObject); returns the id to send.
  // Lets a caller give symbolic ids fresh UUIDs. Unset = keep.
  std::function<std::string(const std::string& id)> object_id;
  // Prefix of generated ids ("<prefix><n>"); symbolic ids are fine in XDS.b.
  std::string generated_id_prefix = "ebxml21-";
};

// Full association type URN for a 2.1 short name; URNs are returned as is.
// Throws Failure for an unknown short name.
std::string association_type_urn(const std::string& type);

// XML in, XML out (no XML declaration). The input must parse with
// passerelle::xml::parse (an xml::Runtime must be alive).
std::string ebxml21_to_30(std::string_view xml, const Ebxml21Options& options = {});

}  // namespace passerelle::conformance
