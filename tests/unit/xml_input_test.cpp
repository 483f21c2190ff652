#define BOOST_TEST_MODULE xml_input
#include <boost/test/unit_test.hpp>

// core/include/passerelle/core/xml_input.hpp: a UTF-8 document handed to
// Xerces-C as UTF-16 must give what Xerces-C gives reading its bytes: the
// same tree, the same errors at the same lines and columns. Each document is
// parsed both ways by the same plain Xerces-C DOM parser and compared; the
// documents that must not be converted (other encodings, bad UTF-8, NUL
// bytes) are checked to be given to Xerces-C as they are.

#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>
#include <xercesc/dom/DOM.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/parsers/XercesDOMParser.hpp>
#include <xercesc/sax/ErrorHandler.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/util/XMLException.hpp>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/core/xml_input.hpp"

namespace {

namespace x = xercesc;
using namespace passerelle;

struct Global {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

class Errors final : public x::ErrorHandler {
 public:
  void warning(const x::SAXParseException& e) override { add("warning", e); }
  void error(const x::SAXParseException& e) override { add("error", e); }
  void fatalError(const x::SAXParseException& e) override { add("fatal", e); }
  void resetErrors() override {}
  std::string text;

 private:
  void add(const char* kind, const x::SAXParseException& e) {
    text += std::string(kind) + " " + std::to_string(e.getLineNumber()) + ":" +
            std::to_string(e.getColumnNumber()) + " " + xml::utf8(e.getMessage()) + "\n";
  }
};

// Node types, names, values and attributes, in document order.
void describe(const x::DOMNode& node, std::string& out) {
  out += std::to_string(node.getNodeType()) + "[" + xml::utf8(node.getNodeName()) + "=" +
         xml::utf8(node.getNodeValue()) + "]";
  if (const auto* attributes = node.getAttributes(); attributes != nullptr) {
    for (XMLSize_t i = 0; i < attributes->getLength(); ++i) {
      out += "@" + xml::utf8(attributes->item(i)->getNodeName()) + "=" +
             xml::utf8(attributes->item(i)->getNodeValue());
    }
  }
  out += "(";
  for (const auto* child = node.getFirstChild(); child != nullptr;
       child = child->getNextSibling()) {
    describe(*child, out);
  }
  out += ")";
}

std::string parse_with(const x::InputSource& source) {
  x::XercesDOMParser parser;
  parser.setDoNamespaces(true);
  parser.setCreateEntityReferenceNodes(false);
  Errors errors;
  parser.setErrorHandler(&errors);
  try {
    parser.parse(source);
  } catch (const x::XMLException& e) {
    errors.text += "exception " + xml::utf8(e.getMessage()) + "\n";
  }
  std::string out = errors.text + "--\n";
  if (const auto* document = parser.getDocument(); document != nullptr) describe(*document, out);
  return out;
}

std::string as_bytes(std::string_view document) {
  x::MemBufInputSource source(reinterpret_cast<const XMLByte*>(document.data()), document.size(),
                              u"bytes");
  return parse_with(source);
}

// Parses through Utf16Input; `converted` says whether it handed Xerces-C UTF-16.
std::string as_input(std::string_view document, bool& converted) {
  xml::Utf16Input input;
  const auto source = input.source(document, u"bytes");
  converted = input.converted();
  return parse_with(*source);
}

std::string fill(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, 3) == "{E}") {
      out += "\xF0\x9F\x98\x80";
      i += 2;
    } else if (text.substr(i, 3) == "{A}") {
      out += "\xC3\xA9l\xC3\xA8ve \xE2\x82\xAC";
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

void expect_converted_and_same(const std::string& document) {
  bool converted = false;
  const std::string through_input = as_input(document, converted);
  BOOST_TEST(converted, "not converted: " << document);
  BOOST_TEST(through_input == as_bytes(document), "differs: " << document);
}

// Converted or not, the same result as reading the bytes.
void expect_same(const std::string& document) {
  bool converted = false;
  BOOST_TEST(as_input(document, converted) == as_bytes(document));
}

void expect_left_as_bytes(const std::string& document) {
  bool converted = true;
  const std::string through_input = as_input(document, converted);
  BOOST_TEST(!converted, "converted: " << document);
  BOOST_TEST(through_input == as_bytes(document));
}

}  // namespace

BOOST_AUTO_TEST_CASE(utf8_documents_give_the_same_tree_and_errors) {
  // {E} is U+1F600 (a surrogate pair in UTF-16), {A} French accents and €.
  for (const char* text : {
           "<a/>",
           R"(<?xml version="1.0" encoding="UTF-8"?><a b="1">text</a>)",
           R"(<?xml version='1.0' encoding='utf-8' standalone='yes'?><a/>)",
           R"(<?xml version="1.0"?><a/>)",
           "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>{A}</a>",
           "<a t=\"{E}{A}\">{E}\xE4\xB8\xAD\xE6\x96\x87</a>",
           "<a>\r\n<b>\r{A}</b>\n</a>",
           "<a v=\"x\ty\nz\r\nw\"/>",
           "<a>\n{A}\n  {E}<b></a>",                       // mismatched end tag, line 3
           "<a>{A}\xEF\xBF\xBE</a>",                       // U+FFFE: not an XML character
           "<a>{E}\x01</a>",                               // U+0001: not an XML 1.0 character
           "<?xml version=\"1.1\"?><a>x\xC2\x85y{E}</a>",  // NEL ends a line in 1.1
           "<a><![CDATA[{A}]]><!-- {E} --><?pi {A}?></a>",
           "<a>&amp;&#233;&#x1F600;{A}</a>",
           "<a xmlns:p=\"urn:x\"><p:b p:c=\"{A}\"/></a>",
           "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"maybe\"?><a/>",
           "<a>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{A}yyyyyyyyyyyyy{E}</a",
           // Broken declarations: Xerces-C's errors, whatever the input's form.
           "<?xml ?><a>{A}</a>",
           "<?xml version=\"1.0\" standalone=\"yes\" encoding=\"UTF-8\"?><a>{A}</a>",
           "  <?xml version=\"1.0\"?><a>{A}</a>",
           "<?xml version=\"2.0\" encoding=\"UTF-8\"?><a>{E}</a>",
           "<?xmlfoo bar?><a>{A}</a>",
       }) {
    expect_converted_and_same(fill(text));
  }
  // Unquoted: Xerces-C reports it.
  expect_left_as_bytes("<?xml version=\"1.0\" encoding=UTF-8?><a/>");
}

BOOST_AUTO_TEST_CASE(random_utf8_documents_give_the_same_tree_and_errors) {
  // Multi-byte characters across the 16-byte blocks, markup that is
  // sometimes broken, several lines.
  const std::vector<std::string> pieces = {"a",
                                           "b",
                                           " ",
                                           "\n",
                                           "\r\n",
                                           "\xC3\xA9",
                                           "\xE2\x82\xAC",
                                           "\xF0\x9F\x98\x80",
                                           "<",
                                           "&",
                                           "&lt;",
                                           "<c/>",
                                           "<d e='\xC3\xA9'>",
                                           "</d>",
                                           "]]>",
                                           "\t",
                                           "\xEF\xBF\xBD",
                                           "\"",
                                           "x1"};
  std::mt19937 random(20261126);
  for (int i = 0; i < 400; ++i) {
    std::string document = "<r>";
    const auto count = std::uniform_int_distribution<int>(0, 60)(random);
    for (int k = 0; k < count; ++k) {
      document += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(random)];
    }
    document += "</r>";
    expect_converted_and_same(document);
  }
  // With bad UTF-8 and NUL bytes among the pieces: whichever way the input
  // goes, the result is Xerces-C's on the bytes.
  std::vector<std::string> with_bad = pieces;
  for (const char* bad :
       {"\xC0\xAF", "\xED\xA0\x80", "\xE2\x82", "\x80", "\xF8\x88\x80\x80\x80", "\xFF"}) {
    with_bad.emplace_back(bad);
  }
  with_bad.emplace_back(1, '\0');
  for (int i = 0; i < 400; ++i) {
    std::string document = "<r>";
    const auto count = std::uniform_int_distribution<int>(0, 40)(random);
    for (int k = 0; k < count; ++k) {
      document +=
          with_bad[std::uniform_int_distribution<std::size_t>(0, with_bad.size() - 1)(random)];
    }
    document += "</r>";
    expect_same(document);
  }
}

BOOST_AUTO_TEST_CASE(other_encodings_and_bad_utf8_are_left_to_xerces) {
  for (const std::string& document : std::vector<std::string>{
           "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xE9t\xE9</a>",
           "<?xml version=\"1.0\" encoding=\"US-ASCII\"?><a/>",
           "<?xml version=\"1.0\" encoding=\"UTF8\"?><a/>",
           std::string("<a>\xC0\xAF</a>"),          // overlong '/'
           std::string("<a>\xE0\x80\xAF</a>"),      // overlong, three bytes
           std::string("<a>\xED\xA0\x80</a>"),      // a surrogate
           std::string("<a>\xF4\x90\x80\x80</a>"),  // above U+10FFFF
           std::string("<a>\xE2\x82</a>"),          // truncated
           std::string("<a>\x80</a>"),              // a lone continuation byte
           std::string("<a>\xF5\x80\x80\x80</a>"),
           std::string("<a>\xC3\xA9<b/>\0</a>", 14),  // a NUL byte
           std::string("\xFF\xFE<\0a\0/\0>\0", 10),   // UTF-16LE with its byte order mark
           std::string(),                             // empty
           std::string("\xEF\xBB\xBF"),               // a byte order mark alone
       }) {
    expect_left_as_bytes(document);
  }
}

BOOST_AUTO_TEST_CASE(xml_parse_reports_what_xerces_reports_reading_the_bytes) {
  // Through xml::parse (which reads through Utf16Input) the message of a
  // mismatched tag after multi-byte characters carries Xerces-C's own
  // position, the one as_bytes() reports.
  const std::string document = "<a>\n\xC3\xA9\xF0\x9F\x98\x80 <b></a>";
  const std::string by_bytes = as_bytes(document);
  const auto line_end = by_bytes.find('\n');
  const std::string first = by_bytes.substr(0, line_end);  // "fatal 2:10 message"
  const auto position_end = first.find(' ', 6);
  const std::string position = first.substr(6, position_end - 6);
  const std::string message = first.substr(position_end + 1);
  BOOST_TEST(position == "2:10");  // é is one unit, the emoji two
  try {
    (void)xml::parse(document);
    BOOST_FAIL("parsed");
  } catch (const Failure& failure) {
    BOOST_TEST(failure.error().message == message);
    BOOST_TEST(failure.error().location == "line 2, column 10");
  }
}

BOOST_AUTO_TEST_CASE(a_kept_object_lets_go_of_a_large_buffer) {
  xml::Utf16Input input;
  const std::string big = "<a>" + std::string(5000, 'x') + "</a>";
  bool converted = false;
  {
    const auto source = input.source(big, u"big");
    converted = input.converted();
    BOOST_TEST(parse_with(*source) == as_bytes(big));
  }
  BOOST_TEST(converted);
  input.trim(1000);
  // Converts again into a fresh buffer after trimming.
  const auto source = input.source("<b>\xC3\xA9</b>", u"small");
  BOOST_TEST(input.converted());
  BOOST_TEST(parse_with(*source) == as_bytes("<b>\xC3\xA9</b>"));
}
