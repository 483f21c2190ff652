#include "policy_fixtures.hpp"

#include <algorithm>

#include "passerelle/registry/record_state.hpp"

namespace passerelle::testing {

XdsGatewayOptions with_policy() {
  XdsGatewayOptions options;
  options.access_policy = true;
  return options;
}

VihfSpec professional(const std::string& person_id, const std::string& purpose) {
  VihfSpec spec;
  spec.name_id = person_id;
  if (purpose != "normal") {
    spec.set("urn:oasis:names:tc:xspa:1.0:subject:purposeofuse", {},
             {{purpose, "1.2.250.1.213.1.1.4.248", purpose}});
  }
  return spec;
}

std::string from_callers_structure(const std::string& metadata) {
  return replace_all(metadata, "^^^11234567890", std::string("^^^") + kVihfStructure);
}

std::string with_confidentiality_code(const std::string& metadata, const std::string& code) {
  return replace_all(metadata, "<rim:Classification id=\"cl0104\"",
                     "<rim:Classification id=\"cl0103b\" "
                     "classificationScheme=\"urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f\" "
                     "classifiedObject=\"Document01\" nodeRepresentation=\"" +
                         code +
                         "\"><rim:Slot name=\"codingScheme\"><rim:ValueList>"
                         "<rim:Value>1.2.250.1.213.1.1.4.13</rim:Value></rim:ValueList></rim:Slot>"
                         "<rim:Name><rim:LocalizedString value=\"" +
                         code +
                         "\"/></rim:Name></rim:Classification><rim:Classification id=\"cl0104\"");
}

void authorise(store::ConnectionPool& pool, const std::string& person_id) {
  store::RecordStateStore(pool).authorise(kTestPatient, person_id, "patient",
                                          store::operator_actor("seed"));
}

std::vector<store::Trace> all_traces(store::ConnectionPool& pool, const std::string& patient) {
  auto traces = store::list_traces(pool, patient, std::nullopt, 1000).traces;
  std::reverse(traces.begin(), traces.end());
  return traces;
}

}  // namespace passerelle::testing
