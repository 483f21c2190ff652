#include <string>

#include "xdm/package_text.hpp"

namespace passerelle::registry::xdm::detail {

std::string readme_text(const Package& package) {
  const Producer& producer = package.producer;
  std::string out;
  const auto line = [&out](const std::string& text) { out += text + "\r\n"; };
  line("IHE XDM media (ITI-32): medical documents and their metadata.");
  line("");
  line("Produced by: " + producer.organisation);
  line("Contact: " + producer.contact);
  line("Application: " + producer.application +
       (producer.version.empty() ? "" : " " + producer.version));
  line("Date: " + package.created_at);
  line("");
  line("Open INDEX.HTM in a web browser to see the documents. Each lot is in");
  line("IHE_XDM/SUBSETnn/ with its metadata (METADATA.XML, IHE XDS.b ebRIM 3.0).");
  return out;
}

}  // namespace passerelle::registry::xdm::detail
