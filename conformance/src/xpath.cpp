#include "passerelle/conformance/xpath.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <variant>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"

namespace passerelle::conformance {
namespace {

using Node = const xercesc::DOMNode*;
using NodeSet = std::vector<Node>;
using Value = std::variant<NodeSet, std::string, double, bool>;

[[noreturn]] void unsupported(std::string_view expression, const std::string& why) {
  throw Failure(kUnsupportedXPath, std::string(expression), "XPath not supported: " + why);
}

std::string string_value(Node node) {
  if (node->getNodeType() == xercesc::DOMNode::ATTRIBUTE_NODE ||
      node->getNodeType() == xercesc::DOMNode::TEXT_NODE) {
    return xml::utf8(node->getNodeValue());
  }
  return xml::text_content(*node);
}

std::string node_name(Node node) {
  if (node->getLocalName() != nullptr) return xml::utf8(node->getLocalName());
  return xml::utf8(node->getNodeName());
}

std::string format_number(double number) {
  if (std::isnan(number)) return "NaN";
  if (number == std::floor(number) && std::fabs(number) < 1e15) {
    return std::to_string(static_cast<long long>(number));
  }
  std::ostringstream out;
  out << number;
  return out.str();
}

std::string to_text(const Value& value) {
  if (const auto* nodes = std::get_if<NodeSet>(&value)) {
    return nodes->empty() ? "" : string_value(nodes->front());
  }
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* number = std::get_if<double>(&value)) return format_number(*number);
  return std::get<bool>(value) ? "true" : "false";
}

double to_number(const Value& value) {
  if (const auto* number = std::get_if<double>(&value)) return *number;
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? 1 : 0;
  const std::string text = to_text(value);
  try {
    std::size_t used = 0;
    const double number = std::stod(text, &used);
    return used == text.size() ? number : NAN;
  } catch (const std::exception&) {
    return NAN;
  }
}

bool to_bool(const Value& value) {
  if (const auto* nodes = std::get_if<NodeSet>(&value)) return !nodes->empty();
  if (const auto* text = std::get_if<std::string>(&value)) return !text->empty();
  if (const auto* number = std::get_if<double>(&value)) return *number != 0 && !std::isnan(*number);
  return std::get<bool>(value);
}

bool compare_atoms(const std::string& op, const Value& left, const Value& right) {
  if (op == "=" || op == "!=") {
    bool equal = false;
    if (std::holds_alternative<bool>(left) || std::holds_alternative<bool>(right)) {
      equal = to_bool(left) == to_bool(right);
    } else if (std::holds_alternative<double>(left) || std::holds_alternative<double>(right)) {
      equal = to_number(left) == to_number(right);
    } else {
      equal = to_text(left) == to_text(right);
    }
    return op == "=" ? equal : !equal;
  }
  const double a = to_number(left), b = to_number(right);
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  if (op == ">") return a > b;
  return a >= b;
}

// XPath 1.0 comparison: with node sets, true when some node's string value
// makes the comparison true.
bool compare(const std::string& op, const Value& left, const Value& right) {
  if (const auto* nodes = std::get_if<NodeSet>(&left)) {
    if (std::holds_alternative<bool>(right)) return compare_atoms(op, to_bool(left), right);
    for (const auto node : *nodes) {
      if (compare(op, Value(string_value(node)), right)) return true;
    }
    return false;
  }
  if (const auto* nodes = std::get_if<NodeSet>(&right)) {
    if (std::holds_alternative<bool>(left)) return compare_atoms(op, left, to_bool(right));
    for (const auto node : *nodes) {
      if (compare(op, left, Value(string_value(node)))) return true;
    }
    return false;
  }
  return compare_atoms(op, left, right);
}

struct Context {
  Node node;
  std::size_t position = 1;
  std::size_t size = 1;
};

// Recursive descent over the expression text, evaluating as it parses: the
// testkit's expressions are short, so a predicate is simply re-parsed for
// each candidate node.
class Evaluator {
 public:
  explicit Evaluator(std::string_view text) : text_(text) {}

  Value evaluate(const Context& context) {
    pos_ = 0;
    Value value = or_expr(context);
    skip_space();
    if (pos_ != text_.size())
      unsupported(text_, "unexpected '" + std::string(text_.substr(pos_)) + "'");
    return value;
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool peek(std::string_view token) {
    skip_space();
    return text_.substr(pos_, token.size()) == token;
  }
  bool accept(std::string_view token) {
    if (!peek(token)) return false;
    pos_ += token.size();
    return true;
  }
  void expect(std::string_view token) {
    if (!accept(token)) unsupported(text_, "expected '" + std::string(token) + "'");
  }
  bool accept_word(std::string_view word) {
    skip_space();
    if (text_.substr(pos_, word.size()) != word) return false;
    const auto after = pos_ + word.size();
    if (after < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[after])) ||
                                 text_[after] == '-' || text_[after] == '_')) {
      return false;
    }
    pos_ = after;
    return true;
  }
  static bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
           c == ':';
  }
  std::string name() {
    skip_space();
    const auto start = pos_;
    while (pos_ < text_.size() && name_char(text_[pos_])) ++pos_;
    if (start == pos_) unsupported(text_, "expected a name at " + std::to_string(start));
    return std::string(text_.substr(start, pos_ - start));
  }

  Value or_expr(const Context& context) {
    Value value = and_expr(context);
    while (accept_word("or")) {
      const Value right = and_expr(context);
      value = to_bool(value) || to_bool(right);
    }
    return value;
  }
  Value and_expr(const Context& context) {
    Value value = equality(context);
    while (accept_word("and")) {
      const Value right = equality(context);
      value = to_bool(value) && to_bool(right);
    }
    return value;
  }
  Value equality(const Context& context) {
    Value value = relational(context);
    for (;;) {
      std::string op;
      if (accept("!=")) {
        op = "!=";
      } else if (accept("=")) {
        op = "=";
      } else {
        return value;
      }
      const Value right = relational(context);
      value = compare(op, value, right);
    }
  }
  Value relational(const Context& context) {
    Value value = unary(context);
    for (;;) {
      std::string op;
      for (const char* candidate : {"<=", ">=", "<", ">"}) {
        if (accept(candidate)) {
          op = candidate;
          break;
        }
      }
      if (op.empty()) return value;
      const Value right = unary(context);
      value = compare(op, value, right);
    }
  }
  Value unary(const Context& context) {
    if (accept("-")) return -to_number(primary(context));
    return primary(context);
  }

  Value primary(const Context& context) {
    skip_space();
    if (pos_ >= text_.size()) unsupported(text_, "unexpected end");
    const char c = text_[pos_];
    if (c == '\'' || c == '"') {
      const auto end = text_.find(c, pos_ + 1);
      if (end == std::string_view::npos) unsupported(text_, "unterminated literal");
      std::string literal(text_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end + 1;
      return literal;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      const auto start = pos_;
      while (pos_ < text_.size() &&
             (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.')) {
        ++pos_;
      }
      return std::stod(std::string(text_.substr(start, pos_ - start)));
    }
    if (c == '(') {
      ++pos_;
      Value value = or_expr(context);
      expect(")");
      return value;
    }
    if (c == '$') unsupported(text_, "variables");
    // A function call: a name directly followed by '(' (but not node tests).
    const auto saved = pos_;
    if (std::isalpha(static_cast<unsigned char>(c))) {
      const std::string word = name();
      if (peek("(") && word != "text" && word != "node") return function(word, context);
      pos_ = saved;
    }
    return path(context);
  }

  Value function(const std::string& word, const Context& context) {
    expect("(");
    std::vector<Value> args;
    if (!accept(")")) {
      do {
        args.push_back(or_expr(context));
      } while (accept(","));
      expect(")");
    }
    const auto arg_text = [&](std::size_t i) {
      return i < args.size() ? to_text(args[i]) : string_value(context.node);
    };
    if (word == "count") {
      if (args.size() != 1 || !std::holds_alternative<NodeSet>(args[0])) {
        unsupported(text_, "count() of a non node-set");
      }
      return static_cast<double>(std::get<NodeSet>(args[0]).size());
    }
    if (word == "string") return arg_text(0);
    if (word == "number") return args.empty() ? to_number(Value(arg_text(0))) : to_number(args[0]);
    if (word == "boolean") return !args.empty() && to_bool(args[0]);
    if (word == "not") return args.empty() || !to_bool(args[0]);
    if (word == "true") return true;
    if (word == "false") return false;
    if (word == "local-name" || word == "name") {
      if (args.empty()) return node_name(context.node);
      const auto* nodes = std::get_if<NodeSet>(&args[0]);
      if (nodes == nullptr) unsupported(text_, word + "() of a non node-set");
      return nodes->empty() ? std::string() : node_name(nodes->front());
    }
    if (word == "contains") return arg_text(0).find(arg_text(1)) != std::string::npos;
    if (word == "starts-with") return arg_text(0).rfind(arg_text(1), 0) == 0;
    if (word == "string-length") return static_cast<double>(arg_text(0).size());
    if (word == "concat") {
      std::string out;
      for (std::size_t i = 0; i < args.size(); ++i) out += to_text(args[i]);
      return out;
    }
    if (word == "normalize-space") {
      std::istringstream words(arg_text(0));
      std::string out;
      for (std::string piece; words >> piece;) out += (out.empty() ? "" : " ") + piece;
      return out;
    }
    if (word == "substring") {
      const std::string text = arg_text(0);
      // XPath positions are 1-based and rounded.
      const double start = std::round(args.size() > 1 ? to_number(args[1]) : 1);
      const double length = args.size() > 2 ? std::round(to_number(args[2])) : INFINITY;
      std::string out;
      for (std::size_t i = 0; i < text.size(); ++i) {
        const double position = static_cast<double>(i + 1);
        if (position >= start && position < start + length) out += text[i];
      }
      return out;
    }
    unsupported(text_, "function " + word + "()");
  }

  static void children(Node node, NodeSet& out) {
    for (auto* child = node->getFirstChild(); child != nullptr; child = child->getNextSibling()) {
      out.push_back(child);
    }
  }
  static void descendants_or_self(Node node, NodeSet& out) {
    out.push_back(node);
    for (auto* child = node->getFirstChild(); child != nullptr; child = child->getNextSibling()) {
      descendants_or_self(child, out);
    }
  }

  // The element axes the testkit writes (descendant:: in 13 Report
  // expressions of the reg_mu/folder tests); child:: is the default.
  enum class Axis { Child, Descendant, DescendantOrSelf, Self };
  Axis axis() {
    if (accept("child::")) return Axis::Child;
    if (accept("descendant-or-self::")) return Axis::DescendantOrSelf;
    if (accept("descendant::")) return Axis::Descendant;
    if (accept("self::")) return Axis::Self;
    return Axis::Child;
  }
  static void along(Node node, Axis axis, NodeSet& out) {
    switch (axis) {
      case Axis::Child:
        children(node, out);
        break;
      case Axis::Descendant:
        for (auto* child = node->getFirstChild(); child != nullptr;
             child = child->getNextSibling()) {
          descendants_or_self(child, out);
        }
        break;
      case Axis::DescendantOrSelf:
        descendants_or_self(node, out);
        break;
      case Axis::Self:
        out.push_back(node);
        break;
    }
  }

  // One step from `from`: the node test, then each predicate.
  NodeSet step(const NodeSet& from, const Context& outer) {
    skip_space();
    NodeSet result;
    std::string test;
    bool attribute = false;
    if (accept("..")) {
      for (const auto node : from) {
        if (node->getNodeType() == xercesc::DOMNode::ATTRIBUTE_NODE) {
          result.push_back(static_cast<const xercesc::DOMAttr*>(node)->getOwnerElement());
        } else if (node->getParentNode() != nullptr) {
          result.push_back(node->getParentNode());
        }
      }
      return result;
    }
    if (accept(".")) return from;
    const Axis on = axis();
    if (accept("@") || accept("attribute::")) attribute = true;
    if (accept("*")) {
      test = "*";
    } else {
      test = name();
      if (test.find("::") != std::string::npos || peek("::")) unsupported(text_, "axes");
      if (test == "text" || test == "node") {
        expect("(");
        expect(")");
        test += "()";
      }
    }
    const auto predicates_start = pos_;
    for (const auto node : from) {
      NodeSet candidates;
      if (attribute) {
        if (node->getNodeType() == xercesc::DOMNode::ELEMENT_NODE) {
          const auto* attributes = node->getAttributes();
          for (XMLSize_t i = 0; i < attributes->getLength(); ++i) {
            const auto* attr = attributes->item(i);
            if (test == "*" || node_name(attr) == test) candidates.push_back(attr);
          }
        }
      } else {
        NodeSet all;
        along(node, on, all);
        for (const auto child : all) {
          const auto type = child->getNodeType();
          if (test == "text()") {
            if (type == xercesc::DOMNode::TEXT_NODE) candidates.push_back(child);
          } else if (test == "node()") {
            candidates.push_back(child);
          } else if (type == xercesc::DOMNode::ELEMENT_NODE &&
                     (test == "*" || node_name(child) == test)) {
            candidates.push_back(child);
          }
        }
      }
      pos_ = predicates_start;
      candidates = predicates(candidates, outer);
      result.insert(result.end(), candidates.begin(), candidates.end());
    }
    if (from.empty()) {
      // Still consume the predicates' text.
      pos_ = predicates_start;
      predicates({}, outer);
    }
    return result;
  }

  NodeSet predicates(NodeSet candidates, const Context& outer) {
    while (accept("[")) {
      const auto start = pos_;
      NodeSet kept;
      std::size_t end = start;
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        pos_ = start;
        const Value value = or_expr(Context{candidates[i], i + 1, candidates.size()});
        end = pos_;
        const bool keep = std::holds_alternative<double>(value)
                              ? std::get<double>(value) == static_cast<double>(i + 1)
                              : to_bool(value);
        if (keep) kept.push_back(candidates[i]);
      }
      if (candidates.empty()) {
        // Parse once for position only, on the outer context.
        pos_ = start;
        or_expr(outer);
        end = pos_;
      }
      pos_ = end;
      expect("]");
      candidates = std::move(kept);
    }
    return candidates;
  }

  Value path(const Context& context) {
    NodeSet current;
    skip_space();
    if (accept("//")) {
      descendants_or_self(root_of(context.node), current);
    } else if (accept("/")) {
      current.push_back(root_of(context.node));
      skip_space();
      if (pos_ >= text_.size() || !(text_[pos_] == '*' || text_[pos_] == '@' ||
                                    std::isalpha(static_cast<unsigned char>(text_[pos_])))) {
        return current;
      }
    } else {
      current.push_back(context.node);
    }
    for (;;) {
      current = step(current, context);
      if (accept("//")) {
        NodeSet expanded;
        for (const auto node : current) descendants_or_self(node, expanded);
        current = unique(expanded);
      } else if (!accept("/")) {
        break;
      }
    }
    return unique(current);
  }

  static Node root_of(Node node) {
    if (node->getNodeType() == xercesc::DOMNode::DOCUMENT_NODE) return node;
    return node->getOwnerDocument();
  }

  static NodeSet unique(NodeSet nodes) {
    NodeSet out;
    for (const auto node : nodes) {
      if (std::find(out.begin(), out.end(), node) == out.end()) out.push_back(node);
    }
    return out;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

bool xpath_boolean(const xercesc::DOMNode& context, std::string_view expression) {
  return to_bool(Evaluator(expression).evaluate(Context{&context}));
}

std::string xpath_string(const xercesc::DOMNode& context, std::string_view expression) {
  return to_text(Evaluator(expression).evaluate(Context{&context}));
}

}  // namespace passerelle::conformance
