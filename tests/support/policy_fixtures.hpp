#pragma once

// What the access policy tests share (issue 6, docs/policy-enforcement.md):
// a gateway with the dmp profile's policy on, callers as signed VIHFs of the
// test PKI, the fixture lot deposited from the caller's structure, and the
// traces of a record as stored.

#include <string>
#include <vector>

#include "passerelle/registry/store.hpp"
#include "passerelle/registry/traces.hpp"
#include "vihf_builder.hpp"
#include "xds_gateway.hpp"

namespace passerelle::testing {

// The authorPerson of the fixture lot; the VIHF's structure (indirect
// authentication) once from_callers_structure() is applied.
inline constexpr const char* kFixtureAuthor = "801234567890";
inline constexpr const char* kVihfStructure = "10B0152872";

// The dmp profile's access policy on (the test gateway turns it off by default).
XdsGatewayOptions with_policy();

// A doctor (default VIHF attributes) whose NameID is `person_id`, in the
// purpose of use `purpose` ("normal", "bris_de_glace", "centre_15").
VihfSpec professional(const std::string& person_id, const std::string& purpose = "normal");

// The fixture's authorInstitution names the VIHF's structure (R-DOC-3).
std::string from_callers_structure(const std::string& metadata);

// Document01's confidentiality code N followed by `code` (e.g. MASQUE_PS,
// INVISIBLE_PATIENT, scheme 1.2.250.1.213.1.1.4.13). Issue 10.
std::string with_confidentiality_code(const std::string& metadata, const std::string& code);

// Consent declared for `person_id` on kTestPatient (R-AUTH-1), by the operator.
void authorise(store::ConnectionPool& pool, const std::string& person_id);

// Every trace of `patient`, oldest first.
std::vector<store::Trace> all_traces(store::ConnectionPool& pool,
                                     const std::string& patient = kTestPatient);

}  // namespace passerelle::testing
