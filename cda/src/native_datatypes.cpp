#include "native_datatypes.hpp"

#include <map>
#include <string>
#include <xercesc/framework/XMLAttDefList.hpp>
#include <xercesc/util/KVStringPair.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/RefHashTableOf.hpp>
#include <xercesc/util/XMLExceptMsgs.hpp>
#include <xercesc/validators/common/Grammar.hpp>
#include <xercesc/validators/datatype/DatatypeValidatorFactory.hpp>
#include <xercesc/validators/datatype/InvalidDatatypeValueException.hpp>
#include <xercesc/validators/datatype/StringDatatypeValidator.hpp>
#include <xercesc/validators/schema/ComplexTypeInfo.hpp>
#include <xercesc/validators/schema/SchemaAttDef.hpp>
#include <xercesc/validators/schema/SchemaElementDecl.hpp>
#include <xercesc/validators/schema/SchemaGrammar.hpp>
#include <xercesc/validators/schema/SchemaSymbols.hpp>

namespace passerelle::cda::detail {
namespace {

namespace x = xercesc;

bool is_digit(char16_t c) { return c >= u'0' && c <= u'9'; }
bool is_letter(char16_t c) { return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z'); }
bool is_alnum(char16_t c) { return is_digit(c) || is_letter(c); }

// [0-2](\.(0|[1-9][0-9]*))*
bool is_oid(std::u16string_view s) {
  if (s.empty() || s[0] < u'0' || s[0] > u'2') return false;
  std::size_t i = 1;
  while (i < s.size()) {
    if (s[i] != u'.' || i + 1 == s.size()) return false;
    ++i;
    if (s[i] == u'0') {
      ++i;
      continue;
    }
    if (!is_digit(s[i])) return false;
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  return true;
}

// [0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}
bool is_uuid(std::u16string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool hyphen_place = i == 8 || i == 13 || i == 18 || i == 23;
    if (hyphen_place ? s[i] != u'-' : !is_alnum(s[i])) return false;
  }
  return true;
}

// [A-Za-z][A-Za-z0-9\-]*
bool is_ruid(std::u16string_view s) {
  if (s.empty() || !is_letter(s[0])) return false;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (!is_alnum(s[i]) && s[i] != u'-') return false;
  }
  return true;
}

using Matcher = bool (*)(std::u16string_view);

// A validator without its pattern facet, checking the pattern itself.
class NativePatternValidator final : public x::StringDatatypeValidator {
 public:
  NativePatternValidator(x::DatatypeValidator* base, x::RefHashTableOf<x::KVStringPair>* facets,
                         int final_set, std::u16string pattern, Matcher matcher)
      : StringDatatypeValidator(base, facets, nullptr, final_set,
                                x::XMLPlatformUtils::fgMemoryManager),
        pattern_(std::move(pattern)),
        matcher_(matcher) {}

 protected:
  void checkContent(const XMLCh* const content, x::ValidationContext* const context, bool as_base,
                    x::MemoryManager* const manager) override {
    if (!matcher_(content != nullptr ? std::u16string_view(content) : std::u16string_view())) {
      // Xerces-C's own exception for a pattern mismatch, so the finding reads the same.
      ThrowXMLwithMemMgr2(x::InvalidDatatypeValueException, x::XMLExcepts::VALUE_NotMatch_Pattern,
                          content, pattern_.c_str(), manager);
    }
    StringDatatypeValidator::checkContent(content, context, as_base, manager);
  }

 private:
  std::u16string pattern_;
  Matcher matcher_;
};

const XMLCh* pattern_of(const x::DatatypeValidator& validator) {
  const auto* facets = validator.getFacets();
  const auto* pattern = facets != nullptr ? facets->get(x::SchemaSymbols::fgELT_PATTERN) : nullptr;
  return pattern != nullptr ? pattern->getValue() : nullptr;
}

// The same facets but the pattern, the same base and name.
std::unique_ptr<x::DatatypeValidator> native_copy(const x::DatatypeValidator& original,
                                                  Matcher matcher) {
  auto* manager = x::XMLPlatformUtils::fgMemoryManager;
  auto facets = std::make_unique<x::RefHashTableOf<x::KVStringPair>>(7, true, manager);
  x::RefHashTableOfEnumerator<x::KVStringPair> each(original.getFacets(), false, manager);
  while (each.hasMoreElements()) {
    const auto& facet = each.nextElement();
    if (std::u16string_view(facet.getKey()) == x::SchemaSymbols::fgELT_PATTERN) continue;
    auto pair = std::make_unique<x::KVStringPair>(facet.getKey(), facet.getValue(), manager);
    auto* key = const_cast<XMLCh*>(pair->getKey());
    facets->put(key, pair.release());  // the table adopts its values
  }
  auto copy = std::make_unique<NativePatternValidator>(
      original.getBaseValidator(), facets.release(), original.getFinalSet(),
      std::u16string(pattern_of(original)), matcher);
  copy->setTypeName(original.getTypeLocalName(), original.getTypeUri());
  return copy;
}

// Each original validator, its native copy and its entry in kNativeDatatypes.
struct Replacement {
  x::DatatypeValidator* copy;
  std::size_t entry;
};
using Replacements = std::map<const x::DatatypeValidator*, Replacement>;
using Counts = std::array<std::size_t, kNativeDatatypes.size()>;

void switch_declaration(x::SchemaAttDef& declaration, const Replacements& replacements,
                        Counts& switched) {
  const auto found = replacements.find(declaration.getDatatypeValidator());
  if (found == replacements.end()) return;
  declaration.setDatatypeValidator(found->second.copy);
  ++switched[found->second.entry];
}

void switch_list(x::XMLAttDefList& list, const Replacements& replacements, Counts& switched) {
  for (XMLSize_t i = 0; i < list.getAttDefCount(); ++i) {
    switch_declaration(static_cast<x::SchemaAttDef&>(list.getAttDef(i)), replacements, switched);
  }
}

void switch_grammar(x::SchemaGrammar& grammar, const Replacements& replacements, Counts& switched) {
  auto* manager = x::XMLPlatformUtils::fgMemoryManager;
  if (auto* types = grammar.getComplexTypeRegistry(); types != nullptr) {
    x::RefHashTableOfEnumerator<x::ComplexTypeInfo> each(types, false, manager);
    while (each.hasMoreElements()) {
      auto& type = each.nextElement();
      if (type.hasAttDefs()) switch_list(type.getAttDefList(), replacements, switched);
    }
  }
  // Anonymous types reached from their elements (the same declarations,
  // already switched, when the registry holds them too).
  auto elements = grammar.getElemEnumerator();
  while (elements.hasMoreElements()) {
    const auto* type = elements.nextElement().getComplexTypeInfo();
    if (type != nullptr && type->hasAttDefs())
      switch_list(type->getAttDefList(), replacements, switched);
  }
  if (auto* attributes = grammar.getAttributeDeclRegistry(); attributes != nullptr) {
    x::RefHashTableOfEnumerator<x::XMLAttDef> each(attributes, false, manager);
    while (each.hasMoreElements()) {
      switch_declaration(static_cast<x::SchemaAttDef&>(each.nextElement()), replacements, switched);
    }
  }
}

}  // namespace

bool matches_uid(std::u16string_view value) {
  return is_oid(value) || is_uuid(value) || is_ruid(value);
}

// [^\s]+, where \s is XML Schema's: space, tab, line feed, carriage return.
bool matches_cs(std::u16string_view value) {
  return !value.empty() && value.find_first_of(u" \t\n\r") == std::u16string_view::npos;
}

// [0-9]{1,8}|([0-9]{9,14}|[0-9]{14,14}\.[0-9]+)([+\-][0-9]{1,4})?
bool matches_ts(std::u16string_view value) {
  std::size_t i = 0;
  while (i < value.size() && is_digit(value[i])) ++i;
  const std::size_t digits = i;
  if (i == value.size()) return digits >= 1 && digits <= 14;
  if (digits < 9 || digits > 14) return false;
  if (value[i] == u'.') {
    if (digits != 14) return false;
    const std::size_t fraction = ++i;
    while (i < value.size() && is_digit(value[i])) ++i;
    if (i == fraction) return false;
    if (i == value.size()) return true;
  }
  if (value[i] != u'+' && value[i] != u'-') return false;
  const std::size_t zone = ++i;
  while (i < value.size() && is_digit(value[i])) ++i;
  return i == value.size() && i - zone >= 1 && i - zone <= 4;
}

InstalledDatatypes install_native_datatypes(x::XMLGrammarPool& pool) {
  InstalledDatatypes installed;
  Replacements replacements;
  auto grammars = pool.getGrammarEnumerator();
  while (grammars.hasMoreElements()) {
    auto& grammar = grammars.nextElement();
    if (grammar.getGrammarType() != x::Grammar::SchemaGrammarType) continue;
    auto* registry = static_cast<x::SchemaGrammar&>(grammar).getDatatypeRegistry();
    if (registry == nullptr) continue;
    for (std::size_t i = 0; i < kNativeDatatypes.size(); ++i) {
      const auto& native = kNativeDatatypes[i];
      const std::u16string key(native.key);
      const x::DatatypeValidator* original = registry->getDatatypeValidator(key.c_str());
      if (original == nullptr || replacements.contains(original) ||
          original->getType() != x::DatatypeValidator::String) {
        continue;
      }
      const XMLCh* pattern = pattern_of(*original);
      if (pattern == nullptr || std::u16string_view(pattern) != native.pattern) continue;
      auto copy = native_copy(*original, native.matches);
      // The scanner normalizes a value by its declaration's validator.
      if (copy->getWSFacet() != original->getWSFacet()) continue;
      replacements.emplace(original, Replacement{copy.get(), i});
      installed.validators.push_back(std::move(copy));
    }
  }
  if (replacements.empty()) return installed;
  auto again = pool.getGrammarEnumerator();
  while (again.hasMoreElements()) {
    auto& grammar = again.nextElement();
    if (grammar.getGrammarType() != x::Grammar::SchemaGrammarType) continue;
    switch_grammar(static_cast<x::SchemaGrammar&>(grammar), replacements, installed.declarations);
  }
  return installed;
}

}  // namespace passerelle::cda::detail
