// MTOM/XOP response bodies (XOP 1.0, SOAP 1.2 MTOM, RFC 2387).

#include <cstdint>
#include <string>
#include <string_view>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/random.hpp"
#include "passerelle/soap/mtom.hpp"

namespace passerelle::soap {

namespace {

constexpr std::string_view kRootContentId = "root.message@passerelle";

// Unpredictable so that no attachment content can contain the delimiter by
// accident or by design.
std::string random_boundary() {
  const auto hex = random::hex(16);
  if (!hex) throw Failure(codes::kInternalError, "MIME boundary", "random generator failed");
  return "MIMEBoundary_" + *hex;
}

std::string quote(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// Values end up in header lines: a line break would let them inject headers.
void require_header_safe(std::string_view value, std::string_view what) {
  if (value.find_first_of("\r\n") != std::string_view::npos) {
    throw Failure(codes::kInternalError, std::string(what), "line break in MIME header value");
  }
}

}  // namespace

MtomBody write_mtom(std::string_view envelope_xml, std::string_view soap_action,
                    const std::vector<std::shared_ptr<const Attachment>>& attachments) {
  require_header_safe(soap_action, "action");
  const std::string boundary = random_boundary();
  const std::string soap_type = "application/soap+xml; action=" + quote(soap_action);

  MtomBody out;
  out.content_type = "multipart/related; type=\"application/xop+xml\"; boundary=\"" + boundary +
                     "\"; start=\"<" + std::string(kRootContentId) +
                     ">\"; start-info=\"application/soap+xml\"; action=" + quote(soap_action);

  std::size_t total = envelope_xml.size() + 512;
  for (const auto& attachment : attachments) total += attachment->size() + 256;
  out.body.reserve(total);

  out.body += "--" + boundary + "\r\n";
  out.body += "Content-Type: application/xop+xml; charset=UTF-8; type=" + quote(soap_type) + "\r\n";
  out.body += "Content-Transfer-Encoding: binary\r\n";
  out.body += "Content-ID: <" + std::string(kRootContentId) + ">\r\n\r\n";
  out.body += envelope_xml;

  for (const auto& attachment : attachments) {
    const std::string& type = attachment->content_type();
    require_header_safe(type, "Content-Type of <" + attachment->content_id() + ">");
    require_header_safe(attachment->content_id(), "Content-ID");
    out.body += "\r\n--" + boundary + "\r\n";
    out.body +=
        "Content-Type: " + (type.empty() ? std::string("application/octet-stream") : type) + "\r\n";
    out.body += "Content-Transfer-Encoding: binary\r\n";
    out.body += "Content-ID: <" + attachment->content_id() + ">\r\n\r\n";
    attachment->for_each_chunk([&out](std::string_view chunk) { out.body += chunk; });
  }
  out.body += "\r\n--" + boundary + "--\r\n";
  return out;
}

}  // namespace passerelle::soap
