#pragma once

#include "passerelle/gateway/config.hpp"

namespace passerelle::gateway {

// `passerelle serve`: starts the embedded PostgreSQL (or connects to the
// external one), migrates the schema, serves until SIGINT/SIGTERM, then
// drains and stops everything it started. Returns the exit code.
int serve(ServerConfig config);

// Checks a configuration for contradictions before anything starts; throws
// Failure naming the offending option.
void check_config(ServerConfig& config);

}  // namespace passerelle::gateway
