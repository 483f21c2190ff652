#include "passerelle/core/error.hpp"

#include <utility>

namespace passerelle {

Failure::Failure(Error error)
    : std::runtime_error(error.code + ": " + error.message), error_(std::move(error)) {}

Failure::Failure(std::string code, std::string location, std::string message)
    : Failure(Error{std::move(code), Severity::Error, std::move(location), std::move(message)}) {}

std::string_view to_string(Severity severity) noexcept {
  return severity == Severity::Error ? "Error" : "Warning";
}

}  // namespace passerelle
