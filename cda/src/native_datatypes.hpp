#pragma once

// HL7 datatypes of general/datatypes-base.xsd whose pattern facet is checked
// natively inside the compiled grammar, instead of by Xerces-C's regular
// expression engine: `uid` (every `root` and `codeSystem`), `cs` (every
// `code`, `mediaType`, ...) and `ts` (every time `value`).
//
// Why by hand: Xerces-C interprets patterns at ~13 ns per character (a
// backtracking matcher over its op tree, no compiled automaton). uid, ts and the
// attributes declared cs were 18% of the instructions of an XSD pass over the
// ANS examples. No option of Xerces-C compiles patterns, and no well-kept
// library plugs into its datatype validators. The languages are fixed by the
// schema and small.
//
// install_native_datatypes() runs after the grammar is compiled and before
// the pool is locked. For each type below whose compiled pattern is exactly
// the one expected, it makes a validator with the same base, facets (but the
// pattern) and name that checks the pattern natively and throws the exception
// Xerces-C throws for a mismatch (same message), and points every attribute
// declaration of that type to it. A schema whose type differs keeps Xerces-C's
// check. Types derived from cs (the vocabulary enumerations) keep Xerces-C's
// check too: they reach their base through a pointer Xerces-C gives no way to
// change. tests/unit/cda_native_datatypes_test.cpp compares both checks.

#include <array>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>
#include <xercesc/framework/XMLGrammarPool.hpp>
#include <xercesc/validators/datatype/DatatypeValidator.hpp>

namespace passerelle::cda::detail {

// Values are whitespace-normalized by the type's own facet before this.
bool matches_uid(std::u16string_view value);
bool matches_cs(std::u16string_view value);
bool matches_ts(std::u16string_view value);

struct NativeDatatype {
  std::u16string_view key;      // Xerces-C's "namespace,name"
  std::u16string_view pattern;  // as Xerces-C joins the patterns of one step
  bool (*matches)(std::u16string_view);
};

inline constexpr std::array kNativeDatatypes{
    NativeDatatype{u"urn:hl7-org:v3,uid",
                   u"[0-2](\\.(0|[1-9][0-9]*))*|"
                   u"[0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}|"
                   u"[A-Za-z][A-Za-z0-9\\-]*",
                   matches_uid},
    NativeDatatype{u"urn:hl7-org:v3,cs", u"[^\\s]+", matches_cs},
    NativeDatatype{u"urn:hl7-org:v3,ts",
                   u"[0-9]{1,8}|([0-9]{9,14}|[0-9]{14,14}\\.[0-9]+)([+\\-][0-9]{1,4})?",
                   matches_ts},
};

// Validators install_native_datatypes() put into a grammar; they must outlive
// every parse that uses the grammar pool.
struct InstalledDatatypes {
  std::vector<std::unique_ptr<xercesc::DatatypeValidator>> validators;
  // Attribute declarations switched, per entry of kNativeDatatypes.
  std::array<std::size_t, kNativeDatatypes.size()> declarations{};
};

InstalledDatatypes install_native_datatypes(xercesc::XMLGrammarPool& pool);

}  // namespace passerelle::cda::detail
