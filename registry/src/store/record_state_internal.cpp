#include "store/record_state_internal.hpp"

#include <exception>
#include <pqxx/pqxx>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"

namespace passerelle::store::detail {

std::string iso_seconds(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

std::string iso_micros(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
}

void rethrow_as_state_error(const std::string& location) {
  try {
    throw;
  } catch (const Failure&) {
    throw;
  } catch (const std::exception& e) {
    throw Failure(codes::kInternalError, location, std::string("database error: ") + e.what());
  }
}

}  // namespace passerelle::store::detail
