#pragma once

// The habilitation matrix (R-READ-5): which profession reads which document
// type. It is data (registry/profiles/dmp/habilitation.json by default; the
// format is in docs/policy.md), loaded once at startup and then read-only, so
// one instance is shared by every request thread.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/soap/access_context.hpp"

namespace passerelle::policy {

// A typeCode as it travels in XDS: code plus codingScheme.
struct TypeCode {
  std::string code;
  std::string scheme;
  auto operator<=>(const TypeCode&) const = default;
};

// The typeCodes one group may read, sorted, for lookups and SQL push-down.
class ReadableTypes {
 public:
  ReadableTypes() = default;
  explicit ReadableTypes(std::vector<TypeCode> types);
  bool contains(std::string_view code, std::string_view scheme) const;
  const std::vector<TypeCode>& codes() const { return types_; }

 private:
  std::vector<TypeCode> types_;
};

// What kind of caller a group holds; the access rules depend on it.
enum class GroupKind {
  Health,              // health professional: full rules
  SocialMedicoSocial,  // no emergency access (R-AUTH-2)
  NonProfessional,     // acts for a PS of its structure, no emergency (R-ID-3)
};

struct Coded {
  std::string system;
  std::string code;
  bool operator==(const Coded&) const = default;
};

// Holds when every given field equals the caller's (code and system).
struct Criterion {
  std::optional<Coded> profession;
  std::optional<Coded> role;
  std::optional<Coded> speciality;
  bool matches(const soap::AccessContext& caller) const;
};

struct ProfessionGroup {
  std::string id;
  GroupKind kind = GroupKind::Health;
  std::string label;
  std::vector<Criterion> match;    // any one places the caller here…
  std::vector<Criterion> exclude;  // …unless one of these holds
  std::shared_ptr<const ReadableTypes> readable = std::make_shared<const ReadableTypes>();
};

class HabilitationMatrix {
 public:
  HabilitationMatrix() = default;  // no group: every caller is unknown, reads nothing
  explicit HabilitationMatrix(std::vector<ProfessionGroup> groups);

  // The first group, in file order, whose match holds and whose exclude does
  // not; nullptr for an unknown profession (denied by default).
  const ProfessionGroup* classify(const soap::AccessContext& caller) const;
  const std::vector<ProfessionGroup>& groups() const { return groups_; }
  const ProfessionGroup* group(std::string_view id) const;

 private:
  std::vector<ProfessionGroup> groups_;
};

// Reads a matrix file. Any problem throws passerelle::Failure with code
// passerelle:InternalError, location = the path, and a message naming the
// faulty entry (counted from 0), e.g. "document_types entry 3: reader 'x' is
// not a group".
HabilitationMatrix load_habilitation_matrix(const std::filesystem::path& file);

// The matrix shipped with the dmp profile (registry/profiles/dmp/habilitation.json).
std::filesystem::path default_habilitation_matrix_path();

}  // namespace passerelle::policy
