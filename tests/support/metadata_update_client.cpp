#include "metadata_update_client.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include "passerelle/core/xml.hpp"
#include "passerelle/registry/identifiers.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "soap_messages.hpp"

namespace passerelle::testing {
namespace {

namespace vocab = registry::vocab;

registry::SubmitObjectsRequest parse(const std::string& metadata) {
  const auto document = xml::parse(metadata);
  return registry::parse_submit_objects(document.root());
}

const registry::RegistryObject& object_named(const registry::SubmitObjectsRequest& request,
                                             const std::string& id) {
  const auto it = std::find_if(request.objects.begin(), request.objects.end(),
                               [&](const auto& object) { return object.id == id; });
  if (it == request.objects.end()) throw std::runtime_error("no object " + id + " in metadata");
  return *it;
}

// Inner classification and external identifier ids become symbolic again,
// so the registry gives the copy its own.
void renumber_children(registry::RegistryObject& object, const std::string& owner) {
  int n = 0;
  for (auto& classification : object.classifications) {
    classification.id = owner + "-c" + std::to_string(++n);
    classification.classified_object = object.id;
  }
  for (auto& identifier : object.external_identifiers) {
    identifier.id = owner + "-e" + std::to_string(++n);
    identifier.registry_object = object.id;
  }
}

const std::string& set_id(const registry::SubmitObjectsRequest& request) {
  for (const auto& object : request.objects) {
    if (object.kind == registry::ObjectKind::RegistryPackage) return object.id;
  }
  throw std::runtime_error("update request without SubmissionSet");
}

registry::RegistryObject association(const std::string& id, const std::string& type,
                                     const std::string& source, const std::string& target) {
  registry::RegistryObject a;
  a.kind = registry::ObjectKind::Association;
  a.element_name = "Association";
  a.id = id;
  a.object_type = vocab::kAssociationType;
  a.association_type = type;
  a.source_object = source;
  a.target_object = target;
  return a;
}

// Symbolic ids unique within a test program.
std::string next_id(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + std::to_string(++counter);
}

}  // namespace

void set_slot_values(registry::RegistryObject& object, const std::string& name,
                     std::vector<std::string> values) {
  auto it = std::find_if(object.slots.begin(), object.slots.end(),
                         [&](const registry::Slot& slot) { return slot.name == name; });
  if (it == object.slots.end()) {
    object.slots.push_back(registry::Slot{name, "", std::move(values)});
  } else {
    it->values = std::move(values);
  }
}

std::string with_entry_uuids(const std::string& metadata, const std::string& set_uuid,
                             const std::vector<std::string>& document_uuids) {
  std::string out = replace_all(metadata, "\"SubmissionSet01\"", "\"" + set_uuid + "\"");
  for (std::size_t i = 0; i < document_uuids.size(); ++i) {
    out = replace_all(out, "\"Document0" + std::to_string(i + 1) + "\"",
                      "\"" + document_uuids[i] + "\"");
  }
  return out;
}

std::string with_folder(const std::string& metadata, const std::string& folder_uuid,
                        const std::string& folder_unique_id,
                        const std::vector<std::string>& members) {
  auto request = parse(metadata);
  const std::string set = set_id(request);
  const std::string patient = [&] {
    for (const auto& identifier : object_named(request, set).external_identifiers) {
      if (identifier.identification_scheme == vocab::kSetPatientId) return identifier.value;
    }
    throw std::runtime_error("SubmissionSet without patientId");
  }();

  registry::RegistryObject folder;
  folder.kind = registry::ObjectKind::RegistryPackage;
  folder.element_name = "RegistryPackage";
  folder.id = folder_uuid;
  folder.object_type = vocab::kRegistryPackageType;
  folder.name = {{"Dossier de suivi", "", ""}};
  registry::Classification code;
  code.id = next_id("fcode");
  code.classification_scheme = vocab::kFolderCodeList;
  code.classified_object = folder_uuid;
  code.node_representation = "11488-4";
  code.name = {{"CR ou fiche de consultation ou de visite", "", ""}};
  code.slots = {registry::Slot{"codingScheme", "", {"2.16.840.1.113883.6.1"}}};
  folder.classifications.push_back(code);
  registry::ExternalIdentifier patient_id;
  patient_id.id = next_id("fpid");
  patient_id.identification_scheme = vocab::kFolderPatientId;
  patient_id.registry_object = folder_uuid;
  patient_id.value = patient;
  patient_id.name = {{"XDSFolder.patientId", "", ""}};
  registry::ExternalIdentifier unique_id = patient_id;
  unique_id.id = next_id("fuid");
  unique_id.identification_scheme = vocab::kFolderUniqueId;
  unique_id.value = folder_unique_id;
  unique_id.name = {{"XDSFolder.uniqueId", "", ""}};
  folder.external_identifiers = {patient_id, unique_id};
  request.objects.push_back(folder);

  registry::RegistryObject node;
  node.kind = registry::ObjectKind::Classification;
  node.element_name = "Classification";
  node.id = next_id("fnode");
  registry::Classification classification;
  classification.id = node.id;
  classification.classified_object = folder_uuid;
  classification.classification_node = vocab::kFolderNode;
  node.classification = classification;
  request.objects.push_back(node);

  auto to_folder = association(next_id("fhm"), vocab::kHasMember, set, folder_uuid);
  set_slot_values(to_folder, "SubmissionSetStatus", {"Original"});
  request.objects.push_back(to_folder);
  for (const auto& member : members) {
    const auto in_folder = next_id("fmember");
    request.objects.push_back(association(in_folder, vocab::kHasMember, folder_uuid, member));
    auto to_association = association(next_id("fhma"), vocab::kHasMember, set, in_folder);
    set_slot_values(to_association, "SubmissionSetStatus", {"Original"});
    request.objects.push_back(to_association);
  }
  return serialize_request(request);
}

registry::SubmitObjectsRequest update_set(const std::string& metadata, const std::string& salt) {
  const auto lot = parse(with_fresh_unique_ids(metadata, salt));
  registry::SubmitObjectsRequest request;
  for (const auto& object : lot.objects) {
    if (object.kind != registry::ObjectKind::RegistryPackage) continue;
    const bool is_set =
        std::any_of(object.external_identifiers.begin(), object.external_identifiers.end(),
                    [](const auto& e) { return e.identification_scheme == vocab::kSetUniqueId; });
    if (!is_set) continue;
    auto set = object;
    set.id = next_id("UpdateSet");
    renumber_children(set, set.id);
    request.objects.push_back(set);
    registry::RegistryObject node;
    node.kind = registry::ObjectKind::Classification;
    node.element_name = "Classification";
    node.id = next_id("setnode");
    registry::Classification classification;
    classification.id = node.id;
    classification.classified_object = set.id;
    classification.classification_node = vocab::kSubmissionSetNode;
    node.classification = classification;
    request.objects.push_back(node);
    return request;
  }
  throw std::runtime_error("metadata without SubmissionSet");
}

std::string add_new_version(registry::SubmitObjectsRequest& request, const std::string& metadata,
                            const std::string& entry_id, const std::string& logical_id,
                            const std::string& previous_version,
                            const std::function<void(registry::RegistryObject&)>& edit,
                            const std::string& propagation) {
  const auto lot = parse(metadata);
  auto copy = object_named(lot, entry_id);
  copy.id = registry::new_uuid_urn();
  copy.lid = logical_id;
  copy.status.clear();
  renumber_children(copy, next_id("v"));
  if (edit) edit(copy);
  request.objects.push_back(copy);
  // A Folder also needs its classification as a Folder.
  for (const auto& object : lot.objects) {
    if (object.kind == registry::ObjectKind::Classification && object.classification &&
        object.classification->classified_object == entry_id) {
      auto node = object;
      node.id = next_id("node");
      node.classification->id = node.id;
      node.classification->classified_object = copy.id;
      request.objects.push_back(node);
    }
  }
  auto member = association(next_id("hm"), vocab::kHasMember, set_id(request), copy.id);
  set_slot_values(member, "SubmissionSetStatus", {"Original"});
  set_slot_values(member, "PreviousVersion", {previous_version});
  if (!propagation.empty()) set_slot_values(member, "AssociationPropagation", {propagation});
  request.objects.push_back(member);
  return copy.id;
}

void add_status_change(registry::SubmitObjectsRequest& request, const std::string& target,
                       const std::string& from, const std::string& to) {
  auto change =
      association(next_id("status"), vocab::kUpdateAvailabilityStatus, set_id(request), target);
  set_slot_values(change, "OriginalStatus", {from});
  set_slot_values(change, "NewStatus", {to});
  request.objects.push_back(change);
}

void add_association(registry::SubmitObjectsRequest& request, const std::string& type,
                     const std::string& source, const std::string& target) {
  const auto id = next_id("submitted");
  request.objects.push_back(association(id, type, source, target));
  auto member = association(next_id("hm"), vocab::kHasMember, set_id(request), id);
  set_slot_values(member, "SubmissionSetStatus", {"Original"});
  request.objects.push_back(member);
}

void add_masque_ps(registry::RegistryObject& object) {
  registry::Classification masked;
  masked.id = "mask-" + std::to_string(object.classifications.size());
  masked.classification_scheme = vocab::kDocConfidentialityCode;
  masked.classified_object = object.id;
  masked.node_representation = "MASQUE_PS";
  masked.name = {{"Masqué aux professionnels de santé", "", ""}};
  masked.slots = {registry::Slot{"codingScheme", "", {"1.2.250.1.213.1.1.4.13"}}};
  object.classifications.push_back(std::move(masked));
}

std::string serialize_request(const registry::SubmitObjectsRequest& request) {
  return registry::serialize(request);
}

HttpRequestBody update_document_set(const std::string& metadata) {
  return {kSoapContentType, envelope("urn:ihe:iti:2010:UpdateDocumentSet",
                                     "urn:uuid:" + sha1_hex(metadata), metadata)};
}

}  // namespace passerelle::testing
