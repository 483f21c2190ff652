// The XDS.b operations: SOAP bodies in, registry values across, SOAP
// bodies out. Parsing the transaction-specific body elements lives here;
// everything the transactions decide lives in registry/.

#include "passerelle/gateway/xds_service.hpp"

#include <atomic>

#include "passerelle/cda/agreement.hpp"  // issue 8
#include "passerelle/cda/validator.hpp"  // issue 8
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/identifiers.hpp"
#include "passerelle/registry/transactions.hpp"
#include "xds/stored_query_handler.hpp"  // ITI-18 (issue 4, stored queries)

namespace passerelle::gateway {
namespace {

namespace ns = registry::ns;

constexpr const char* kProvideAndRegister = "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b";
constexpr const char* kRegister = "urn:ihe:iti:2007:RegisterDocumentSet-b";
constexpr const char* kRetrieve = "urn:ihe:iti:2007:RetrieveDocumentSet";

const xercesc::DOMElement& expect_payload(const soap::SoapRequest& request, const char* ns_uri,
                                          const char* local) {
  if (request.payload == nullptr || !xml::is_element(*request.payload, ns_uri, local)) {
    throw Failure(codes::kMalformedEnvelope, "soap:Body",
                  std::string("the Body must contain ") + local + " (" + ns_uri + ")");
  }
  return *request.payload;
}

registry::DocumentContent content_of(std::shared_ptr<const soap::Attachment> attachment) {
  registry::DocumentContent content;
  content.mime_type = attachment->content_type();
  content.size = attachment->size();
  content.sha1_hex = attachment->sha1_hex();
  content.read = [attachment](const std::function<void(std::string_view)>& sink) {
    attachment->for_each_chunk(sink);
  };
  return content;
}

soap::SoapResponse registry_answer(const char* action, const registry::RegistryResponse& response) {
  return soap::SoapResponse{
      action, "", registry::registry_response_xml(response), {}, response.internal_detail};
}

std::string element_text(const xercesc::DOMElement& parent, const char* local) {
  const auto* child = xml::first_child_element(parent, ns::kXdsb, local);
  return child == nullptr ? "" : xml::text_content(*child);
}

}  // namespace

Router make_xds_router(const XdsDependencies& dependencies) {
  Router router = make_xds_router();
  // ---- issue 8: ITI-41 CDA checks come from cda/ (registry::DocumentChecker says why) ----
  registry::DocumentChecker cda_checker;
  if (dependencies.profile && dependencies.profile->validate_cda) {
    cda_checker = cda::document_checker(dependencies.profile, std::make_shared<cda::Validator>());
  }
  // ---- end issue 8 ----
  auto registry = std::make_shared<registry::Registry>(
      dependencies.pool,
      registry::RegistryOptions{dependencies.profile, dependencies.repository_unique_id,
                                std::move(cda_checker)});
  const soap::DecodeOptions decode = dependencies.decode;

  Operation register_set;
  register_set.action = kRegister;
  register_set.handler = [registry](const soap::SoapRequest& request, const CallContext&) {
    const auto& payload = expect_payload(request, ns::kLcm, "SubmitObjectsRequest");
    registry::RegistryResponse response;
    try {
      response = registry->register_document_set(registry::parse_submit_objects(payload));
    } catch (const Failure& failure) {
      response.success = false;
      response.errors.push_back(failure.error());
    }
    return registry_answer("urn:ihe:iti:2007:RegisterDocumentSet-bResponse", response);
  };

  Operation provide;
  provide.action = kProvideAndRegister;
  provide.handler = [registry, decode](const soap::SoapRequest& request, const CallContext&) {
    const auto& payload =
        expect_payload(request, ns::kXdsb, "ProvideAndRegisterDocumentSetRequest");
    const auto* submit = xml::first_child_element(payload, ns::kLcm, "SubmitObjectsRequest");
    if (submit == nullptr) {
      throw Failure(codes::kMalformedEnvelope, "ProvideAndRegisterDocumentSetRequest",
                    "lcm:SubmitObjectsRequest is missing");
    }
    std::vector<registry::ProvidedDocument> documents;
    for (const auto* element : xml::child_elements(payload, ns::kXdsb, "Document")) {
      const auto id = xml::attribute(*element, "id");
      if (!id || id->empty()) {
        throw Failure(codes::kMalformedEnvelope, "xdsb:Document", "xdsb:Document without id");
      }
      documents.push_back({*id, content_of(soap::binary_content(request, *element, decode))});
    }
    registry::RegistryResponse response;
    try {
      response = registry->provide_and_register(registry::parse_submit_objects(*submit),
                                                std::move(documents));
    } catch (const Failure& failure) {
      response.success = false;
      auto error = failure.error();
      // The repository read the metadata first: its name goes on the code.
      if (error.code == "XDSRegistryMetadataError") error.code = "XDSRepositoryMetadataError";
      response.errors.push_back(std::move(error));
    }
    return registry_answer("urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-bResponse", response);
  };

  Operation retrieve;
  retrieve.action = kRetrieve;
  retrieve.handler = [registry](const soap::SoapRequest& request, const CallContext& context) {
    const auto& payload = expect_payload(request, ns::kXdsb, "RetrieveDocumentSetRequest");
    std::vector<registry::RetrieveItem> items;
    for (const auto* element : xml::child_elements(payload, ns::kXdsb, "DocumentRequest")) {
      items.push_back({element_text(*element, "HomeCommunityId"),
                       element_text(*element, "RepositoryUniqueId"),
                       element_text(*element, "DocumentUniqueId")});
    }
    if (items.empty()) {
      throw Failure(codes::kMalformedEnvelope, "RetrieveDocumentSetRequest",
                    "no xdsb:DocumentRequest");
    }
    auto response = registry->retrieve(items);
    std::vector<std::string> content_ids;
    soap::SoapResponse answer{"urn:ihe:iti:2007:RetrieveDocumentSetResponse", "", "", {}, ""};
    for (std::size_t i = 0; i < response.documents.size(); ++i) {
      auto& document = response.documents[i];
      content_ids.push_back("document" + std::to_string(i + 1) + "." + context.request_id +
                            "@passerelle");
      answer.attachments.push_back(soap::Attachment::from_bytes(
          content_ids.back(), document.mime_type, std::move(document.content)));
      document.content.clear();
    }
    answer.payload_xml = registry::retrieve_response_xml(response, content_ids);
    answer.log_detail = response.internal_detail;
    return answer;
  };

  // ---- ITI-18 Registry Stored Query (issue 4, queries part; owned by
  // gateway/src/xds/stored_query_handler.cpp) ----
  {
    const auto stored_query = make_stored_query_operation(
        dependencies.pool, registry::QueryOptions{dependencies.max_query_results});
    for (const char* path : {kRegistryPath, kCombinedPath}) router.add(path, stored_query);
  }
  // ---- end ITI-18 ----
  for (const char* path : {kRegistryPath, kCombinedPath}) router.add(path, register_set);
  for (const char* path : {kRepositoryPath, kCombinedPath}) {
    router.add(path, provide);
    router.add(path, retrieve);
  }
  return router;
}

}  // namespace passerelle::gateway
