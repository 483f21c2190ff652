#pragma once

// The HL7 datatype `uid` (general/datatypes-base.xsd) checked natively inside
// the compiled grammar, instead of by Xerces-C's regular expression engine.
//
// Why by hand: Xerces-C interprets the three-branch pattern of uid at ~13 ns
// per character (a backtracking matcher over its op tree, no compiled
// automaton), and uid is the type of every `root` and `codeSystem` attribute:
// 14% of all the instructions of an XSD pass over the ANS examples. No option
// of Xerces-C compiles patterns, and no well-kept library plugs into its
// datatype validators. The language is fixed by the schema and small: OIDs
// without leading zeros, 36-character UUIDs, HL7 reserved identifiers.
//
// install() replaces, in the grammar pool before it is locked, every attribute
// declaration's pointer to the {urn:hl7-org:v3}uid validator with a validator
// that has the same base, whitespace facet and name, and checks the same
// pattern natively, throwing the same exception Xerces-C throws for a
// pattern mismatch (same message). It does so only when that type's pattern is
// exactly the one below: a schema whose uid differs keeps Xerces-C's check.
// tests/unit/cda_schema_uid_test.cpp compares it with Xerces-C's own union
// of oid, uuid and ruid on thousands of strings.

#include <memory>
#include <string_view>
#include <vector>
#include <xercesc/framework/XMLGrammarPool.hpp>
#include <xercesc/validators/datatype/DatatypeValidator.hpp>

namespace passerelle::cda::detail {

// The patterns of the shipped uid, as Xerces-C joins the facets of one step.
inline constexpr std::u16string_view kUidPattern =
    u"[0-2](\\.(0|[1-9][0-9]*))*|"
    u"[0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}|"
    u"[A-Za-z][A-Za-z0-9\\-]*";

// Whether `value` (already whitespace-collapsed) matches kUidPattern.
bool matches_uid(std::u16string_view value);

// Validators install() put into a grammar; they must outlive every parse
// that uses the grammar pool.
struct InstalledDatatypes {
  std::vector<std::unique_ptr<xercesc::DatatypeValidator>> validators;
  std::size_t declarations = 0;  // attribute declarations switched to them
};

// Switches the pool's uid attribute declarations to the native check. Call
// before XMLGrammarPool::lockPool().
InstalledDatatypes install_native_uid(xercesc::XMLGrammarPool& pool);

}  // namespace passerelle::cda::detail
