#pragma once

// VIHF assertions (dmp-xds-mapping.md §7) for tests: the builder is the
// harness's (passerelle/conformance/vihf_assertion.hpp); this file adds the
// test PKI signer, a default doctor and a spec tests tweak one attribute at a
// time. Tests that need a damaged assertion alter the tree after signing.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "passerelle/conformance/vihf_assertion.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "passerelle/soap/access_context.hpp"
#include "xds_client.hpp"

namespace passerelle::testing {

using conformance::child_element;
using conformance::set_attribute_text;
using conformance::VihfAttribute;

struct VihfSpec {
  std::string signer = "vihf-signer";  // PKI file stem: <signer>.pem / <signer>.key
  std::optional<std::string> issuer;   // default: the signer certificate's subject
  std::string id = "_vihf-assertion-1";
  std::string name_id = "810000000001";
  std::chrono::system_clock::time_point not_before =
      std::chrono::system_clock::now() - std::chrono::minutes(5);
  std::chrono::system_clock::time_point not_on_or_after =
      std::chrono::system_clock::now() + std::chrono::hours(1);
  std::vector<VihfAttribute> attributes;  // empty = default_vihf_attributes(kTestPatient)
  bool sign = true;
  std::string reference_uri;  // empty = "#" + id
  // Reference transforms by name: enveloped, exc-c14n, c14n.
  std::vector<std::string> transforms = {"enveloped", "exc-c14n"};

  // Replaces (or adds) one attribute; removes it when both lists are empty.
  VihfSpec& set(const std::string& name, std::vector<std::string> text,
                std::vector<soap::CodedValue> coded = {});
};

// A valid indirect-authentication VIHF of a doctor (TRE_G15 10, SM26) of the
// test structure for `patient`.
std::vector<VihfAttribute> default_vihf_attributes(const std::string& patient = kTestPatient);

// The subject of a test PKI certificate, RFC 2253.
std::string pki_subject(const std::string& stem);

// A SOAP envelope (libxml2 tree) to which assertions of the test PKI are added.
class VihfEnvelope : public conformance::VihfEnvelope {
 public:
  using conformance::VihfEnvelope::add_assertion;
  using conformance::VihfEnvelope::VihfEnvelope;
  // Builds the assertion of `spec` as the last child of wsse:Security
  // (created on first use, mustUnderstand="true") and signs it.
  _xmlNode* add_assertion(const VihfSpec& spec = {});
};

// `envelope_xml` with one signed VIHF of `spec` in its Security header.
std::string with_vihf(const std::string& envelope_xml, const VihfSpec& spec = {});
HttpRequestBody with_vihf(HttpRequestBody request, const VihfSpec& spec = {});

}  // namespace passerelle::testing
