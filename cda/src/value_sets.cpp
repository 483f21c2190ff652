#include "value_sets.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"

namespace passerelle::cda::detail {
namespace {

constexpr std::string_view kSvs = "urn:ihe:iti:svs:2008";

// SVS dates come as "YYYYMMDDhhmmss" or ISO "YYYY-MM-DD…": keep the digits of
// the date part.
std::string date_digits(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c >= '0' && c <= '9') out += c;
    if (out.size() == 8) break;
  }
  return out;
}

bool in_validity(const xercesc::DOMElement& element, std::string_view today) {
  const auto from = xml::attribute(element, "dateValid");
  const auto to = xml::attribute(element, "dateFin");
  if (from && date_digits(*from).size() == 8 && date_digits(*from) > today) return false;
  if (to && date_digits(*to).size() == 8 && date_digits(*to) < today) return false;
  return true;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Failure("CdaValueSetError", file.string(), "cannot read value set");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

ValueSets ValueSets::load(const std::filesystem::path& dir, std::string_view today) {
  ValueSets out;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".xml") files.push_back(entry.path());
  }
  if (ec)
    throw Failure("CdaValueSetError", dir.string(), "cannot list value sets: " + ec.message());
  for (const auto& file : files) {
    const std::string bytes = read_file(file);
    const xml::Document doc = xml::parse(bytes, {}, file.string());
    std::vector<xercesc::DOMElement*> value_sets;
    if (xml::is_element(doc.root(), kSvs, "ValueSet")) {
      value_sets.push_back(&doc.root());
    } else {
      value_sets = xml::child_elements(doc.root(), kSvs, "ValueSet");
    }
    for (auto* value_set : value_sets) {
      const auto id = xml::attribute(*value_set, "id");
      if (!id) throw Failure("CdaValueSetError", file.string(), "ValueSet without @id");
      auto& concepts = out.sets_[*id];
      if (!in_validity(*value_set, today)) continue;  // the whole set has expired
      for (auto* list : xml::child_elements(*value_set, kSvs, "ConceptList")) {
        for (auto* entry : xml::child_elements(*list, kSvs, "Concept")) {
          if (!in_validity(*entry, today)) continue;
          concepts.emplace(xml::attribute(*entry, "code").value_or(""),
                           xml::attribute(*entry, "codeSystem").value_or(""));
        }
      }
    }
  }
  return out;
}

bool ValueSets::has_value_set(std::string_view oid) const { return sets_.find(oid) != sets_.end(); }

bool ValueSets::contains(std::string_view oid, std::string_view code,
                         std::string_view code_system) const {
  const auto it = sets_.find(oid);
  if (it == sets_.end()) return false;
  return it->second.count({std::string(code), std::string(code_system)}) > 0;
}

bool ValueSets::contains_code(std::string_view oid, std::string_view code) const {
  const auto it = sets_.find(oid);
  if (it == sets_.end()) return false;
  for (const auto& [c, system] : it->second) {
    if (c == code) return true;
  }
  return false;
}

}  // namespace passerelle::cda::detail
