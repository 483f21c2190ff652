// The hardened parser behind xml::parse, plus the Runtime and Document
// wrappers. See xml.hpp for the guarantees; the walls, in the order an
// attack meets them:
//   1. size: checked on the raw bytes before Xerces sees anything;
//   2. DOCTYPE: refused by a prolog pre-scan (UTF-8/ASCII input) and again
//      by the scanner's doctypeDecl callback (any encoding), before the
//      internal subset is read — so no entity is ever declared and no
//      external subset is ever fetched;
//   3. entity resolution: default resolution disabled, external DTD loading
//      off, and a resolver that refuses every request, should anything slip
//      past (2);
//   4. a SecurityManager entity-expansion limit;
//   5. depth and attribute count: checked in the startElement callback, so
//      the parse stops at the limit instead of building the deep tree. Xerces
//      keeps open elements on a heap stack, not the call stack, so a deep
//      document cannot overflow the stack before the callback stops it.

#include "passerelle/core/xml.hpp"

#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/MemoryManager.hpp>
#include <xercesc/framework/XMLErrorCodes.hpp>
#include <xercesc/internal/XMLScanner.hpp>
#include <xercesc/parsers/XercesDOMParser.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax/SAXException.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/util/XMLEntityResolver.hpp>
#include <xercesc/util/XMLException.hpp>
#include <xercesc/util/XMLResourceIdentifier.hpp>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml_hardening.hpp"
#include "passerelle/core/xml_input.hpp"
#include "xml_prolog.hpp"

namespace passerelle::xml {
namespace {

namespace x = xercesc;

// Second wall behind the DOCTYPE refusal: bounds expansions should an entity
// ever be declared.
constexpr XMLSize_t kEntityExpansionLimit = 100;

std::string where(std::string_view location, XMLFileLoc line, XMLFileLoc column) {
  std::string out(location);
  if (!out.empty()) out += ", ";
  out += "line " + std::to_string(line) + ", column " + std::to_string(column);
  return out;
}

class HardenedParser final : public x::XercesDOMParser {
 public:
  HardenedParser() : resolver_("") {
    harden(*this, resolver_, security_);
    setValidationScheme(Val_Never);
    setDoSchema(false);
    // Routes scanner errors to error() below; XercesDOMParser only does so
    // once an ErrorHandler is set, and a handler would only see the message,
    // not the error code.
    getScanner()->setErrorReporter(this);
  }

  // Before each parse: what this input may contain and how errors name it.
  void prepare(const Limits& limits, std::string_view location) {
    limits_ = limits;
    location_ = location;
    resolver_.relocate(location);
    depth_ = 0;
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
    if (attribute_count > limits_.max_attributes_per_element) {
      throw Failure(codes::kXmlLimitExceeded, here(),
                    "more than " + std::to_string(limits_.max_attributes_per_element) +
                        " attributes on one element");
    }
    // An empty element gets no endElement call.
    if (!is_empty) ++depth_;
    XercesDOMParser::startElement(decl, url_id, prefix, attributes, attribute_count, is_empty,
                                  is_root);
  }

  void endElement(const x::XMLElementDecl& decl, const unsigned int url_id, const bool is_root,
                  const XMLCh* const prefix) override {
    --depth_;
    XercesDOMParser::endElement(decl, url_id, is_root, prefix);
  }

  // Every error, warnings aside, ends the parse: nothing is printed and no
  // half-parsed tree is ever handed out.
  void error(const unsigned int code, const XMLCh* const, const x::XMLErrorReporter::ErrTypes type,
             const XMLCh* const text, const XMLCh* const, const XMLCh* const, const XMLFileLoc line,
             const XMLFileLoc column) override {
    if (type == x::XMLErrorReporter::ErrType_Warning) return;
    const char* failure_code = code == x::XMLErrs::EntityExpansionLimitExceeded
                                   ? codes::kXmlLimitExceeded
                                   : codes::kMalformedXml;
    throw Failure(failure_code, where(location_, line, column), utf8(text));
  }

 private:
  std::string here() const {
    const x::Locator* locator = getScanner()->getLocator();
    if (locator == nullptr) return std::string(location_);
    return where(location_, locator->getLineNumber(), locator->getColumnNumber());
  }

  Limits limits_;
  std::string_view location_;
  RefuseEntities resolver_;
  x::SecurityManager security_;
  std::size_t depth_ = 0;
};

}  // namespace

x::InputSource* RefuseEntities::resolveEntity(x::XMLResourceIdentifier* id) {
  throw Failure(codes::kForbiddenXmlConstruct, std::string(location_),
                "external reference refused: " + utf8(id != nullptr ? id->getSystemId() : nullptr));
}

void check_before_parse(std::string_view bytes, const Limits& limits, std::string_view location) {
  if (bytes.size() > limits.max_bytes) {
    throw Failure(codes::kXmlLimitExceeded, std::string(location),
                  "document of " + std::to_string(bytes.size()) + " bytes exceeds " +
                      std::to_string(limits.max_bytes));
  }
  if (prolog_has_doctype(bytes)) {
    throw Failure(codes::kForbiddenXmlConstruct, std::string(location), "DOCTYPE is not allowed");
  }
}

void harden(x::XercesDOMParser& parser, RefuseEntities& resolver, x::SecurityManager& security) {
  parser.setDoNamespaces(true);
  parser.setLoadSchema(false);
  parser.setLoadExternalDTD(false);
  parser.setSkipDTDValidation(true);
  parser.setDisableDefaultEntityResolution(true);
  parser.setXMLEntityResolver(&resolver);
  parser.setCreateEntityReferenceNodes(false);
  parser.setDoXInclude(false);
  parser.setExitOnFirstFatalError(true);
  security.setEntityExpansionLimit(kEntityExpansionLimit);
  parser.setSecurityManager(&security);
}

Runtime::Runtime() { x::XMLPlatformUtils::Initialize(); }
Runtime::~Runtime() { x::XMLPlatformUtils::Terminate(); }

void DocumentRelease::operator()(x::DOMDocument* doc) const noexcept {
  if (doc != nullptr) doc->release();
}

Document::Document(std::unique_ptr<x::DOMDocument, DocumentRelease> doc) : doc_(std::move(doc)) {}

x::DOMElement& Document::root() const { return *doc_->getDocumentElement(); }

namespace {

Document run(HardenedParser& parser, std::string_view bytes, const Limits& limits,
             std::string_view location) {
  check_before_parse(bytes, limits, location);
  parser.prepare(limits, location);
  Utf16Input input;
  const auto source = input.source(bytes, u"passerelle-input");
  try {
    parser.parse(*source);
  } catch (const Failure&) {
    throw;
  } catch (const x::OutOfMemoryException&) {
    throw Failure(codes::kXmlLimitExceeded, std::string(location), "out of memory while parsing");
  } catch (const x::XMLException& e) {
    throw Failure(codes::kMalformedXml, std::string(location), utf8(e.getMessage()));
  } catch (const x::SAXException& e) {
    throw Failure(codes::kMalformedXml, std::string(location), utf8(e.getMessage()));
  } catch (const x::DOMException& e) {
    throw Failure(codes::kMalformedXml, std::string(location), utf8(e.getMessage()));
  }

  std::unique_ptr<x::DOMDocument, DocumentRelease> doc(parser.adoptDocument());
  if (doc == nullptr || doc->getDocumentElement() == nullptr) {
    throw Failure(codes::kMalformedXml, std::string(location), "no document element");
  }
  return Document(std::move(doc));
}

}  // namespace

Document parse(std::string_view bytes, const Limits& limits, std::string_view location) {
  HardenedParser parser;
  return run(parser, bytes, limits, location);
}

struct ParserPool::Idle {
  std::size_t max;
  std::size_t max_reused_input;
  std::mutex mutex;
  std::vector<std::unique_ptr<HardenedParser>> parsers;
};

ParserPool::ParserPool(std::size_t max_idle, std::size_t max_reused_input)
    : idle_(std::make_unique<Idle>()) {
  idle_->max = max_idle;
  idle_->max_reused_input = max_reused_input;
}

std::size_t ParserPool::idle() const {
  std::lock_guard lock(idle_->mutex);
  return idle_->parsers.size();
}

ParserPool::~ParserPool() = default;

Document ParserPool::parse(std::string_view bytes, const Limits& limits,
                           std::string_view location) const {
  if (bytes.size() > idle_->max_reused_input) {
    // Its parser would not be kept: leave the idle ones, warm, to small inputs.
    HardenedParser parser;
    return run(parser, bytes, limits, location);
  }
  std::unique_ptr<HardenedParser> parser;
  {
    std::lock_guard lock(idle_->mutex);
    if (!idle_->parsers.empty()) {
      parser = std::move(idle_->parsers.back());
      idle_->parsers.pop_back();
    }
  }
  if (!parser) parser = std::make_unique<HardenedParser>();
  // A throw leaves `parser` here, to be destroyed: its scanner stopped midway.
  auto document = run(*parser, bytes, limits, location);
  std::lock_guard lock(idle_->mutex);
  if (idle_->parsers.size() < idle_->max) idle_->parsers.push_back(std::move(parser));
  return document;
}

}  // namespace passerelle::xml
