#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace passerelle {

enum class Severity { Error, Warning };

// The one error type of the project. `code` is an IHE error code
// (e.g. "XDSRegistryMetadataError") or one of the transport/SOAP codes in
// core/error_codes.hpp; gateway/ alone decides how a code is shown to a
// client (SOAP fault, RegistryError, HTTP status).
struct Error {
  std::string code;
  Severity severity = Severity::Error;
  std::string location;  // object id, XPath-like path or MIME part: where it happened
  std::string message;   // human readable, never contains document content

  bool operator==(const Error&) const = default;
};

// Carries an Error through layers that cannot return it as a value (parsers
// deep in a call stack). Catch it at a layer boundary and keep the Error.
class Failure : public std::runtime_error {
 public:
  explicit Failure(Error error);
  Failure(std::string code, std::string location, std::string message);

  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

std::string_view to_string(Severity severity) noexcept;

}  // namespace passerelle
