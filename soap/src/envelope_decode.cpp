// Decoding of SOAP 1.2 request envelopes (plain and MTOM) with their
// WS-Addressing 1.0 headers.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <xercesc/dom/DOM.hpp>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/soap/envelope.hpp"
#include "passerelle/soap/namespaces.hpp"
#include "xop_include.hpp"

namespace passerelle::soap {
namespace {

using xercesc::DOMElement;
using xercesc::DOMNode;

constexpr std::string_view kRoleNext = "http://www.w3.org/2003/05/soap-envelope/role/next";
constexpr std::string_view kRoleUltimateReceiver =
    "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver";

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::string quoted_name(const DOMElement& element) {
  return "{" + xml::namespace_uri(element) + "}" + xml::local_name(element);
}

bool has_non_whitespace_text(const DOMElement& element) {
  for (const DOMNode* n = element.getFirstChild(); n != nullptr; n = n->getNextSibling()) {
    const auto type = n->getNodeType();
    if ((type == DOMNode::TEXT_NODE || type == DOMNode::CDATA_SECTION_NODE) &&
        !trim(xml::utf8(n->getNodeValue())).empty()) {
      return true;
    }
  }
  return false;
}

// SOAP 1.2 part 1 §5.1: only Header? then Body, nothing else.
void check_structure(const DOMElement& envelope, DOMElement*& header, DOMElement*& body) {
  if (!xml::is_element(envelope, ns::kSoap12, "Envelope")) {
    throw Failure(codes::kVersionMismatch, quoted_name(envelope),
                  "root element is not a SOAP 1.2 Envelope");
  }
  if (has_non_whitespace_text(envelope)) {
    throw Failure(codes::kMalformedEnvelope, "/Envelope", "text content in soap:Envelope");
  }
  const std::vector<DOMElement*> children = xml::child_elements(envelope);
  std::size_t next = 0;
  if (next < children.size() && xml::is_element(*children[next], ns::kSoap12, "Header")) {
    header = children[next++];
  }
  if (next == children.size() || !xml::is_element(*children[next], ns::kSoap12, "Body")) {
    throw Failure(codes::kMalformedEnvelope, "/Envelope",
                  next == children.size() ? "soap:Body is missing"
                                          : "unexpected " + quoted_name(*children[next]) +
                                                " where soap:Body was expected");
  }
  body = children[next++];
  if (next < children.size()) {
    throw Failure(codes::kMalformedEnvelope, "/Envelope",
                  xml::is_element(*children[next], ns::kSoap12, "Body")
                      ? "more than one soap:Body"
                      : "unexpected " + quoted_name(*children[next]) + " after soap:Body");
  }
}

// SOAP 1.2 part 1 §5.2.3: xs:boolean, absent means false.
bool must_understand(const DOMElement& block) {
  const std::optional<std::string> value = xml::attribute(block, ns::kSoap12, "mustUnderstand");
  if (!value) return false;
  const std::string v = trim(*value);
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  throw Failure(codes::kMalformedEnvelope, quoted_name(block),
                "soap:mustUnderstand is not a boolean");
}

// Blocks addressed to another role (§5.2.2) are not ours to understand.
bool targets_us(const DOMElement& block) {
  const std::optional<std::string> role = xml::attribute(block, ns::kSoap12, "role");
  if (!role) return true;
  const std::string r = trim(*role);
  return r.empty() || r == kRoleNext || r == kRoleUltimateReceiver;
}

bool understood(const DOMElement& block, const std::vector<QName>& extra) {
  const std::string ns = xml::namespace_uri(block);
  if (ns == ns::kWsa) return true;
  const std::string local = xml::local_name(block);
  for (const QName& q : extra) {
    if (q.ns == ns && q.local == local) return true;
  }
  return false;
}

void check_must_understand(const DOMElement& header, const DecodeOptions& options) {
  for (const DOMElement* block : xml::child_elements(header)) {
    if (targets_us(*block) && must_understand(*block) &&
        !understood(*block, options.understood_headers)) {
      throw Failure(codes::kMustUnderstand, quoted_name(*block),
                    "mandatory header block not understood");
    }
  }
}

// Stores a header value, refusing a second occurrence (WS-Addressing 1.0
// SOAP binding §3: at most one of each).
void set_once(std::optional<std::string>& slot, std::string value, const char* local) {
  if (slot) {
    throw Failure(codes::kInvalidAddressingHeader, std::string("{") + ns::kWsa + "}" + local,
                  std::string("duplicate wsa:") + local);
  }
  slot = std::move(value);
}

Addressing read_addressing(const DOMElement* header) {
  std::optional<std::string> action, message_id, to, reply_to;
  if (header != nullptr) {
    for (const DOMElement* block : xml::child_elements(*header)) {
      if (xml::namespace_uri(*block) != ns::kWsa) continue;
      const std::string local = xml::local_name(*block);
      if (local == "Action") {
        set_once(action, trim(xml::text_content(*block)), "Action");
      } else if (local == "MessageID") {
        set_once(message_id, trim(xml::text_content(*block)), "MessageID");
      } else if (local == "To") {
        set_once(to, trim(xml::text_content(*block)), "To");
      } else if (local == "ReplyTo") {
        const DOMElement* address = xml::first_child_element(*block, ns::kWsa, "Address");
        set_once(reply_to, address != nullptr ? trim(xml::text_content(*address)) : "", "ReplyTo");
      }
      // RelatesTo, From, FaultTo and reference parameters need no action
      // from a synchronous responder.
    }
  }
  const std::string action_name = std::string("{") + ns::kWsa + "}Action";
  if (!action) {
    throw Failure(codes::kMessageAddressingHeaderRequired, action_name, "wsa:Action is missing");
  }
  if (action->empty()) {
    throw Failure(codes::kInvalidAddressingHeader, action_name, "wsa:Action is empty");
  }
  return Addressing{std::move(*action), message_id.value_or(""), to.value_or(""),
                    reply_to.value_or("")};
}

// Checks every xop:Include in the tree, walking it without recursion.
void check_xop_includes(const DOMElement& root,
                        const std::vector<std::shared_ptr<const Attachment>>& attachments) {
  const DOMElement* current = &root;
  while (current != nullptr) {
    if (xml::is_element(*current, ns::kXop, "Include")) {
      resolve_xop_include(*current, attachments);
    }
    if (const DOMElement* child = current->getFirstElementChild(); child != nullptr) {
      current = child;
      continue;
    }
    while (current != nullptr && current != &root && current->getNextElementSibling() == nullptr) {
      const DOMNode* parent = current->getParentNode();
      current = parent != nullptr && parent->getNodeType() == DOMNode::ELEMENT_NODE
                    ? static_cast<const DOMElement*>(parent)
                    : nullptr;
    }
    current = (current == nullptr || current == &root) ? nullptr : current->getNextElementSibling();
  }
}

}  // namespace

std::shared_ptr<const Attachment> SoapRequest::attachment(std::string_view content_id) const {
  for (const auto& a : attachments) {
    if (a->content_id() == content_id) return a;
  }
  return nullptr;
}

SoapRequest decode(std::string envelope_bytes, const DecodeOptions& options) {
  xml::Document document =
      xml::parse(options.parsers, envelope_bytes, options.xml_limits, "soap:Envelope");
  DOMElement* header = nullptr;
  DOMElement* body = nullptr;
  check_structure(document.root(), header, body);
  // The processing model checks mustUnderstand before acting on any block.
  if (header != nullptr) check_must_understand(*header, options);
  Addressing addressing = read_addressing(header);
  DOMElement* payload = body->getFirstElementChild();
  return SoapRequest{std::move(document), header, payload, std::move(addressing), {}, false};
}

// The root part must be application/xop+xml (XOP §5 / MTOM §3): any other
// type means the client sent something that is not an MTOM message, which is
// a media type problem (kUnsupportedMediaType) rather than a broken MIME
// structure. The SOAP version is checked on the envelope itself.
SoapRequest decode(MtomMessage message, const DecodeOptions& options) {
  if (message.root_type.type != "application/xop+xml") {
    throw Failure(codes::kUnsupportedMediaType, "root part",
                  "MTOM root part is " + message.root_type.type + ", expected application/xop+xml");
  }
  SoapRequest request = decode(std::move(message.root), options);
  check_xop_includes(request.envelope.root(), message.attachments);
  request.attachments = std::move(message.attachments);
  request.mtom = true;
  return request;
}

Addressing sniff_addressing(std::string_view envelope_bytes) try {
  const xml::Document document = xml::parse(envelope_bytes);
  Addressing out;
  const DOMElement* header = document.root().getFirstElementChild();
  // Either SOAP version: the fault must carry RelatesTo whatever went wrong.
  if (header == nullptr || xml::local_name(*header) != "Header") return out;
  bool have_action = false, have_id = false, have_to = false, have_reply = false;
  for (const DOMElement* block : xml::child_elements(*header)) {
    if (xml::namespace_uri(*block) != ns::kWsa) continue;
    const std::string local = xml::local_name(*block);
    if (local == "Action" && !have_action) {
      out.action = trim(xml::text_content(*block));
      have_action = true;
    } else if (local == "MessageID" && !have_id) {
      out.message_id = trim(xml::text_content(*block));
      have_id = true;
    } else if (local == "To" && !have_to) {
      out.to = trim(xml::text_content(*block));
      have_to = true;
    } else if (local == "ReplyTo" && !have_reply) {
      if (const DOMElement* a = xml::first_child_element(*block, ns::kWsa, "Address")) {
        out.reply_to = trim(xml::text_content(*a));
      }
      have_reply = true;
    }
  }
  return out;
} catch (...) {
  return {};
}

}  // namespace passerelle::soap
