#include "xdm_command.hpp"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "admin_client.hpp"
#include "passerelle/conformance/http_client.hpp"
#include "passerelle/conformance/xds_messages.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/gateway/config.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/xdm.hpp"
#include "xdm_submission.hpp"

namespace passerelle::gateway {
namespace {

namespace xdm = registry::xdm;

constexpr const char* kWsse =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

struct XdmState {
  CLI::App* check = nullptr;
  CLI::App* import = nullptr;
  CLI::App* export_ = nullptr;
  std::string file;
  // import
  std::string repository, vihf, client_cert, client_key, ca;
  // export
  std::string lot, document, out;
  AdminConnection connection;
  // the limits of `serve` (ServerConfig's defaults)
  ServerConfig limits;
};

// Unreadable input or a refused package: exit status 2.
struct Unusable {
  std::string message;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Unusable{"cannot read " + path};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::vector<xdm::ImportedLot> read_lots(const XdmState& state) {
  const std::string zip = read_file(state.file);
  try {
    return xdm::read_package(zip,
                             xdm_limits(state.limits.xdm_max_entries, state.limits.xdm_max_bytes,
                                        state.limits.xdm_max_ratio));
  } catch (const Failure& refused) {
    const auto& error = refused.error();
    throw Unusable{"refused: " + error.code + " at " + error.location + ": " + error.message};
  }
}

int run_check(const XdmState& state) {
  for (auto& imported : read_lots(state)) {
    const auto lot = lot_submission(std::move(imported));
    std::cout << lot.subset << "  lot " << lot.submission_set_unique_id << "  "
              << lot.documents.size() << " document(s)\n";
    for (const auto& document : lot.documents) {
      std::cout << "  " << document.file_name << "  " << document.mime_type << "  "
                << document.bytes.size() << " bytes  sha1 " << document.sha1_hex << "  entry "
                << document.entry_id << "\n";
    }
  }
  return 0;
}

// The VIHF file's assertion in a wsse:Security header block; a file that
// already holds a whole wsse:Security element goes in as it is. The
// assertion is signed on its own (enveloped signature, exclusive C14N), so
// its place in the envelope does not change what was signed.
conformance::EnvelopeHook vihf_hook(const std::string& path) {
  if (path.empty()) return {};
  std::string vihf = conformance::without_xml_declaration(read_file(path));
  const auto start = vihf.find('<');
  const auto name_end = vihf.find_first_of(" \t\r\n>/", start);
  const std::string root =
      start == std::string::npos ? "" : vihf.substr(start + 1, name_end - start - 1);
  if (root != "Security" && !root.ends_with(":Security")) {
    vihf = std::string("<wsse:Security xmlns:wsse=\"") + kWsse +
           "\" xmlns:soapenv=\"http://www.w3.org/2003/05/soap-envelope\" "
           "soapenv:mustUnderstand=\"true\">" +
           vihf + "</wsse:Security>";
  }
  return [vihf](const std::string& envelope) {
    const std::string close = "</soapenv:Header>";
    const auto at = envelope.find(close);
    if (at == std::string::npos) return envelope;
    return envelope.substr(0, at) + vihf + envelope.substr(at);
  };
}

std::string describe(const conformance::IncomingMessage& reply) {
  std::string line =
      reply.status.empty()
          ? "no RegistryResponse (HTTP " + std::to_string(reply.http_status) + ")" +
                (reply.fault_reason.empty() ? std::string() : ": " + reply.fault_reason)
          : reply.short_status();
  for (const auto& error : reply.errors) {
    line += "\n    " + error.code + " at " + error.location + ": " + error.context;
  }
  return line;
}

int run_import(const XdmState& state) {
  auto lots = read_lots(state);
  const auto hook = vihf_hook(state.vihf);
  const auto url = conformance::Url::parse(state.repository);
  const conformance::HttpClient client({state.ca, state.client_cert, state.client_key});
  bool all_stored = true;
  for (auto& imported : lots) {
    const auto lot = lot_submission(std::move(imported));
    std::vector<conformance::DocumentPart> parts;
    for (const auto& document : lot.documents) {
      parts.push_back({document.entry_id, document.mime_type, document.bytes});
    }
    const auto message = conformance::provide_and_register(registry::serialize(lot.request),
                                                           url.str(), parts, true, hook);
    const auto reply =
        conformance::read_reply(client.send("POST", url, message.content_type, message.body));
    const bool stored = reply.short_status() == "Success";
    all_stored = all_stored && stored;
    std::cout << lot.subset << " lot " << lot.submission_set_unique_id << ": " << describe(reply)
              << std::endl;
  }
  return all_stored ? 0 : 1;
}

int run_export(const XdmState& state) {
  const std::string target = "/api/v1/xdm/export?" +
                             std::string(state.lot.empty() ? "document=" : "lot=") +
                             encode_path_segment(state.lot.empty() ? state.document : state.lot);
  const auto reply = admin_request(state.connection, boost::beast::http::verb::get, target);
  if (reply.status != 200) {
    std::cerr << "passerelle xdm export: the server answered HTTP " << reply.status << ": "
              << reply.body << std::flush;
    return 1;
  }
  std::ofstream out(state.out, std::ios::binary | std::ios::trunc);
  out.write(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
  out.close();
  if (!out) throw Unusable{"cannot write " + state.out};
  std::cout << "wrote " << state.out << " (" << reply.body.size() << " bytes)" << std::endl;
  return 0;
}

int run_xdm(const XdmState& state) {
  try {
    xml::Runtime xml_runtime;
    if (state.check->parsed()) return run_check(state);
    if (state.import->parsed()) return run_import(state);
    return run_export(state);
  } catch (const Unusable& unusable) {
    std::cerr << "passerelle xdm: " << unusable.message << std::endl;
    return 2;
  } catch (const Failure& failure) {
    std::cerr << "passerelle xdm: " << failure.error().location << ": " << failure.error().message
              << std::endl;
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "passerelle xdm: " << e.what() << std::endl;
    return 1;
  }
}

void add_limits(CLI::App& command, XdmState& state) {
  command.add_option("--xdm-max-entries", state.limits.xdm_max_entries, "most entries in the ZIP")
      ->capture_default_str();
  command
      .add_option("--xdm-max-bytes", state.limits.xdm_max_bytes,
                  "most bytes the ZIP expands to (all entries together)")
      ->capture_default_str();
  command
      .add_option("--xdm-max-ratio", state.limits.xdm_max_ratio,
                  "highest expanded/compressed ratio of an entry above 1 MiB")
      ->capture_default_str();
}

}  // namespace

XdmCommand add_xdm_command(CLI::App& app) {
  auto state = std::make_shared<XdmState>();
  CLI::App* xdm = app.add_subcommand("xdm", "XDM media (ITI-32): check, import, export");
  xdm->require_subcommand(1);

  state->check =
      xdm->add_subcommand("check", "read an XDM ZIP as the gateway would (exit 2: refused)");
  state->check->add_option("FILE", state->file, "the XDM ZIP")->required();
  add_limits(*state->check, *state);

  state->import = xdm->add_subcommand(
      "import", "submit each lot of an XDM ZIP to a repository as ITI-41 (exit 0: all stored)");
  state->import->add_option("FILE", state->file, "the XDM ZIP")->required();
  state->import->add_option("--repository", state->repository, "ITI-41 endpoint, https://…")
      ->required();
  state->import->add_option("--vihf", state->vihf, "signed VIHF assertion (XML) for wsse:Security")
      ->check(CLI::ExistingFile);
  auto* cert = state->import
                   ->add_option("--client-cert", state->client_cert,
                                "client certificate (PEM) for mutual TLS")
                   ->check(CLI::ExistingFile);
  auto* key = state->import->add_option("--client-key", state->client_key, "its private key (PEM)")
                  ->check(CLI::ExistingFile);
  cert->needs(key);
  key->needs(cert);
  state->import->add_option("--ca", state->ca, "CA (PEM) the server must chain to")
      ->check(CLI::ExistingFile);
  add_limits(*state->import, *state);

  state->export_ =
      xdm->add_subcommand("export", "take a lot or a document out via the operator API");
  auto* lot = state->export_->add_option("--lot", state->lot, "SubmissionSet uniqueId");
  auto* document = state->export_->add_option("--document", state->document, "document uniqueId");
  lot->excludes(document);
  document->excludes(lot);
  state->export_->add_option("--out", state->out, "ZIP file to write")->required();
  state->export_->add_option("--url", state->connection.url, "the gateway, https://host:port")
      ->required();
  state->export_
      ->add_option("--token-file", state->connection.token_file, "operator API bearer token file")
      ->required();
  state->export_->add_option("--ca-cert", state->connection.ca_cert, "CA (PEM) of the gateway");
  state->export_->add_option("--cert", state->connection.cert, "client certificate (mutual TLS)");
  state->export_->add_option("--key", state->connection.key, "its private key");
  state->export_->callback([state, lot, document] {
    if (lot->count() + document->count() != 1) {
      throw CLI::ValidationError("xdm export", "give --lot ID or --document ID");
    }
  });
  return {xdm, [state] { return run_xdm(*state); }};
}

}  // namespace passerelle::gateway
