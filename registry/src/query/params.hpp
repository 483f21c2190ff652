#pragma once

// Stored query parameters (ITI TF-2 §3.18.4.1.2.3.5): value syntax and the
// per-parameter rules (required, single valued, AND/OR across slots).

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/registry/stored_query.hpp"

namespace passerelle::registry::query {

// One ebRIM value as a list of items: "('a','b')" → {a, b}; "'a'" → {a};
// "20041124" → {20041124}. '' inside quotes is one quote. Throws
// Failure(XDSRegistryError, location = parameter name) when malformed.
std::vector<std::string> parse_value(std::string_view raw, const std::string& parameter);

struct Code {
  std::string code;
  std::string scheme;
};
// "code^^scheme" (HL7 CE with an empty display name). Throws like
// parse_value when the scheme is missing.
Code parse_code(const std::string& item, const std::string& parameter);

// Reads the parameters of one request, remembering which ones a query
// understood.
class Parameters {
 public:
  explicit Parameters(const StoredQueryRequest& request) : request_(request) {}

  bool present(const std::string& name) const;
  // A single-valued parameter: XDSStoredQueryParamNumber when given in
  // several slots or with several values, or missing while required.
  std::optional<std::string> single(const std::string& name, bool required) const;
  // A multi-valued parameter with OR semantics: every item of every value of
  // every slot of that name.
  std::vector<std::string> list(const std::string& name, bool required) const;
  // AND/OR semantics: one OR-list per slot, the slots ANDed.
  std::vector<std::vector<std::string>> and_or(const std::string& name) const;
  std::vector<std::vector<Code>> and_or_codes(const std::string& name) const;
  std::vector<Code> codes(const std::string& name) const;  // OR
  // A DTM bound padded like the store (14 digits), or nothing.
  std::optional<std::string> time(const std::string& name) const;
  // Exactly one of a and b (XDSStoredQueryParamNumber when both,
  // XDSStoredQueryMissingParam when neither); returns the name present.
  std::string one_of(const std::string& a, const std::string& b) const;
  std::string one_of(const std::vector<std::string>& names) const;

 private:
  std::vector<const StoredQueryRequest::Parameter*> slots(const std::string& name) const;
  const StoredQueryRequest& request_;
};

}  // namespace passerelle::registry::query
