#include "xds/stored_query_handler.hpp"

#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"

namespace passerelle::gateway {

Operation make_stored_query_operation(std::shared_ptr<store::ConnectionPool> pool,
                                      registry::QueryOptions options) {
  auto queries = std::make_shared<registry::StoredQueries>(*pool, options);
  Operation operation;
  operation.action = kStoredQueryAction;
  // The pool is kept alive with the queries that use it.
  operation.handler = [pool, queries](const soap::SoapRequest& request, const CallContext&) {
    if (request.payload == nullptr ||
        !xml::is_element(*request.payload, registry::ns::kQuery, "AdhocQueryRequest")) {
      throw Failure(
          codes::kMalformedEnvelope, "soap:Body",
          std::string("the Body must contain AdhocQueryRequest (") + registry::ns::kQuery + ")");
    }
    registry::AdhocQueryResponse response;
    try {
      response = queries->run(registry::parse_adhoc_query(*request.payload));
    } catch (const Failure& failure) {
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
