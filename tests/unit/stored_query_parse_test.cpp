#define BOOST_TEST_MODULE stored_query_parse
#include <boost/test/unit_test.hpp>

// query:AdhocQueryRequest parsing and the AdhocQueryResponse body, without
// a database.

#include <string>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/stored_query.hpp"

namespace {

using namespace passerelle;

struct XmlRuntimeFixture {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

registry::StoredQueryRequest parse(const std::string& body) {
  const auto document = xml::parse(body);
  return registry::parse_adhoc_query(document.root());
}

const std::string kRequest =
    "<query:AdhocQueryRequest xmlns:query=\"urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0\" "
    "xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\">"
    "<query:ResponseOption returnComposedObjects=\"true\" returnType=\"LeafClass\"/>"
    "<rim:AdhocQuery id=\"urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d\" home=\"urn:oid:1.2\">"
    "<rim:Slot name=\"$XDSDocumentEntryPatientId\"><rim:ValueList>"
    "<rim:Value>'1^^^&amp;1.2&amp;ISO'</rim:Value></rim:ValueList></rim:Slot>"
    "<rim:Slot name=\"$XDSDocumentEntryStatus\"><rim:ValueList>"
    "<rim:Value>('a', 'b')</rim:Value><rim:Value>('c')</rim:Value></rim:ValueList></rim:Slot>"
    "</rim:AdhocQuery></query:AdhocQueryRequest>";

}  // namespace

BOOST_AUTO_TEST_CASE(reads_query_id_options_and_slots) {
  const auto request = parse(kRequest);
  BOOST_TEST(request.query_id == registry::sq::kFindDocuments);
  BOOST_TEST((request.return_type == registry::ReturnType::LeafClass));
  BOOST_TEST(request.return_composed_objects);
  BOOST_TEST(request.home_community_id == "urn:oid:1.2");
  BOOST_TEST_REQUIRE(request.parameters.size() == 2u);
  BOOST_TEST(request.parameters[0].name == "$XDSDocumentEntryPatientId");
  BOOST_TEST(request.parameters[0].values.at(0) == "'1^^^&1.2&ISO'");
  BOOST_TEST(request.parameters[1].values.size() == 2u);
}

BOOST_AUTO_TEST_CASE(defaults_to_object_ref) {
  std::string body = kRequest;
  body.replace(body.find("<query:ResponseOption"),
               body.find("<rim:AdhocQuery") - body.find("<query:ResponseOption"), "");
  const auto request = parse(body);
  BOOST_TEST((request.return_type == registry::ReturnType::ObjectRef));
  BOOST_TEST(!request.return_composed_objects);
}

BOOST_AUTO_TEST_CASE(a_request_without_adhoc_query_fails) {
  BOOST_CHECK_THROW(parse("<query:AdhocQueryRequest "
                          "xmlns:query=\"urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0\"/>"),
                    Failure);
}

BOOST_AUTO_TEST_CASE(response_failure_carries_registry_errors_and_no_objects) {
  registry::AdhocQueryResponse response;
  response.success = false;
  response.errors.push_back({"XDSStoredQueryParamNumber", Severity::Error, "$x", "a \"b\""});
  response.object_refs.push_back("urn:uuid:1");
  const auto xml = registry::adhoc_query_response_xml(response);
  BOOST_TEST(xml.find("ResponseStatusType:Failure") != std::string::npos);
  BOOST_TEST(xml.find("errorCode=\"XDSStoredQueryParamNumber\"") != std::string::npos);
  BOOST_TEST(xml.find("a &quot;b&quot;") != std::string::npos);
  BOOST_TEST(xml.find("urn:uuid:1") == std::string::npos);
  BOOST_TEST(xml.find("<rim:RegistryObjectList></rim:RegistryObjectList>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(response_success_lists_object_refs_in_order) {
  registry::AdhocQueryResponse response;
  response.object_refs = {"urn:uuid:2", "urn:uuid:1"};
  const auto xml = registry::adhoc_query_response_xml(response);
  BOOST_TEST(xml.find("ResponseStatusType:Success") != std::string::npos);
  BOOST_TEST(xml.find("urn:uuid:2") < xml.find("urn:uuid:1"));
  // Parses as XML.
  BOOST_CHECK_NO_THROW(xml::parse(xml));
}
