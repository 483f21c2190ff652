#include "xds/lot_signature_check.hpp"

#include <exception>
#include <map>
#include <string>
#include <utility>

#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "passerelle/signature/lot_signature.hpp"

namespace passerelle::gateway {
namespace {

namespace lot_codes = signature::lot_codes;

constexpr std::string_view kSignatureClass = registry::vocab::kDsgClassCode;
constexpr std::string_view kDmpFormat = registry::vocab::kXmlDsigFormat;
constexpr std::string_view kDsgDetachedFormat = registry::vocab::kDsgDetachedFormat;
// A signature document is small; anything bigger is not one.
constexpr std::uint64_t kMaxSignatureBytes = 4u * 1024u * 1024u;

std::string shown(const std::optional<registry::Code>& code) {
  return code ? "'" + code->code + "' (scheme '" + code->scheme + "')" : "absent";
}

// "" when the metadata is the DSG one, else what is wrong.
std::string metadata_problem(const registry::DocumentEntry& entry,
                             const registry::SubmissionSet& set,
                             const registry::Submission& submission) {
  if (!entry.class_code || entry.class_code->code != kSignatureClass ||
      entry.class_code->scheme != "URN") {
    return "classCode is " + shown(entry.class_code) + ", not '" + std::string(kSignatureClass) +
           "' (scheme 'URN')";
  }
  if (!entry.type_code || entry.type_code->code != "E1762" || entry.type_code->scheme != "ASTM") {
    return "typeCode is " + shown(entry.type_code) + ", not 'E1762' (scheme 'ASTM')";
  }
  if (!entry.format_code ||
      (entry.format_code->code != kDmpFormat && entry.format_code->code != kDsgDetachedFormat)) {
    return "formatCode is " + shown(entry.format_code) + ", not '" + std::string(kDmpFormat) +
           "' or '" + std::string(kDsgDetachedFormat) + "'";
  }
  // "text/xml", with parameters (charset) or not.
  const std::string_view mime = entry.mime_type;
  if (mime.substr(0, mime.find(';')) != "text/xml") {
    return "mimeType is '" + entry.mime_type + "', not 'text/xml'";
  }
  bool purpose = false;
  for (const registry::Code& event : entry.event_codes) {
    purpose = purpose || event.code == signature::kSignaturePurposeOid;
  }
  if (!purpose) {
    return "eventCode does not hold '" + std::string(signature::kSignaturePurposeOid) + "'";
  }
  if (entry.language_code != "art") {
    return "languageCode is '" + entry.language_code + "', not 'art'";
  }
  for (const registry::Association& association : submission.associations) {
    if (association.type == registry::vocab::kSigns && association.source == entry.entry_uuid &&
        association.target == set.entry_uuid) {
      return "";
    }
  }
  return "no '" + std::string(registry::vocab::kSigns) + "' association from '" + entry.entry_uuid +
         "' to the SubmissionSet '" + set.entry_uuid + "'";
}

std::vector<Error> refuse(const char* code, const std::string& location, std::string message) {
  return {Error{code, Severity::Error, location, std::move(message)}};
}

signature::LotDocument lot_document(const registry::DocumentEntry& entry,
                                    const registry::DocumentContent& content) {
  return signature::LotDocument{entry.unique_id, content.read};
}

std::vector<Error> check(const signature::TrustStore& trust,
                         const registry::SubmitObjectsRequest& request,
                         const std::vector<registry::ProvidedDocument>& documents,
                         const registry::Profile& profile) {
  const registry::Submission submission = registry::read_submission(request);
  // Validation refuses lots without exactly one SubmissionSet on its own.
  if (submission.submission_sets.size() != 1) return {};
  const registry::SubmissionSet& set = submission.submission_sets.front();

  std::map<std::string, const registry::ProvidedDocument*> provided;
  for (const auto& document : documents) provided.emplace(document.id, &document);

  // A lot may carry several signatures: the depositor's, and the one a
  // gateway adds when it exports the lot as XDM (docs/xdm-import-export.md).
  // Each one must hold on its own over every document that is not a
  // signature.
  std::vector<const registry::DocumentEntry*> signature_entries;
  signature::Lot lot;
  lot.unique_id = set.unique_id;
  for (const registry::DocumentEntry& entry : submission.documents) {
    if (is_signature_entry(entry)) {
      signature_entries.push_back(&entry);
      continue;
    }
    const auto found = provided.find(entry.entry_uuid);
    if (found != provided.end())
      lot.documents.push_back(lot_document(entry, found->second->content));
  }
  if (signature_entries.empty()) {
    if (!profile.lot_signature_required) return {};
    return refuse(lot_codes::kMissing, set.entry_uuid,
                  "the profile '" + profile.name +
                      "' requires signed lots and this one has no signature document "
                      "(IHE DSG, classCode " +
                      std::string(kSignatureClass) + ")");
  }
  std::vector<Error> refusals;
  for (const registry::DocumentEntry* signature_entry : signature_entries) {
    const std::string location = signature_entry->entry_uuid;
    if (const std::string problem = metadata_problem(*signature_entry, set, submission);
        !problem.empty()) {
      const auto refused = refuse(lot_codes::kMetadata, location, "signature document: " + problem);
      refusals.insert(refusals.end(), refused.begin(), refused.end());
      continue;
    }
    const auto found = provided.find(signature_entry->entry_uuid);
    if (found == provided.end()) continue;  // XDSMissingDocument, reported by the registry
    const registry::DocumentContent& content = found->second->content;
    if (content.size > kMaxSignatureBytes) {
      const auto refused =
          refuse(lot_codes::kMalformed, location, "signature document larger than 4 MiB");
      refusals.insert(refusals.end(), refused.begin(), refused.end());
      continue;
    }
    std::string bytes;
    bytes.reserve(static_cast<std::size_t>(content.size));
    if (content.read) content.read([&bytes](std::string_view chunk) { bytes.append(chunk); });
    try {
      signature::verify_lot_signature(bytes, lot, trust, location);
    } catch (const Failure& failure) {
      Error error = failure.error();
      error.location = location;
      error.severity = Severity::Error;
      refusals.push_back(std::move(error));
    }
  }
  return refusals;
}

}  // namespace

bool is_signature_entry(const registry::DocumentEntry& entry) {
  return registry::is_lot_signature(entry);
}

registry::LotSignatureChecker lot_signature_checker(
    std::shared_ptr<const signature::TrustStore> trust) {
  return [trust = std::move(trust)](const registry::SubmitObjectsRequest& request,
                                    const std::vector<registry::ProvidedDocument>& documents,
                                    const registry::Profile& profile) {
    return check(*trust, request, documents, profile);
  };
}

}  // namespace passerelle::gateway
