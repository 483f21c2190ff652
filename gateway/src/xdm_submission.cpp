#include "xdm_submission.hpp"

#include <algorithm>

#include "passerelle/registry/vocabulary.hpp"

namespace passerelle::gateway {

namespace {

std::string set_unique_id(const registry::SubmitObjectsRequest& request) {
  for (const auto& object : request.objects) {
    for (const auto& identifier : object.external_identifiers) {
      if (identifier.identification_scheme == registry::vocab::kSetUniqueId) {
        return identifier.value;
      }
    }
  }
  return "";
}

}  // namespace

LotSubmission lot_submission(registry::xdm::ImportedLot lot) {
  LotSubmission out;
  out.subset = std::move(lot.subset);
  out.request = std::move(lot.request);
  for (auto& object : out.request.objects) {
    if (object.kind != registry::ObjectKind::ExtrinsicObject) continue;
    std::erase_if(object.slots, [](const registry::Slot& slot) { return slot.name == "URI"; });
  }
  out.submission_set_unique_id = set_unique_id(out.request);
  out.documents = std::move(lot.documents);
  return out;
}

std::vector<registry::ProvidedDocument> provided_documents(const LotSubmission& lot) {
  std::vector<registry::ProvidedDocument> documents;
  for (const auto& document : lot.documents) {
    registry::DocumentContent content;
    content.mime_type = document.mime_type;
    content.size = document.bytes.size();
    content.sha1_hex = document.sha1_hex;
    // The lot outlives the registry call that reads it.
    content.read = [bytes = std::string_view(document.bytes)](const auto& sink) { sink(bytes); };
    documents.push_back({document.entry_id, std::move(content)});
  }
  return documents;
}

registry::xdm::Limits xdm_limits(std::uint64_t max_entries, std::uint64_t max_bytes,
                                 std::uint64_t max_ratio) {
  registry::xdm::Limits limits;
  limits.max_entries = max_entries;
  limits.max_expanded_bytes = max_bytes;
  limits.max_entry_bytes = std::min(limits.max_entry_bytes, max_bytes);
  limits.max_compression_ratio = max_ratio;
  return limits;
}

}  // namespace passerelle::gateway
