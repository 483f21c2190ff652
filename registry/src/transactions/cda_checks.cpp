// Issue 8: CDA documents of an ITI-41 lot checked against their metadata
// before the lot is registered. The checking itself (parse, locate the
// ClinicalDocument, validate, X-1…X-15) is cda/'s, handed in by the gateway
// as RegistryOptions::document_checker: cda/ depends on registry/ for the
// metadata types, so registry/ must not depend on cda/.

#include "cda_checks.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <exception>
#include <map>
#include <string>
#include <utility>

#include "lot_registration.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace passerelle::registry::detail {
namespace {

// The most a CDA may weigh to be checked: xml::parse's default limit.
constexpr std::uint64_t kMaxCdaBytes = 64u * 1024u * 1024u;

// "text/xml; charset=UTF-8" → "text/xml".
std::string media_type(std::string_view mime) {
  std::string out;
  for (const char c : mime.substr(0, mime.find(';'))) {
    if (c != ' ' && c != '\t')
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool is_cda_candidate(const DocumentEntry& entry) {
  const std::string type = media_type(entry.mime_type);
  if (type != "text/xml" && type != "application/xml") return false;
  // The lot's IHE DSG signature (dmp-xds-mapping.md §8) is XML but no CDA.
  if (entry.format_code && (entry.format_code->code == "http://www.w3.org/2000/09/xmldsig#" ||
                            entry.format_code->code == "urn:ihe:iti:dsg:detached:2014")) {
    return false;
  }
  return true;
}

Error metadata_error(Severity severity, const std::string& entry_id, std::string message) {
  return Error{xds_codes::kRepositoryMetadataError, severity, entry_id, std::move(message)};
}

std::string context(const Error& finding) {
  std::string text = finding.code.empty() ? "CDA" : finding.code;
  if (!finding.location.empty()) text += " at " + finding.location;
  return text + ": " + finding.message;
}

// The stored content of the document `entry` replaces (RPLC or XFRM_RPLC
// from it in the lot), "" when it replaces none or its content is not here.
std::string read_predecessor(const Submission& submission, const DocumentEntry& entry,
                             const StoredContentReader& read_stored) {
  if (!read_stored) return "";
  for (const auto& association : submission.associations) {
    if ((association.type == vocab::kReplace || association.type == vocab::kTransformReplace) &&
        association.source == entry.entry_uuid) {
      return read_stored(association.target);
    }
  }
  return "";
}

}  // namespace

RegistryResponse with_cda_checks(const RegistryOptions& options,
                                 const SubmitObjectsRequest& request,
                                 const std::vector<ProvidedDocument>& documents,
                                 const StoredContentReader& read_stored,
                                 const std::function<RegistryResponse()>& register_lot) {
  if (!options.profile || !options.profile->validate_cda) return register_lot();

  const Submission submission = read_submission(request);
  const SubmissionSet* set =
      submission.submission_sets.size() == 1 ? &submission.submission_sets.front() : nullptr;
  std::map<std::string, const ProvidedDocument*> by_id;
  for (const auto& document : documents) by_id.emplace(document.id, &document);

  std::vector<Error> errors;
  std::vector<Error> warnings;
  for (const auto& entry : submission.documents) {
    if (!is_cda_candidate(entry)) continue;
    const auto found = by_id.find(entry.entry_uuid);
    if (found == by_id.end()) continue;  // on-demand or unpaired: reported elsewhere
    if (!options.document_checker) {
      errors.push_back(Error{xds_codes::kRepositoryError, Severity::Error, entry.entry_uuid,
                             "the profile requires CDA checks but this repository has none"});
      continue;
    }
    const DocumentContent& content = found->second->content;
    if (content.size > kMaxCdaBytes) {
      errors.push_back(metadata_error(Severity::Error, entry.entry_uuid,
                                      "CDA: the document is larger than 64 MiB and cannot be "
                                      "checked against its metadata"));
      continue;
    }
    std::string bytes;
    bytes.reserve(static_cast<std::size_t>(content.size));
    if (content.read) content.read([&bytes](std::string_view chunk) { bytes.append(chunk); });

    const std::string predecessor = read_predecessor(submission, entry, read_stored);
    std::vector<Error> findings;
    try {
      findings = options.document_checker(bytes, entry, set, predecessor);
    } catch (const Failure& thrown) {
      findings.push_back(thrown.error());
      findings.back().severity = Severity::Error;
    } catch (const std::exception& exception) {
      RegistryResponse response =
          failure(Error{xds_codes::kRepositoryError, Severity::Error, entry.entry_uuid,
                        "internal error while checking the CDA document; "
                        "nothing was stored"});
      response.internal_detail = std::string("CDA checker: ") + exception.what();
      return response;
    }
    for (const auto& finding : findings) {
      auto error = metadata_error(finding.severity, entry.entry_uuid, context(finding));
      (finding.severity == Severity::Error ? errors : warnings).push_back(std::move(error));
    }
  }
  if (!errors.empty()) {
    errors.insert(errors.end(), warnings.begin(), warnings.end());
    return failure(std::move(errors));
  }
  RegistryResponse response = register_lot();
  response.errors.insert(response.errors.end(), warnings.begin(), warnings.end());
  return response;
}

StoredContentReader stored_content_reader(store::ConnectionPool& pool) {
  return [&pool](const std::string& entry_uuid) {
    store::XdsStore store(pool);
    std::string bytes;
    for (const auto& object : store.load_objects({entry_uuid})) {
      if (object.kind != ObjectKind::ExtrinsicObject) continue;
      const DocumentEntry stored = read_document_entry(object);
      store.read_content(stored.repository_unique_id, stored.unique_id,
                         [&bytes](std::string_view chunk) { bytes.append(chunk); });
    }
    return bytes;
  };
}

}  // namespace passerelle::registry::detail
