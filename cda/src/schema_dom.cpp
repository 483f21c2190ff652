// SchemaValidator::parse: one Xerces parse that validates against the cached
// grammar pool while it builds what the rules read, so full CDA validation
// reads the document once (bench/README.md, cda_validation). The walls are
// those of core/src/xml.cpp's hardened parser, shared through
// core/xml_hardening.hpp: size and a prolog DOCTYPE checked before Xerces
// starts; DOCTYPE refused again by the doctypeDecl callback (any encoding),
// before any internal subset is read, so no entity is ever declared; default
// entity resolution and external DTDs off, a resolver refusing every request,
// no schema loaded from document hints; an entity-expansion limit; depth and
// attribute count checked as each element starts. Well-formedness and
// hardening errors end the parse (Failure, codes as xml::parse); validity
// errors become "XSD" findings and the parse goes on, so the rules still see
// the tree.
//
// What is built. The rules read the header and the body only down to its
// sections (R-CDA-44..46) and nonXMLBody text, and a Xerces 3.2 DOM costs
// more to build and walk than the scan itself (every node link goes through
// a dynamic_cast). So when the root is hl7:ClinicalDocument the callbacks
// build the header tree of tree.hpp, and a Xerces DOM only when the caller
// asks for one (the gateway's metadata agreement reads it); what lies inside
// an hl7:section is validated by the scanner as usual but added to neither:
// the section elements stay, empty. An enveloped document (ds:Signature,
// xsl:stylesheet) gets its DOM built whole, since its ClinicalDocument is
// located there, serialised and validated again on its own.
//
// Validation changes the document in two ways the rules must not see: Xerces
// adds the schema's default and fixed attributes, and it knows which
// whitespace is ignorable. Defaulted attributes are left out of both trees,
// so the rules read the document as written; ignorable whitespace (text
// between elements of element-only content) is dropped, which no rule reads;
// so are comments.

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <xercesc/framework/XMLAttr.hpp>
#include <xercesc/framework/XMLErrorCodes.hpp>
#include <xercesc/internal/XMLScanner.hpp>
#include <xercesc/parsers/XercesDOMParser.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax/SAXException.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/RefVectorOf.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/util/XMLException.hpp>
#include <xercesc/util/XMLString.hpp>
#include <xercesc/validators/schema/SchemaElementDecl.hpp>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml_hardening.hpp"
#include "passerelle/core/xml_input.hpp"
#include "schema.hpp"

namespace passerelle::cda::detail {
namespace {

namespace x = xercesc;

std::string where_at(std::string_view location, XMLFileLoc line, XMLFileLoc column) {
  std::string out(location);
  if (!out.empty()) out += ", ";
  out += "line " + std::to_string(line) + ", column " + std::to_string(column);
  return out;
}

class ValidatingParser final : public x::XercesDOMParser {
 public:
  ValidatingParser(x::XMLGrammarPool* pool, const xml::Limits& limits, std::string_view location,
                   std::vector<Finding>& findings, bool with_dom)
      : x::XercesDOMParser(nullptr, x::XMLPlatformUtils::fgMemoryManager, pool),
        limits_(limits),
        location_(location),
        findings_(findings),
        resolver_(location),
        with_dom_(with_dom) {
    xml::harden(*this, resolver_, security_);  // as xml::parse; never follows xsi:schemaLocation
    setValidationScheme(Val_Always);
    setDoSchema(true);
    setValidationSchemaFullChecking(false);
    setHandleMultipleImports(true);
    useCachedGrammarInParse(true);
    cacheGrammarFromParse(false);
    setIncludeIgnorableWhitespace(false);
    setCreateCommentNodes(false);
    getScanner()->setErrorReporter(this);
  }

  void doctypeDecl(const x::DTDElementDecl&, const XMLCh* const, const XMLCh* const, const bool,
                   const bool) override {
    throw Failure(codes::kForbiddenXmlConstruct, here(), "DOCTYPE is not allowed");
  }

  void startEntityReference(const x::XMLEntityDecl&) override {
    throw Failure(codes::kForbiddenXmlConstruct, here(), "entity references are not allowed");
  }

  void startElement(const x::XMLElementDecl& decl, const unsigned int url_id,
                    const XMLCh* const prefix, const x::RefVectorOf<x::XMLAttr>& attributes,
                    const XMLSize_t attribute_count, const bool is_empty,
                    const bool is_root) override {
    if (depth_ + 1 > limits_.max_depth) {
      throw Failure(codes::kXmlLimitExceeded, here(),
                    "element depth exceeds " + std::to_string(limits_.max_depth));
    }
    bool defaulted = false;
    std::size_t written = 0;
    for (XMLSize_t i = 0; i < attribute_count; ++i) {
      if (attributes.elementAt(i)->getSpecified()) {
        ++written;
      } else {
        defaulted = true;
      }
    }
    if (written > limits_.max_attributes_per_element) {
      throw Failure(codes::kXmlLimitExceeded, here(),
                    "more than " + std::to_string(limits_.max_attributes_per_element) +
                        " attributes on one element");
    }
    if (is_root) {
      prune_sections_ = is_hl7(decl, url_id, u"ClinicalDocument");
      build_dom_ = with_dom_ || !prune_sections_;
    }
    if (!is_empty) ++depth_;
    if (pruning()) return;
    if (prune_sections_ && !is_empty && is_hl7(decl, url_id, u"section")) section_depth_ = depth_;
    if (prune_sections_) add_to_tree(decl, url_id, attributes, attribute_count, is_empty);
    if (!build_dom_) return;
    if (!defaulted && !decl.hasAttDefs()) {
      XercesDOMParser::startElement(decl, url_id, prefix, attributes, attribute_count, is_empty,
                                    is_root);
    } else {
      const x::RefVectorOf<x::XMLAttr>* written_attributes = &attributes;
      if (defaulted) {
        specified_.removeAllElements();
        for (XMLSize_t i = 0; i < attribute_count; ++i) {
          const x::XMLAttr* attribute = attributes.elementAt(i);
          // The vector does not adopt and the base class only reads through it.
          if (attribute->getSpecified()) specified_.addElement(const_cast<x::XMLAttr*>(attribute));
        }
        written_attributes = &specified_;
      }
      XercesDOMParser::startElement(without_defaults(decl), url_id, prefix, *written_attributes,
                                    written, is_empty, is_root);
    }
  }

  void endElement(const x::XMLElementDecl& decl, const unsigned int url_id, const bool is_root,
                  const XMLCh* const prefix) override {
    const bool pruned = pruning();
    if (depth_ == section_depth_) section_depth_ = 0;
    --depth_;
    if (pruned) return;
    if (prune_sections_) tree_.end();
    if (build_dom_) XercesDOMParser::endElement(decl, url_id, is_root, prefix);
  }

  void docCharacters(const XMLCh* const chars, const XMLSize_t length,
                     const bool cdata_section) override {
    if (pruning()) return;
    if (prune_sections_) tree_.append_text(chars, length, cdata_section);
    if (build_dom_) XercesDOMParser::docCharacters(chars, length, cdata_section);
  }
  void ignorableWhitespace(const XMLCh* const chars, const XMLSize_t length,
                           const bool cdata_section) override {
    if (build_dom_ && !pruning()) {
      XercesDOMParser::ignorableWhitespace(chars, length, cdata_section);
    }
  }
  void docComment(const XMLCh* const comment) override {
    if (build_dom_ && !pruning()) XercesDOMParser::docComment(comment);
  }
  void docPI(const XMLCh* const target, const XMLCh* const data) override {
    if (build_dom_ && !pruning()) XercesDOMParser::docPI(target, data);
  }

  // The header tree, when the root is hl7:ClinicalDocument.
  std::optional<Tree> take_tree() {
    if (!prune_sections_) return std::nullopt;
    return std::move(tree_);
  }
  bool built_dom() const { return build_dom_; }

  // Non-fatal errors are validity errors: Xerces reports structure errors in
  // its validity domain and datatype errors with their exception code in the
  // XML domain, and its only other non-fatal XML errors concern schema
  // documents, which are compiled before any parse. They become findings;
  // fatal errors (well-formedness) end the parse, as in xml::parse.
  void error(const unsigned int code, const XMLCh* const, const x::XMLErrorReporter::ErrTypes type,
             const XMLCh* const text, const XMLCh* const, const XMLCh* const, const XMLFileLoc line,
             const XMLFileLoc column) override {
    if (type == x::XMLErrorReporter::ErrType_Warning) return;
    if (type == x::XMLErrorReporter::ErrType_Error) {
      if (findings_.size() < SchemaValidator::kMaxFindings) {
        findings_.push_back(
            {"XSD", Severity::Error, where_at(location_, line, column), xml::utf8(text)});
      }
      return;
    }
    const char* failure_code = code == x::XMLErrs::EntityExpansionLimitExceeded
                                   ? codes::kXmlLimitExceeded
                                   : codes::kMalformedXml;
    throw Failure(failure_code, where_at(location_, line, column), xml::utf8(text));
  }

 private:
  // The DOM builder gives every element whose declaration has default or
  // fixed attributes a map of "default attribute" nodes (unseen by
  // getAttribute, but built for each such element: most hl7 elements). It
  // reads only the names of the declaration it is given, so it gets a
  // declaration with the same names and no attributes, one per declaration
  // met in this parse.
  const x::XMLElementDecl& without_defaults(const x::XMLElementDecl& decl) {
    auto& bare = bare_decls_[&decl];
    if (!bare) {
      bare = std::make_unique<x::SchemaElementDecl>(decl.getElementName()->getPrefix(),
                                                    decl.getBaseName(), decl.getURI());
    }
    return *bare;
  }

  void add_to_tree(const x::XMLElementDecl& decl, unsigned int url_id,
                   const x::RefVectorOf<x::XMLAttr>& attributes, XMLSize_t attribute_count,
                   bool is_empty) {
    std::string ns;
    if (url_id != getScanner()->getEmptyNamespaceId())
      ns = xml::utf8(getScanner()->getURIText(url_id));
    El& element = tree_.start(std::move(ns), xml::utf8(decl.getBaseName()));
    for (XMLSize_t i = 0; i < attribute_count; ++i) {
      const x::XMLAttr* attribute = attributes.elementAt(i);
      if (attribute->getSpecified()) {
        tree_.add_attribute(element, attribute->getQName(), attribute->getValue());
      }
    }
    if (is_empty) tree_.end();
  }

  // Inside an hl7:section of a plain ClinicalDocument (the section itself excluded).
  bool pruning() const { return section_depth_ != 0 && depth_ > section_depth_; }

  bool is_hl7(const x::XMLElementDecl& decl, unsigned int url_id, const char16_t* local) const {
    return x::XMLString::equals(decl.getBaseName(), local) &&
           x::XMLString::equals(getScanner()->getURIText(url_id), u"urn:hl7-org:v3");
  }

  std::string here() const {
    const x::Locator* locator = getScanner()->getLocator();
    if (locator == nullptr) return std::string(location_);
    return where_at(location_, locator->getLineNumber(), locator->getColumnNumber());
  }

  const xml::Limits& limits_;
  std::string_view location_;
  std::vector<Finding>& findings_;
  xml::RefuseEntities resolver_;
  x::SecurityManager security_;
  // Borrowed pointers to the scanner's attributes, defaulted ones left out.
  x::RefVectorOf<x::XMLAttr> specified_{16, false};
  std::unordered_map<const x::XMLElementDecl*, std::unique_ptr<x::SchemaElementDecl>> bare_decls_;
  std::size_t depth_ = 0;
  const bool with_dom_;
  bool build_dom_ = true;
  Tree tree_;
  // A plain ClinicalDocument: the header tree is built and section content
  // left out (of the DOM too, when one is built).
  bool prune_sections_ = false;
  std::size_t section_depth_ = 0;  // depth of the hl7:section being pruned, 0 = none
};

}  // namespace

ValidatedDocument SchemaValidator::parse(std::string_view bytes, std::string_view where,
                                         bool with_dom, const xml::Limits& limits) const {
  xml::check_before_parse(bytes, limits, where);
  std::vector<Finding> findings;
  ValidatingParser parser(pool_.get(), limits, where, findings, with_dom);
  xml::Utf16Input input;
  const auto source = input.source(bytes, u"passerelle-cda");
  try {
    parser.parse(*source);
  } catch (const Failure&) {
    throw;
  } catch (const x::OutOfMemoryException&) {
    throw Failure(codes::kXmlLimitExceeded, std::string(where), "out of memory while parsing");
  } catch (const x::XMLException& e) {
    throw Failure(codes::kMalformedXml, std::string(where), xml::utf8(e.getMessage()));
  } catch (const x::SAXException& e) {
    throw Failure(codes::kMalformedXml, std::string(where), xml::utf8(e.getMessage()));
  } catch (const x::DOMException& e) {
    throw Failure(codes::kMalformedXml, std::string(where), xml::utf8(e.getMessage()));
  }
  ValidatedDocument out{std::nullopt, parser.take_tree(), std::move(findings)};
  if (parser.built_dom()) {
    std::unique_ptr<x::DOMDocument, xml::DocumentRelease> doc(parser.adoptDocument());
    if (doc != nullptr && doc->getDocumentElement() != nullptr)
      out.document.emplace(std::move(doc));
  }
  if (!out.document && (!out.tree || out.tree->root() == nullptr)) {
    throw Failure(codes::kMalformedXml, std::string(where), "no document element");
  }
  return out;
}

}  // namespace passerelle::cda::detail
