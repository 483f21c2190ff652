#define BOOST_TEST_MODULE identifiers
#include "passerelle/registry/identifiers.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "ebrim_fixtures.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace xml = passerelle::xml;
namespace registry = passerelle::registry;
using passerelle::Failure;
using registry::SubmitObjectsRequest;

namespace {

struct XercesFixture {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XercesFixture);

SubmitObjectsRequest fixture() { return passerelle::testing::two_document_request(); }
SubmitObjectsRequest wrap(const std::string& objects) {
  return passerelle::testing::wrap_objects(objects);
}

// Deterministic ids so that assertions can name them.
struct Counter {
  int next = 0;
  std::string operator()() {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "urn:uuid:00000000-0000-4000-8000-%012d", ++next);
    return buffer;
  }
};

std::string uuid(int n) {
  Counter counter{n - 1};
  return counter();
}

}  // namespace

BOOST_AUTO_TEST_CASE(new_uuid_urn_is_random_v4) {
  const std::regex v4(
      "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string id = registry::new_uuid_urn();
    BOOST_TEST(std::regex_match(id, v4), id);
    seen.insert(id);
  }
  BOOST_TEST(seen.size() == 100u);
}

BOOST_AUTO_TEST_CASE(fixture_ids_are_replaced_everywhere) {
  SubmitObjectsRequest request = fixture();
  Counter counter;
  const auto assigned = registry::assign_uuids(request, std::ref(counter));
  // Per document: object, 7 classifications, 2 external identifiers; the set: object, 2
  // classifications, 3 external identifiers; the node classification; 2 associations.
  BOOST_TEST(assigned.size() == 29u);
  BOOST_TEST(assigned.at("Document01") == uuid(1));
  BOOST_TEST(assigned.at("cl0101") == uuid(2));
  BOOST_TEST(assigned.at("ei0102") == uuid(10));
  BOOST_TEST(assigned.at("Document02") == uuid(11));
  BOOST_TEST(assigned.at("SubmissionSet01") == uuid(21));
  BOOST_TEST(assigned.at("cl0803") == uuid(27));
  BOOST_TEST(assigned.at("as02") == uuid(29));

  const auto& doc = request.objects[0];
  BOOST_TEST(doc.id == uuid(1));
  BOOST_TEST(doc.classifications[0].id == uuid(2));
  BOOST_TEST(doc.classifications[0].classified_object == uuid(1));
  BOOST_TEST(doc.external_identifiers[1].id == uuid(10));
  BOOST_TEST(doc.external_identifiers[1].registry_object == uuid(1));
  BOOST_TEST(request.objects[2].external_identifiers[2].registry_object == uuid(21));
  const auto& node = request.objects[3];
  BOOST_TEST(node.id == uuid(27));
  BOOST_TEST(node.classification->id == uuid(27));
  BOOST_TEST(node.classification->classified_object == uuid(21));
  BOOST_TEST(request.objects[5].id == uuid(29));
  BOOST_TEST(request.objects[5].source_object == uuid(21));
  BOOST_TEST(request.objects[5].target_object == uuid(11));
  // Values that merely look like ids are data, not references.
  BOOST_TEST(doc.external_identifiers[1].value == "1.2.250.1.999.1.1.20240502.1");

  const auto dangling = registry::find_dangling_references(request);
  BOOST_TEST(dangling.uuids.empty());
  BOOST_TEST(dangling.errors.empty());
}

BOOST_AUTO_TEST_CASE(uuid_ids_are_kept) {
  const std::string a = "urn:uuid:aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
  SubmitObjectsRequest request =
      wrap("<rim:ExtrinsicObject id='" + a +
           "'><rim:Classification id='c1' classificationScheme='urn:s' classifiedObject='" + a +
           "' nodeRepresentation='x'/></rim:ExtrinsicObject>"
           "<rim:Association id='as' associationType='urn:t' sourceObject='" +
           a + "' targetObject='urn:uuid:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'/>");
  Counter counter;
  const auto assigned = registry::assign_uuids(request, std::ref(counter));
  BOOST_TEST(assigned.size() == 2u);
  BOOST_TEST(assigned.at("c1") == uuid(1));
  BOOST_TEST(assigned.at("as") == uuid(2));
  BOOST_TEST(request.objects[0].id == a);
  BOOST_TEST(request.objects[0].classifications[0].classified_object == a);
  BOOST_TEST(request.objects[1].source_object == a);
  BOOST_TEST(request.objects[1].target_object == "urn:uuid:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb");
}

BOOST_AUTO_TEST_CASE(id_defined_twice_is_refused) {
  const auto expect_duplicate = [](const std::string& objects, const std::string& id) {
    SubmitObjectsRequest request = wrap(objects);
    const SubmitObjectsRequest before = request;
    try {
      registry::assign_uuids(request, Counter{});
    } catch (const Failure& failure) {
      BOOST_TEST(failure.error().code == passerelle::xds_codes::kRegistryMetadataError);
      BOOST_TEST(failure.error().location == id);
      BOOST_TEST(failure.error().message ==
                 "id '" + id + "' is defined by more than one object of the submission");
      BOOST_TEST((request == before));
      return;
    }
    BOOST_ERROR("no Failure for a duplicate " << id);
  };
  expect_duplicate("<rim:ExtrinsicObject id='D'/><rim:ExtrinsicObject id='D'/>", "D");
  expect_duplicate(
      "<rim:ExtrinsicObject id='D'><rim:Classification id='D' classificationScheme='urn:s'"
      " classifiedObject='D' nodeRepresentation=''/></rim:ExtrinsicObject>",
      "D");
  expect_duplicate(
      "<rim:RegistryPackage id='urn:uuid:aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'/>"
      "<rim:RegistryPackage id='P'><rim:ExternalIdentifier "
      "id='urn:uuid:aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' identificationScheme='urn:s'"
      " registryObject='P' value='v'/></rim:RegistryPackage>",
      "urn:uuid:aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa");
}

BOOST_AUTO_TEST_CASE(object_refs_define_nothing) {
  const std::string ref = "urn:uuid:cccccccc-cccc-4ccc-8ccc-cccccccccccc";
  SubmitObjectsRequest request =
      wrap("<rim:ObjectRef id='" + ref + "'/><rim:ObjectRef id='" + ref +
           "'/><rim:Association id='as' associationType='urn:t' sourceObject='S' targetObject='" +
           ref + "'/><rim:RegistryPackage id='S'/>");
  Counter counter;
  const auto assigned = registry::assign_uuids(request, std::ref(counter));
  BOOST_TEST(assigned.size() == 2u);
  const auto dangling = registry::find_dangling_references(request);
  BOOST_TEST(dangling.uuids == std::vector<std::string>{ref}, boost::test_tools::per_element());
  BOOST_TEST(dangling.errors.empty());
}

BOOST_AUTO_TEST_CASE(dangling_references) {
  const std::string x = "urn:uuid:dddddddd-dddd-4ddd-8ddd-dddddddddddd";
  const std::string y = "urn:uuid:eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee";
  const SubmitObjectsRequest request = wrap(
      "<rim:RegistryPackage id='S'><rim:ExternalIdentifier id='e1' identificationScheme='urn:s'"
      " registryObject='Elsewhere' value='v'/></rim:RegistryPackage>"
      "<rim:Association id='a1' associationType='urn:t' sourceObject='S' targetObject='" +
      x +
      "'/>"
      "<rim:Association id='a2' associationType='urn:t' sourceObject='" +
      y + "' targetObject='" + x +
      "'/>"
      "<rim:Association id='a3' associationType='urn:t' sourceObject='S' targetObject='Doc9'/>"
      "<rim:Classification id='c1' classifiedObject='Folder9' classificationNode='urn:n'/>");
  const auto dangling = registry::find_dangling_references(request);
  BOOST_TEST(dangling.uuids == (std::vector<std::string>{x, y}), boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(dangling.errors.size() == 3u);
  const std::string tail =
      "' names no object of the submission and is not a urn:uuid that could name one in the "
      "registry";
  BOOST_TEST((dangling.errors[0] == passerelle::Error{passerelle::xds_codes::kRegistryMetadataError,
                                                      passerelle::Severity::Error, "e1",
                                                      "'Elsewhere" + tail}));
  BOOST_TEST(dangling.errors[1].location == "a3");
  BOOST_TEST(dangling.errors[1].message == "'Doc9" + tail);
  BOOST_TEST(dangling.errors[2].location == "c1");
  BOOST_TEST(dangling.errors[2].message == "'Folder9" + tail);
}
