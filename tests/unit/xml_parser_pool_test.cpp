#define BOOST_TEST_MODULE xml_parser_pool
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"

namespace xml = passerelle::xml;
namespace codes = passerelle::codes;
using passerelle::Failure;

namespace {

struct XercesFixture {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XercesFixture);

passerelle::Error error_of(const xml::ParserPool* pool, std::string_view bytes,
                           const xml::Limits& limits = {}, std::string_view location = "input") {
  try {
    xml::parse(pool, bytes, limits, location);
  } catch (const Failure& f) {
    return f.error();
  }
  BOOST_FAIL("parse succeeded but should have failed");
  return {};
}

std::string utf16(std::string_view ascii) {
  std::u16string text = u"\uFEFF";
  for (const char c : ascii) text.push_back(static_cast<char16_t>(c));
  return std::string(reinterpret_cast<const char*>(text.data()), text.size() * 2);
}

}  // namespace

// One idle parser at most: every parse after the first reuses the same one.
BOOST_AUTO_TEST_CASE(a_reused_parser_gives_independent_documents) {
  const xml::ParserPool pool(1);
  const auto first = pool.parse("<a xmlns='urn:x'>one</a>");
  const auto second = pool.parse("<b>two</b>");
  const auto third = pool.parse("<c>three</c>");
  BOOST_TEST(xml::local_name(first.root()) == "a");
  BOOST_TEST(xml::namespace_uri(first.root()) == "urn:x");
  BOOST_TEST(xml::text_content(first.root()) == "one");
  BOOST_TEST(xml::text_content(second.root()) == "two");
  BOOST_TEST(xml::text_content(third.root()) == "three");
}

BOOST_AUTO_TEST_CASE(every_wall_holds_on_a_reused_parser) {
  const xml::ParserPool pool(1);
  BOOST_CHECK_NO_THROW(pool.parse("<warm/>"));
  BOOST_TEST(error_of(&pool, "<!DOCTYPE a><a/>").code == codes::kForbiddenXmlConstruct);
  // UTF-16 goes past the byte pre-scan, to the reused scanner's callbacks.
  BOOST_TEST(error_of(&pool, utf16("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>")).code ==
             codes::kForbiddenXmlConstruct);
  BOOST_TEST(error_of(&pool, utf16("<!DOCTYPE a SYSTEM 'file:///etc/passwd'><a/>")).code ==
             codes::kForbiddenXmlConstruct);
  BOOST_TEST(error_of(&pool, "<a><b></a>").code == codes::kMalformedXml);
  BOOST_CHECK_NO_THROW(pool.parse("<still><fine/></still>"));
}

BOOST_AUTO_TEST_CASE(limits_and_location_are_those_of_each_call) {
  const xml::ParserPool pool(1);
  const std::string four_deep = "<a><b><c><d x='1' y='2'/></c></b></a>";
  xml::Limits shallow;
  shallow.max_depth = 3;
  const auto deep = error_of(&pool, four_deep, shallow, "first");
  BOOST_TEST(deep.code == codes::kXmlLimitExceeded);
  BOOST_TEST(deep.location.rfind("first, line 1", 0) == 0u, deep.location);
  BOOST_CHECK_NO_THROW(pool.parse(four_deep));
  xml::Limits one_attribute;
  one_attribute.max_attributes_per_element = 1;
  const auto attributes = error_of(&pool, four_deep, one_attribute, "second");
  BOOST_TEST(attributes.code == codes::kXmlLimitExceeded);
  BOOST_TEST(attributes.location.rfind("second, line 1", 0) == 0u, attributes.location);
  xml::Limits small;
  small.max_bytes = 8;
  BOOST_TEST(error_of(&pool, four_deep, small).code == codes::kXmlLimitExceeded);
  // Depth counts from zero again after a parse stopped deep inside.
  xml::Limits exact;
  exact.max_depth = 4;
  BOOST_CHECK_NO_THROW(pool.parse(four_deep, exact));
}

BOOST_AUTO_TEST_CASE(errors_are_exactly_those_of_xml_parse) {
  const xml::ParserPool pool(2);
  const std::vector<std::string> inputs = {"<!DOCTYPE a><a/>",
                                           "<a><b></a>",
                                           "<a>&unknown;</a>",
                                           "",
                                           "<a/><b/>",
                                           "text",
                                           utf16("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>")};
  for (const auto& input : inputs) {
    const auto pooled = error_of(&pool, input);
    const auto fresh = error_of(nullptr, input);
    BOOST_TEST(pooled.code == fresh.code, input);
    BOOST_TEST(pooled.location == fresh.location, input);
    BOOST_TEST(pooled.message == fresh.message, input);
  }
}

BOOST_AUTO_TEST_CASE(only_parsers_that_read_small_inputs_are_kept) {
  const xml::ParserPool pool(4, 1024);
  BOOST_TEST(pool.idle() == 0u);
  pool.parse("<small/>");
  BOOST_TEST(pool.idle() == 1u);
  // More than 1024 bytes: parsed, and its parser (with grown buffers) dropped.
  const auto big = pool.parse("<big>" + std::string(4096, 'x') + "</big>");
  BOOST_TEST(xml::text_content(big.root()).size() == 4096u);
  BOOST_TEST(pool.idle() == 0u);
  BOOST_CHECK_THROW(pool.parse("<bad>"), Failure);
  BOOST_TEST(pool.idle() == 0u);  // a parser whose parse threw is not kept
  pool.parse("<small/>");
  BOOST_TEST(pool.idle() == 1u);
}

BOOST_AUTO_TEST_CASE(threads_share_one_pool) {
  const xml::ParserPool pool(2);
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string text = std::to_string(t) + "-" + std::to_string(i);
        try {
          const auto document = pool.parse("<v n='" + text + "'>" + text + "</v>");
          if (xml::text_content(document.root()) != text) ++wrong[t];
          if (i % 50 == 0) {
            pool.parse("<broken>");  // throws; its parser is dropped
            ++wrong[t];
          }
        } catch (const Failure& f) {
          if (f.error().code != codes::kMalformedXml || i % 50 != 0) ++wrong[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) BOOST_TEST(wrong[t] == 0, "thread " << t);
}
