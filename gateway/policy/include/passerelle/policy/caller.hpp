#pragma once

// Who is asking. Professionals come through SOAP with a verified VIHF
// (soap::AccessContext). The patient and the legal representative never hold
// a VIHF: in Passerelle they act through the operator API, which stands in for
// the patient's own app, and is expected to build a patient-side Caller.

#include <string>

#include "passerelle/soap/access_context.hpp"

namespace passerelle::policy {

enum class Side { Professional, Patient, LegalRepresentative };

struct Caller {
  Side side = Side::Professional;
  soap::AccessContext context;  // Side::Professional only
  std::string person_id;        // Patient: INS matricule; LegalRepresentative: their id

  static Caller professional(soap::AccessContext context);
  static Caller patient(std::string ins_matricule);
  static Caller legal_representative(std::string person_id);

  // The id compared with MT lists, blocks and document authors.
  const std::string& id() const {
    return side == Side::Professional ? context.person_id : person_id;
  }
  bool emergency() const {
    return side == Side::Professional && context.purpose != soap::PurposeOfUse::Normal;
  }
};

}  // namespace passerelle::policy
