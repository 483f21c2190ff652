#include "testkit_dmp.hpp"

#include <set>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "text.hpp"

namespace passerelle::conformance {
namespace {

std::map<std::string, std::string> attributes_of(const xercesc::DOMElement& element) {
  std::map<std::string, std::string> out;
  const auto* attributes = element.getAttributes();
  for (XMLSize_t i = 0; attributes != nullptr && i < attributes->getLength(); ++i) {
    const auto* attribute = attributes->item(i);
    out[xml::utf8(attribute->getNodeName())] = trim(xml::utf8(attribute->getNodeValue()));
  }
  return out;
}

const std::set<std::string> kRecordChanges = {"TreatingDoctor", "RemoveTreatingDoctor", "Block",
                                              "Unblock", "Emergency"};

VihfRequest vihf_request(const xercesc::DOMElement& element) {
  VihfRequest request;
  for (auto& [key, value] : attributes_of(element)) {
    if (key == "profile") {
      request.profile = value;
    } else if (key == "patient") {
      if (value != "test" && value != "second" && value != "alt") {
        throw Failure(kHarnessError, "Vihf",
                      "<Vihf patient=\"" + value + "\">: expected test, second or alt");
      }
      request.patient = value;
    } else {
      request.overrides[key] = value;
    }
  }
  if (request.profile.empty()) throw Failure(kHarnessError, "Vihf", "<Vihf> without profile=");
  return request;
}

}  // namespace

bool read_dmp_element(const xercesc::DOMElement& element, TestStep& step) {
  const auto name = xml::local_name(element);
  if (name == "Vihf") {
    step.vihf = vihf_request(element);
  } else if (kRecordChanges.contains(name)) {
    step.record_changes.push_back({name, attributes_of(element)});
  } else if (name == "Action") {
    step.consent_action = trim(xml::text_content(element));
  } else if (name == "ExpectedTrace") {
    TraceExpectation expectation;
    expectation.attributes = attributes_of(element);
    if (const auto present = expectation.attributes.find("present");
        present != expectation.attributes.end()) {
      expectation.present = present->second != "false";
      expectation.attributes.erase(present);
    }
    step.expected_traces.push_back(std::move(expectation));
  } else {
    return false;
  }
  return true;
}

}  // namespace passerelle::conformance
