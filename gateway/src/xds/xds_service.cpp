// The XDS.b operations: SOAP bodies in, registry values across, SOAP
// bodies out. Parsing the transaction-specific body elements lives here;
// everything the transactions decide lives in registry/.

#include "passerelle/gateway/xds_service.hpp"

#include <atomic>

// issue 6: the access policy and the DMP operations
#include "access/access_control.hpp"
#include "access/dmp_operations.hpp"
#include "api/xdm_api.hpp"                  // issue 10
#include "download/download_operation.hpp"  // issue 10: DMP Download
#include "error_mapping.hpp"                // issue 6: identity refusals are faults
#include "passerelle/cda/agreement.hpp"     // issue 8
#include "passerelle/cda/validator.hpp"     // issue 8
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/identifiers.hpp"
#include "passerelle/registry/transactions.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "xds/lot_signature_check.hpp"      // issue 9
#include "xds/remove_metadata_handler.hpp"  // ITI-62 (issue 5)
#include "xds/stored_query_handler.hpp"     // ITI-18 (issue 4, stored queries)

namespace passerelle::gateway {
namespace {

namespace ns = registry::ns;

constexpr const char* kProvideAndRegister = "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b";
constexpr const char* kRegister = "urn:ihe:iti:2007:RegisterDocumentSet-b";
constexpr const char* kRetrieve = "urn:ihe:iti:2007:RetrieveDocumentSet";
constexpr const char* kUpdateDocumentSet = "urn:ihe:iti:2010:UpdateDocumentSet";  // issue 5

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

// ---- issue 6: access policy ----
// ITI-41/42: the lot's DocumentEntries decided before anything is stored
// (throws the refusal); the traces to write in the lot's transaction.
std::vector<store::Trace> check_lot(const access::AccessControl& access, const CallContext& call,
                                    const registry::SubmitObjectsRequest& request) {
  if (!access.applies(call)) return {};
  const auto submission = registry::read_submission(request);
  std::vector<std::string> replaced;  // R-CHG-4: RPLC and XFRM_RPLC targets
  for (const auto& association : submission.associations) {
    if (association.type == registry::vocab::kReplace ||
        association.type == registry::vocab::kTransformReplace) {
      replaced.push_back(association.target);
    }
  }
  return access.check_add(call, submission.documents, access.registered_documents(replaced));
}

// Asked of the registry in place of a hidden uniqueId: an OID never has a colon.
constexpr const char* kNeverAUniqueId = "passerelle:hidden";

std::string replace_never(std::string text, const std::string& unique_id) {
  const std::string never = kNeverAUniqueId;
  for (auto at = text.find(never); at != std::string::npos; at = text.find(never, at)) {
    text.replace(at, never.size(), unique_id);
    at += unique_id.size();
  }
  return text;
}

// ITI-43 under the policy: each item on its own, a hidden one answered
// exactly as an unknown one (the registry's own answer for a uniqueId it
// does not hold), in request order.
registry::RetrieveResponse retrieve_visible(registry::Registry& registry,
                                            const access::AccessControl& access,
                                            const access::ReadGrant& grant,
                                            const std::vector<registry::RetrieveItem>& items) {
  std::vector<std::string> unique_ids;
  for (const auto& item : items) unique_ids.push_back(item.document_unique_id);
  const auto hidden = access.hidden_documents(grant, unique_ids);
  registry::RetrieveResponse response;
  for (const auto& item : items) {
    auto one = hidden.contains(item.document_unique_id)
                   ? registry.retrieve(
                         {{item.home_community_id, item.repository_unique_id, kNeverAUniqueId}})
                   : registry.retrieve({item});
    for (auto& error : one.errors) {
      if (error.location == kNeverAUniqueId) {
        error.location = item.document_unique_id;
        error.message = replace_never(error.message, item.document_unique_id);
      }
      response.errors.push_back(std::move(error));
    }
    for (auto& document : one.documents) {
      access.trace_document(grant, store::TraceAction::Retrieve, document.document_unique_id);
      response.documents.push_back(std::move(document));
    }
    if (!one.internal_detail.empty()) response.internal_detail = one.internal_detail;
  }
  return response;
}
// ---- end issue 6: access policy ----

}  // namespace

Router make_xds_router(const XdsDependencies& dependencies) {
  Router router = make_xds_router();
  // ---- issue 8: ITI-41 CDA checks come from cda/ (registry::DocumentChecker says why) ----
  registry::DocumentChecker cda_checker;
  if (dependencies.profile && dependencies.profile->validate_cda) {
    cda_checker = cda::document_checker(dependencies.profile, std::make_shared<cda::Validator>());
  }
  // ---- end issue 8 ----
  registry::RegistryOptions registry_options{
      dependencies.profile, dependencies.repository_unique_id, std::move(cda_checker)};
  // ---- issue 9: ITI-41 lot signatures verified with the configured anchors ----
  if (dependencies.signature_trust) {
    registry_options.lot_signature_checker = lot_signature_checker(dependencies.signature_trust);
  }
  // ---- end issue 9 ----
  auto registry =
      std::make_shared<registry::Registry>(dependencies.pool, std::move(registry_options));
  // ---- issue 6: one access policy for every handler ----
  auto access_control = std::make_shared<const access::AccessControl>(
      dependencies.pool, dependencies.profile, dependencies.habilitation);
  // ---- end issue 6 ----
  const soap::DecodeOptions decode = dependencies.decode;

  Operation register_set;
  register_set.action = kRegister;
  register_set.handler = [registry, access_control](const soap::SoapRequest& request,
                                                    const CallContext& call) {
    const auto& payload = expect_payload(request, ns::kLcm, "SubmitObjectsRequest");
    registry::RegistryResponse response;
    try {
      auto submitted = registry::parse_submit_objects(payload);
      // issue 6: decided first; the traces commit with the lot (R-TRACE-1)
      auto traces = check_lot(*access_control, call, submitted);
      response = registry->register_document_set(std::move(submitted),
                                                 store::append_traces_hook(std::move(traces)));
    } catch (const Failure& failure) {
      if (refused_as_fault(failure.error())) throw;  // issue 6
      response.success = false;
      response.errors.push_back(failure.error());
    }
    return registry_answer("urn:ihe:iti:2007:RegisterDocumentSet-bResponse", response);
  };

  // ---- issue 5: ITI-57 Update Document Set ----
  Operation update_set;
  update_set.action = kUpdateDocumentSet;
  update_set.handler = [registry, access_control](const soap::SoapRequest& request,
                                                  const CallContext& call) {
    const auto& payload = expect_payload(request, ns::kLcm, "SubmitObjectsRequest");
    registry::RegistryResponse response;
    try {
      auto submitted = registry::parse_submit_objects(payload);
      // issue 6: R-CHG-*, decided before any change; traced with it (R-TRACE-1)
      auto traces = access_control->check_update(call, submitted);
      response = registry->update_document_set(std::move(submitted),
                                               store::append_traces_hook(std::move(traces)));
    } catch (const Failure& failure) {
      if (refused_as_fault(failure.error())) throw;  // issue 6
      response.success = false;
      response.errors.push_back(failure.error());
    }
    return registry_answer("urn:ihe:iti:2010:UpdateDocumentSetResponse", response);
  };
  for (const char* path : {kRegistryPath, kCombinedPath}) router.add(path, update_set);
  // ---- end issue 5 ----

  Operation provide;
  provide.action = kProvideAndRegister;
  provide.handler = [registry, decode, access_control](const soap::SoapRequest& request,
                                                       const CallContext& call) {
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
      auto submitted = registry::parse_submit_objects(*submit);
      // issue 6: decided first; the traces commit with the lot (R-TRACE-1)
      auto traces = check_lot(*access_control, call, submitted);
      response = registry->provide_and_register(std::move(submitted), std::move(documents),
                                                store::append_traces_hook(std::move(traces)));
    } catch (const Failure& failure) {
      if (refused_as_fault(failure.error())) throw;  // issue 6
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
  retrieve.handler = [registry, access_control](const soap::SoapRequest& request,
                                                const CallContext& context) {
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
    // issue 6: a refused record is answered with its refusal as a RegistryError.
    registry::RetrieveResponse response;
    try {
      const auto grant = access_control->grant_read(context, "", store::TraceAction::Retrieve);
      response = grant ? retrieve_visible(*registry, *access_control, *grant, items)
                       : registry->retrieve(items);
    } catch (const Failure& refused) {
      if (refused_as_fault(refused.error())) throw;
      response.errors.push_back(refused.error());
    }
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
        dependencies.pool, registry::QueryOptions{dependencies.max_query_results},
        access_control);  // issue 6
    for (const char* path : {kRegistryPath, kCombinedPath}) router.add(path, stored_query);
  }
  // ---- end ITI-18 ----
  // ---- issue 5: ITI-62 Remove Metadata, operator only (owned by
  // gateway/src/xds/remove_metadata_handler.cpp) ----
  {
    const auto remove_metadata = make_remove_metadata_operation(registry);
    for (const char* path : {kRegistryPath, kCombinedPath}) router.add(path, remove_metadata);
  }
  // ---- end ITI-62 ----
  // ---- issue 6: DMP RecordStatus and DeclareConsent (gateway/src/access/dmp_operations.cpp) ----
  for (const auto& dmp_operation : {access::make_record_status_operation(access_control),
                                    access::make_declare_consent_operation(access_control)}) {
    router.add(kRegistryPath, dmp_operation);
  }
  // ---- end issue 6 ----
  // ---- issue 10: DMP Download for professionals (gateway/src/download/) ----
  {
    const auto download = download::make_download_operation(
        dependencies.pool, registry, access_control,
        {dependencies.repository_unique_id,
         dependencies.export_signing_key,
         {dependencies.download_misuse_threshold, dependencies.download_misuse_period}});
    router.add(kRegistryPath, download);  // where RecordStatus and DeclareConsent are
  }
  // ---- end issue 10: DMP Download ----
  // ---- issue 10: the operator's XDM export and import (gateway/src/api/xdm_api.cpp),
  // importing through this registry: the same checks as ITI-41 ----
  router.add_api_route(api::make_xdm_api(dependencies.pool, registry, dependencies.xdm_limits,
                                         dependencies.export_signing_key));
  // ---- end issue 10 ----
  for (const char* path : {kRegistryPath, kCombinedPath}) router.add(path, register_set);
  for (const char* path : {kRepositoryPath, kCombinedPath}) {
    router.add(path, provide);
    router.add(path, retrieve);
  }
  return router;
}

}  // namespace passerelle::gateway
