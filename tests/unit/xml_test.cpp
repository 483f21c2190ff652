#define BOOST_TEST_MODULE xml
#include "passerelle/core/xml.hpp"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml_utf8.hpp"

namespace xml = passerelle::xml;
namespace codes = passerelle::codes;
using passerelle::Failure;

namespace {

struct XercesFixture {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XercesFixture);

// Parses (through `pool` when given) and returns the Failure it must throw;
// fails the test otherwise.
passerelle::Error parse_error(std::string_view bytes, const xml::Limits& limits = {},
                              const xml::ParserPool* pool = nullptr,
                              std::string_view location = "input") {
  try {
    xml::parse(pool, bytes, limits, location);
  } catch (const Failure& f) {
    return f.error();
  }
  BOOST_FAIL("parse succeeded but should have failed");
  return {};
}

// A file whose content must never show up in a parse result or error.
class SecretFile {
 public:
  SecretFile() {
    path_ = std::filesystem::temp_directory_path() /
            ("passerelle-xml-secret-" + std::to_string(::getpid()));
    std::ofstream(path_) << kSecret;
  }
  ~SecretFile() { std::filesystem::remove(path_); }
  std::string uri() const { return "file://" + path_.string(); }
  static constexpr const char* kSecret = "TOP-SECRET-4f1c9a";

 private:
  std::filesystem::path path_;
};

void check_secret_absent(std::string_view bytes) {
  try {
    const xml::Document doc = xml::parse(bytes);
    BOOST_CHECK(xml::serialize(doc.dom()).find(SecretFile::kSecret) == std::string::npos);
    BOOST_FAIL("document with an external entity was accepted");
  } catch (const Failure& f) {
    BOOST_TEST(f.error().code == codes::kForbiddenXmlConstruct);
    BOOST_TEST(f.error().message.find(SecretFile::kSecret) == std::string::npos);
    BOOST_TEST(std::string(f.what()).find(SecretFile::kSecret) == std::string::npos);
  }
}

std::string utf16(std::string_view ascii) {
  std::u16string text = u"\uFEFF";
  for (const char c : ascii) text.push_back(static_cast<char16_t>(c));
  return std::string(reinterpret_cast<const char*>(text.data()), text.size() * 2);
}

}  // namespace

BOOST_AUTO_TEST_CASE(parses_namespaced_document) {
  const xml::Document doc = xml::parse(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<a:root xmlns:a="urn:a" xmlns="urn:default" id="1"><child>x &amp; y</child><a:other/></a:root>)");
  const auto& root = doc.root();
  BOOST_TEST(xml::local_name(root) == "root");
  BOOST_TEST(xml::namespace_uri(root) == "urn:a");
  BOOST_TEST(xml::is_element(root, "urn:a", "root"));
  BOOST_TEST(!xml::is_element(root, "urn:b", "root"));
  BOOST_TEST(xml::attribute(root, "id").value() == "1");
  BOOST_TEST(!xml::attribute(root, "missing").has_value());
  BOOST_TEST(xml::child_elements(root).size() == 2u);
  auto* child = xml::first_child_element(root, "urn:default", "child");
  BOOST_REQUIRE(child != nullptr);
  BOOST_TEST(xml::text_content(*child) == "x & y");
  BOOST_TEST(xml::child_elements(root, "urn:a", "other").size() == 1u);
  BOOST_TEST(xml::first_child_element(root, "urn:a", "child") == nullptr);
}

BOOST_AUTO_TEST_CASE(namespaced_attribute_lookup) {
  const xml::Document doc = xml::parse(R"(<r xmlns:p="urn:p" p:x="1" x="2"/>)");
  BOOST_TEST(xml::attribute(doc.root(), "urn:p", "x").value() == "1");
  BOOST_TEST(xml::attribute(doc.root(), "", "x").value() == "2");
  BOOST_TEST(!xml::attribute(doc.root(), "urn:q", "x").has_value());
}

BOOST_AUTO_TEST_CASE(text_content_skips_comments_and_joins_cdata) {
  const xml::Document doc = xml::parse("<r>a<!--no--><b>b<![CDATA[<c>]]></b><?pi x?>d</r>");
  BOOST_TEST(xml::text_content(doc.root()) == "ab<c>d");
}

BOOST_AUTO_TEST_CASE(malformed_reports_line_and_column) {
  const auto e = parse_error("<a>\n  <b></a>");
  BOOST_TEST(e.code == codes::kMalformedXml);
  BOOST_TEST(e.location.find("input") != std::string::npos);
  BOOST_TEST(e.location.find("line 2") != std::string::npos);
  BOOST_TEST(!e.message.empty());
}

BOOST_AUTO_TEST_CASE(malformed_variants) {
  BOOST_TEST(parse_error("").code == codes::kMalformedXml);
  BOOST_TEST(parse_error("not xml").code == codes::kMalformedXml);
  BOOST_TEST(parse_error("<a>").code == codes::kMalformedXml);
  BOOST_TEST(parse_error("<a></a><b/>").code == codes::kMalformedXml);
  BOOST_TEST(parse_error("<a x='1' x='2'/>").code == codes::kMalformedXml);
  BOOST_TEST(parse_error("<p:a/>").code == codes::kMalformedXml);  // unbound prefix
  BOOST_TEST(parse_error("<a>&undeclared;</a>").code == codes::kMalformedXml);
  BOOST_TEST(parse_error("<a>\xff\xfe</a>").code == codes::kMalformedXml);
}

BOOST_AUTO_TEST_CASE(doctype_is_refused) {
  BOOST_TEST(parse_error("<!DOCTYPE a><a/>").code == codes::kForbiddenXmlConstruct);
  BOOST_TEST(parse_error("<?xml version='1.0'?>\n<!-- c -->\n<!DOCTYPE a []><a/>").code ==
             codes::kForbiddenXmlConstruct);
  // Malformed DOCTYPE is still a forbidden construct, not just bad syntax.
  BOOST_TEST(parse_error("<!DOCTYPE").code == codes::kForbiddenXmlConstruct);
}

BOOST_AUTO_TEST_CASE(doctype_refused_in_utf16_input) {
  // The byte pre-scan cannot see this one; the scanner callback must.
  const std::u16string text = u"\uFEFF<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>";
  const std::string bytes(reinterpret_cast<const char*>(text.data()), text.size() * 2);
  BOOST_TEST(parse_error(bytes).code == codes::kForbiddenXmlConstruct);
}

BOOST_AUTO_TEST_CASE(doctype_text_in_content_is_fine) {
  const xml::Document doc = xml::parse("<a><!-- <!DOCTYPE x> --><![CDATA[<!DOCTYPE y>]]></a>");
  BOOST_TEST(xml::text_content(doc.root()) == "<!DOCTYPE y>");
}

BOOST_AUTO_TEST_CASE(billion_laughs_is_refused) {
  std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    doc += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k)
      doc += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    doc += "\">\n";
  }
  doc += "]>\n<lolz>&lol9;</lolz>";
  BOOST_TEST(parse_error(doc).code == codes::kForbiddenXmlConstruct);
}

BOOST_AUTO_TEST_CASE(external_entity_is_refused_and_reads_nothing) {
  const SecretFile secret;
  check_secret_absent("<!DOCTYPE a [<!ENTITY xxe SYSTEM \"" + secret.uri() + "\">]><a>&xxe;</a>");
  check_secret_absent("<!DOCTYPE a SYSTEM \"" + secret.uri() + "\"><a/>");
  // UTF-16 input bypasses the byte pre-scan and meets the scanner's walls.
  const std::string doc =
      "<!DOCTYPE a [<!ENTITY xxe SYSTEM \"" + secret.uri() + "\">]><a>&xxe;</a>";
  std::u16string text = u"\uFEFF";
  for (const char c : doc) text.push_back(static_cast<char16_t>(c));
  check_secret_absent(std::string(reinterpret_cast<const char*>(text.data()), text.size() * 2));
}

BOOST_AUTO_TEST_CASE(parameter_entities_are_refused) {
  const SecretFile secret;
  check_secret_absent("<!DOCTYPE a [<!ENTITY % p SYSTEM \"" + secret.uri() + "\"> %p;]><a/>");
  check_secret_absent("<!DOCTYPE a [<!ENTITY % d \"<!ENTITY e 'x'>\"> %d;]><a>&e;</a>");
}

BOOST_AUTO_TEST_CASE(deep_nesting_hits_limit_without_crashing) {
  const int levels = 100000;
  std::string doc;
  doc.reserve(levels * 7);
  for (int i = 0; i < levels; ++i) doc += "<a>";
  for (int i = 0; i < levels; ++i) doc += "</a>";
  const auto e = parse_error(doc);
  BOOST_TEST(e.code == codes::kXmlLimitExceeded);
  BOOST_TEST(e.location.find("line 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(depth_limit_is_exact) {
  xml::Limits limits;
  limits.max_depth = 3;
  BOOST_CHECK_NO_THROW(xml::parse("<a><b><c/></b></a>", limits));
  BOOST_CHECK_NO_THROW(xml::parse("<a><b><c></c><c/></b><b/></a>", limits));
  BOOST_TEST(parse_error("<a><b><c><d/></c></b></a>", limits).code == codes::kXmlLimitExceeded);
}

BOOST_AUTO_TEST_CASE(too_many_attributes) {
  xml::Limits limits;
  limits.max_attributes_per_element = 3;
  BOOST_CHECK_NO_THROW(xml::parse("<a x='1' y='2' z='3'/>", limits));
  BOOST_TEST(parse_error("<a><b w='0' x='1' y='2' z='3'/></a>", limits).code ==
             codes::kXmlLimitExceeded);
}

BOOST_AUTO_TEST_CASE(size_limit) {
  xml::Limits limits;
  limits.max_bytes = 10;
  BOOST_CHECK_NO_THROW(xml::parse("<a>12</a>", limits));   // 9 bytes
  BOOST_CHECK_NO_THROW(xml::parse("<a>123</a>", limits));  // exactly 10
  const auto e = parse_error("<a>1234</a>", limits);
  BOOST_TEST(e.code == codes::kXmlLimitExceeded);
  BOOST_TEST(e.location == "input");
}

BOOST_AUTO_TEST_CASE(utf8_round_trip) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 <&>";
  const std::string doc = "<a t=\"" + xml::escape(text) + "\">" + xml::escape(text) + "</a>";
  const xml::Document parsed = xml::parse(doc);
  BOOST_TEST(xml::text_content(parsed.root()) == text);
  BOOST_TEST(xml::attribute(parsed.root(), "t").value() == text);
  BOOST_TEST(xml::utf8(xml::xmlch(text).c_str()) == text);
  BOOST_TEST(xml::xmlch("\xF0\x9F\x98\x80").size() == 2u);  // surrogate pair
  // Invalid UTF-8 becomes U+FFFD rather than garbage.
  BOOST_TEST(xml::utf8(xml::xmlch("a\xC3").c_str()) == "a\xEF\xBF\xBD");
  const std::string reparsed = xml::serialize(parsed.root());
  BOOST_TEST(xml::text_content(xml::parse(reparsed).root()) == text);
}

// Code point by code point, as xml::utf8 worked before its ASCII runs: the
// reference the fast path is compared with.
std::string utf8_reference(std::u16string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char32_t cp = text[i];
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < text.size() && text[i + 1] >= 0xDC00 &&
        text[i + 1] <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (text[i + 1] - 0xDC00);
      ++i;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

BOOST_AUTO_TEST_CASE(utf8_of_random_utf16_matches_the_reference) {
  // ASCII runs of every length around the 8-unit blocks, broken by
  // two- and three-byte characters, pairs, lone surrogates and 0x7F/0x80.
  const std::u16string pieces[] = {u"a",      u"0123456", u"01234567",   u"012345678",
                                   u"\u00e9", u"\u20ac",  u"\U0001F600", u"\x7f",
                                   u"\x80",   u"\xff",    u"\u0100",     u"\uffff"};
  const char16_t lone[] = {0xD800, 0xDBFF, 0xDC00, 0xDFFF};
  std::mt19937 random(20261126);
  for (int i = 0; i < 3000; ++i) {
    std::u16string text;
    const auto count = std::uniform_int_distribution<int>(0, 30)(random);
    for (int k = 0; k < count; ++k) {
      const auto pick = std::uniform_int_distribution<std::size_t>(0, std::size(pieces))(random);
      if (pick == std::size(pieces)) {
        text += lone[std::uniform_int_distribution<std::size_t>(0, 3)(random)];
      } else {
        text += pieces[pick];
      }
    }
    std::string appended = "x";
    xml::append_as_utf8(appended, text);
    BOOST_TEST(appended == "x" + utf8_reference(text));
    BOOST_TEST(xml::utf8(text.c_str()) == utf8_reference(text.substr(0, text.find(u'\0'))));
  }
}

BOOST_AUTO_TEST_CASE(escape_covers_markup) {
  BOOST_TEST(xml::escape("<a href=\"x\">'&'</a>\r") ==
             "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;&#xD;");
}

BOOST_AUTO_TEST_CASE(serialize_subtree_keeps_namespaces) {
  const xml::Document doc =
      xml::parse(R"(<e:Envelope xmlns:e="urn:env" xmlns:x="urn:x" xmlns="urn:d"><e:Body>)"
                 R"(<p:Payload xmlns:p="urn:p" x:attr="v" type="x:T"><Item>1</Item></p:Payload>)"
                 R"(</e:Body></e:Envelope>)");
  auto* body = xml::first_child_element(doc.root(), "urn:env", "Body");
  BOOST_REQUIRE(body != nullptr);
  auto* payload = xml::first_child_element(*body, "urn:p", "Payload");
  BOOST_REQUIRE(payload != nullptr);
  const std::string out = xml::serialize(*payload);
  BOOST_TEST(out.rfind("<p:Payload", 0) == 0u);  // no XML declaration
  const xml::Document again = xml::parse(out);
  BOOST_TEST(xml::is_element(again.root(), "urn:p", "Payload"));
  BOOST_TEST(xml::attribute(again.root(), "urn:x", "attr").value() == "v");
  auto* item = xml::first_child_element(again.root(), "urn:d", "Item");
  BOOST_REQUIRE(item != nullptr);
  BOOST_TEST(xml::text_content(*item) == "1");
  // The QName in content still resolves.
  const std::u16string x = xml::xmlch("x");
  BOOST_TEST(xml::utf8(again.root().lookupNamespaceURI(x.c_str())) == "urn:x");
}

BOOST_AUTO_TEST_CASE(serialize_fixes_up_in_memory_nodes) {
  xml::Document doc = xml::parse("<r xmlns='urn:d'/>");
  const std::u16string ns = xml::xmlch("urn:new"), qname = xml::xmlch("n:child");
  const std::u16string plain = xml::xmlch("plain");
  auto* child = doc.dom().createElementNS(ns.c_str(), qname.c_str());
  child->appendChild(doc.dom().createElementNS(nullptr, plain.c_str()));
  doc.root().appendChild(child);
  const xml::Document again = xml::parse(xml::serialize(doc.root()));
  auto* c = xml::first_child_element(again.root(), "urn:new", "child");
  BOOST_REQUIRE(c != nullptr);
  BOOST_TEST(xml::first_child_element(*c, "", "plain") != nullptr);
}

BOOST_AUTO_TEST_CASE(serialize_escapes_attribute_whitespace) {
  const xml::Document doc = xml::parse("<a v='&#9;&#10;&#13;&quot;'/>");
  const xml::Document again = xml::parse(xml::serialize(doc.dom()));
  BOOST_TEST(xml::attribute(again.root(), "v").value() == "\t\n\r\"");
}

// ---- xml::ParserPool: the same walls and errors on reused parsers ----

BOOST_AUTO_TEST_SUITE(parser_pool)

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
  BOOST_TEST(parse_error("<!DOCTYPE a><a/>", {}, &pool).code == codes::kForbiddenXmlConstruct);
  // UTF-16 goes past the byte pre-scan, to the reused scanner's callbacks.
  BOOST_TEST(parse_error(utf16("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>"), {}, &pool).code ==
             codes::kForbiddenXmlConstruct);
  BOOST_TEST(parse_error(utf16("<!DOCTYPE a SYSTEM 'file:///etc/passwd'><a/>"), {}, &pool).code ==
             codes::kForbiddenXmlConstruct);
  BOOST_TEST(parse_error("<a><b></a>", {}, &pool).code == codes::kMalformedXml);
  BOOST_CHECK_NO_THROW(pool.parse("<still><fine/></still>"));
}

BOOST_AUTO_TEST_CASE(limits_and_location_are_those_of_each_call) {
  const xml::ParserPool pool(1);
  const std::string four_deep = "<a><b><c><d x='1' y='2'/></c></b></a>";
  xml::Limits shallow;
  shallow.max_depth = 3;
  const auto deep = parse_error(four_deep, shallow, &pool, "first");
  BOOST_TEST(deep.code == codes::kXmlLimitExceeded);
  BOOST_TEST(deep.location.rfind("first, line 1", 0) == 0u, deep.location);
  BOOST_CHECK_NO_THROW(pool.parse(four_deep));
  xml::Limits one_attribute;
  one_attribute.max_attributes_per_element = 1;
  const auto attributes = parse_error(four_deep, one_attribute, &pool, "second");
  BOOST_TEST(attributes.code == codes::kXmlLimitExceeded);
  BOOST_TEST(attributes.location.rfind("second, line 1", 0) == 0u, attributes.location);
  xml::Limits small;
  small.max_bytes = 8;
  BOOST_TEST(parse_error(four_deep, small, &pool).code == codes::kXmlLimitExceeded);
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
    const auto pooled = parse_error(input, {}, &pool);
    const auto fresh = parse_error(input);
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
  // More than 1024 bytes: parsed by a parser of its own, dropped after (its
  // buffers grew); the idle one is left warm for small inputs.
  const auto big = pool.parse("<big>" + std::string(4096, 'x') + "</big>");
  BOOST_TEST(xml::text_content(big.root()).size() == 4096u);
  BOOST_TEST(pool.idle() == 1u);
  const auto bigger = pool.parse("<big>" + std::string(8192, 'y') + "</big>");
  BOOST_TEST(xml::text_content(bigger.root()).size() == 8192u);
  BOOST_TEST(pool.idle() == 1u);
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

BOOST_AUTO_TEST_SUITE_END()
