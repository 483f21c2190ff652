#include "download/export_signing.hpp"

#include <algorithm>
#include <array>
#include <ctime>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/registry/identifiers.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/signature/lot_signature.hpp"
#include "xds/lot_signature_check.hpp"

namespace passerelle::gateway::download {
namespace {

namespace vocab = registry::vocab;

constexpr const char* kPurposeScheme = "1.2.840.10065.1.12";

// The slots a signature entry keeps from the document it is derived from;
// hash, size and URI are write_package's. legalAuthenticator and the service
// times are the lot's (the dmp profile requires them of every entry, so an
// importing DMP would refuse the signature without them).
constexpr std::array<std::string_view, 6> kKeptSlots = {"sourcePatientId",    "sourcePatientInfo",
                                                        "repositoryUniqueId", "legalAuthenticator",
                                                        "serviceStartTime",   "serviceStopTime"};
// The classifications it keeps (author, confidentiality, facility, practice).
constexpr std::array<std::string_view, 4> kKeptSchemes = {
    vocab::kDocAuthor, vocab::kDocConfidentialityCode, vocab::kDocHealthcareFacilityTypeCode,
    vocab::kDocPracticeSettingCode};

template <std::size_t N>
bool among(const std::array<std::string_view, N>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A uniqueId of our own: the UUID as an OID under 2.25 (ITU-T X.667).
std::string new_unique_oid() {
  const std::string urn = registry::new_uuid_urn();
  unsigned __int128 value = 0;
  for (const char c : urn.substr(std::string("urn:uuid:").size())) {
    if (c == '-') continue;
    const int digit = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    value = (value << 4) | static_cast<unsigned>(digit);
  }
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  return "2.25." + digits;
}

std::string hl7_time(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 16> text{};
  std::strftime(text.data(), text.size(), "%Y%m%d%H%M%S", &utc);
  return text.data();
}

registry::Classification code(const char* scheme, const std::string& object,
                              const std::string& value, const std::string& coding_scheme) {
  registry::Classification out;
  out.id = registry::new_uuid_urn();
  out.classification_scheme = scheme;
  out.classified_object = object;
  out.node_representation = value;
  out.object_type = vocab::kClassificationType;
  out.name = {{value, "", ""}};
  out.slots = {{"codingScheme", "", {coding_scheme}}};
  return out;
}

// The DSG DocumentEntry, derived from `model` (a signed document's entry).
registry::RegistryObject signature_entry(const registry::RegistryObject& model,
                                         std::chrono::system_clock::time_point now) {
  registry::RegistryObject entry;
  entry.kind = registry::ObjectKind::ExtrinsicObject;
  entry.element_name = "ExtrinsicObject";
  entry.id = registry::new_uuid_urn();
  entry.lid = entry.id;
  entry.object_type = vocab::kStableDocumentEntry;
  entry.status = vocab::kApproved;
  entry.mime_type = "text/xml";
  entry.name = {{"Signature du lot", "", ""}};
  entry.slots = {{"creationTime", "", {hl7_time(now)}}, {"languageCode", "", {"art"}}};
  for (const auto& slot : model.slots) {
    if (among(kKeptSlots, slot.name)) entry.slots.push_back(slot);
  }
  for (auto classification : model.classifications) {
    if (!among(kKeptSchemes, classification.classification_scheme)) continue;
    classification.id = registry::new_uuid_urn();
    classification.classified_object = entry.id;
    entry.classifications.push_back(std::move(classification));
  }
  entry.classifications.push_back(
      code(vocab::kDocClassCode, entry.id, vocab::kDsgClassCode, "URN"));
  entry.classifications.push_back(code(vocab::kDocTypeCode, entry.id, "E1762", "ASTM"));
  entry.classifications.push_back(code(vocab::kDocFormatCode, entry.id, vocab::kDsgDetachedFormat,
                                       vocab::kDsgDetachedFormatScheme));
  entry.classifications.push_back(code(vocab::kDocEventCode, entry.id,
                                       std::string(signature::kSignaturePurposeOid),
                                       kPurposeScheme));
  for (auto identifier : model.external_identifiers) {
    if (identifier.identification_scheme == vocab::kDocUniqueId) {
      identifier.value = new_unique_oid();
    } else if (identifier.identification_scheme != vocab::kDocPatientId) {
      continue;
    }
    identifier.id = registry::new_uuid_urn();
    identifier.registry_object = entry.id;
    entry.external_identifiers.push_back(std::move(identifier));
  }
  return entry;
}

registry::RegistryObject association(const char* type, const std::string& source,
                                     const std::string& target) {
  registry::RegistryObject out;
  out.kind = registry::ObjectKind::Association;
  out.element_name = "Association";
  out.id = registry::new_uuid_urn();
  out.object_type = vocab::kAssociationType;
  out.status = vocab::kApproved;
  out.association_type = type;
  out.source_object = source;
  out.target_object = target;
  return out;
}

}  // namespace

void sign_exported_lot(registry::xdm::PackagedLot& lot, const signature::SigningKey& key,
                       std::chrono::system_clock::time_point now) {
  signature::Lot signed_lot;
  signed_lot.unique_id = registry::read_submission_set(lot.submission_set).unique_id;
  const registry::RegistryObject* model = nullptr;
  for (const auto& document : lot.documents) {
    const registry::DocumentEntry entry = registry::read_document_entry(document.entry);
    if (is_signature_entry(entry)) continue;  // a signature is not signed again
    if (model == nullptr) model = &document.entry;
    signed_lot.documents.push_back(
        signature::LotDocument::from_bytes(entry.unique_id, document.bytes));
  }
  if (model == nullptr) return;
  signature::LotSigningOptions options;
  options.signing_time = now;
  std::string signature_bytes = signature::sign_lot(signed_lot, key, options);
  registry::RegistryObject entry = signature_entry(*model, now);
  const std::string set_id = lot.submission_set.id;
  registry::RegistryObject member = association(vocab::kHasMember, set_id, entry.id);
  member.slots = {{"SubmissionSetStatus", "", {"Original"}}};
  lot.associations.push_back(std::move(member));
  lot.associations.push_back(association(vocab::kSigns, entry.id, set_id));
  lot.documents.push_back({std::move(entry), std::move(signature_bytes)});
}

void check_export_signing_key(const signature::SigningKey& key,
                              const std::string& certificate_path) {
  const signature::Lot probe{
      "1.2.250.1.999.0",
      {signature::LotDocument::from_bytes("1.2.250.1.999.0.1", "export signing check")}};
  try {
    const auto trust = signature::TrustStore::from_pem_file(certificate_path);
    signature::verify_lot_signature(signature::sign_lot(probe, key), probe, *trust);
  } catch (const Failure& failure) {
    throw Failure(passerelle::codes::kInternalError, "--export-signing-key",
                  "the export signing key and certificate cannot make a signature that verifies "
                  "against that certificate (" +
                      failure.error().code + ": " + failure.error().message + ")");
  }
}

}  // namespace passerelle::gateway::download
