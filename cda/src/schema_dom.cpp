// SchemaValidator::parse: one Xerces DOM parse that validates against the
// cached grammar pool while it builds the tree, so full CDA validation reads
// the document once instead of a SAX pass for the XSD plus a DOM parse for the
// rules (bench/README.md, cda_validation). The walls are those of
// core/src/xml.cpp's hardened parser, in the same order: size checked before
// Xerces starts; DOCTYPE refused by the doctypeDecl callback, before any
// internal subset is read, so no entity is ever declared; default entity
// resolution and external DTDs off, a resolver refusing every request, no
// schema loaded from document hints; an entity-expansion limit; depth and
// attribute count checked as each element starts. Well-formedness and
// hardening errors end the parse (Failure, codes as xml::parse); validity
// errors become "XSD" findings and the parse goes on, so the rules still see
// the tree.
//
// Validation changes the tree in two ways the rules must not see: Xerces adds
// the schema's default and fixed attributes, and it knows which whitespace is
// ignorable. Defaulted attributes are filtered out here, so the rules read
// the document as written; ignorable whitespace (text between elements of
// element-only content) is dropped, which no rule reads and which spares the
// DOM a third of its nodes; so are comments.
//
// The rules read the header and the body only down to its sections
// (R-CDA-44..46), and building Xerces DOM nodes costs more than validating
// them (bench/README.md). So when the root is hl7:ClinicalDocument, what lies
// inside an hl7:section is validated by the scanner as usual but never added
// to the tree: the section elements stay, empty. An enveloped document
// (ds:Signature, xsl:stylesheet) is built whole, since its ClinicalDocument
// is serialised and validated again on its own.

#include <string>
#include <utility>
#include <xercesc/framework/MemBufInputSource.hpp>
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
#include <xercesc/util/XMLEntityResolver.hpp>
#include <xercesc/util/XMLException.hpp>
#include <xercesc/util/XMLResourceIdentifier.hpp>
#include <xercesc/util/XMLString.hpp>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "schema.hpp"

namespace passerelle::cda::detail {
namespace {

namespace x = xercesc;

constexpr XMLSize_t kEntityExpansionLimit = 100;

std::string where_at(std::string_view location, XMLFileLoc line, XMLFileLoc column) {
  std::string out(location);
  if (!out.empty()) out += ", ";
  out += "line " + std::to_string(line) + ", column " + std::to_string(column);
  return out;
}

class RefuseEverything final : public x::XMLEntityResolver {
 public:
  explicit RefuseEverything(std::string_view location) : location_(location) {}
  x::InputSource* resolveEntity(x::XMLResourceIdentifier* id) override {
    throw Failure(
        codes::kForbiddenXmlConstruct, std::string(location_),
        "external reference refused: " + xml::utf8(id != nullptr ? id->getSystemId() : nullptr));
  }

 private:
  std::string_view location_;
};

class ValidatingParser final : public x::XercesDOMParser {
 public:
  ValidatingParser(x::XMLGrammarPool* pool, const xml::Limits& limits, std::string_view location,
                   std::vector<Finding>& findings)
      : x::XercesDOMParser(nullptr, x::XMLPlatformUtils::fgMemoryManager, pool),
        limits_(limits),
        location_(location),
        findings_(findings),
        resolver_(location) {
    setDoNamespaces(true);
    setValidationScheme(Val_Always);
    setDoSchema(true);
    setValidationSchemaFullChecking(false);
    setHandleMultipleImports(true);
    setLoadSchema(false);  // never follow xsi:schemaLocation
    useCachedGrammarInParse(true);
    cacheGrammarFromParse(false);
    setLoadExternalDTD(false);
    setSkipDTDValidation(true);
    setDisableDefaultEntityResolution(true);
    setXMLEntityResolver(&resolver_);
    setCreateEntityReferenceNodes(false);
    setDoXInclude(false);
    setExitOnFirstFatalError(true);
    setIncludeIgnorableWhitespace(false);
    setCreateCommentNodes(false);
    getScanner()->setErrorReporter(this);
    security_.setEntityExpansionLimit(kEntityExpansionLimit);
    setSecurityManager(&security_);
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
    if (is_root) prune_sections_ = is_hl7(decl, url_id, u"ClinicalDocument");
    if (!is_empty) ++depth_;
    if (pruning()) return;
    if (prune_sections_ && !is_empty && is_hl7(decl, url_id, u"section")) section_depth_ = depth_;
    if (!defaulted) {
      XercesDOMParser::startElement(decl, url_id, prefix, attributes, attribute_count, is_empty,
                                    is_root);
      return;
    }
    specified_.removeAllElements();
    for (XMLSize_t i = 0; i < attribute_count; ++i) {
      const x::XMLAttr* attribute = attributes.elementAt(i);
      // The vector does not adopt and the base class only reads through it.
      if (attribute->getSpecified()) specified_.addElement(const_cast<x::XMLAttr*>(attribute));
    }
    XercesDOMParser::startElement(decl, url_id, prefix, specified_, specified_.size(), is_empty,
                                  is_root);
  }

  void endElement(const x::XMLElementDecl& decl, const unsigned int url_id, const bool is_root,
                  const XMLCh* const prefix) override {
    const bool pruned = pruning();
    if (depth_ == section_depth_) section_depth_ = 0;
    --depth_;
    if (!pruned) XercesDOMParser::endElement(decl, url_id, is_root, prefix);
  }

  void docCharacters(const XMLCh* const chars, const XMLSize_t length,
                     const bool cdata_section) override {
    if (!pruning()) XercesDOMParser::docCharacters(chars, length, cdata_section);
  }
  void ignorableWhitespace(const XMLCh* const chars, const XMLSize_t length,
                           const bool cdata_section) override {
    if (!pruning()) XercesDOMParser::ignorableWhitespace(chars, length, cdata_section);
  }
  void docComment(const XMLCh* const comment) override {
    if (!pruning()) XercesDOMParser::docComment(comment);
  }
  void docPI(const XMLCh* const target, const XMLCh* const data) override {
    if (!pruning()) XercesDOMParser::docPI(target, data);
  }

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
  RefuseEverything resolver_;
  x::SecurityManager security_;
  // Borrowed pointers to the scanner's attributes, defaulted ones left out.
  x::RefVectorOf<x::XMLAttr> specified_{16, false};
  std::size_t depth_ = 0;
  bool prune_sections_ = false;
  std::size_t section_depth_ = 0;  // depth of the hl7:section being pruned, 0 = none
};

}  // namespace

ValidatedDocument SchemaValidator::parse(std::string_view bytes, std::string_view where,
                                         const xml::Limits& limits) const {
  if (bytes.size() > limits.max_bytes) {
    throw Failure(codes::kXmlLimitExceeded, std::string(where),
                  "document of " + std::to_string(bytes.size()) + " bytes exceeds " +
                      std::to_string(limits.max_bytes));
  }
  std::vector<Finding> findings;
  ValidatingParser parser(pool_.get(), limits, where, findings);
  const x::MemBufInputSource source(reinterpret_cast<const XMLByte*>(bytes.data()), bytes.size(),
                                    u"passerelle-cda");
  try {
    parser.parse(source);
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
  std::unique_ptr<x::DOMDocument, xml::DocumentRelease> doc(parser.adoptDocument());
  if (doc == nullptr || doc->getDocumentElement() == nullptr) {
    throw Failure(codes::kMalformedXml, std::string(where), "no document element");
  }
  return {xml::Document(std::move(doc)), std::move(findings)};
}

}  // namespace passerelle::cda::detail
