#pragma once

// The walls of xml::parse (xml.cpp), shared with the one other place that
// drives a Xerces DOM parser itself: the CDA validating parse
// (cda/src/schema_dom.cpp), which validates against a grammar pool while it
// parses. Written once, so both stay equally hardened.

#include <string_view>
#include <xercesc/util/XMLEntityResolver.hpp>
#include <xercesc/util/XercesDefs.hpp>

#include "passerelle/core/xml.hpp"

XERCES_CPP_NAMESPACE_BEGIN
class XercesDOMParser;
class SecurityManager;
XERCES_CPP_NAMESPACE_END

namespace passerelle::xml {

// Before Xerces reads a byte: the size limit, then a DOCTYPE in the prolog
// (UTF-8 and ASCII-compatible input; the doctypeDecl callback catches the
// rest). Throws Failure with codes::kXmlLimitExceeded or
// kForbiddenXmlConstruct.
void check_before_parse(std::string_view bytes, const Limits& limits, std::string_view location);

// Refuses every external entity, DTD or schema request (Failure
// kForbiddenXmlConstruct naming `location`).
class RefuseEntities final : public xercesc::XMLEntityResolver {
 public:
  explicit RefuseEntities(std::string_view location) : location_(location) {}
  xercesc::InputSource* resolveEntity(xercesc::XMLResourceIdentifier* id) override;
  // For a parser reused on another input.
  void relocate(std::string_view location) { location_ = location; }

 private:
  std::string_view location_;
};

// Namespaces on; no schema loaded from document hints; no external DTD, DTD
// validation skipped, default entity resolution off and every external
// request sent to `resolver`; no entity-reference nodes, no XInclude; the
// parse stops at the first fatal error; `security` bounds entity expansion.
// `parser` keeps pointers to `resolver` and `security`, which must outlive
// it. The caller still refuses DOCTYPEs and entity references in its
// doctypeDecl and startEntityReference callbacks, checks depth and attribute
// count as elements start, and routes scanner errors to its error() (the
// walls listed at the top of xml.cpp).
void harden(xercesc::XercesDOMParser& parser, RefuseEntities& resolver,
            xercesc::SecurityManager& security);

}  // namespace passerelle::xml
