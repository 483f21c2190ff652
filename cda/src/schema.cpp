#include "schema.hpp"

#include <string>
#include <utility>
#include <xercesc/framework/LocalFileInputSource.hpp>
#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/parsers/SAX2XMLReaderImpl.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/util/XMLEntityResolver.hpp>
#include <xercesc/util/XMLException.hpp>
#include <xercesc/util/XMLResourceIdentifier.hpp>
#include <xercesc/util/XMLUni.hpp>
#include <xercesc/validators/common/Grammar.hpp>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/core/xml_input.hpp"

namespace passerelle::cda::detail {
namespace {

namespace x = xercesc;
namespace fs = std::filesystem;

constexpr XMLSize_t kEntityExpansionLimit = 100;
constexpr const char* kSchemaError = "CdaSchemaError";

struct TooManyFindings {};

std::string strip_file_scheme(std::string text) {
  if (text.rfind("file://", 0) == 0) text.erase(0, 7);
  return text;
}

// Maps schema locations to files below the schema directory and refuses
// everything else (other paths, URLs, DTDs, entities).
class LocalSchemaResolver final : public x::XMLEntityResolver {
 public:
  explicit LocalSchemaResolver(fs::path root) : root_(std::move(root)) {}

  x::InputSource* resolveEntity(x::XMLResourceIdentifier* id) override {
    if (id == nullptr) throw Failure(kSchemaError, root_.string(), "empty external reference");
    const std::string system_id = strip_file_scheme(xml::utf8(id->getSystemId()));
    const std::string base = strip_file_scheme(xml::utf8(id->getBaseURI()));
    const bool schema =
        id->getResourceIdentifierType() == x::XMLResourceIdentifier::SchemaGrammar ||
        id->getResourceIdentifierType() == x::XMLResourceIdentifier::SchemaImport ||
        id->getResourceIdentifierType() == x::XMLResourceIdentifier::SchemaInclude ||
        id->getResourceIdentifierType() == x::XMLResourceIdentifier::SchemaRedefine;
    if (!schema || system_id.find("://") != std::string::npos) {
      throw Failure(codes::kForbiddenXmlConstruct, base,
                    "external reference refused: " + system_id);
    }
    fs::path target = fs::path(system_id);
    if (target.is_relative()) target = fs::path(base).parent_path() / target;
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(target, ec);
    const std::string prefix = root_.string() + "/";
    if (ec || canonical.string().rfind(prefix, 0) != 0 || !fs::is_regular_file(canonical)) {
      throw Failure(codes::kForbiddenXmlConstruct, base,
                    "schema location outside the shipped schemas refused: " + system_id);
    }
    const std::u16string path = xml::xmlch(canonical.string());
    return new x::LocalFileInputSource(path.c_str());
  }

 private:
  fs::path root_;
};

// Per-parse handler: collects errors, refuses DTDs.
class Collector final : public x::DefaultHandler {
 public:
  explicit Collector(std::string_view where) : where_(where) {}

  // Ready for the next document, when the reader is reused.
  void begin(std::string_view where) {
    where_ = where;
    findings.clear();
    fatal_ = false;
  }

  void warning(const x::SAXParseException&) override {}
  void error(const x::SAXParseException& e) override { add(e); }
  void fatalError(const x::SAXParseException& e) override {
    add(e);
    fatal_ = true;
    throw TooManyFindings{};
  }
  void startDTD(const XMLCh* const, const XMLCh* const, const XMLCh* const) override {
    throw Failure(codes::kForbiddenXmlConstruct, std::string(where_), "DOCTYPE is not allowed");
  }

  std::vector<Finding> findings;
  bool fatal_ = false;

 private:
  void add(const x::SAXParseException& e) {
    std::string location(where_);
    if (!location.empty()) location += ", ";
    location += "line " + std::to_string(e.getLineNumber()) + ", column " +
                std::to_string(e.getColumnNumber());
    findings.push_back({"XSD", Severity::Error, location, xml::utf8(e.getMessage())});
    if (findings.size() >= SchemaValidator::kMaxFindings) throw TooManyFindings{};
  }

  std::string_view where_;
};

std::unique_ptr<x::SAX2XMLReaderImpl> make_reader(x::XMLGrammarPool* pool,
                                                  x::SecurityManager& security,
                                                  x::XMLEntityResolver& resolver,
                                                  Collector& handler, bool loading) {
  auto reader = std::make_unique<x::SAX2XMLReaderImpl>(x::XMLPlatformUtils::fgMemoryManager, pool);
  reader->setFeature(x::XMLUni::fgSAX2CoreNameSpaces, true);
  reader->setFeature(x::XMLUni::fgSAX2CoreValidation, true);
  reader->setFeature(x::XMLUni::fgXercesDynamic, false);
  reader->setFeature(x::XMLUni::fgXercesSchema, true);
  reader->setFeature(x::XMLUni::fgXercesSchemaFullChecking, false);
  reader->setFeature(x::XMLUni::fgXercesHandleMultipleImports, true);
  reader->setFeature(x::XMLUni::fgXercesLoadSchema, false);  // never follow xsi:schemaLocation
  reader->setFeature(x::XMLUni::fgXercesUseCachedGrammarInParse, true);
  reader->setFeature(x::XMLUni::fgXercesCacheGrammarFromParse, loading);
  reader->setFeature(x::XMLUni::fgXercesLoadExternalDTD, false);
  reader->setFeature(x::XMLUni::fgXercesSkipDTDValidation, true);
  reader->setFeature(x::XMLUni::fgXercesDisableDefaultEntityResolution, true);
  reader->setProperty(x::XMLUni::fgXercesSecurityManager, &security);
  reader->setXMLEntityResolver(&resolver);
  reader->setErrorHandler(&handler);
  reader->setLexicalHandler(&handler);
  return reader;
}

// Refuses every external reference while validating a document.
class RefuseAll final : public x::XMLEntityResolver {
 public:
  x::InputSource* resolveEntity(x::XMLResourceIdentifier* id) override {
    throw Failure(
        codes::kForbiddenXmlConstruct, "",
        "external reference refused: " + xml::utf8(id != nullptr ? id->getSystemId() : nullptr));
  }
};

}  // namespace

SchemaValidator::SchemaValidator(const fs::path& dir) {
  std::error_code ec;
  dir_ = fs::canonical(dir, ec);
  if (ec) throw Failure(kSchemaError, dir.string(), "schema directory not found: " + ec.message());
  const fs::path entry = dir_ / kEntrySchema;
  if (!fs::is_regular_file(entry)) {
    throw Failure(kSchemaError, entry.string(), "entry schema not found");
  }
  pool_ = std::make_unique<x::XMLGrammarPoolImpl>(x::XMLPlatformUtils::fgMemoryManager);
  x::SecurityManager security;
  security.setEntityExpansionLimit(kEntityExpansionLimit);
  LocalSchemaResolver resolver(dir_);
  const std::string entry_name = entry.string();  // outlives the handler's view of it
  Collector handler(entry_name);
  auto reader = make_reader(pool_.get(), security, resolver, handler, true);
  x::Grammar* grammar = nullptr;
  try {
    const std::u16string path = xml::xmlch(entry.string());
    const x::LocalFileInputSource source(path.c_str());
    grammar = reader->loadGrammar(source, x::Grammar::SchemaGrammarType, true);
  } catch (const TooManyFindings&) {
  } catch (const x::XMLException& e) {
    throw Failure(kSchemaError, entry.string(), xml::utf8(e.getMessage()));
  }
  if (grammar == nullptr || !handler.findings.empty()) {
    throw Failure(kSchemaError, entry.string(),
                  "cannot compile the CDA schema" +
                      (handler.findings.empty() ? std::string()
                                                : ": " + handler.findings.front().location + ": " +
                                                      handler.findings.front().message));
  }
  reader.reset();
  native_ = install_native_datatypes(*pool_);
  pool_->lockPool();
}

SchemaValidator::~SchemaValidator() = default;

// A SAX2 reader on the grammar pool, with its hardening and handlers. Making
// one allocates a scanner, its buffers and validators, about as much work as
// validating a small document, so validate() reuses them.
struct SchemaValidator::Reader {
  explicit Reader(x::XMLGrammarPool* pool) : handler("") {
    security.setEntityExpansionLimit(kEntityExpansionLimit);
    reader = make_reader(pool, security, resolver, handler, false);
  }
  x::SecurityManager security;
  RefuseAll resolver;
  Collector handler;
  std::unique_ptr<x::SAX2XMLReaderImpl> reader;
  xml::Utf16Input input;  // the UTF-16 form of a document, reused up to kKeptInputCharacters
};

std::unique_ptr<SchemaValidator::Reader> SchemaValidator::take_reader() const {
  {
    const std::lock_guard lock(readers_mutex_);
    if (!readers_.empty()) {
      auto reader = std::move(readers_.back());
      readers_.pop_back();
      return reader;
    }
  }
  return std::make_unique<Reader>(pool_.get());
}

void SchemaValidator::give_back(std::unique_ptr<Reader> reader) const {
  const std::lock_guard lock(readers_mutex_);
  if (readers_.size() < kMaxIdleReaders) readers_.push_back(std::move(reader));
}

std::vector<Finding> SchemaValidator::validate(std::string_view bytes,
                                               std::string_view where) const {
  auto reader = take_reader();
  Collector& handler = reader->handler;
  handler.begin(where);
  const auto source = reader->input.source(bytes, u"passerelle-cda");
  // A parse that ended in an exception may leave the reader half-way: it is
  // dropped, not reused.
  bool reusable = false;
  try {
    reader->reader->parse(*source);
    reusable = true;
  } catch (const TooManyFindings&) {
  } catch (const Failure& failure) {
    handler.findings.push_back({"XSD", Severity::Error, std::string(where), failure.what()});
  } catch (const x::OutOfMemoryException&) {
    handler.findings.push_back(
        {"XSD", Severity::Error, std::string(where), "out of memory while validating"});
  } catch (const x::XMLException& e) {
    handler.findings.push_back(
        {"XSD", Severity::Error, std::string(where), xml::utf8(e.getMessage())});
  } catch (const x::SAXException& e) {
    handler.findings.push_back(
        {"XSD", Severity::Error, std::string(where), xml::utf8(e.getMessage())});
  }
  std::vector<Finding> findings = std::move(handler.findings);
  handler.begin("");
  reader->input.trim(kKeptInputCharacters);
  if (reusable) give_back(std::move(reader));
  return findings;
}

}  // namespace passerelle::cda::detail
