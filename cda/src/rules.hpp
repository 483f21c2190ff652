#pragma once

// Shared machinery of the header rules: the context each rule writes its
// findings to, and small namespace-aware helpers over the header tree
// (tree.hpp). One file per header section (rules_*.cpp) defines the check_*
// functions below.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/cda/finding.hpp"
#include "tree.hpp"
#include "value_sets.hpp"

namespace passerelle::cda::detail {

// Value-set OIDs (cda-header-rules.md §0).
namespace vs {
inline constexpr std::string_view kJ07 = "1.2.250.1.213.1.1.5.471";
inline constexpr std::string_view kConfidentiality = "2.16.840.1.113883.1.11.10228";
inline constexpr std::string_view kJ143 = "1.2.250.1.213.1.1.5.590";
inline constexpr std::string_view kJ01 = "1.2.250.1.213.1.1.5.461";
inline constexpr std::string_view kJ04 = "1.2.250.1.213.1.1.5.467";
inline constexpr std::string_view kJ02 = "1.2.250.1.213.1.1.5.466";
inline constexpr std::string_view kJ47 = "1.2.250.1.213.1.1.5.124";
inline constexpr std::string_view kJ144 = "1.2.250.1.213.1.1.5.591";
inline constexpr std::string_view kJ141 = "1.2.250.1.213.1.1.5.588";
inline constexpr std::string_view kJ142 = "1.2.250.1.213.1.1.5.589";
inline constexpr std::string_view kJ140 = "1.2.250.1.213.1.1.5.528";
inline constexpr std::string_view kJ11 = "1.2.250.1.213.3.3.16";
inline constexpr std::string_view kJ245 = "1.2.250.1.213.1.1.5.718";
inline constexpr std::string_view kJ246 = "1.2.250.1.213.1.1.5.719";
}  // namespace vs

inline constexpr std::string_view kRppsRoot = "1.2.250.1.71.4.2.1";       // national PS id
inline constexpr std::string_view kStructureRoot = "1.2.250.1.71.4.2.2";  // national structure id

struct Context {
  const ValueSets& value_sets;
  std::vector<Finding>& findings;
  bool n1 = false;  // body is nonXMLBody

  void error(std::string_view rule, std::string location, std::string message) const;
  void warning(std::string_view rule, std::string location, std::string message) const;
  void report(Severity severity, std::string_view rule, std::string location,
              std::string message) const;
};

// hl7 children of `parent` named `local` (all hl7 children when empty).
std::vector<El*> kids(const El& parent, std::string_view local = "");
El* kid(const El& parent, std::string_view local);
// Children in another namespace.
std::vector<El*> kids_ns(const El& parent, std::string_view ns, std::string_view local);
std::vector<El*> non_null(const std::vector<El*>& elements);
bool is_null(const El& element);  // carries @nullFlavor
std::optional<std::string> attr(const El& element, std::string_view name);
bool has(const El& element, std::string_view name);  // attribute present and not empty
std::string attr_or(const El& element, std::string_view name, std::string_view fallback = "");
std::string trimmed_text(const El& element);
std::string local(const El& element);
// XPath-like location from the ClinicalDocument: /ClinicalDocument/author[2]/time.
std::string path(const El& element);
std::string path(const El& parent, std::string_view child);

// Cardinality of `local` children of `parent` (counting only non-null ones
// when `non_null_only`); reports `rule` when outside [min, max] (max < 0:
// unbounded). Returns the counted children.
std::vector<El*> expect(const Context& ctx, std::string_view rule, const El& parent,
                        std::string_view local, int min, int max, bool non_null_only = false,
                        Severity severity = Severity::Error);

// (code, codeSystem) of a coded element ∈ value set; reports `rule` if not.
bool coded_in(const Context& ctx, std::string_view rule, const El& element,
              std::string_view value_set, Severity severity = Severity::Error);
// @code, @codeSystem, @displayName all present; reports `rule` if not.
bool fully_coded(const Context& ctx, std::string_view rule, const El& element);
// An II carries @root and a non-empty @extension; reports `rule` if not.
bool root_and_extension(const Context& ctx, std::string_view rule, const El& id);

// Syntax helpers shared with the datatype rules.
bool is_oid(std::string_view text);
bool is_uuid(std::string_view text);
bool is_ts(std::string_view text, bool* short_offset = nullptr);

// Person name of an actor (R-CDA-52) and organisation ids (R-CDA-53).
void check_actor_name(const Context& ctx, const El& person, bool name_required);
void check_organization(const Context& ctx, const El& organization);

// The common shape of an assignedEntity (R-CDA-27 and the rules that refer
// to it): code ≤1 (∈ J01 when coded), assignedPerson ≤1 (R-CDA-52, name
// required), representedOrganization ≤1 (R-CDA-53, name ≤1,
// standardIndustryClassCode ≤1 ∈ J04 with `j04_severity`).
void check_assigned_entity(const Context& ctx, std::string_view rule, const El& entity,
                           Severity j04_severity);

// One function per header section, in header order.
void check_document(const Context& ctx, const El& doc);         // R-CDA-1..13
void check_record_target(const Context& ctx, const El& doc);    // R-CDA-14..20
void check_authors(const Context& ctx, const El& doc);          // R-CDA-21..24
void check_custodian(const Context& ctx, const El& doc);        // R-CDA-25
void check_authenticators(const Context& ctx, const El& doc);   // R-CDA-26..28
void check_participants(const Context& ctx, const El& doc);     // R-CDA-29..31
void check_documentation(const Context& ctx, const El& doc);    // R-CDA-32..38
void check_encounter(const Context& ctx, const El& doc);        // R-CDA-39..43
void check_body(const Context& ctx, const El& doc);             // R-CDA-44..46, R-DOC-1
void check_datatypes(const Context& ctx, const El& doc);        // R-CDA-47..51
void check_closed_template(const Context& ctx, const El& doc);  // R-CDA-54

}  // namespace passerelle::cda::detail
