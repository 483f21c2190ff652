#include "xds/stored_query_handler.hpp"

#include "error_mapping.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"

namespace passerelle::gateway {

// ---- issue 6: access policy ----
namespace {

// The patient a query names ('…' in its patient id parameter), "" for none.
std::string requested_patient(const registry::StoredQueryRequest& request) {
  for (const auto& parameter : request.parameters) {
    if (parameter.name != "$XDSDocumentEntryPatientId" &&
        parameter.name != "$XDSSubmissionSetPatientId" && parameter.name != "$XDSFolderPatientId" &&
        parameter.name != "$patientId") {
      continue;
    }
    for (const auto& value : parameter.values) {
      const auto first = value.find('\'');
      const auto last = value.rfind('\'');
      if (first != std::string::npos && last > first)
        return value.substr(first + 1, last - first - 1);
    }
  }
  return "";
}

}  // namespace
// ---- end issue 6: access policy ----

Operation make_stored_query_operation(std::shared_ptr<store::ConnectionPool> pool,
                                      registry::QueryOptions options,
                                      std::shared_ptr<const access::AccessControl> access) {
  auto queries = std::make_shared<registry::StoredQueries>(*pool, options);
  Operation operation;
  operation.action = kStoredQueryAction;
  // The pool is kept alive with the queries that use it.
  operation.handler = [pool, queries, access](const soap::SoapRequest& request,
                                              const CallContext& call) {
    if (request.payload == nullptr ||
        !xml::is_element(*request.payload, registry::ns::kQuery, "AdhocQueryRequest")) {
      throw Failure(
          codes::kMalformedEnvelope, "soap:Body",
          std::string("the Body must contain AdhocQueryRequest (") + registry::ns::kQuery + ")");
    }
    registry::AdhocQueryResponse response;
    try {
      const auto query = registry::parse_adhoc_query(*request.payload);
      // issue 6: decided and filtered before any object is collected.
      const auto grant =
          access ? access->grant_read(call, requested_patient(query), store::TraceAction::Search)
                 : std::nullopt;
      if (grant) {
        const auto visibility = grant->visibility();
        response = queries->run(query, &visibility);
      } else {
        response = queries->run(query);
      }
    } catch (const Failure& failure) {
      if (refused_as_fault(failure.error())) throw;  // issue 6: dmp-xds-mapping.md §7
      response.success = false;
      response.errors.push_back(failure.error());
    }
    return soap::SoapResponse{kStoredQueryResponseAction,
                              "",
                              registry::adhoc_query_response_xml(response),
                              {},
                              response.internal_detail};
  };
  return operation;
}

}  // namespace passerelle::gateway
