#include "xds/remove_metadata_handler.hpp"

#include <string>
#include <vector>

#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace passerelle::gateway {
namespace {

namespace ns = registry::ns;

constexpr const char* kDeleteAll = "urn:oasis:names:tc:ebxml-regrep:DeletionScopeType:DeleteAll";

Error request_error(std::string location, std::string message) {
  return Error{xds_codes::kRegistryMetadataError, Severity::Error, std::move(location),
               std::move(message)};
}

// The entryUUIDs of rim:ObjectRefList, or the reason the request is not an
// ITI-62 request (ITI TF-2b §3.62.4.1.2: ObjectRefList only, no AdhocQuery,
// deletionScope absent or DeleteAll).
struct ObjectRefs {
  std::vector<std::string> ids;
  std::vector<Error> errors;
};

ObjectRefs read_object_refs(const xercesc::DOMElement& request) {
  ObjectRefs refs;
  const auto scope = xml::attribute(request, "deletionScope");
  if (scope && *scope != kDeleteAll) {
    refs.errors.push_back(request_error(
        "deletionScope", "ITI-62 removes objects whole: deletionScope must be absent or " +
                             std::string(kDeleteAll) + ", not '" + *scope + "'"));
  }
  if (xml::first_child_element(request, ns::kRim, "AdhocQuery") != nullptr) {
    refs.errors.push_back(request_error(
        "AdhocQuery", "ITI-62 names the objects in rim:ObjectRefList; rim:AdhocQuery is not used"));
  }
  const auto* list = xml::first_child_element(request, ns::kRim, "ObjectRefList");
  if (list == nullptr) {
    refs.errors.push_back(request_error("ObjectRefList", "rim:ObjectRefList is missing"));
    return refs;
  }
  for (const auto* ref : xml::child_elements(*list, ns::kRim, "ObjectRef")) {
    const auto id = xml::attribute(*ref, "id");
    if (!id || id->empty()) {
      refs.errors.push_back(request_error("ObjectRef", "rim:ObjectRef without id"));
      continue;
    }
    refs.ids.push_back(*id);
  }
  return refs;
}

}  // namespace

Operation make_remove_metadata_operation(std::shared_ptr<registry::Registry> registry) {
  Operation operation;
  operation.action = kRemoveMetadataAction;
  operation.handler = [registry](const soap::SoapRequest& request, const CallContext& context) {
    // Before the body is even looked at: nothing about the registry is
    // revealed to a caller who is not the operator.
    if (!context.operator_authenticated) {
      throw Failure(kOperatorCredentialRequired, "Authorization",
                    "ITI-62 Remove Metadata is reserved to the operator: send "
                    "Authorization: Bearer <operator token>");
    }
    if (request.payload == nullptr ||
        !xml::is_element(*request.payload, ns::kLcm, "RemoveObjectsRequest")) {
      throw Failure(codes::kMalformedEnvelope, "soap:Body",
                    std::string("the Body must contain RemoveObjectsRequest (") + ns::kLcm + ")");
    }
    auto refs = read_object_refs(*request.payload);
    registry::RegistryResponse response;
    if (!refs.errors.empty()) {
      response.success = false;
      response.errors = std::move(refs.errors);
    } else {
      response = registry->remove_metadata(refs.ids);
    }
    return soap::SoapResponse{kRemoveMetadataResponseAction,
                              "",
                              registry::registry_response_xml(response),
                              {},
                              response.internal_detail};
  };
  return operation;
}

}  // namespace passerelle::gateway
