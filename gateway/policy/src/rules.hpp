#pragma once

// Private steps of decide(): each rule family in its own file, all pure.

#include <optional>
#include <span>

#include "passerelle/policy/decide.hpp"

namespace passerelle::policy::rules {

// The caller's standing on the record once R-AUTH-* / R-ID-3 are applied.
struct Access {
  std::optional<Refusal> refusal;
  const ProfessionGroup* group = nullptr;  // professionals only
  bool treating_doctor = false;
  bool minor = false;
};

// Record exists and is open (R-AUTH-8); the caller is who they claim on the
// patient side; a professional has a known profession, is not blocked
// (R-AUTH-3) and uses a secret connection only on a minor (R-AUTH-6).
Access identify(const Caller& caller, const RecordState& record, const HabilitationMatrix& matrix,
                Clock::time_point now);

// identify(), then the emergency modes (R-AUTH-2, R-ID-3) or the
// authorisation (R-AUTH-1, R-AUTH-4, R-ID-3).
Access access(const Caller& caller, const RecordState& record, const HabilitationMatrix& matrix,
              Clock::time_point now);

// R-READ-2..6 for an admitted caller.
ReadFilter read_filter(const Caller& caller, const Access& access);

// R-DOC-3/4 and R-SPEC-1/2 on new documents.
std::optional<Refusal> check_submission(const Caller& caller, const RecordState& record,
                                        const Access& access,
                                        std::span<const registry::DocumentEntry> documents,
                                        std::span<const registry::DocumentEntry> replaced);

// R-CHG-1..5, R-AUTH-7, R-SPEC-1/2 on one existing document.
std::optional<Refusal> check_change(const Caller& caller, const Access& access,
                                    const ReadFilter& filter, DocumentChange change,
                                    const registry::DocumentEntry& target);

// §3 of the mapping: the caller is an author of the entry (direct
// authentication: the person; indirect: the structure; patient side: the
// person id).
bool is_author(const Caller& caller, const registry::DocumentEntry& entry);

bool is_professional(const Access& access);  // a PS: not a non-professional

}  // namespace passerelle::policy::rules
