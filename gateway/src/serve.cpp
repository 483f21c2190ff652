#include "passerelle/gateway/serve.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "api/bearer_auth.hpp"
#include "api/records_api.hpp"
#include "api/xdm_api.hpp"              // issue 10
#include "download/export_signing.hpp"  // issue 10: export signing key check
#include "identity/identity_step.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/version.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/gateway/logging.hpp"
#include "passerelle/gateway/server.hpp"
#include "passerelle/gateway/xds_service.hpp"
#include "passerelle/registry/datatypes.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/signature/signer.hpp"   // issue 10: export signing
#include "passerelle/signature/xmldsig.hpp"  // issue 9

namespace passerelle::gateway {
namespace {

Failure config_error(const std::string& option, const std::string& message) {
  return Failure(codes::kInternalError, option, message);
}

}  // namespace

void check_config(ServerConfig& config) {
  if (!config.db_uri.empty() && !config.data_dir.empty()) {
    throw config_error("--db",
                       "give either --db (external PostgreSQL) or --data-dir (embedded), not both");
  }
  if (config.db_uri.empty() && config.data_dir.empty()) config.data_dir = "passerelle-data";
  if (!config.insecure_http) {
    if (config.tls_cert.empty() || config.tls_key.empty()) {
      throw config_error(
          "--tls-cert",
          "TLS needs --tls-cert and --tls-key (plain HTTP only with --insecure-http)");
    }
  } else if (!config.client_ca.empty()) {
    throw config_error("--client-ca",
                       "--client-ca (mutual TLS) cannot be used with --insecure-http");
  }
  if (config.listen.empty()) {
    config.listen.push_back(config.insecure_http ? "127.0.0.1:8080" : "127.0.0.1:8443");
  }
  if (config.max_body_bytes == 0 || config.max_header_bytes == 0) {
    throw config_error("--max-body-bytes", "size limits must be positive");
  }
  if (config.db_pool_size == 0) throw config_error("--db-pool-size", "must be positive");
  // issue 10: XDM import limits
  if (config.xdm_max_entries == 0 || config.xdm_max_bytes == 0 || config.xdm_max_ratio == 0) {
    throw config_error("--xdm-max-entries", "XDM import limits must be positive");
  }
  // ---- issue 10: professional downloads ----
  if (config.export_signing_key.empty() != config.export_signing_cert.empty()) {
    throw config_error("--export-signing-key",
                       "give both --export-signing-key and --export-signing-cert, or neither");
  }
  if (config.download_misuse_threshold < 0 || config.download_misuse_period.count() <= 0) {
    throw config_error("--download-misuse-threshold",
                       "the misuse threshold must not be negative and the period must be positive");
  }
  // ---- end issue 10: professional downloads ----
  // Operator API token: a bad file stops us before any database starts.
  if (!config.operator_token_file.empty()) api::read_operator_token(config.operator_token_file);
  identity::load_trust(config);  // issue 6: a bad --vihf-trust stops us here too
}

int serve(ServerConfig config) {
  auto logger = make_logger(config.log_format);
  const auto format = config.log_format;
  try {
    check_config(config);
    xml::Runtime xml_runtime;
    signature::Runtime signature_runtime;  // issue 9

    // Profile first: a bad profile should stop us before any database starts.
    registry::Profile loaded =
        config.profile_dir.empty()
            ? registry::load_named_profile(config.profile)
            : registry::load_named_profile(config.profile, config.profile_dir);
    // issue 9: --lot-signature overrides the profile's lot_signature.required.
    if (!config.lot_signature.empty()) {
      loaded.lot_signature_required = config.lot_signature == "required";
    }
    auto profile = std::make_shared<const registry::Profile>(std::move(loaded));
    // issue 10: a bad export signing key stops us before any database starts.
    std::shared_ptr<const signature::SigningKey> export_signing_key;
    if (!config.export_signing_key.empty()) {
      export_signing_key =
          std::make_shared<const signature::SigningKey>(signature::SigningKey::from_pem_files(
              config.export_signing_key.string(), config.export_signing_cert.string()));
      download::check_export_signing_key(*export_signing_key, config.export_signing_cert.string());
    }
    if (auto problem = registry::datatypes::check_oid(config.repository_unique_id);
        !problem.empty()) {
      throw config_error("--repository-unique-id", problem);
    }

    std::unique_ptr<store::EmbeddedCluster> cluster;
    std::string uri = config.db_uri;
    if (uri.empty()) {
      store::ClusterOptions options;
      options.data_dir = std::filesystem::absolute(config.data_dir);
      options.run_as_user = config.db_run_as_user;
      cluster = store::EmbeddedCluster::start(options);
      uri = cluster->connection_uri();
      log_event(*logger, format, spdlog::level::info, "database",
                "embedded PostgreSQL started in " + options.data_dir.string());
    }
    auto pool = std::make_shared<store::ConnectionPool>(uri, config.db_pool_size);
    {
      auto connection = pool->acquire();
      store::migrate(*connection);
    }

    XdsDependencies xds{pool, profile, config.repository_unique_id, {}, config.max_query_results};
    xds.decode.spill_threshold = config.spill_threshold;
    xds.xdm_limits = api::xdm_limits(config);  // issue 10
    // ---- issue 10: professional downloads ----
    xds.export_signing_key = export_signing_key;
    xds.download_misuse_threshold = config.download_misuse_threshold;
    xds.download_misuse_period = config.download_misuse_period;
    // ---- end issue 10: professional downloads ----
    if (!config.spool_dir.empty()) xds.decode.spool_dir = config.spool_dir;
    // ---- issue 9: lot signature trust anchors ----
    if (!config.signature_trust.empty()) {
      xds.signature_trust = signature::TrustStore::from_pem_file(config.signature_trust.string());
    } else if (profile->lot_signature_required) {
      log_event(*logger, format, spdlog::level::warn, "signature_trust",
                "profile '" + profile->name +
                    "' requires signed lots and no --signature-trust is given: every ITI-41 lot "
                    "will be refused");
    }
    // ---- end issue 9 ----
    // ---- issue 6: access policy: the habilitation matrix, read once ----
    if (profile->access_policy) {
      xds.habilitation =
          std::make_shared<const policy::HabilitationMatrix>(policy::load_habilitation_matrix(
              config.habilitation.empty() ? policy::default_habilitation_matrix_path()
                                          : config.habilitation));
    }
    // ---- end issue 6: access policy ----
    // ---- issue 6: VIHF identity: the profile decides unless --vihf says ----
    if (config.vihf.empty()) config.vihf = profile->vihf_required ? "required" : "optional";
    if (config.vihf == "required" && config.vihf_trust.empty()) {
      log_event(*logger, format, spdlog::level::warn, "vihf_trust",
                "every SOAP request needs a VIHF (profile '" + profile->name +
                    "' or --vihf) and no --vihf-trust is given: every request will be refused");
    }
    // ---- end issue 6 ----
    Server server(config, make_xds_router(xds), pool, logger,
                  api::accept_authorities(profile->patient_id_authorities));
    // Caught before "listening" is printed: a supervisor that reads that line
    // and stops the gateway at once gets a clean shutdown, not the default
    // action of the signal.
    boost::asio::io_context signals_io;
    boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM);
    server.start();
    log_event(*logger, format, spdlog::level::info, "started",
              std::string("passerelle ") + kVersion);
    for (const auto& url : server.urls()) std::cout << "listening on " << url << std::endl;

    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      log_event(*logger, format, spdlog::level::info, "stopping",
                "signal " + std::to_string(signal) + ", finishing in-flight requests");
      server.shutdown();
    });
    signals_io.run();
    server.wait();
    pool.reset();
    if (cluster) cluster->stop();
    log_event(*logger, format, spdlog::level::info, "stopped", "clean shutdown");
    return 0;
  } catch (const Failure& failure) {
    const auto& error = failure.error();
    log_event(*logger, format, spdlog::level::critical, "startup_failed",
              (error.location.empty() ? "" : error.location + ": ") + error.message);
    return 1;
  } catch (const std::exception& e) {
    log_event(*logger, format, spdlog::level::critical, "startup_failed", e.what());
    return 1;
  }
}

}  // namespace passerelle::gateway
