#include "ebrim_fixtures.hpp"

#include "passerelle/core/xml.hpp"
#include "xds_client.hpp"

namespace passerelle::testing {

registry::SubmitObjectsRequest parse_submission(const std::string& text) {
  const xml::Document document = xml::parse(text);
  return registry::parse_submit_objects(document.root());
}

registry::SubmitObjectsRequest two_document_request() {
  return parse_submission(read_fixture("xds/provide_and_register_two_docs.xml"));
}

registry::SubmitObjectsRequest wrap_objects(const std::string& objects) {
  return parse_submission(
      "<lcm:SubmitObjectsRequest xmlns:lcm='urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0'"
      " xmlns:rim='urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0'><rim:RegistryObjectList>" +
      objects + "</rim:RegistryObjectList></lcm:SubmitObjectsRequest>");
}

}  // namespace passerelle::testing
