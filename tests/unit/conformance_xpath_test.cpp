#define BOOST_TEST_MODULE conformance_xpath
#include <boost/test/unit_test.hpp>

// The XPath subset of the testkit's Report and Assert expressions, on the
// shapes the testkit uses.

#include "passerelle/conformance/xpath.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::conformance;

struct XmlRuntimeFixture {
  xml::Runtime runtime;
};

constexpr const char* kLog = R"(<TestResults>
<TestStep id="verify_by_query"><StoredQueryTransaction><Result>
<q:AdhocQueryResponse xmlns:q="urn:q" xmlns:rim="urn:rim" status="urn:x:Success">
<rim:RegistryObjectList>
 <rim:ExtrinsicObject id="orig" lid="orig" status="urn:s:Deprecated">
  <rim:Slot name="repositoryUniqueId"><rim:ValueList><rim:Value>1.2.3</rim:Value></rim:ValueList></rim:Slot>
  <rim:VersionInfo versionName="1"/>
  <rim:ExternalIdentifier identificationScheme="urn:uuid:2e82" value="9.9"/>
 </rim:ExtrinsicObject>
 <rim:ExtrinsicObject id="upd" lid="orig" status="urn:s:Approved">
  <rim:VersionInfo versionName="2"/>
  <rim:ExternalIdentifier identificationScheme="urn:uuid:2e82" value="9.9"/>
 </rim:ExtrinsicObject>
 <rim:Association id="a1" sourceObject="orig" targetObject="upd" associationType="urn:RPLC"/>
</rim:RegistryObjectList></q:AdhocQueryResponse></Result></StoredQueryTransaction></TestStep>
</TestResults>)";

bool holds(const std::string& expression) {
  const auto document = xml::parse(kLog);
  return xpath_boolean(document.dom(), expression);
}

std::string value(const std::string& expression) {
  const auto document = xml::parse(kLog);
  return xpath_string(document.dom(), expression);
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

BOOST_AUTO_TEST_CASE(report_expressions) {
  BOOST_TEST(value("//*[local-name()='ExtrinsicObject'][1]/@id") == "orig");
  BOOST_TEST(value("//*[local-name()='ExtrinsicObject']/*[local-name()='Slot'][@name="
                   "'repositoryUniqueId']/*[local-name()='ValueList']/*[local-name()='Value']") ==
             "1.2.3");
  BOOST_TEST(value("string(//*[local-name()='Association'][1]/@associationType)") == "urn:RPLC");
}

BOOST_AUTO_TEST_CASE(assertion_expressions) {
  BOOST_TEST(holds("count(//*[local-name()='ExtrinsicObject'][@lid=\"orig\"]) = 2"));
  BOOST_TEST(holds("count(//*[local-name()='ExtrinsicObject'][@id=\"orig\"]) = 1"));
  BOOST_TEST(!holds("count(//*[local-name()='ExtrinsicObject'][@id=\"orig\"]) = 2"));
  BOOST_TEST(
      holds("//*[local-name()='ExtrinsicObject'][@id=\"upd\"]/*[local-name()="
            "'VersionInfo']/@versionName = '2'"));
  BOOST_TEST(holds("'orig' = //*[local-name()='ExtrinsicObject'][@id=\"orig\"]/@lid"));
  BOOST_TEST(holds("'upd' != //*[local-name()='ExtrinsicObject'][@id=\"upd\"]/@lid"));
  BOOST_TEST(
      holds("//*[local-name()='ExtrinsicObject'][@id=\"orig\"]/*[local-name()="
            "'ExternalIdentifier'][@identificationScheme='urn:uuid:2e82']/@value\n = \n"
            "//*[local-name()='ExtrinsicObject'][@id=\"upd\"]/*[local-name()="
            "'ExternalIdentifier'][@identificationScheme='urn:uuid:2e82']/@value"));
  BOOST_TEST(holds("count(//TestStep[@id='verify_by_query']//*[local-name()='Association']) = 1"));
  BOOST_TEST(
      holds("substring(//TestStep[@id=\"verify_by_query\"]/StoredQueryTransaction/Result/"
            "*[local-name()='AdhocQueryResponse']/@status,1,6)=\"urn:x:\""));
  BOOST_TEST(holds("not(//*[local-name()='Nothing']) and true()"));
  BOOST_TEST(holds("count(//*[local-name()='ExtrinsicObject']) > 1 or false()"));
}

// The testkit's folder Reports (12001, 20000…): the RegistryPackage that has
// a descendant ExternalIdentifier of a scheme, not any RegistryPackage.
BOOST_AUTO_TEST_CASE(descendant_and_other_element_axes) {
  const auto document = xml::parse(kLog);
  BOOST_TEST(xpath_string(document.dom(),
                          "//*[local-name()='ExtrinsicObject' and descendant::*[local-name()="
                          "'Slot'][@name='repositoryUniqueId']]/@id") == "orig");
  BOOST_TEST(
      xpath_string(document.dom(),
                   "//*[local-name()='ExtrinsicObject'][descendant::*[@versionName='2']]/@id") ==
      "upd");
  BOOST_TEST(holds("count(/TestResults/descendant::*[local-name()='VersionInfo']) = 2"));
  BOOST_TEST(holds("count(/TestResults/TestStep/child::StoredQueryTransaction) = 1"));
  BOOST_TEST(holds("count(//*[local-name()='Association']/self::*) = 1"));
  BOOST_TEST(holds("count(//*[@id='upd']/descendant-or-self::*[@lid='orig']) = 1"));
  BOOST_TEST(holds("//*[local-name()='Association']/attribute::sourceObject = 'orig'"));
  BOOST_TEST(!holds("//*[local-name()='VersionInfo' and descendant::*]"));
}

BOOST_AUTO_TEST_CASE(unsupported_constructs_say_so) {
  const auto document = xml::parse(kLog);
  for (const char* expression : {"$v = 1", "ancestor::TestStep", "//a | //b", "sum(//a)"}) {
    BOOST_CHECK_EXCEPTION(xpath_boolean(document.dom(), expression), Failure,
                          [](const Failure& f) { return f.error().code == kUnsupportedXPath; });
  }
}
