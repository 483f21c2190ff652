#pragma once

// The XPath 1.0 subset the testkit's Report and Assert expressions use,
// evaluated on a Xerces DOM: location paths with / and //, *, names, @attr,
// . and .., text(); predicates (comparisons and positions); literals and
// numbers; = != < <= > >= and or; the functions count, string, local-name,
// name, substring, contains, starts-with, not, true, false, normalize-space,
// string-length, concat, number, boolean. Names match on the local name
// (the testkit writes *[local-name()='X'] for namespaced elements anyway).
//
// The axes child::, descendant::, descendant-or-self::, self:: and attribute::
// (the testkit writes descendant:: in Reports). Anything else (other axes,
// variables, union, arithmetic) throws Failure with code
// kUnsupportedXPath, so the step can say "assertion not evaluated" instead
// of guessing.

#include <string>
#include <string_view>
#include <xercesc/dom/DOM.hpp>

namespace passerelle::conformance {

inline constexpr const char* kUnsupportedXPath = "ConformanceUnsupportedXPath";

// boolean(expr) with `context` (usually the document) as the context node.
bool xpath_boolean(const xercesc::DOMNode& context, std::string_view expression);
// string(expr): for a node set, the string value of its first node.
std::string xpath_string(const xercesc::DOMNode& context, std::string_view expression);

}  // namespace passerelle::conformance
