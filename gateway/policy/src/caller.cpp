#include "passerelle/policy/caller.hpp"

#include <utility>

namespace passerelle::policy {

Caller Caller::professional(soap::AccessContext context) {
  Caller caller;
  caller.side = Side::Professional;
  caller.context = std::move(context);
  return caller;
}

Caller Caller::patient(std::string ins_matricule) {
  Caller caller;
  caller.side = Side::Patient;
  caller.person_id = std::move(ins_matricule);
  return caller;
}

Caller Caller::legal_representative(std::string person_id) {
  Caller caller;
  caller.side = Side::LegalRepresentative;
  caller.person_id = std::move(person_id);
  return caller;
}

}  // namespace passerelle::policy
