#define BOOST_TEST_MODULE conformance_expected_contents
#include <boost/test/unit_test.hpp>

// Each ExpectedContents checker of the testkit on a stored-query answer.

#include "passerelle/conformance/expected_contents.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::conformance;

struct XmlRuntimeFixture {
  xml::Runtime runtime;
};

constexpr const char* kSs = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";
constexpr const char* kFol = "urn:uuid:d9d542f3-6cc4-48b6-8870-ea235fbc94c2";
constexpr const char* kApproved = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
constexpr const char* kDeprecated = "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated";
constexpr const char* kHasMember = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember";

std::string doc(const std::string& id, const std::string& status = kApproved) {
  return "<rim:ExtrinsicObject id=\"" + id + "\" status=\"" + status + "\"/>";
}
std::string package(const std::string& id, const std::string& node) {
  return "<rim:RegistryPackage id=\"" + id + "\" status=\"" + kApproved +
         "\"><rim:Classification classificationNode=\"" + node + "\" classifiedObject=\"" + id +
         "\"/></rim:RegistryPackage>";
}
std::string member(const std::string& from, const std::string& to,
                   const std::string& type = kHasMember) {
  return "<rim:Association id=\"a-" + to + "\" associationType=\"" + type + "\" sourceObject=\"" +
         from + "\" targetObject=\"" + to + "\"/>";
}

std::vector<ReturnedObject> answer(const std::string& objects) {
  const auto document = xml::parse(
      "<q:AdhocQueryResponse xmlns:q=\"urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0\" "
      "xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\"><rim:RegistryObjectList>" +
      objects + "</rim:RegistryObjectList></q:AdhocQueryResponse>");
  return returned_objects(document.root());
}

ContentCheck check(const std::string& name, const std::string& count = "") {
  ContentCheck out;
  out.name = name;
  if (!count.empty()) out.attributes["count"] = count;
  return out;
}

bool passes(const ContentCheck& c, const std::vector<ReturnedObject>& objects) {
  return !check_contents(c, objects).has_value();
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

BOOST_AUTO_TEST_CASE(objects_are_classified) {
  const auto objects = answer(doc("d1") + package("s1", kSs) + package("f1", kFol) +
                              member("s1", "d1") + "<rim:ObjectRef id=\"x\"/>");
  BOOST_TEST_REQUIRE(objects.size() == 5u);
  BOOST_TEST(objects[0].kind == "DocumentEntry");
  BOOST_TEST(objects[1].kind == "SubmissionSet");
  BOOST_TEST(objects[2].kind == "Folder");
  BOOST_TEST(objects[3].kind == "Association");
  BOOST_TEST(objects[3].source == "s1");
  BOOST_TEST(objects[4].kind == "ObjectRef");
}

BOOST_AUTO_TEST_CASE(counts) {
  const auto objects = answer(doc("d1") + doc("d2") + package("s1", kSs) + package("f1", kFol) +
                              member("s1", "d1") + member("s1", "d2"));
  BOOST_TEST(passes(check("Documents", "2"), objects));
  BOOST_TEST(!passes(check("Documents", "1"), objects));
  BOOST_TEST(*check_contents(check("Documents", "1"), objects) ==
             "expected 1 DocumentEntry(s), got 2");
  BOOST_TEST(passes(check("SubmissionSets", "1"), objects));
  BOOST_TEST(passes(check("Folders", "1"), objects));
  BOOST_TEST(passes(check("Associations", "2"), objects));
  BOOST_TEST(passes(check("ObjectRefs", "0"), objects));
  BOOST_TEST(passes(check("ObjectRefs", "2"),
                    answer("<rim:ObjectRef id=\"a\"/><rim:ObjectRef id=\"b\"/>")));
  BOOST_CHECK_THROW(check_contents(check("Documents"), objects), passerelle::Failure);
}

BOOST_AUTO_TEST_CASE(none) {
  BOOST_TEST(passes(check("None"), answer("")));
  BOOST_TEST(!passes(check("None"), answer("<rim:ObjectRef id=\"a\"/>")));
}

BOOST_AUTO_TEST_CASE(submission_set_shapes) {
  const auto one = answer(package("s1", kSs) + doc("d1") + member("s1", "d1"));
  BOOST_TEST(passes(check("SSwithOneDoc"), one));
  BOOST_TEST(!passes(check("SSwithTwoDoc"), one));
  BOOST_TEST(!passes(check("SSwithOneDoc"), answer(package("s1", kSs) + doc("d1"))));
  const auto two_and_folder =
      answer(package("s1", kSs) + doc("d1") + doc("d2") + package("f1", kFol) + member("s1", "d1") +
             member("s1", "d2") + member("s1", "f1"));
  BOOST_TEST(passes(check("SSwithTwoDocOneFol"), two_and_folder));
  BOOST_TEST(!passes(check("SSwithOneDocOneFol"), two_and_folder));
  BOOST_TEST(passes(check("SSwithOneDocOneFol"),
                    answer(package("s1", kSs) + doc("d1") + package("f1", kFol) +
                           member("s1", "d1") + member("s1", "f1"))));
  BOOST_TEST(passes(check("SSwithOneFol"),
                    answer(package("s1", kSs) + package("f1", kFol) + member("s1", "f1"))));
  BOOST_TEST(passes(check("SSwithTwoDoc"), answer(package("s1", kSs) + doc("d1") + doc("d2") +
                                                  member("s1", "d1") + member("s1", "d2"))));
}

BOOST_AUTO_TEST_CASE(statuses) {
  const auto approved = answer(doc("d1") + doc("d2"));
  const auto mixed = answer(doc("d1") + doc("d2", kDeprecated));
  const auto deprecated = answer(doc("d1", kDeprecated));
  BOOST_TEST(passes(check("DocApp"), approved));
  BOOST_TEST(!passes(check("DocApp"), mixed));
  BOOST_TEST(passes(check("DocApp"), answer("")));  // 30006 pairs it with Documents count=0
  BOOST_TEST(passes(check("DocDep"), deprecated));
  BOOST_TEST(!passes(check("DocDep"), mixed));
  BOOST_TEST(passes(check("OneDocDep"), deprecated));
  BOOST_TEST(!passes(check("OneDocApp"), approved));
  BOOST_TEST(passes(check("OneDocApp"), answer(doc("d1"))));
  BOOST_TEST(passes(check("FolApp"), answer(package("f1", kFol))));
  BOOST_TEST(passes(check("SSApproved"), answer(package("s1", kSs))));
}

BOOST_AUTO_TEST_CASE(xfrm_rplc_and_unknown_checkers) {
  BOOST_TEST(passes(check("HasXFRM_RPLC"),
                    answer(member("d2", "d1", "urn:ihe:iti:2007:AssociationType:XFRM_RPLC"))));
  BOOST_TEST(!passes(check("HasXFRM_RPLC"), answer(member("s1", "d1"))));
  BOOST_CHECK_EXCEPTION(
      check_contents(check("DocumentEntries"), answer("")), passerelle::Failure,
      [](const passerelle::Failure& f) { return f.error().code == kUnsupportedCheck; });
}
