#pragma once

// ITI-62 Remove Metadata requests (issue 5) and the SOAP fault a refused one
// gets, for integration tests.

#include <string>
#include <vector>

#include "http_client.hpp"
#include "xds_client.hpp"

namespace passerelle::testing {

// lcm:RemoveObjectsRequest with one rim:ObjectRef per id, in a SOAP 1.2
// envelope with wsa:Action urn:ihe:iti:2010:DeleteDocumentSet.
HttpRequestBody remove_metadata(const std::vector<std::string>& ids);
// The same envelope around `remove_objects_request`, sent as given.
HttpRequestBody remove_metadata_raw(const std::string& remove_objects_request);

// The Authorization header of the operator credential.
std::map<std::string, std::string> operator_authorization(const std::string& token);

struct FaultSeen {
  std::string code;               // env:Code/env:Value local part, e.g. "Sender"
  std::string subcode_namespace;  // of env:Subcode/env:Value
  std::string subcode;            // its local part
  std::string reason;
};
// Reads the soap:Fault of a reply; throws when the reply is something else.
FaultSeen read_fault(const HttpReply& reply);

}  // namespace passerelle::testing
