#define BOOST_TEST_MODULE conformance_ebxml
#include <boost/test/unit_test.hpp>

// The testkit's submissions brought to ebRIM 3.0: 2.1 converted, 3.0
// rewritten, ids and identifiers handed to the caller's callbacks.

#include <map>

#include "passerelle/conformance/ebxml21_to_30.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::conformance;

struct XmlRuntimeFixture {
  xml::Runtime runtime;
};

constexpr const char* kLot21 = R"(<rs:SubmitObjectsRequest
    xmlns:rs="urn:oasis:names:tc:ebxml-regrep:registry:xsd:2.1">
  <rim:LeafRegistryObjectList xmlns:rim="urn:oasis:names:tc:ebxml-regrep:rim:xsd:2.1">
    <rim:ObjectRef id="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"/>
    <rim:ExtrinsicObject id="Document01" mimeType="text/plain" lid="$lid$">
      <rim:Name><rim:LocalizedString value="a &amp; b"/></rim:Name>
      <rim:Slot name="creationTime"><rim:ValueList><rim:Value>2004</rim:Value></rim:ValueList></rim:Slot>
      <rim:Classification id="id_1" classificationScheme="urn:uuid:x" nodeRepresentation="c"/>
      <rim:ExternalIdentifier id="id_2" identificationScheme="urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab" value="1.2.3"/>
    </rim:ExtrinsicObject>
    <rim:ExtrinsicObject id="Document02" mimeType="text/plain">
      <rim:Classification id="id_1" classificationScheme="urn:uuid:x" nodeRepresentation="c"/>
    </rim:ExtrinsicObject>
    <rim:Association sourceObject="SubmissionSet01" targetObject="Document01" associationType="HasMember">
      <rim:Slot name="SubmissionSetStatus"><rim:ValueList><rim:Value>Original</rim:Value></rim:ValueList></rim:Slot>
    </rim:Association>
  </rim:LeafRegistryObjectList>
</rs:SubmitObjectsRequest>)";

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

BOOST_AUTO_TEST_CASE(ebxml21_lot_becomes_ebrim30) {
  std::map<std::string, std::string> seen;  // owner|scheme → value
  Ebxml21Options options;
  options.external_identifier_value = [&](const std::string& owner, const std::string& scheme,
                                          const std::string& value) {
    seen[owner + "|" + scheme] = value;
    return std::string("9.9.9");
  };
  options.object_id = [](const std::string& id) { return "urn:uuid:" + id; };
  const auto out = ebxml21_to_30(kLot21, options);
  const auto document = xml::parse(out);
  BOOST_TEST(xml::is_element(document.root(), kEbLcm30, "SubmitObjectsRequest"));
  // ObjectRef dropped, ids mapped, lid mapped, association type expanded.
  BOOST_TEST(out.find("ObjectRef") == std::string::npos);
  BOOST_TEST(out.find("id=\"urn:uuid:Document01\"") != std::string::npos);
  BOOST_TEST(out.find("lid=\"urn:uuid:$lid$\"") != std::string::npos);
  BOOST_TEST(out.find("sourceObject=\"urn:uuid:SubmissionSet01\"") != std::string::npos);
  BOOST_TEST(out.find("urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember") !=
             std::string::npos);
  BOOST_TEST(out.find("value=\"a &amp; b\"") != std::string::npos);
  // The callback saw the owner as written, and its value was sent.
  BOOST_TEST(seen.at("Document01|urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab") == "1.2.3");
  BOOST_TEST(out.find("value=\"9.9.9\"") != std::string::npos);
  // The two nested Classifications both called id_1 get ids of their own.
  BOOST_TEST(out.find("urn:uuid:id_1") == std::string::npos);
  BOOST_TEST(out.find("classifiedObject=\"urn:uuid:Document02\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ebrim30_lot_inside_provide_and_register_is_rewritten) {
  const std::string lot30 =
      R"(<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="urn:ihe:iti:xds-b:2007">
      <lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0">
      <rim:RegistryObjectList xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">
      <rim:ExtrinsicObject id="doc" mimeType="text/plain"><rim:VersionInfo versionName="1"/>
      </rim:ExtrinsicObject></rim:RegistryObjectList></lcm:SubmitObjectsRequest>
      <xdsb:Document id="doc">aGk=</xdsb:Document></xdsb:ProvideAndRegisterDocumentSetRequest>)";
  const auto out = ebxml21_to_30(lot30);
  BOOST_TEST(out.find("<rim:ExtrinsicObject id=\"doc\"") != std::string::npos);
  BOOST_TEST(out.find("<rim:VersionInfo versionName=\"1\"/>") != std::string::npos);
  BOOST_TEST(out.find("xdsb:Document") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_constructs_are_refused_not_dropped) {
  const std::string odd = R"(<rs:SubmitObjectsRequest
      xmlns:rs="urn:oasis:names:tc:ebxml-regrep:registry:xsd:2.1">
      <rim:LeafRegistryObjectList xmlns:rim="urn:oasis:names:tc:ebxml-regrep:rim:xsd:2.1">
      <rim:Federation id="f"/></rim:LeafRegistryObjectList></rs:SubmitObjectsRequest>)";
  BOOST_CHECK_EXCEPTION(ebxml21_to_30(odd), Failure,
                        [](const Failure& f) { return f.error().code == kUnsupportedConstruct; });
  BOOST_CHECK_THROW(association_type_urn("Frobnicates"), Failure);
  BOOST_TEST(association_type_urn("RPLC") == "urn:ihe:iti:2007:AssociationType:RPLC");
  BOOST_TEST(association_type_urn("urn:x") == "urn:x");
}
