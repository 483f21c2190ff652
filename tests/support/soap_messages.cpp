#include "soap_messages.hpp"

namespace passerelle::testing {

std::string envelope(const std::string& action, const std::string& message_id,
                     const std::string& body, const std::string& extra_headers) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
         "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
         "xmlns:a=\"http://www.w3.org/2005/08/addressing\">"
         "<s:Header><a:Action s:mustUnderstand=\"1\">" +
         action + "</a:Action><a:MessageID>" + message_id +
         "</a:MessageID><a:To>https://localhost/xds</a:To>"
         "<a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address>"
         "</a:ReplyTo>" +
         extra_headers + "</s:Header><s:Body>" + body + "</s:Body></s:Envelope>";
}

MtomRequest mtom_request(const std::string& envelope_xml, const std::string& cid,
                         const std::string& attachment) {
  const std::string boundary = "MIMEBoundary_test_0123456789";
  MtomRequest request;
  request.content_type = "multipart/related; boundary=\"" + boundary +
                         "\"; type=\"application/xop+xml\"; start=\"<root@test>\"; "
                         "start-info=\"application/soap+xml\"";
  request.body = "--" + boundary +
                 "\r\nContent-Type: application/xop+xml; charset=UTF-8; "
                 "type=\"application/soap+xml\"\r\nContent-Transfer-Encoding: binary\r\n"
                 "Content-ID: <root@test>\r\n\r\n" +
                 envelope_xml + "\r\n--" + boundary +
                 "\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: "
                 "binary\r\nContent-ID: <" +
                 cid + ">\r\n\r\n" + attachment + "\r\n--" + boundary + "--\r\n";
  return request;
}

}  // namespace passerelle::testing
