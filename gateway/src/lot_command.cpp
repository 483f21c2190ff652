#include "lot_command.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/signature/lot_signature.hpp"
#include "xds/lot_signature_check.hpp"

namespace passerelle::gateway {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLcm = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0";
constexpr const char* kMetadataFile = "METADATA.XML";

struct LotState {
  CLI::App* sign = nullptr;
  CLI::App* verify = nullptr;
  std::string key, cert, trust, signature, out;
  std::string dir;
};

// Unreadable input (exit status 2), as opposed to a refused signature.
struct Unreadable {
  std::string message;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Unreadable{"cannot read " + path.string()};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A document file named by a URI slot: a plain name or relative path inside
// LOT_DIR, never an absolute path or one that climbs out of it.
fs::path document_path(const fs::path& dir, const std::string& uri) {
  const fs::path relative(uri);
  if (uri.empty() || relative.is_absolute()) {
    throw Unreadable{"URI slot '" + uri + "' is not a file name inside the lot directory"};
  }
  for (const auto& part : relative) {
    if (part == "..") throw Unreadable{"URI slot '" + uri + "' leaves the lot directory"};
  }
  return dir / relative;
}

struct LotOnDisk {
  signature::Lot lot;
  fs::path signature_file;  // from the signature DocumentEntry's URI, if any
};

LotOnDisk read_lot(const fs::path& dir) {
  const std::string metadata = read_file(dir / kMetadataFile);
  const xml::Document doc = xml::parse(metadata, {}, kMetadataFile);
  const xercesc::DOMElement* request = &doc.root();
  if (!xml::is_element(*request, kLcm, "SubmitObjectsRequest")) {
    request = xml::first_child_element(doc.root(), kLcm, "SubmitObjectsRequest");
  }
  if (request == nullptr)
    throw Unreadable{"no lcm:SubmitObjectsRequest in " + std::string(kMetadataFile)};
  const registry::SubmitObjectsRequest objects = registry::parse_submit_objects(*request);
  const registry::Submission submission = registry::read_submission(objects);
  if (submission.submission_sets.size() != 1) {
    throw Unreadable{std::string(kMetadataFile) + " must hold exactly one SubmissionSet"};
  }
  LotOnDisk out;
  out.lot.unique_id = submission.submission_sets.front().unique_id;
  for (const registry::DocumentEntry& entry : submission.documents) {
    if (is_signature_entry(entry)) {
      if (!entry.uri.empty()) out.signature_file = document_path(dir, entry.uri);
      continue;
    }
    if (entry.uri.empty()) {
      throw Unreadable{"DocumentEntry '" + entry.entry_uuid + "' has no URI slot naming its file"};
    }
    std::string bytes = read_file(document_path(dir, entry.uri));
    out.lot.documents.push_back(
        signature::LotDocument::from_bytes(entry.unique_id, std::move(bytes)));
  }
  return out;
}

int run_sign(const LotState& state) {
  const LotOnDisk lot = read_lot(state.dir);
  const signature::SigningKey key = signature::SigningKey::from_pem_files(state.key, state.cert);
  const std::string document = signature::sign_lot(lot.lot, key);
  if (state.out.empty()) {
    std::cout << document;
  } else {
    std::ofstream out(state.out, std::ios::binary | std::ios::trunc);
    out << document;
    if (!out) throw Unreadable{"cannot write " + state.out};
  }
  return 0;
}

int run_verify(const LotState& state) {
  const LotOnDisk lot = read_lot(state.dir);
  const fs::path file = state.signature.empty() ? lot.signature_file : fs::path(state.signature);
  if (file.empty()) {
    std::cout << signature::lot_codes::kMissing
              << ": the lot has no signature document (give --signature FILE)" << std::endl;
    return 1;
  }
  const auto trust = signature::TrustStore::from_pem_file(state.trust);
  try {
    const signature::LotVerification verified =
        signature::verify_lot_signature(read_file(file), lot.lot, *trust, file.string());
    std::cout << "valid: signed by \"" << verified.signer.subject << "\", "
              << lot.lot.documents.size() << " document(s), SigningTime "
              << verified.signing_time_text << std::endl;
    return 0;
  } catch (const Failure& failure) {
    std::cout << failure.error().code << ": " << failure.error().message << std::endl;
    return 1;
  }
}

int run(const LotState& state) {
  try {
    xml::Runtime xml_runtime;
    signature::Runtime signature_runtime;
    return state.sign->parsed() ? run_sign(state) : run_verify(state);
  } catch (const Unreadable& unreadable) {
    std::cerr << "passerelle lot: " << unreadable.message << std::endl;
    return 2;
  } catch (const Failure& failure) {
    const Error& error = failure.error();
    std::cerr << "passerelle lot: " << (error.location.empty() ? "" : error.location + ": ")
              << error.message << std::endl;
    return 2;
  }
}

}  // namespace

LotCommand add_lot_command(CLI::App& app) {
  auto state = std::make_shared<LotState>();
  CLI::App* lot = app.add_subcommand("lot", "IHE DSG lot signatures (docs/signature.md)");
  lot->require_subcommand(1);
  state->sign = lot->add_subcommand("sign", "write the signature document of a lot (SHA-256)");
  state->sign->add_option("--key", state->key, "signer private key (PEM)")
      ->required()
      ->check(CLI::ExistingFile);
  state->sign->add_option("--cert", state->cert, "signer certificate (PEM)")
      ->required()
      ->check(CLI::ExistingFile);
  state->sign->add_option("--out", state->out, "where to write it (default: standard output)");
  state->sign->add_option("LOT_DIR", state->dir, "METADATA.XML and the documents")
      ->required()
      ->check(CLI::ExistingDirectory);
  state->verify = lot->add_subcommand("verify", "verify a lot's signature document");
  state->verify->add_option("--trust", state->trust, "trust anchors (PEM)")
      ->required()
      ->check(CLI::ExistingFile);
  state->verify
      ->add_option("--signature", state->signature,
                   "the signature document (default: the lot's signature DocumentEntry)")
      ->check(CLI::ExistingFile);
  state->verify->add_option("LOT_DIR", state->dir, "METADATA.XML and the documents")
      ->required()
      ->check(CLI::ExistingDirectory);
  return LotCommand{lot, [state] { return run(*state); }};
}

}  // namespace passerelle::gateway
