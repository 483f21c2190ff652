#pragma once

// Converts the ebXML Registry 2.1 SubmitObjectsRequests of the NIST XDS
// testkit (rs:SubmitObjectsRequest / rim:LeafRegistryObjectList) into the
// ebRIM 3.0 lcm:SubmitObjectsRequest that XDS.b speaks, as the NIST toolkit
// does on the fly before sending. The gateway itself only accepts 3.0.
//
//   - ExtrinsicObject, RegistryPackage, Classification, ExternalIdentifier,
//     Association, Slot/ValueList/Value, Name/Description/LocalizedString
//     are carried over, children in the 3.0 order (Slot, Name, Description,
//     Classification, ExternalIdentifier);
//   - ObjectRef is dropped;
//   - short association types (HasMember, RPLC, XFRM, APND, XFRM_RPLC,
//     signs) become their URNs;
//   - the SubmissionSet status slot of an Association is SubmissionSetStatus;
//   - ids 3.0 requires are generated when missing (Classification,
//     ExternalIdentifier, Association), ExternalIdentifier/@registryObject
//     and nested Classification/@classifiedObject name their parent.
//
// Anything else in the input (an unknown element, another root) throws
// std::runtime_error: a new testkit construct must be mapped on purpose.

#include <functional>
#include <string>
#include <string_view>

namespace passerelle::testing {

inline constexpr const char* kEbRs21 = "urn:oasis:names:tc:ebxml-regrep:registry:xsd:2.1";
inline constexpr const char* kEbRim21 = "urn:oasis:names:tc:ebxml-regrep:rim:xsd:2.1";

struct Ebxml21Options {
  // Called for every ExternalIdentifier with (registryObject, identificationScheme,
  // value as found); returns the value to send. Lets a caller do what the
  // toolkit does: fresh uniqueIds, the test's patient id. Unset = keep.
  std::function<std::string(const std::string& registry_object, const std::string& scheme,
                            const std::string& value)>
      external_identifier_value;
  // Prefix of generated ids ("<prefix><n>"); symbolic ids are fine in XDS.b.
  std::string generated_id_prefix = "ebxml21-";
};

// Full association type URN for a 2.1 short name; URNs are returned as is.
// Throws for an unknown short name.
std::string association_type_urn(const std::string& type);

// XML in, XML out (no XML declaration). The input must parse with
// passerelle::xml::parse (an xml::Runtime must be alive).
std::string ebxml21_to_30(std::string_view xml21, const Ebxml21Options& options = {});

}  // namespace passerelle::testing
