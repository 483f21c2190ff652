#include "identity/refusal_trace.hpp"

#include <spdlog/spdlog.h>

#include <exception>

#include "passerelle/core/xml.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/soap/namespaces.hpp"

namespace passerelle::gateway::identity {
namespace {

constexpr const char* kRole = "urn:oasis:names:tc:xacml:2.0:subject:role";
constexpr const char* kPurpose = "urn:oasis:names:tc:xspa:1.0:subject:purposeofuse";
constexpr const char* kResourceId = "urn:oasis:names:tc:xacml:2.0:resource:resource-id";
constexpr const char* kProfessionSystem = "1.2.250.1.71.1.2.7";  // TRE_G15

// The first AttributeValue of attribute `name`: its text, or the `what`
// attribute (code, codeSystem) of its coded element. "" when absent.
std::string claimed(const xercesc::DOMElement& assertion, std::string_view name,
                    std::string_view what = "") {
  for (const auto* statement :
       xml::child_elements(assertion, soap::wss::kSaml2, "AttributeStatement")) {
    for (const auto* attribute : xml::child_elements(*statement, soap::wss::kSaml2, "Attribute")) {
      if (xml::attribute(*attribute, "Name").value_or("") != name) continue;
      for (const auto* value :
           xml::child_elements(*attribute, soap::wss::kSaml2, "AttributeValue")) {
        const auto coded = xml::child_elements(*value);
        if (what.empty()) return coded.empty() ? xml::text_content(*value) : "";
        if (coded.empty()) continue;
        if (what == "profession" &&
            xml::attribute(*coded.front(), "codeSystem").value_or("") != kProfessionSystem) {
          continue;
        }
        return xml::attribute(*coded.front(), "code").value_or("");
      }
    }
  }
  return "";
}

void fill_actor(const xercesc::DOMElement& assertion, store::TraceActor& actor) {
  if (const auto* subject = xml::first_child_element(assertion, soap::wss::kSaml2, "Subject")) {
    if (const auto* name_id = xml::first_child_element(*subject, soap::wss::kSaml2, "NameID")) {
      actor.id = xml::text_content(*name_id);
    }
  }
  // dmp-xds-mapping.md §3: the first character of the national id says its kind.
  if (actor.id.size() == 12 && actor.id.front() == '8') actor.kind = store::ActorKind::Rpps;
  if (actor.id.size() == 12 && actor.id.front() == '0') actor.kind = store::ActorKind::Adeli;
  actor.profession = claimed(assertion, kRole, "profession");
  actor.structure = claimed(assertion, "Identifiant_Structure");
  const std::string mode = claimed(assertion, "Authentification_Mode");
  if (mode == "DIRECTE") actor.authentication = store::TraceAuthentication::Directe;
  if (mode == "INDIRECTE") actor.authentication = store::TraceAuthentication::Indirecte;
  if (mode == "INDIRECTE_RENFORCEE") {
    actor.authentication = store::TraceAuthentication::IndirecteRenforcee;
  }
  const std::string purpose = claimed(assertion, kPurpose, "code");
  if (purpose == "bris_de_glace") actor.purpose = store::TracePurpose::BrisDeGlace;
  if (purpose == "centre_15") actor.purpose = store::TracePurpose::Centre15;
}

}  // namespace

store::Trace refusal_trace(const Error& refusal, const soap::SoapRequest& request,
                           const CallContext& call) {
  store::Trace trace;
  trace.action = store::TraceAction::Authenticate;
  trace.allowed = false;
  trace.reason_code = refusal.code;
  trace.reason = refusal.message;
  trace.actor.request_id = call.request_id;
  const auto* security = request.header == nullptr
                             ? nullptr
                             : xml::first_child_element(*request.header, ns::kWsse, "Security");
  const auto* assertion = security == nullptr
                              ? nullptr
                              : xml::first_child_element(*security, soap::wss::kSaml2, "Assertion");
  if (assertion != nullptr) {
    fill_actor(*assertion, trace.actor);
    trace.patient_id = claimed(*assertion, kResourceId);
  }
  return trace;
}

RefusalHook refusal_tracer(store::ConnectionPool* pool) {
  return [pool](const Error& refusal, const soap::SoapRequest& request, const CallContext& call) {
    log_refusal(refusal, call);
    if (pool == nullptr) return;
    try {
      store::append_trace(*pool, refusal_trace(refusal, request, call));
    } catch (const std::exception& e) {
      // The refusal stands; only its trace is lost, and the log says so.
      spdlog::error("vihf_refusal_untraced request_id={} code={} cause={}", call.request_id,
                    refusal.code, e.what());
    }
  };
}

}  // namespace passerelle::gateway::identity
