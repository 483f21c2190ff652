#include "passerelle/gateway/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "admin_client.hpp"
#include "cda_command.hpp"
#include "conformance_command.hpp"
#include "db_command.hpp"
#include "lot_command.hpp"  // issue 9
#include "passerelle/core/version.hpp"
#include "passerelle/gateway/serve.hpp"
#include "xdm_command.hpp"  // issue 10

namespace passerelle::gateway {
namespace {

void add_serve_options(CLI::App& serve, ServerConfig& config, std::string& log_format,
                       long& read_timeout_ms, long& idle_timeout_ms, long& grace_ms,
                       std::string& config_file) {
  serve
      .add_option("--config", config_file,
                  "TOML configuration file; flags override it (docs/configuration.md)")
      ->check(CLI::ExistingFile);
  serve.add_option("--listen", config.listen,
                   "HOST:PORT to listen on; repeatable (default 127.0.0.1:8443, or "
                   "127.0.0.1:8080 with --insecure-http)");
  serve.add_option("--tls-cert", config.tls_cert, "server certificate chain (PEM)");
  serve.add_option("--tls-key", config.tls_key, "server private key (PEM)");
  serve.add_option("--client-ca", config.client_ca,
                   "CA bundle (PEM) for client certificates; enables mutual TLS");
  serve.add_flag("--insecure-http", config.insecure_http,
                 "serve plain HTTP without TLS (tests, behind a TLS-terminating load balancer)");
  serve.add_option("--db", config.db_uri, "external PostgreSQL, postgresql://…");
  serve.add_option("--data-dir", config.data_dir,
                   "directory of the embedded PostgreSQL cluster (the default: ./passerelle-data)");
  serve
      .add_option("--db-user", config.db_run_as_user,
                  "account that runs the embedded PostgreSQL when started as root")
      ->capture_default_str();
  serve.add_option("--db-pool-size", config.db_pool_size, "database connections")
      ->capture_default_str();
  serve.add_option("--log-format", log_format, "json or text")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  serve.add_option("--threads", config.threads, "network threads (0 = one per core)")
      ->capture_default_str();
  serve.add_option("--workers", config.workers, "request handling threads (0 = one per core)")
      ->capture_default_str();
  serve
      .add_option("--connection-threads", config.connection_threads,
                  "connections served by a thread of their own (0 = none)")
      ->capture_default_str();
  serve.add_option("--max-body-bytes", config.max_body_bytes, "largest request body (413 above)")
      ->capture_default_str();
  serve
      .add_option("--max-header-bytes", config.max_header_bytes,
                  "largest request header block (431 above)")
      ->capture_default_str();
  serve
      .add_option("--read-timeout-ms", read_timeout_ms,
                  "time allowed to receive a request (408 after)")
      ->capture_default_str();
  serve.add_option("--idle-timeout-ms", idle_timeout_ms, "keep-alive wait for the next request")
      ->capture_default_str();
  serve
      .add_option("--shutdown-grace-ms", grace_ms, "how long SIGTERM waits for in-flight requests")
      ->capture_default_str();
  serve
      .add_option("--spill-threshold-bytes", config.spill_threshold,
                  "attachments larger than this are kept in a temporary file")
      ->capture_default_str();
  serve.add_option("--spool-dir", config.spool_dir,
                   "directory for temporary attachment files (default: system temp)");
  serve.add_option("--profile", config.profile, "affinity domain profile (registry/profiles/NAME)")
      ->capture_default_str();
  serve.add_option("--profile-dir", config.profile_dir,
                   "directory of profiles (default: the shipped ones)");
  serve
      .add_option("--repository-unique-id", config.repository_unique_id,
                  "this repository's uniqueId (OID)")
      ->capture_default_str();
  serve
      .add_option("--max-query-results", config.max_query_results,
                  "most objects in a stored query LeafClass answer")
      ->capture_default_str();
  // issue 9
  serve
      .add_option("--signature-trust", config.signature_trust,
                  "CA and/or signer certificates (PEM) that lot signatures must chain to "
                  "(docs/signature.md)")
      ->check(CLI::ExistingFile);
  serve
      .add_option("--lot-signature", config.lot_signature,
                  "required or optional: whether every ITI-41 lot must carry a signature "
                  "document (default: the profile's lot_signature.required)")
      ->check(CLI::IsMember({"required", "optional"}));
  // ---- issue 6: access policy (docs/policy-enforcement.md) ----
  serve
      .add_option(
          "--habilitation", config.habilitation,
          "habilitation matrix (JSON, docs/policy.md) read when the profile's "
          "access_policy is on (default: the shipped registry/profiles/dmp/habilitation.json)")
      ->check(CLI::ExistingFile);
  // ---- end issue 6: access policy ----
  // ---- issue 6: VIHF identity (docs/identity.md) ----
  serve
      .add_option("--vihf", config.vihf,
                  "required or optional: whether every SOAP request must carry a signed VIHF "
                  "assertion (default: the profile's identity.vihf)")
      ->check(CLI::IsMember({"required", "optional"}));
  serve
      .add_option("--vihf-trust", config.vihf_trust,
                  "CA and/or signer certificates (PEM) that VIHF assertions must be signed by")
      ->check(CLI::ExistingFile);
  serve
      .add_option_function<long>(
          "--vihf-clock-skew",
          [&config](const long& seconds) {
            config.vihf_clock_skew = std::chrono::seconds(seconds);
          },
          "seconds of clock difference tolerated on NotBefore/NotOnOrAfter")
      ->check(CLI::NonNegativeNumber)
      ->default_str(std::to_string(config.vihf_clock_skew.count()));
  serve.add_flag("--vihf-match-tls", config.vihf_match_tls,
                 "the VIHF must match the TLS client certificate (issuer for indirect, NameID "
                 "for direct authentication)");
  // ---- end issue 6 ----
  // ---- issue 10: XDM import limits (docs/xdm-import-export.md) ----
  serve
      .add_option("--xdm-max-entries", config.xdm_max_entries,
                  "most entries in an imported XDM ZIP")
      ->capture_default_str();
  serve
      .add_option("--xdm-max-bytes", config.xdm_max_bytes,
                  "most bytes an imported XDM ZIP expands to (all entries together)")
      ->capture_default_str();
  serve
      .add_option("--xdm-max-ratio", config.xdm_max_ratio,
                  "highest expanded/compressed ratio of an XDM entry above 1 MiB (zip bombs)")
      ->capture_default_str();
  // ---- end issue 10 ----
  // ---- issue 10: professional downloads (docs/downloads.md) ----
  serve
      .add_option("--export-signing-key", config.export_signing_key,
                  "private key (PEM) that signs every exported XDM lot (docs/signature.md)")
      ->check(CLI::ExistingFile);
  serve
      .add_option("--export-signing-cert", config.export_signing_cert,
                  "certificate (PEM) of --export-signing-key")
      ->check(CLI::ExistingFile);
  serve
      .add_option("--download-misuse-threshold", config.download_misuse_threshold,
                  "more downloads than this by one professional within the period are traced "
                  "as misuse (R-TRACE-4, never refused)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  serve
      .add_option_function<long>(
          "--download-misuse-period",
          [&config](const long& seconds) {
            config.download_misuse_period = std::chrono::seconds(seconds);
          },
          "seconds over which downloads are counted for misuse")
      ->check(CLI::PositiveNumber)
      ->default_str(std::to_string(config.download_misuse_period.count()));
  // ---- end issue 10: professional downloads ----
  serve.add_option("--operator-token-file", config.operator_token_file,
                   "file holding the operator API bearer token; without it /api/ is disabled "
                   "(docs/operator-api.md)");
}

// CLI11 2.1 reads a config file only for the main app, and a file for a
// subcommand would need a [serve] table. We read the flat TOML file with
// CLI11's own parser and give each key to the serve option of the same name,
// only when the command line did not set it: flags override the file.
void apply_config_file(CLI::App& serve, const std::string& path) {
  const auto items = CLI::ConfigTOML().from_file(path);
  for (const auto& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // CLI11's section markers
    if (!item.parents.empty()) {
      throw CLI::ConversionError(path + ": unexpected table [" + item.parents.front() + "]");
    }
    CLI::Option* option = serve.get_option_no_throw("--" + item.name);
    if (option == nullptr || item.name == "config") {
      throw CLI::ConversionError(path + ": unknown key '" + item.name + "'");
    }
    if (option->count() > 0) continue;
    option->add_result(item.inputs);
    option->run_callback();
  }
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"Passerelle: an IHE XDS.b gateway with the rules of the French DMP", "passerelle"};
  app.set_version_flag("--version", std::string("passerelle ") + kVersion);
  app.require_subcommand(0, 1);

  ServerConfig config;
  std::string log_format = "text";
  long read_timeout_ms = config.read_timeout.count();
  long idle_timeout_ms = config.idle_timeout.count();
  long grace_ms = config.shutdown_grace.count();
  std::string config_file;
  CLI::App* serve_command = app.add_subcommand("serve", "run the gateway");
  add_serve_options(*serve_command, config, log_format, read_timeout_ms, idle_timeout_ms, grace_ms,
                    config_file);
  const AdminCommand admin = add_admin_command(app);  // admin_client.cpp
  const DbCommand db = add_db_command(app);           // db_command.cpp
  const CdaCommand cda = add_cda_command(app);        // cda_command.cpp
  const LotCommand lot = add_lot_command(app);        // lot_command.cpp (issue 9)
  const XdmCommand xdm = add_xdm_command(app);        // xdm_command.cpp (issue 10)
  add_conformance_command(app);  // conformance_command.cpp: runs from its own callback

  try {
    app.parse(argc, argv);
    if (serve_command->parsed() && !config_file.empty()) {
      apply_config_file(*serve_command, config_file);
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (admin.command->parsed()) return admin.run();
  if (db.command->parsed()) return db.run();
  if (cda.command->parsed()) return cda.run();
  if (lot.command->parsed()) return lot.run();  // issue 9
  if (xdm.command->parsed()) return xdm.run();  // issue 10
  if (!serve_command->parsed()) {
    std::cout << app.help();
    return 0;
  }
  config.log_format = log_format == "json" ? LogFormat::Json : LogFormat::Text;
  config.read_timeout = std::chrono::milliseconds(read_timeout_ms);
  config.idle_timeout = std::chrono::milliseconds(idle_timeout_ms);
  config.shutdown_grace = std::chrono::milliseconds(grace_ms);
  return serve(std::move(config));
}

}  // namespace passerelle::gateway
