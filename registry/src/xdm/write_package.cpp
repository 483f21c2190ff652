// ITI-32 export: the Package becomes ZIP bytes, the same bytes every time
// for the same Package (fixed timestamps, stable order).

#include <cstdio>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xdm.hpp"
#include "xdm/digest.hpp"
#include "xdm/names.hpp"
#include "xdm/package_text.hpp"
#include "xdm/zip_archive.hpp"

namespace passerelle::registry::xdm {
namespace {

using detail::ListedDocument;
using detail::ListedLot;

// The package's creation time as ZIP entry time. libzip converts with
// localtime(), so mktime() of the wanted wall clock time gives the same
// ZIP bytes whatever the time zone. 1980-01-01 (the DOS epoch) when
// created_at is not ISO 8601.
std::int64_t entry_time(const std::string& created_at) {
  std::tm tm{};
  tm.tm_year = 80;
  tm.tm_mday = 1;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (std::sscanf(created_at.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &day, &hour,
                  &minute, &second) == 6 &&
      year >= 1980 && year < 2108) {
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
  }
  tm.tm_isdst = -1;
  return static_cast<std::int64_t>(std::mktime(&tm));
}

// Sets slot `name` to one value: the first slot of that name keeps its
// place, any other of that name goes.
void replace_slot(RegistryObject& object, const std::string& name, std::string value) {
  bool kept = false;
  std::vector<Slot> slots;
  for (Slot& slot : object.slots) {
    if (slot.name != name) {
      slots.push_back(std::move(slot));
    } else if (!kept) {
      slot.values = {value};
      slots.push_back(std::move(slot));
      kept = true;
    }
  }
  if (!kept) slots.push_back(Slot{name, "", {std::move(value)}});
  object.slots = std::move(slots);
}

bool classified_in(const RegistryObject& set) {
  for (const Classification& c : set.classifications) {
    if (c.classification_node == vocab::kSubmissionSetNode) return true;
  }
  return false;
}

// A stable urn:uuid for the Classification that marks the set, derived from
// the set's id (RFC 4122 name-based form over SHA-1) so the export stays
// deterministic.
std::string classification_id(const std::string& set_id) {
  std::string hex = detail::sha1_hex("xdm-submission-set-classification:" + set_id).substr(0, 32);
  hex[12] = '5';
  hex[16] = "89ab"[hex[16] % 4];
  return "urn:uuid:" + hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

RegistryObject set_classification(const RegistryObject& set) {
  RegistryObject object;
  object.kind = ObjectKind::Classification;
  object.element_name = "Classification";
  object.id = classification_id(set.id);
  object.object_type = vocab::kClassificationType;
  Classification c;
  c.id = object.id;
  c.classification_node = vocab::kSubmissionSetNode;
  c.classified_object = set.id;
  object.classification = c;
  return object;
}

struct File {
  std::string name;
  std::string bytes;
};

}  // namespace

std::string write_package(const Package& package) {
  // Each lot's metadata; ListedLot entries point into these objects.
  std::vector<SubmitObjectsRequest> requests(package.lots.size());
  std::vector<ListedLot> listed;
  std::vector<File> files;
  std::size_t document_number = 0;
  for (std::size_t i = 0; i < package.lots.size(); ++i) {
    const PackagedLot& lot = package.lots[i];
    const std::string directory = detail::subset_directory(i + 1);
    SubmitObjectsRequest& request = requests[i];
    request.objects.push_back(lot.submission_set);
    if (!classified_in(lot.submission_set)) {
      request.objects.push_back(set_classification(lot.submission_set));
    }
    std::vector<ListedDocument> shown_documents;  // entry filled once `request` stops growing
    std::vector<std::size_t> entry_indices;
    const std::size_t metadata_index = files.size();
    files.push_back({directory + "/" + std::string(detail::kMetadataFile), ""});
    for (const PackagedDocument& document : lot.documents) {
      RegistryObject entry = document.entry;
      const std::string name = detail::document_file_name(++document_number, entry.mime_type);
      replace_slot(entry, "URI", name);
      replace_slot(entry, "hash", detail::sha1_hex(document.bytes));
      replace_slot(entry, "size", std::to_string(document.bytes.size()));
      entry_indices.push_back(request.objects.size());
      request.objects.push_back(std::move(entry));
      shown_documents.push_back({{}, directory + "/" + name, document.bytes.size()});
      files.push_back({shown_documents.back().file, document.bytes});
    }
    for (const RegistryObject& association : lot.associations) {
      request.objects.push_back(association);
    }
    files[metadata_index].bytes =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + serialize(request) + "\n";

    ListedLot shown;
    shown.directory = directory;
    shown.submission_set = read_submission_set(request.objects.front());
    for (std::size_t d = 0; d < shown_documents.size(); ++d) {
      shown_documents[d].entry = read_document_entry(request.objects[entry_indices[d]]);
    }
    shown.documents = std::move(shown_documents);
    listed.push_back(std::move(shown));
  }

  detail::ZipWriter zip(entry_time(package.created_at));
  zip.add(std::string(detail::kIndexFile), detail::index_html(package, listed));
  zip.add(std::string(detail::kReadmeFile), detail::readme_text(package));
  for (File& file : files) zip.add(file.name, std::move(file.bytes));
  return zip.finish();
}

}  // namespace passerelle::registry::xdm
