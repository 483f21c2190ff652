#pragma once

// What the header rules read of a CDA: its elements as written (names,
// specified attributes, text), in a plain tree of our own. Xerces 3.2 DOM
// nodes reach their neighbours through dynamic_casts (DOMCasts.hpp), which
// made building and walking the header DOM cost more than the rules
// themselves (bench/README.md, cda_validation); this tree is built by the
// validating parse's own callbacks (schema_dom.cpp) and walked for free.
// Everything is UTF-8.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <xercesc/dom/DOMElement.hpp>

namespace passerelle::cda::detail {

struct El {
  std::string ns;    // namespace URI, "" for none
  std::string name;  // local name
  // Specified attributes, qualified name and value (defaults the schema
  // would add are left out), in document order.
  std::vector<std::pair<std::string, std::string>> attributes;
  // The element's own text and CDATA, concatenated (comments and ignorable
  // whitespace left out); text_content() interleaves the children's.
  std::string text;
  // A text node of its own (CDATA aside) holds more than " \t\r\n": the
  // mixed-content checks (R-CDA-50, R-CDA-52) look at text nodes only.
  bool own_text = false;
  std::vector<El*> children;         // child elements, in document order
  std::vector<std::size_t> text_at;  // text.size() when each child started
  El* parent = nullptr;

  const std::string* attribute(std::string_view qualified_name) const;
};

// The text of `element` and of its descendants, in document order.
std::string text_content(const El& element);

// Owns the elements; the root is the first element started.
class Tree {
 public:
  Tree() = default;
  Tree(Tree&&) = default;
  Tree& operator=(Tree&&) = default;
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;

  const El* root() const { return elements_.empty() ? nullptr : &elements_.front(); }

  // Building, in document order.
  El& start(std::string ns, std::string name);
  void end();
  void append_text(const char16_t* chars, std::size_t length, bool cdata);
  void add_attribute(El& element, const char16_t* qualified_name, const char16_t* value);

 private:
  void flush();

  std::deque<El> elements_;  // stable addresses
  El* current_ = nullptr;
  char16_t pending_ = 0;  // a high surrogate whose pair may come with the next text
};

// The same tree read from a DOM (envelopes, parses without the schema).
Tree tree_from_dom(const xercesc::DOMElement& element);

}  // namespace passerelle::cda::detail
