#define BOOST_TEST_MODULE media_type
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/soap/mtom.hpp"

namespace {

using passerelle::Failure;
using passerelle::soap::MediaType;
using passerelle::soap::parse_media_type;

void check_malformed(const std::string& value, const std::string& message_part) {
  try {
    parse_media_type(value);
  } catch (const Failure& failure) {
    BOOST_TEST(failure.error().code == passerelle::codes::kMalformedMime);
    BOOST_TEST(failure.error().location == "Content-Type");
    BOOST_TEST(failure.error().message.find(message_part) != std::string::npos,
               "message '" << failure.error().message << "' lacks '" << message_part << "'");
    return;
  }
  BOOST_FAIL("expected kMalformedMime for: " << value);
}

}  // namespace

BOOST_AUTO_TEST_CASE(type_only) {
  const MediaType type = parse_media_type("application/soap+xml");
  BOOST_TEST(type.type == "application/soap+xml");
  BOOST_TEST(type.params.empty());
  BOOST_TEST(type.param("charset") == "");
}

BOOST_AUTO_TEST_CASE(case_insensitive_names_but_not_values) {
  const MediaType type = parse_media_type("Multipart/RELATED; BoUnDaRy=AbC; Start=\"<X@Y>\"");
  BOOST_TEST(type.type == "multipart/related");
  BOOST_TEST(type.param("boundary") == "AbC");
  BOOST_TEST(type.param("start") == "<X@Y>");
}

BOOST_AUTO_TEST_CASE(quoted_values_with_escapes) {
  const MediaType type = parse_media_type(
      R"(application/xop+xml; type="application/soap+xml; action=\"urn:a\""; x="a\\b;c")");
  BOOST_TEST(type.param("type") == R"(application/soap+xml; action="urn:a")");
  BOOST_TEST(type.param("x") == R"(a\b;c)");
  BOOST_TEST(parse_media_type(R"(a/b; e="")").param("e") == "");
  BOOST_TEST(parse_media_type(R"(a/b; e="\é")").param("e") == "é");
}

BOOST_AUTO_TEST_CASE(whitespace_and_empty_parameters) {
  const std::vector<std::string> spellings = {
      "multipart/related;boundary=b;start=s",
      "  multipart/related ;  boundary = b ;\tstart=\"s\"  ",
      "multipart/related; boundary=b; start=s;",
      "multipart/related;; boundary=b;;start=s ; ",
      "multipart/related; start=s; boundary=\"b\"",
  };
  for (const auto& spelling : spellings) {
    BOOST_TEST_CONTEXT(spelling) {
      const MediaType type = parse_media_type(spelling);
      BOOST_TEST(type.type == "multipart/related");
      BOOST_TEST(type.params.size() == 2u);
      BOOST_TEST(type.param("boundary") == "b");
      BOOST_TEST(type.param("start") == "s");
    }
  }
}

BOOST_AUTO_TEST_CASE(lenient_bare_values) {
  const MediaType type = parse_media_type(
      "multipart/related; type=application/xop+xml; action=urn:ihe:iti:2007:Foo; start=<a@b>");
  BOOST_TEST(type.param("type") == "application/xop+xml");
  BOOST_TEST(type.param("action") == "urn:ihe:iti:2007:Foo");
  BOOST_TEST(type.param("start") == "<a@b>");
}

BOOST_AUTO_TEST_CASE(malformed_values) {
  check_malformed("", "missing media type");
  check_malformed("   ", "missing media type");
  check_malformed("multipart", "without subtype");
  check_malformed("multipart/", "without subtype");
  check_malformed("/related", "missing media type");
  check_malformed("multipart/related boundary=b", "expected ';'");
  check_malformed("multipart/related; boundary", "without '='");
  check_malformed("multipart/related; boundary=", "without value");
  check_malformed("multipart/related; boundary= ; start=s", "without value");
  check_malformed("multipart/related; =b", "invalid parameter name");
  check_malformed("multipart/related; boundary=\"b", "unterminated");
  check_malformed("multipart/related; boundary=\"b\\", "unterminated");
  check_malformed("multipart/related; boundary=\"b\"x", "expected ';'");
  check_malformed("multipart/related; boundary=a\"b", "invalid character");
  check_malformed("multipart/related; boundary=\"a\nb\"", "control character");
  check_malformed("multipart/related; boundary=a; BOUNDARY=b", "duplicate parameter 'boundary'");
}
