#include "download_client.hpp"

#include <stdexcept>

#include "passerelle/core/xml.hpp"
#include "passerelle/soap/mtom.hpp"
#include "passerelle/soap/namespaces.hpp"
#include "soap_messages.hpp"

namespace passerelle::testing {
namespace {

constexpr const char* kDmp = "urn:passerelle:dmp";

std::string text_of(const xercesc::DOMElement& parent, const char* local) {
  const auto* child = xml::first_child_element(parent, kDmp, local);
  if (child == nullptr) throw std::runtime_error(std::string("no dmp:") + local);
  return xml::text_content(*child);
}

}  // namespace

HttpRequestBody download_request(const std::vector<std::string>& unique_ids,
                                 const std::string& format) {
  std::string body = std::string("<dmp:DownloadRequest xmlns:dmp=\"") + kDmp + "\">";
  for (const auto& id : unique_ids) {
    body += "<dmp:DocumentUniqueId>" + xml::escape(id) + "</dmp:DocumentUniqueId>";
  }
  if (!format.empty()) body += "<dmp:Format>" + xml::escape(format) + "</dmp:Format>";
  body += "</dmp:DownloadRequest>";
  return {kSoapContentType,
          envelope("urn:passerelle:dmp:Download", "urn:uuid:" + sha1_hex(body), body)};
}

DownloadAnswer read_download_answer(const HttpReply& reply) {
  const std::string content_type = reply.header("content-type");
  if (content_type.rfind("multipart/related", 0) != 0) {
    throw std::runtime_error("reply is not MTOM: " + reply.body.substr(0, 800));
  }
  soap::MtomParser parser(soap::parse_media_type(content_type), soap::MtomLimits{});
  parser.feed(reply.body);
  const auto message = parser.finish();
  const auto document = xml::parse(message.root);
  const auto* body = xml::first_child_element(document.root(), passerelle::ns::kSoap12, "Body");
  const auto* response =
      body == nullptr ? nullptr : xml::first_child_element(*body, kDmp, "DownloadResponse");
  if (response == nullptr) throw std::runtime_error("reply is not a DownloadResponse");
  DownloadAnswer answer;
  answer.file_name = text_of(*response, "FileName");
  answer.media_type = text_of(*response, "MediaType");
  const auto* holder = xml::first_child_element(*response, kDmp, "Document");
  const auto* include = holder == nullptr
                            ? nullptr
                            : xml::first_child_element(*holder, passerelle::ns::kXop, "Include");
  if (include == nullptr) throw std::runtime_error("no dmp:Document/xop:Include");
  std::string href = xml::attribute(*include, "href").value_or("");
  if (href.rfind("cid:", 0) == 0) href.erase(0, 4);
  for (const auto& attachment : message.attachments) {
    if (attachment->content_id() == href) {
      answer.bytes = attachment->read_all();
      answer.part_content_type = attachment->content_type();
      return answer;
    }
  }
  throw std::runtime_error("no MIME part " + href);
}

}  // namespace passerelle::testing
