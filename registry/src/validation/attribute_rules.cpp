// The engine behind the rule tables: applies an ObjectRules to one object.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/registry/datatypes.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "validation/rules.hpp"

namespace passerelle::registry::validation {
namespace {

constexpr std::string_view kMetadataError = xds_codes::kRegistryMetadataError;

Need effective(Need need, std::string_view attribute, const ObjectRules& rules) {
  if (need == Need::Optional && rules.also_required != nullptr &&
      rules.also_required->contains(attribute)) {
    return Need::Required;
  }
  return need;
}

std::vector<const Slot*> slots_named(const std::vector<Slot>& slots, std::string_view name) {
  std::vector<const Slot*> found;
  for (const auto& slot : slots) {
    if (slot.name == name) found.push_back(&slot);
  }
  return found;
}

bool has_value(const std::vector<const Slot*>& slots) {
  for (const Slot* slot : slots) {
    if (!slot->values.empty()) return true;
  }
  return false;
}

void check_slot(const RegistryObject& object, const SlotRule& rule, const ObjectRules& rules,
                Collector& out) {
  const auto slots = slots_named(object.slots, rule.slot);
  const Need need = effective(rule.need, rule.attribute, rules);
  if (!has_value(slots)) {
    if (need == Need::Required) out.add(object.id, kMetadataError, missing(rule.attribute));
    return;
  }
  if (need == Need::Forbidden) {
    out.add(object.id, kMetadataError,
            message(rule.attribute, "must not be sent by the client (the registry sets it)",
                    slots.front()->values.front()));
    return;
  }
  if (rule.count == Count::One && slots.size() > 1) {
    out.add(object.id, kMetadataError,
            message(rule.attribute,
                    "single-valued slot given " + std::to_string(slots.size()) + " times",
                    slots[1]->values.empty() ? "" : slots[1]->values.front()));
  }
  for (const Slot* slot : slots) {
    if (rule.count == Count::One && slot->values.size() > 1) {
      out.add(object.id, kMetadataError,
              message(rule.attribute,
                      "single-valued slot has " + std::to_string(slot->values.size()) + " values",
                      slot->values[1]));
    }
    if (rule.check == nullptr) continue;
    for (const auto& value : slot->values) {
      if (const std::string reason = rule.check(value); !reason.empty()) {
        out.add(object.id, kMetadataError, message(rule.attribute, reason, value));
      }
    }
  }
}

void check_id(const RegistryObject& object, const IdRule& rule, const ObjectRules& rules,
              Collector& out) {
  std::vector<const ExternalIdentifier*> found;
  for (const auto& id : object.external_identifiers) {
    if (id.identification_scheme == rule.scheme) found.push_back(&id);
  }
  if (found.empty()) {
    if (effective(rule.need, rule.attribute, rules) == Need::Required) {
      out.add(object.id, kMetadataError, missing(rule.attribute));
    }
    return;
  }
  if (found.size() > 1) {
    out.add(object.id, kMetadataError,
            message(rule.attribute,
                    "ExternalIdentifier given " + std::to_string(found.size()) + " times",
                    found[1]->value));
  }
  for (const ExternalIdentifier* id : found) {
    if (id->registry_object != object.id) {
      out.add(object.id, kMetadataError,
              message(rule.attribute, "ExternalIdentifier registryObject is not its object",
                      id->registry_object));
    }
    if (rule.check == nullptr) continue;
    if (const std::string reason = rule.check(id->value); !reason.empty()) {
      out.add(object.id, kMetadataError, message(rule.attribute, reason, id->value));
    }
  }
}

void check_codes(const RegistryObject& object, const CodeRule& rule, const ObjectRules& rules,
                 const Profile& profile, Collector& out) {
  std::vector<const Classification*> found;
  for (const auto& c : object.classifications) {
    if (c.classification_scheme == rule.scheme) found.push_back(&c);
  }
  if (found.empty()) {
    if (effective(rule.need, rule.attribute, rules) == Need::Required) {
      out.add(object.id, kMetadataError, missing(rule.attribute));
    }
    return;
  }
  if (rule.count == Count::One && found.size() > 1) {
    out.add(object.id, kMetadataError,
            message(rule.attribute,
                    "single-valued code given " + std::to_string(found.size()) + " times",
                    found[1]->node_representation));
  }
  for (const Classification* c : found) check_code(object, rule, *c, profile, out);
}

// Author sub-attributes a profile may require: present on at least one author.
struct AuthorPart {
  std::string_view attribute;
  Need need;
  Count count;
  Check check;
};
constexpr AuthorPart kAuthorParts[] = {
    {"authorPerson", Need::Optional, Count::One, datatypes::check_xcn},
    {"authorInstitution", Need::Optional, Count::Many, datatypes::check_xon},
    {"authorRole", Need::Optional, Count::Many, nullptr},
    {"authorSpecialty", Need::Optional, Count::Many, nullptr},
    {"authorTelecommunication", Need::Optional, Count::Many, datatypes::check_xtn},
};

void check_authors(const RegistryObject& object, const ObjectRules& rules, Collector& out) {
  std::vector<const Classification*> authors;
  for (const auto& c : object.classifications) {
    if (c.classification_scheme == rules.author_scheme) authors.push_back(&c);
  }
  if (authors.empty() && effective(rules.author, "author", rules) == Need::Required) {
    out.add(object.id, kMetadataError, missing("author"));
  }
  for (const Classification* author : authors) check_author(object, *author, out);
  for (const auto& part : kAuthorParts) {
    if (effective(part.need, part.attribute, rules) != Need::Required) continue;
    bool present = false;
    for (const Classification* author : authors) {
      present = present || has_value(slots_named(author->slots, part.attribute));
    }
    if (!present) out.add(object.id, kMetadataError, missing(part.attribute));
  }
}

bool has_text(const std::vector<LocalizedString>& strings) {
  for (const auto& s : strings) {
    if (!s.value.empty()) return true;
  }
  return false;
}

}  // namespace

void check_author(const RegistryObject& object, const Classification& author, Collector& out) {
  bool identified = false;
  for (const auto& part : kAuthorParts) {
    const auto slots = slots_named(author.slots, part.attribute);
    if (part.count == Count::One &&
        (slots.size() > 1 || (slots.size() == 1 && slots.front()->values.size() > 1))) {
      out.add(object.id, kMetadataError,
              message(part.attribute, "single-valued in an author, given several values",
                      slots.size() > 1 ? (slots[1]->values.empty() ? "" : slots[1]->values[0])
                                       : slots.front()->values[1]));
    }
    for (const Slot* slot : slots) {
      for (const auto& value : slot->values) {
        if (part.attribute == "authorPerson" || part.attribute == "authorInstitution" ||
            part.attribute == "authorTelecommunication") {
          identified = true;
        }
        if (part.check == nullptr) continue;
        if (const std::string reason = part.check(value); !reason.empty()) {
          out.add(object.id, kMetadataError, message(part.attribute, reason, value));
        }
      }
    }
  }
  if (!identified) {
    out.add(object.id, kMetadataError,
            message("author", "needs an authorPerson, authorInstitution or authorTelecommunication",
                    author.id));
  }
}

void check_attributes(const RegistryObject& object, const ObjectRules& rules,
                      const Profile& profile, Collector& out) {
  for (const auto& c : object.classifications) {
    if (c.classification_scheme.empty() && c.classification_node.empty()) {
      out.add(object.id, kMetadataError,
              message("Classification", "has neither classificationScheme nor classificationNode",
                      c.id));
    }
    if (c.classified_object != object.id) {
      out.add(object.id, kMetadataError,
              message("Classification " + c.id, "classifiedObject is not its object",
                      c.classified_object));
    }
  }
  for (const auto& rule : rules.slots) check_slot(object, rule, rules, out);
  for (const auto& rule : rules.ids) check_id(object, rule, rules, out);
  for (const auto& rule : rules.codes) check_codes(object, rule, rules, profile, out);
  if (!rules.author_scheme.empty()) check_authors(object, rules, out);
  if (effective(rules.title, "title", rules) == Need::Required && !has_text(object.name)) {
    out.add(object.id, kMetadataError, missing("title"));
  }
  if (effective(Need::Optional, "comments", rules) == Need::Required &&
      !has_text(object.description)) {
    out.add(object.id, kMetadataError, missing("comments"));
  }
}

}  // namespace passerelle::registry::validation
