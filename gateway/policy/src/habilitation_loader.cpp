// Reads a habilitation matrix file (format in docs/policy.md). Strict: an
// unknown key, a dangling group id or a repeated typeCode is an error, because
// a typo in this file would silently widen or narrow who reads what.

#include <fstream>
#include <initializer_list>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/policy/habilitation.hpp"

namespace passerelle::policy {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::string_view kFormat = "passerelle-habilitation-1";
constexpr std::uintmax_t kMaxBytes = 16u * 1024u * 1024u;

class Reader {
 public:
  explicit Reader(fs::path file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& message) const {
    throw Failure(codes::kInternalError, file_.string(), message);
  }

  json parse() const {
    std::error_code error;
    const fs::file_status status = fs::status(file_, error);
    if (!fs::exists(status)) fail("file does not exist");
    if (!fs::is_regular_file(status)) fail("not a regular file");
    if (fs::file_size(file_, error) > kMaxBytes || error) fail("file is larger than 16 MiB");
    std::ifstream in(file_, std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in && !in.eof()) fail("cannot read file");
    try {
      return json::parse(text);
    } catch (const json::exception& problem) {
      fail(std::string("not valid JSON: ") + problem.what());
    }
  }

  void keys(const json& object, std::initializer_list<std::string_view> allowed,
            const std::string& where) const {
    if (!object.is_object()) fail(where + " must be an object");
    for (const auto& item : object.items()) {
      bool known = false;
      for (const auto name : allowed) known = known || name == item.key();
      if (!known) fail(where + ": unknown key '" + item.key() + "'");
    }
  }

  std::string text(const json& object, const char* key, const std::string& where,
                   bool required = true) const {
    const auto found = object.find(key);
    if (found == object.end()) {
      if (required) fail(where + " has no " + key);
      return {};
    }
    if (!found->is_string()) fail(where + ": '" + key + "' must be a string");
    if (required && found->get_ref<const std::string&>().empty()) {
      fail(where + ": '" + key + "' is empty");
    }
    return found->get<std::string>();
  }

  const json& array(const json& object, const char* key, const std::string& where) const {
    const auto found = object.find(key);
    if (found == object.end()) fail(where + " has no " + key);
    if (!found->is_array()) fail(where + ": '" + key + "' must be an array");
    return *found;
  }

  std::optional<Coded> coded(const json& criterion, const char* key,
                             const std::string& where) const {
    const auto found = criterion.find(key);
    if (found == criterion.end()) return std::nullopt;
    const std::string here = where + " " + key;
    keys(*found, {"system", "code"}, here);
    return Coded{text(*found, "system", here), text(*found, "code", here)};
  }

  Criterion criterion(const json& item, const std::string& where, bool profession_required) const {
    keys(item, {"profession", "role", "speciality"}, where);
    Criterion out{coded(item, "profession", where), coded(item, "role", where),
                  coded(item, "speciality", where)};
    if (profession_required && !out.profession) fail(where + " has no profession");
    if (!out.profession && !out.role && !out.speciality) fail(where + " is empty");
    return out;
  }

  std::vector<Criterion> criteria(const json& group, const char* key, const std::string& where,
                                  bool required) const {
    std::vector<Criterion> out;
    if (!required && !group.contains(key)) return out;
    const json& list = array(group, key, where);
    for (std::size_t i = 0; i < list.size(); ++i) {
      out.push_back(
          criterion(list[i], where + " " + key + " entry " + std::to_string(i), required));
    }
    if (required && out.empty()) fail(where + ": '" + key + "' is empty");
    return out;
  }

  GroupKind kind(const json& group, const std::string& where) const {
    const std::string value = text(group, "kind", where);
    if (value == "health") return GroupKind::Health;
    if (value == "social_medico_social") return GroupKind::SocialMedicoSocial;
    if (value == "non_professional") return GroupKind::NonProfessional;
    fail(where + ": kind '" + value +
         "' is not one of health, social_medico_social, non_professional");
  }

 private:
  fs::path file_;
};

}  // namespace

HabilitationMatrix load_habilitation_matrix(const fs::path& file) {
  const Reader reader(file);
  const json root = reader.parse();
  reader.keys(root, {"format", "description", "source", "notes", "groups", "document_types"},
              "the file");
  if (reader.text(root, "format", "the file") != kFormat) {
    reader.fail("'format' must be '" + std::string(kFormat) + "'");
  }
  reader.text(root, "description", "the file", false);
  reader.text(root, "source", "the file", false);
  if (root.contains("notes")) {
    for (const json& note : reader.array(root, "notes", "the file")) {
      if (!note.is_string()) reader.fail("'notes' must hold strings");
    }
  }

  std::vector<ProfessionGroup> groups;
  std::map<std::string, std::size_t, std::less<>> index_of;
  const json& group_list = reader.array(root, "groups", "the file");
  for (std::size_t i = 0; i < group_list.size(); ++i) {
    const std::string where = "groups entry " + std::to_string(i);
    const json& item = group_list[i];
    reader.keys(item, {"id", "kind", "label", "match", "exclude", "source"}, where);
    ProfessionGroup group;
    group.id = reader.text(item, "id", where);
    if (!index_of.emplace(group.id, i).second) {
      reader.fail(where + " repeats group id '" + group.id + "'");
    }
    group.kind = reader.kind(item, where);
    group.label = reader.text(item, "label", where, false);
    reader.text(item, "source", where);  // every row says where it comes from
    group.match = reader.criteria(item, "match", where, true);
    group.exclude = reader.criteria(item, "exclude", where, false);
    groups.push_back(std::move(group));
  }

  std::vector<std::vector<TypeCode>> readable(groups.size());
  std::set<std::pair<std::string, std::string>> seen;
  const json& type_list = reader.array(root, "document_types", "the file");
  for (std::size_t i = 0; i < type_list.size(); ++i) {
    const std::string where = "document_types entry " + std::to_string(i);
    const json& item = type_list[i];
    reader.keys(item, {"typeCode", "scheme", "display", "readers", "source"}, where);
    TypeCode type{reader.text(item, "typeCode", where), reader.text(item, "scheme", where)};
    reader.text(item, "display", where, false);
    reader.text(item, "source", where);
    if (!seen.emplace(type.code, type.scheme).second) {
      reader.fail(where + " repeats typeCode '" + type.code + "' of scheme '" + type.scheme + "'");
    }
    const json& readers = reader.array(item, "readers", where);
    std::set<std::size_t> listed;
    for (const json& id : readers) {
      if (!id.is_string()) reader.fail(where + ": readers must be group ids (strings)");
      const auto group = index_of.find(id.get_ref<const std::string&>());
      if (group == index_of.end()) {
        reader.fail(where + ": reader '" + id.get<std::string>() + "' is not a group");
      }
      if (!listed.insert(group->second).second) {
        reader.fail(where + ": reader '" + group->first + "' is listed twice");
      }
      readable[group->second].push_back(type);
    }
  }
  for (std::size_t i = 0; i < groups.size(); ++i) {
    groups[i].readable = std::make_shared<const ReadableTypes>(std::move(readable[i]));
  }
  return HabilitationMatrix(std::move(groups));
}

}  // namespace passerelle::policy
