// SignedXml::parse: libxml2 under the walls of core's xml::parse.
//   1. size: checked on the raw bytes first;
//   2. DOCTYPE: the SAX internalSubset callback stops the parser as soon as
//      "<!DOCTYPE name" is read, before any declaration of the internal
//      subset, so no entity is declared and no external subset is fetched;
//   3. no XML_PARSE_NOENT / DTDLOAD / DTDATTR, XML_PARSE_NONET: nothing is
//      substituted, defaulted or fetched; undeclared entities are errors;
//   4. depth and attribute count: checked in startElementNs, stopping the
//      parse at the limit.
// Blanks are kept: signed content must reach the canonicaliser untouched.

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include <climits>
#include <memory>
#include <string>
#include <utility>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/signature/xmldsig.hpp"

namespace passerelle::signature {
namespace {

struct Walls {
  const xml::Limits* limits = nullptr;
  startElementNsSAX2Func start = nullptr;
  endElementNsSAX2Func end = nullptr;
  std::size_t depth = 0;
  const char* refusal_code = nullptr;
  std::string refusal;
  int line = 0;
};

Walls& walls_of(void* context) {
  return *static_cast<Walls*>(static_cast<xmlParserCtxtPtr>(context)->_private);
}

void refuse(void* context, const char* code, std::string message) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(context);
  Walls& walls = walls_of(context);
  if (walls.refusal_code == nullptr) {
    walls.refusal_code = code;
    walls.refusal = std::move(message);
    walls.line = xmlSAX2GetLineNumber(ctxt);
  }
  xmlStopParser(ctxt);
}

void on_doctype(void* context, const xmlChar*, const xmlChar*, const xmlChar*) {
  refuse(context, codes::kForbiddenXmlConstruct, "DOCTYPE is not allowed");
}

void on_entity_declaration(void* context, const xmlChar*, int, const xmlChar*, const xmlChar*,
                           xmlChar*) {
  refuse(context, codes::kForbiddenXmlConstruct, "entity declarations are not allowed");
}

void on_start(void* context, const xmlChar* local, const xmlChar* prefix, const xmlChar* uri,
              int namespace_count, const xmlChar** namespaces, int attribute_count, int defaulted,
              const xmlChar** attributes) {
  Walls& walls = walls_of(context);
  if (walls.refusal_code != nullptr) return;
  if (walls.depth + 1 > walls.limits->max_depth) {
    refuse(context, codes::kXmlLimitExceeded,
           "element depth exceeds " + std::to_string(walls.limits->max_depth));
    return;
  }
  if (static_cast<std::size_t>(attribute_count) > walls.limits->max_attributes_per_element) {
    refuse(context, codes::kXmlLimitExceeded,
           "more than " + std::to_string(walls.limits->max_attributes_per_element) +
               " attributes on one element");
    return;
  }
  ++walls.depth;
  walls.start(context, local, prefix, uri, namespace_count, namespaces, attribute_count, defaulted,
              attributes);
}

void on_end(void* context, const xmlChar* local, const xmlChar* prefix, const xmlChar* uri) {
  Walls& walls = walls_of(context);
  if (walls.refusal_code != nullptr) return;
  --walls.depth;
  walls.end(context, local, prefix, uri);
}

std::string where(std::string_view location, int line) {
  std::string out(location);
  if (line > 0) {
    if (!out.empty()) out += ", ";
    out += "line " + std::to_string(line);
  }
  return out;
}

struct ParserContextFree {
  void operator()(xmlParserCtxtPtr ctxt) const noexcept { xmlFreeParserCtxt(ctxt); }
};
struct DocFree {
  void operator()(xmlDocPtr doc) const noexcept { xmlFreeDoc(doc); }
};

}  // namespace

SignedXml SignedXml::parse(std::string_view bytes, const xml::Limits& limits,
                           std::string_view location) {
  if (bytes.size() > limits.max_bytes || bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    throw Failure(codes::kXmlLimitExceeded, std::string(location),
                  "document of " + std::to_string(bytes.size()) + " bytes exceeds " +
                      std::to_string(limits.max_bytes));
  }
  std::unique_ptr<xmlParserCtxt, ParserContextFree> ctxt(xmlNewParserCtxt());
  if (!ctxt || ctxt->sax == nullptr) {
    throw Failure(codes::kInternalError, std::string(location), "libxml2 parser unavailable");
  }
  Walls walls;
  walls.limits = &limits;
  walls.start = ctxt->sax->startElementNs;
  walls.end = ctxt->sax->endElementNs;
  ctxt->_private = &walls;
  ctxt->sax->internalSubset = on_doctype;
  ctxt->sax->externalSubset = on_doctype;
  ctxt->sax->entityDecl = on_entity_declaration;
  ctxt->sax->startElementNs = on_start;
  ctxt->sax->endElementNs = on_end;

  constexpr int kOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  std::unique_ptr<xmlDoc, DocFree> doc(
      xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()),
                        "passerelle-signed-input", nullptr, kOptions));
  if (walls.refusal_code != nullptr) {
    throw Failure(walls.refusal_code, where(location, walls.line), walls.refusal);
  }
  if (!doc || ctxt->wellFormed == 0 || xmlDocGetRootElement(doc.get()) == nullptr) {
    const xmlError* error = xmlCtxtGetLastError(ctxt.get());
    std::string message = error != nullptr && error->message != nullptr
                              ? std::string(error->message)
                              : std::string("no document element");
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw Failure(codes::kMalformedXml, where(location, error != nullptr ? error->line : 0),
                  message);
  }
  // Belt and braces: no DTD node may survive into a tree that is verified.
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    throw Failure(codes::kForbiddenXmlConstruct, std::string(location), "DOCTYPE is not allowed");
  }
  return SignedXml(doc.release());
}

SignedXml SignedXml::empty() {
  xmlDocPtr doc = xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0"));
  if (doc == nullptr) throw Failure(codes::kInternalError, "xml", "out of memory");
  return SignedXml(doc);
}

SignedXml::SignedXml(SignedXml&& other) noexcept : doc_(std::exchange(other.doc_, nullptr)) {}

SignedXml& SignedXml::operator=(SignedXml&& other) noexcept {
  if (this != &other) {
    if (doc_ != nullptr) xmlFreeDoc(doc_);
    doc_ = std::exchange(other.doc_, nullptr);
  }
  return *this;
}

SignedXml::~SignedXml() {
  if (doc_ != nullptr) xmlFreeDoc(doc_);
}

std::string SignedXml::serialize() const {
  xmlChar* buffer = nullptr;
  int size = 0;
  xmlDocDumpMemoryEnc(doc_, &buffer, &size, "UTF-8");
  std::string out(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(size));
  xmlFree(buffer);
  return out;
}

}  // namespace passerelle::signature
