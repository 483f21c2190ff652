// Lot signature verification throughput (issue 9): verify_lot_signature()
// of a two-document lot, single-threaded, next to `openssl speed -seconds 3
// rsa2048` run by this process in the same run (raw RSA-2048 verify/s, one
// core), and next to the floor the issue sets: one raw RSA verify plus
// hashing the documents (measured here with the same digest). A lot
// verification costs one RSA verify for the signature, parsing and
// canonicalising the signature document, hashing the documents, and the
// chain check (a second RSA verify, unless the trust store has already
// verified that chain: it caches verified chains).
//
// The machines are shared, so each algorithm set is measured in R rounds,
// each timing the verifications and then the hashing right after it (the
// floor of a round uses that round's hashing), and `openssl speed` runs
// before and after all rounds: the faster of the two is the RSA figure (a
// disturbed run can only be slower), which makes the ratio conservative.
// Every round's ratio is printed, then the median.
//
//   signature_verify [--pki DIR] [--doc-kib S] [--seconds T] [--rounds R]

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "passerelle/signature/lot_signature.hpp"

namespace {

namespace signature = passerelle::signature;
using Clock = std::chrono::steady_clock;

struct PipeClose {
  void operator()(FILE* f) const noexcept { pclose(f); }
};

// verify/s of `openssl speed -mr -seconds S rsa2048` ("+F2:n:2048:sign/s:verify/s").
double openssl_rsa2048_verify_per_second(int seconds) {
  const std::string command =
      "openssl speed -mr -seconds " + std::to_string(seconds) + " rsa2048 2>/dev/null";
  std::unique_ptr<FILE, PipeClose> pipe(popen(command.c_str(), "r"));
  if (!pipe) return 0;
  char line[512];
  while (std::fgets(line, sizeof line, pipe.get()) != nullptr) {
    const std::string text(line);
    if (text.rfind("+F2:", 0) != 0) continue;
    std::istringstream fields(text.substr(4));
    std::string index, bits, sign_rate, verify_rate;
    std::getline(fields, index, ':');
    std::getline(fields, bits, ':');
    std::getline(fields, sign_rate, ':');
    std::getline(fields, verify_rate, ':');
    // OpenSSL 3 prints operations per second here.
    if (bits == "2048") return std::stod(verify_rate);
  }
  return 0;
}

signature::Lot lot_of(std::size_t bytes) {
  std::mt19937_64 random(42);
  const auto document = [&](const char* unique_id) {
    std::string content = "%PDF-1.4\n";
    while (content.size() < bytes) content.push_back(static_cast<char>(random()));
    return signature::LotDocument::from_bytes(unique_id, content);
  };
  return signature::Lot{"1.2.250.1.999.1.2.1",
                        {document("1.2.250.1.999.1.3.1"), document("1.2.250.1.999.1.3.2")}};
}

double verifications_per_second(const std::string& signed_lot, const signature::Lot& lot,
                                const signature::TrustStore& trust, double seconds) {
  signature::verify_lot_signature(signed_lot, lot, trust);  // warm up; throws if invalid
  std::size_t count = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    signature::verify_lot_signature(signed_lot, lot, trust);
    ++count;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  return static_cast<double>(count) / elapsed;
}

// Seconds to hash the lot's documents once with `digest_method`.
double hashing_seconds(const signature::Lot& lot, std::string_view digest_method, double seconds) {
  std::size_t count = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (const auto& document : lot.documents) signature::document_digest(document, digest_method);
    ++count;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  return elapsed / static_cast<double>(count);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lot signature verification throughput"};
  std::string pki = PASSERELLE_BENCH_PKI_DIR;
  std::size_t doc_kib = 16;
  double seconds = 2;
  int rounds = 3;
  app.add_option("--pki", pki, "test PKI directory (certs/make-test-pki.sh)")
      ->capture_default_str();
  app.add_option("--doc-kib", doc_kib, "size of each of the two documents")->capture_default_str();
  app.add_option("--seconds", seconds, "time of the verifications in one round")
      ->capture_default_str();
  app.add_option("--rounds", rounds, "rounds per algorithm set")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  signature::Runtime runtime;
  const std::filesystem::path dir(pki);
  const auto key = signature::SigningKey::from_pem_files((dir / "structure.key").string(),
                                                         (dir / "structure.pem").string());
  const auto trust = signature::TrustStore::from_pem_file((dir / "ca.pem").string());
  const signature::Lot lot = lot_of(doc_kib * 1024);

  const double rsa_before = openssl_rsa2048_verify_per_second(3);
  struct Set {
    bool sha1;
    std::string signed_lot;
    std::vector<double> rates, floors;  // per round; floors: hashing seconds
  };
  std::vector<Set> sets{{false, {}, {}, {}}, {true, {}, {}, {}}};
  for (Set& set : sets) {
    signature::LotSigningOptions options;
    options.dmp_reference_client_algorithms = set.sha1;
    set.signed_lot = signature::sign_lot(lot, key, options);
  }
  for (int round = 0; round < rounds; ++round) {
    for (Set& set : sets) {
      set.rates.push_back(verifications_per_second(set.signed_lot, lot, *trust, seconds));
      set.floors.push_back(hashing_seconds(lot,
                                           set.sha1 ? "http://www.w3.org/2000/09/xmldsig#sha1"
                                                    : "http://www.w3.org/2001/04/xmlenc#sha256",
                                           seconds / 2));
    }
  }
  const double rsa_after = openssl_rsa2048_verify_per_second(3);
  const double rsa = std::max(rsa_before, rsa_after);
  std::cout << "openssl speed -seconds 3 rsa2048: " << rsa_before << " verify/s before, "
            << rsa_after << " after; using " << rsa << "\n";
  for (const Set& set : sets) {
    std::vector<double> ratios;
    std::cout << "lot of 2 x " << doc_kib << " KiB, "
              << (set.sha1 ? "RSA-SHA1/SHA-1/C14N+comments (DMP client)"
                           : "RSA-SHA256/SHA-256/exc-C14N")
              << ":\n";
    for (std::size_t i = 0; i < set.rates.size(); ++i) {
      const double floor_rate = 1.0 / (1.0 / rsa + set.floors[i]);
      ratios.push_back(set.rates[i] / floor_rate);
      std::cout << "  round " << i + 1 << ": " << set.rates[i]
                << " verifications/s; raw RSA verify + hashing: " << floor_rate << "/s; ratio "
                << 100.0 * ratios.back() << "% (" << 100.0 * set.rates[i] / rsa
                << "% of raw RSA verify alone)\n";
    }
    std::cout << "  median ratio " << 100.0 * median(ratios) << "%\n";
  }
  return 0;
}
