#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace passerelle::gateway {

enum class LogFormat { Json, Text };

// issue 10: registry::xdm::Limits' defaults (config.hpp does not include the
// registry; gateway/src/api/xdm_api.cpp checks they agree).
inline constexpr std::uint64_t kXdmMaxEntries = 1000;
inline constexpr std::uint64_t kXdmMaxBytes = 512ull * 1024 * 1024;
inline constexpr std::uint64_t kXdmMaxRatio = 100;

// Everything `passerelle serve` is told, from its config file and flags.
struct ServerConfig {
  std::vector<std::string> listen;  // HOST:PORT; port 0 picks a free port
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  std::filesystem::path client_ca;  // set → mutual TLS required
  bool insecure_http = false;       // plain HTTP, only when asked for

  std::string db_uri;              // external PostgreSQL
  std::filesystem::path data_dir;  // embedded PostgreSQL (the default)
  std::string db_run_as_user = "postgres";
  std::size_t db_pool_size = 8;

  LogFormat log_format = LogFormat::Text;

  // Affinity domain profile (registry/profiles/<name>), and where profiles live
  // (empty = the shipped ones).
  std::string profile = "dmp";
  std::filesystem::path profile_dir;
  // This repository's uniqueId (OID), set on every document it stores.
  std::string repository_unique_id = "1.2.250.1.999.1.1.1";
  // File holding the operator API bearer token; empty = operator API disabled.
  std::filesystem::path operator_token_file;
  // Most objects an ITI-18 LeafClass answer carries (XDSTooManyResults above).
  std::size_t max_query_results = 1000;
  // Issue 9: trust anchors (PEM) of ITI-41 lot signatures; empty = none.
  std::filesystem::path signature_trust;
  // "required" or "optional" overrides the profile's lot_signature.required; "" keeps it.
  std::string lot_signature;
  // ---- issue 6: access policy ----
  // Habilitation matrix (R-READ-5, docs/policy.md); empty = the shipped one.
  // Loaded at startup when the profile's access_policy is on.
  std::filesystem::path habilitation;
  // ---- end issue 6: access policy ----

  std::size_t threads = 0;  // 0 = hardware concurrency (network threads)
  std::size_t workers = 0;  // 0 = hardware concurrency (request handling threads)
  // Connections served by a thread of their own, which handles their
  // requests (at most `workers` at once); the others share the network
  // threads and the workers. 0 = every connection shares.
  std::size_t connection_threads = 64;
  std::size_t max_body_bytes = 64u * 1024u * 1024u;
  std::size_t max_header_bytes = 16u * 1024u;
  std::chrono::milliseconds read_timeout{30'000};  // a whole request must arrive within it
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive wait for the next request
  std::chrono::milliseconds shutdown_grace{30'000};
  std::size_t spill_threshold = 1024u * 1024u;  // attachments larger than this go to disk
  std::filesystem::path spool_dir;              // empty = system temp dir

  // ---- issue 6: VIHF identity (docs/identity.md) ----
  // "required" or "optional"; serve() puts the profile's identity.vihf here
  // when the flag is not given. Anything but "required" is optional.
  std::string vihf;
  std::filesystem::path vihf_trust;  // PEM bundle of trusted VIHF signers and/or CAs
  std::chrono::seconds vihf_clock_skew{60};
  bool vihf_match_tls = false;  // the assertion must match the TLS client certificate
  // ---- end issue 6 ----
  // ---- issue 10: XDM import limits (docs/xdm-import-export.md) ----
  std::uint64_t xdm_max_entries = kXdmMaxEntries;
  std::uint64_t xdm_max_bytes = kXdmMaxBytes;  // expanded, all entries together
  std::uint64_t xdm_max_ratio = kXdmMaxRatio;  // expanded/compressed per entry > 1 MiB
  // ---- end issue 10 ----
  // ---- issue 10: professional downloads (docs/downloads.md) ----
  // Key and certificate (PEM) that sign every exported XDM lot; both or neither.
  std::filesystem::path export_signing_key;
  std::filesystem::path export_signing_cert;
  // R-TRACE-4: more downloads than the threshold by one professional within
  // the period are traced as misuse (never refused).
  std::int64_t download_misuse_threshold = 100;
  std::chrono::seconds download_misuse_period{86'400};
  // ---- end issue 10: professional downloads ----
};

}  // namespace passerelle::gateway
