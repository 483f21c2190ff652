// StoredQueries::run: the fourteen XDS.b stored queries as parameterised
// SQL over the store's typed tables, in one snapshot (query/snapshot.hpp:
// a single statement when the query needs only one, else a read-only
// repeatable-read transaction). Each query collects entryUUIDs; the answer
// is then read in one ordered pass (docs/stored-queries.md: DocumentEntries, SubmissionSets,
// Folders, Associations, each by registration order then entryUUID).

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/metadata.hpp"  // issue 6
#include "passerelle/registry/stored_query.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "query/params.hpp"
#include "query/result_objects.hpp"
#include "query/snapshot.hpp"
#include "store/document_store_internal.hpp"

namespace passerelle::registry {
namespace {

using query::Code;
using query::Parameters;
using query::Snapshot;
using query::Sql;

// Statuses no query returns unless asked for by a status parameter; Deleted
// is never returned.
const std::vector<std::string> kHidden = {vocab::kDeleted, vocab::kArchived};

std::vector<std::string> column0(const pqxx::result& rows) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(row[0].as<std::string>());
  return out;
}

// The ids found so far, each once; XDSTooManyResults past the cap.
class Found {
 public:
  explicit Found(std::size_t cap) : cap_(cap) {}
  // issue 6: only these ids may be found (QueryVisibility); null: any.
  Found(std::size_t cap, const std::set<std::string>* allowed) : cap_(cap), allowed_(allowed) {}
  void add(const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      if (allowed_ != nullptr && !allowed_->contains(id)) continue;  // issue 6
      if (seen_.insert(id).second) ids_.push_back(id);
    }
    if (cap_ != 0 && ids_.size() > cap_) {
      throw Failure(xds_codes::kTooManyResults, "AdhocQuery",
                    "the query matches more than " + std::to_string(cap_) +
                        " objects; narrow it or ask for ObjectRef");
    }
  }
  const std::vector<std::string>& ids() const { return ids_; }
  // LIMIT for a single SQL statement: one more than what may still fit.
  std::string limit(Sql& q) const {
    // issue 6: hidden rows would count against a LIMIT; the cap applies after filtering.
    if (cap_ == 0 || allowed_ != nullptr) return "";
    return " LIMIT " + q.bind(std::to_string(cap_ + 1));
  }

 private:
  std::size_t cap_;
  const std::set<std::string>* allowed_ = nullptr;  // issue 6
  std::set<std::string> seen_;
  std::vector<std::string> ids_;
};

struct Context {
  Snapshot& db;
  const Parameters& p;
  Found& found;
  // The statement finding the objects of a single-statement query, run by
  // StoredQueries::run together with the reading of those objects.
  std::optional<Sql> deferred;
  // It finds DocumentEntries only: no lot Classifications to read with them.
  bool deferred_documents_only = false;
};

// The statement that finds a query's objects. When it is the query's only
// one, it is deferred: StoredQueries::run reads the objects in the same
// statement (found_with_objects), without a transaction.
void add_found(Context& c, Sql q, bool documents_only = false) {
  if (c.found.ids().empty() && !c.deferred) {
    c.deferred = std::move(q);
    c.deferred_documents_only = documents_only;
  } else {
    c.found.add(column0(c.db.exec(q)));
  }
}

std::vector<std::string> statuses(const Parameters& p, const std::string& name) {
  auto values = p.list(name, true);
  values.erase(std::remove(values.begin(), values.end(), vocab::kDeleted), values.end());
  return values;
}

void code_pair(Sql& q, const std::string& code_column, const std::string& scheme_column,
               const std::vector<Code>& codes) {
  if (codes.empty()) return;
  std::vector<std::string> c;
  std::vector<std::string> s;
  for (const auto& code : codes) {
    c.push_back(code.code);
    s.push_back(code.scheme);
  }
  q.text += " AND (" + code_column + ", " + scheme_column + ") IN (SELECT * FROM unnest(" +
            q.array(c) + ", " + q.array(s) + "))";
}

// AND across slots, OR within one: object_codes rows of that attribute.
void object_codes(Sql& q, const std::string& alias, const std::string& attribute,
                  const std::vector<std::vector<Code>>& slots) {
  for (const auto& slot : slots) {
    std::vector<std::string> c;
    std::vector<std::string> s;
    for (const auto& code : slot) {
      c.push_back(code.code);
      s.push_back(code.scheme);
    }
    q.text += " AND EXISTS (SELECT 1 FROM object_codes oc WHERE oc.entry_uuid = " + alias +
              ".entry_uuid AND oc.attribute = " + q.bind(attribute) +
              " AND (oc.code, oc.scheme) IN (SELECT * FROM unnest(" + q.array(c) + ", " +
              q.array(s) + ")))";
  }
}

void time_range(Sql& q, const Parameters& p, const std::string& column, const std::string& from,
                const std::string& to) {
  if (const auto value = p.time(from)) q.text += " AND " + column + " >= " + q.bind(*value);
  if (const auto value = p.time(to)) q.text += " AND " + column + " < " + q.bind(*value);
}

void authors(Sql& q, const std::string& alias, const std::vector<std::vector<std::string>>& slots) {
  for (const auto& patterns : slots) {
    q.text += " AND EXISTS (SELECT 1 FROM unnest(" + alias +
              ".author_persons) AS ap(v) WHERE ap.v LIKE ANY (" + q.array(patterns) + "))";
  }
}

std::vector<std::string> availability(const Parameters& p) {
  const auto types = p.list("$XDSDocumentEntryType", false);
  if (types.empty()) return {"stable"};  // the default of ITI TF-2 §3.18.4.1.2.3.7
  std::vector<std::string> out;
  for (const auto& type : types) {
    if (type == vocab::kStableDocumentEntry) out.push_back("stable");
    if (type == vocab::kOnDemandDocumentEntry) out.push_back("on-demand");
  }
  return out;
}

// The DocumentEntry filters every query with them shares; `full` adds the
// FindDocuments-only ones.
void document_filters(Sql& q, const Parameters& p, bool full) {
  q.text += " AND d.availability = ANY (" + q.array(availability(p)) + ")";
  code_pair(q, "d.format_code", "d.format_code_scheme", p.codes("$XDSDocumentEntryFormatCode"));
  object_codes(q, "d", "confidentialityCode",
               p.and_or_codes("$XDSDocumentEntryConfidentialityCode"));
  if (!full) return;
  code_pair(q, "d.class_code", "d.class_code_scheme", p.codes("$XDSDocumentEntryClassCode"));
  code_pair(q, "d.type_code", "d.type_code_scheme", p.codes("$XDSDocumentEntryTypeCode"));
  code_pair(q, "d.practice_setting_code", "d.practice_setting_code_scheme",
            p.codes("$XDSDocumentEntryPracticeSettingCode"));
  code_pair(q, "d.healthcare_facility_type_code", "d.healthcare_facility_type_code_scheme",
            p.codes("$XDSDocumentEntryHealthcareFacilityTypeCode"));
  object_codes(q, "d", "eventCodeList", p.and_or_codes("$XDSDocumentEntryEventCodeList"));
  time_range(q, p, "d.creation_time", "$XDSDocumentEntryCreationTimeFrom",
             "$XDSDocumentEntryCreationTimeTo");
  time_range(q, p, "d.service_start_time", "$XDSDocumentEntryServiceStartTimeFrom",
             "$XDSDocumentEntryServiceStartTimeTo");
  time_range(q, p, "d.service_stop_time", "$XDSDocumentEntryServiceStopTimeFrom",
             "$XDSDocumentEntryServiceStopTimeTo");
  authors(q, "d", p.and_or("$XDSDocumentEntryAuthorPerson"));
}

// ---- Find queries ----------------------------------------------------------

void find_documents(Context& c, bool by_reference_id) {
  Sql q;
  const auto patient = *c.p.single("$XDSDocumentEntryPatientId", true);
  const auto status = statuses(c.p, "$XDSDocumentEntryStatus");
  std::vector<std::vector<std::string>> reference_ids;
  if (by_reference_id) {
    reference_ids = c.p.and_or("$XDSDocumentEntryReferenceIdList");
    if (reference_ids.empty()) {
      throw Failure(xds_codes::kStoredQueryParamNumber, "$XDSDocumentEntryReferenceIdList",
                    "required parameter $XDSDocumentEntryReferenceIdList is missing");
    }
  }
  q.text = "SELECT d.entry_uuid FROM document_entries d WHERE d.patient_id = " + q.bind(patient) +
           " AND d.status = ANY (" + q.array(status) + ")";
  document_filters(q, c.p, true);
  for (const auto& ids : reference_ids) q.text += " AND d.reference_ids && " + q.array(ids);
  q.text += c.found.limit(q);
  add_found(c, std::move(q), true);
}

void find_submission_sets(Context& c) {
  Sql q;
  const auto patient = *c.p.single("$XDSSubmissionSetPatientId", true);
  const auto status = statuses(c.p, "$XDSSubmissionSetStatus");
  q.text =
      "SELECT s.entry_uuid FROM submission_sets s JOIN registry_objects o ON o.entry_uuid = "
      "s.entry_uuid WHERE s.patient_id = " +
      q.bind(patient) + " AND o.status = ANY (" + q.array(status) + ")";
  if (const auto sources = c.p.list("$XDSSubmissionSetSourceId", false); !sources.empty()) {
    q.text += " AND s.source_id = ANY (" + q.array(sources) + ")";
  }
  time_range(q, c.p, "s.submission_time", "$XDSSubmissionSetSubmissionTimeFrom",
             "$XDSSubmissionSetSubmissionTimeTo");
  authors(q, "s", c.p.and_or("$XDSSubmissionSetAuthorPerson"));
  code_pair(q, "s.content_type_code", "s.content_type_code_scheme",
            c.p.codes("$XDSSubmissionSetContentType"));
  q.text += c.found.limit(q);
  add_found(c, std::move(q));
}

void find_folders(Context& c) {
  Sql q;
  const auto patient = *c.p.single("$XDSFolderPatientId", true);
  const auto status = statuses(c.p, "$XDSFolderStatus");
  q.text =
      "SELECT f.entry_uuid FROM folders f JOIN registry_objects o ON o.entry_uuid = f.entry_uuid "
      "WHERE f.patient_id = " +
      q.bind(patient) + " AND o.status = ANY (" + q.array(status) + ")";
  time_range(q, c.p, "f.last_update_time", "$XDSFolderLastUpdateTimeFrom",
             "$XDSFolderLastUpdateTimeTo");
  object_codes(q, "f", "codeList", c.p.and_or_codes("$XDSFolderCodeList"));
  q.text += c.found.limit(q);
  add_found(c, std::move(q));
}

// ---- Helpers of the Get queries --------------------------------------------

struct Target {
  const char* table;
  const char* entry_uuid;
  const char* unique_id;
  const char* logical_id;
};
const Target kDocuments{"document_entries", "$XDSDocumentEntryEntryUUID",
                        "$XDSDocumentEntryUniqueId", "$XDSDocumentEntryLogicalID"};
const Target kFolders{"folders", "$XDSFolderEntryUUID", "$XDSFolderUniqueId",
                      "$XDSFolderLogicalID"};
const Target kSets{"submission_sets", "$XDSSubmissionSetEntryUUID", "$XDSSubmissionSetUniqueId",
                   ""};

// Objects of a table named by entryUUID, uniqueId or logicalID (exactly one
// of them), Deleted and Archived left out.
Sql named_objects_sql(Context& c, const Target& target, bool multiple) {
  std::vector<std::string> names{target.entry_uuid, target.unique_id};
  if (*target.logical_id != '\0') names.push_back(target.logical_id);
  const auto name = c.p.one_of(names);
  const auto values =
      multiple ? c.p.list(name, true) : std::vector<std::string>{*c.p.single(name, true)};
  const std::string column = name == target.entry_uuid  ? "t.entry_uuid"
                             : name == target.unique_id ? "t.unique_id"
                                                        : "o.logical_id";
  Sql q;
  q.text = std::string("SELECT t.entry_uuid FROM ") + target.table +
           " t JOIN registry_objects o ON o.entry_uuid = t.entry_uuid WHERE " + column +
           " = ANY (" + q.array(values) + ") AND o.status <> ALL (" + q.array(kHidden) + ")";
  return q;
}

std::vector<std::string> named_objects(Context& c, const Target& target, bool multiple) {
  return column0(c.db.exec(named_objects_sql(c, target, multiple)));
}

// Visible associations from any of `sources` to any of `targets`.
std::vector<std::string> associations_between(Context& c, const std::vector<std::string>& sources,
                                              const std::vector<std::string>& targets) {
  if (sources.empty() || targets.empty()) return {};
  Sql q;
  q.text =
      "SELECT a.entry_uuid FROM associations a JOIN registry_objects o ON o.entry_uuid = "
      "a.entry_uuid WHERE a.source = ANY (" +
      q.array(sources) + ") AND a.target = ANY (" + q.array(targets) + ") AND o.status <> ALL (" +
      q.array(kHidden) + ")";
  return column0(c.db.exec(q));
}

struct Member {
  std::string association;
  std::string target;
  std::string kind;
};
// The visible HasMember associations whose source meets `source_condition`
// (SQL following "a.source"), with their visible targets: association,
// target, kind.
std::string members_select(Sql& q, const std::string& source_condition) {
  const auto hidden = q.array(kHidden);
  return "SELECT a.entry_uuid, a.target, t.kind FROM associations a JOIN registry_objects ao ON "
         "ao.entry_uuid = a.entry_uuid JOIN registry_objects t ON t.entry_uuid = a.target WHERE "
         "a.source " +
         source_condition + " AND a.type = " + q.bind(vocab::kHasMember) +
         " AND ao.status <> ALL (" + hidden + ") AND t.status <> ALL (" + hidden + ")";
}

// Visible HasMember associations from `source` with their visible targets.
std::vector<Member> members(Context& c, const std::string& source) {
  Sql q;
  q.text = members_select(q, "= " + q.bind(source));
  std::vector<Member> out;
  for (const auto& row : c.db.exec(q)) {
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
  }
  return out;
}

// Appends the select of the DocumentEntries whose entryUUID meets
// `candidate_condition` (SQL following "d.entry_uuid") and that pass the
// format, confidentiality and type filters.
void filtered_documents_select(Sql& q, const std::string& candidate_condition,
                               const Parameters& p) {
  q.text += "SELECT d.entry_uuid FROM document_entries d WHERE d.entry_uuid " + candidate_condition;
  document_filters(q, p, false);
}

// Of `candidates`, the DocumentEntries passing the format, confidentiality
// and type filters.
std::vector<std::string> filter_documents(Context& c, const std::vector<std::string>& candidates) {
  if (candidates.empty()) return {};
  Sql q;
  filtered_documents_select(q, "= ANY (" + q.array(candidates) + ")", c.p);
  return column0(c.db.exec(q));
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// ---- Get queries -------------------------------------------------------------

void get_all(Context& c) {
  const auto patient = *c.p.single("$patientId", true);
  const auto document_status = statuses(c.p, "$XDSDocumentEntryStatus");
  const auto set_status = statuses(c.p, "$XDSSubmissionSetStatus");
  const auto folder_status = statuses(c.p, "$XDSFolderStatus");

  Sql documents;
  documents.text = "SELECT d.entry_uuid FROM document_entries d WHERE d.patient_id = " +
                   documents.bind(patient) + " AND d.status = ANY (" +
                   documents.array(document_status) + ")";
  document_filters(documents, c.p, false);
  documents.text += c.found.limit(documents);
  const auto document_ids = column0(c.db.exec(documents));
  c.found.add(document_ids);

  std::vector<std::string> package_ids;
  for (const auto& [table, status] :
       {std::pair{"submission_sets", &set_status}, std::pair{"folders", &folder_status}}) {
    Sql q;
    q.text = std::string("SELECT t.entry_uuid FROM ") + table +
             " t JOIN registry_objects o ON o.entry_uuid = t.entry_uuid WHERE t.patient_id = " +
             q.bind(patient) + " AND o.status = ANY (" + q.array(*status) + ")";
    q.text += c.found.limit(q);
    const auto ids = column0(c.db.exec(q));
    c.found.add(ids);
    package_ids.insert(package_ids.end(), ids.begin(), ids.end());
  }
  const auto objects = concat(document_ids, package_ids);
  const auto first = associations_between(c, objects, objects);
  c.found.add(first);
  // SubmissionSet → (Folder → DocumentEntry) HasMember associations.
  c.found.add(associations_between(c, package_ids, first));
}

void get_documents(Context& c) { add_found(c, named_objects_sql(c, kDocuments, true), true); }
void get_folders(Context& c) { add_found(c, named_objects_sql(c, kFolders, true)); }

void get_associations(Context& c) {
  const auto uuids = c.p.list("$uuid", true);
  Sql q;
  q.text =
      "SELECT a.entry_uuid FROM associations a JOIN registry_objects o ON o.entry_uuid = "
      "a.entry_uuid WHERE (a.source = ANY (" +
      q.array(uuids) + ") OR a.target = ANY (" + q.array(uuids) + ")) AND o.status <> ALL (" +
      q.array(kHidden) + ")";
  add_found(c, std::move(q));
}

void get_documents_and_associations(Context& c) {
  const auto documents = named_objects(c, kDocuments, true);
  c.found.add(documents);
  if (documents.empty()) return;
  Sql q;
  q.text =
      "SELECT a.entry_uuid FROM associations a JOIN registry_objects o ON o.entry_uuid = "
      "a.entry_uuid WHERE (a.source = ANY (" +
      q.array(documents) + ") OR a.target = ANY (" + q.array(documents) +
      ")) AND o.status <> ALL (" + q.array(kHidden) + ")";
  c.found.add(column0(c.db.exec(q)));
}

void get_submission_sets(Context& c) {
  const auto uuids = c.p.list("$uuid", true);
  Sql q;
  const auto hidden = q.array(kHidden);
  q.text =
      "SELECT s.entry_uuid, a.entry_uuid FROM associations a JOIN registry_objects ao ON "
      "ao.entry_uuid = a.entry_uuid JOIN submission_sets s ON s.entry_uuid = a.source JOIN "
      "registry_objects so ON so.entry_uuid = s.entry_uuid WHERE a.type = " +
      q.bind(vocab::kHasMember) + " AND a.target = ANY (" + q.array(uuids) +
      ") AND ao.status <> ALL (" + hidden + ") AND so.status <> ALL (" + hidden + ")";
  for (const auto& row : c.db.exec(q)) {
    c.found.add({row[0].as<std::string>(), row[1].as<std::string>()});
  }
}

// One statement: the set, its visible HasMember targets (DocumentEntries
// through the format, confidentiality and type filters, Folders, and the
// Folder → DocumentEntry associations it carries to returned documents), and
// its HasMember associations to what is returned. As separate statements it
// took seven round trips, which dominated its time.
void get_submission_set_and_contents(Context& c) {
  auto q = named_objects_sql(c, kSets, false);
  const auto document = q.bind(store::detail::kKindDocument);
  const auto association = q.bind(store::detail::kKindAssociation);
  const auto members = members_select(q, "IN (SELECT entry_uuid FROM s)");
  q.text =
      "WITH s AS (" + q.text + "), m(association, target, kind) AS (" + members + "), docs AS (";
  filtered_documents_select(q, "IN (SELECT target FROM m WHERE kind = " + document + ")", c.p);
  q.text += "), r AS (SELECT entry_uuid FROM docs UNION ALL SELECT target FROM m WHERE kind = " +
            q.bind(store::detail::kKindFolder) +
            " UNION ALL SELECT a.entry_uuid FROM associations a WHERE a.entry_uuid IN (SELECT "
            "target FROM m WHERE kind = " +
            association +
            ") AND a.target IN (SELECT entry_uuid FROM docs)) SELECT entry_uuid FROM s UNION "
            "SELECT entry_uuid FROM r UNION SELECT association FROM m WHERE target IN (SELECT "
            "entry_uuid FROM r)";
  q.text += c.found.limit(q);
  add_found(c, std::move(q));
}

void get_folder_and_contents(Context& c) {
  // A uniqueId names every version of a folder (ITI-57). $MetadataLevel 2
  // returns them all, each with its own members; otherwise only the
  // Approved one (NIST 20000d/e).
  auto folders = named_objects(c, kFolders, false);
  const auto level = c.p.single("$MetadataLevel", false);
  if (folders.size() > 1 && level.value_or("1") != "2") {
    Sql q;
    q.text = "SELECT entry_uuid FROM registry_objects WHERE entry_uuid = ANY (" + q.array(folders) +
             ") AND status = " + q.bind(vocab::kApproved);
    folders = column0(c.db.exec(q));
  }
  for (const auto& folder : folders) {
    c.found.add({folder});
    const auto all = members(c, folder);
    std::vector<std::string> candidates;
    for (const auto& member : all) {
      if (member.kind == store::detail::kKindDocument) candidates.push_back(member.target);
    }
    const auto documents = filter_documents(c, candidates);
    c.found.add(documents);
    const std::set<std::string> returned(documents.begin(), documents.end());
    for (const auto& member : all) {
      if (returned.contains(member.target)) c.found.add({member.association});
    }
  }
}

void get_folders_for_document(Context& c) {
  const auto documents = named_objects(c, kDocuments, false);
  if (documents.empty()) return;
  Sql q;
  const auto hidden = q.array(kHidden);
  q.text =
      "SELECT f.entry_uuid FROM associations a JOIN registry_objects ao ON ao.entry_uuid = "
      "a.entry_uuid JOIN folders f ON f.entry_uuid = a.source JOIN registry_objects fo ON "
      "fo.entry_uuid = f.entry_uuid WHERE a.target = " +
      q.bind(documents.front()) + " AND a.type = " + q.bind(vocab::kHasMember) +
      " AND ao.status <> ALL (" + hidden + ") AND fo.status <> ALL (" + hidden + ")";
  c.found.add(column0(c.db.exec(q)));
}

void get_related_documents(Context& c) {
  const auto documents = named_objects(c, kDocuments, false);
  const auto types = c.p.list("$AssociationTypes", true);
  // $XDSAssociationStatus (Metadata Update): the statuses of the associations
  // that relate, Approved when absent: a Deprecated APND relates no more
  // (NIST 20001). $MetadataLevel is read only for its syntax.
  auto association_statuses = c.p.list("$XDSAssociationStatus", false);
  if (association_statuses.empty()) association_statuses = {vocab::kApproved};
  c.p.single("$MetadataLevel", false);
  if (documents.empty()) return;
  const auto& document = documents.front();
  Sql q;
  const auto hidden = q.array(kHidden);
  const auto related_statuses = q.array(association_statuses);
  const auto self = q.bind(document);
  q.text =
      "SELECT a.entry_uuid, d.entry_uuid FROM associations a JOIN registry_objects ao ON "
      "ao.entry_uuid = a.entry_uuid JOIN document_entries d ON d.entry_uuid = CASE WHEN "
      "a.source = " +
      self +
      " THEN a.target ELSE a.source END JOIN registry_objects do_ ON do_.entry_uuid = "
      "d.entry_uuid WHERE (a.source = " +
      self + " OR a.target = " + self + ") AND a.type = ANY (" + q.array(types) +
      ") AND ao.status = ANY (" + related_statuses + ") AND ao.status <> ALL (" + hidden +
      ") AND do_.status <> ALL (" + hidden + ")";
  const auto rows = c.db.exec(q);
  if (rows.empty()) return;  // no related documents: nothing, not even the document
  c.found.add({document});
  for (const auto& row : rows) c.found.add({row[1].as<std::string>(), row[0].as<std::string>()});
}

using Handler = void (*)(Context&);
const std::map<std::string, Handler>& handlers() {
  static const std::map<std::string, Handler> table{
      {sq::kFindDocuments, [](Context& c) { find_documents(c, false); }},
      {sq::kFindDocumentsByReferenceId, [](Context& c) { find_documents(c, true); }},
      {sq::kFindSubmissionSets, find_submission_sets},
      {sq::kFindFolders, find_folders},
      {sq::kGetAll, get_all},
      {sq::kGetDocuments, get_documents},
      {sq::kGetFolders, get_folders},
      {sq::kGetAssociations, get_associations},
      {sq::kGetDocumentsAndAssociations, get_documents_and_associations},
      {sq::kGetSubmissionSets, get_submission_sets},
      {sq::kGetSubmissionSetAndContents, get_submission_set_and_contents},
      {sq::kGetFolderAndContents, get_folder_and_contents},
      {sq::kGetFoldersForDocument, get_folders_for_document},
      {sq::kGetRelatedDocuments, get_related_documents},
  };
  return table;
}

// The objects `found` selects (one id column), in the documented order
// (docs/stored-queries.md; part 0), then for LeafClass the stored
// Classifications of the found packages' lots (part 1), in one statement.
Sql found_with_objects(Sql found, bool leaf, bool documents_only) {
  const auto deleted = found.bind(vocab::kDeleted);
  if (documents_only) {
    // The same rows without the Classification branch: its materialised
    // CTE, its sort and its empty probe cost PostgreSQL 8-17% more CPU per
    // FindDocuments than this form (bench/README.md, eighth session).
    found.text =
        "SELECT 0 AS part, o.entry_uuid, o.kind, o.status, coalesce(o.patient_id, '') "
        "AS patient_id, o.lot_id, " +
        (leaf ? std::string("o.object_xml") : std::string("''::text")) +
        " AS object_xml, 0 AS kind_order FROM registry_objects o WHERE o.entry_uuid IN (" +
        found.text + ") AND o.status <> " + deleted + " ORDER BY o.lot_id, o.entry_uuid";
    return found;
  }
  found.text = "WITH f(id) AS (" + found.text +
               "), o AS MATERIALIZED (SELECT o.entry_uuid, o.kind, o.status, "
               "coalesce(o.patient_id, '') AS patient_id, o.lot_id, " +
               (leaf ? std::string("o.object_xml") : std::string("''::text")) +
               " AS object_xml, CASE o.kind WHEN 'DocumentEntry' THEN 0 WHEN 'SubmissionSet' "
               "THEN 1 WHEN 'Folder' THEN 2 ELSE 3 END AS kind_order FROM registry_objects o "
               "WHERE o.entry_uuid IN (SELECT id FROM f) AND o.status <> " +
               deleted + ") SELECT 0 AS part, * FROM o";
  if (leaf) {
    found.text +=
        " UNION ALL SELECT 1, '', 'Classification', '', '', 0, c.object_xml, 4 FROM "
        "registry_objects c WHERE c.lot_id IN (SELECT lot_id FROM o WHERE kind IN "
        "('SubmissionSet', 'Folder')) AND c.kind = 'Classification'";
  }
  found.text += " ORDER BY part, kind_order, lot_id, entry_uuid";
  return found;
}

query::StoredRow stored_row(const pqxx::row& row, int first) {
  return {row[first].as<std::string>(),      row[first + 1].as<std::string>(),
          row[first + 2].as<std::string>(),  row[first + 3].as<std::string>(),
          row[first + 4].as<std::int64_t>(), row[first + 5].as<std::string>()};
}

// ---- issue 6: access policy ----
std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  for (auto end = text.find(separator); end != std::string::npos;
       start = end + 1, end = text.find(separator, start)) {
    out.push_back(text.substr(start, end - start));
  }
  out.push_back(text.substr(start));
  return out;
}

// The ids a restricted query may return: the patient's SubmissionSets and
// Folders, the DocumentEntries `visible` accepts (read from the typed
// columns, without parsing object XML), and the Associations between allowed
// objects. Read in the query's own transaction, so it sees the same snapshot.
std::set<std::string> allowed_ids(pqxx::transaction_base& tx, const QueryVisibility& visibility) {
  std::set<std::string> allowed;
  std::set<std::string> hidden;
  std::vector<std::string> objects;
  const auto documents = tx.exec_params(
      "SELECT d.entry_uuid, d.status, d.type_code, coalesce(d.type_code_scheme, ''), "
      "array_to_string(d.author_persons, chr(31)), "
      "coalesce(string_agg(c.code || chr(30) || c.scheme, chr(31)), '') "
      "FROM document_entries d LEFT JOIN object_codes c ON c.entry_uuid = d.entry_uuid "
      "AND c.attribute = 'confidentialityCode' WHERE d.patient_id = $1 GROUP BY d.entry_uuid",
      visibility.patient_id);
  for (const auto& row : documents) {
    DocumentEntry entry;
    entry.entry_uuid = row[0].as<std::string>();
    entry.status = row[1].as<std::string>();
    entry.patient_id = visibility.patient_id;
    if (!row[2].is_null())
      entry.type_code = registry::Code{row[2].as<std::string>(), row[3].as<std::string>(), ""};
    for (auto& person : split(row[4].as<std::string>(), '\x1f')) {
      Author author;
      author.person = std::move(person);
      entry.authors.push_back(std::move(author));
    }
    for (const auto& pair : split(row[5].as<std::string>(), '\x1f')) {
      const auto cut = pair.find('\x1e');
      entry.confidentiality_codes.push_back(
          {pair.substr(0, cut), cut == std::string::npos ? "" : pair.substr(cut + 1), ""});
    }
    objects.push_back(entry.entry_uuid);
    (visibility.visible(entry) ? allowed : hidden).insert(entry.entry_uuid);
  }
  for (const auto& row :
       tx.exec_params("SELECT entry_uuid FROM registry_objects WHERE patient_id = $1 "
                      "AND kind IN ('SubmissionSet', 'Folder')",
                      visibility.patient_id)) {
    objects.push_back(row[0].as<std::string>());
    allowed.insert(objects.back());
  }
  if (objects.empty()) return allowed;
  const auto associations = tx.exec_params(
      "SELECT entry_uuid, source, target FROM associations "
      "WHERE source = ANY ($1::text[]) OR target = ANY ($1::text[])",
      store::detail::text_array(objects));
  std::set<std::string> association_ids;
  for (const auto& row : associations) association_ids.insert(row[0].as<std::string>());
  const auto end_ok = [&](const std::string& id) {
    return !hidden.contains(id) && (allowed.contains(id) || association_ids.contains(id));
  };
  std::vector<std::string> allowed_associations;
  for (const auto& row : associations) {
    if (end_ok(row[1].as<std::string>()) && end_ok(row[2].as<std::string>())) {
      allowed_associations.push_back(row[0].as<std::string>());
    }
  }
  allowed.insert(allowed_associations.begin(), allowed_associations.end());
  return allowed;
}
// ---- end issue 6: access policy ----

}  // namespace

StoredQueries::StoredQueries(store::ConnectionPool& pool, QueryOptions options)
    : pool_(pool), options_(options) {}

AdhocQueryResponse StoredQueries::run(const StoredQueryRequest& request) {
  return run(request, nullptr);
}

AdhocQueryResponse StoredQueries::run(const StoredQueryRequest& request,
                                      const QueryVisibility* visibility) {
  AdhocQueryResponse response;
  response.return_type = request.return_type;
  const auto handler = handlers().find(request.query_id);
  if (handler == handlers().end()) {
    response.success = false;
    response.errors.push_back({xds_codes::kUnknownStoredQuery, Severity::Error, request.query_id,
                               "unknown stored query " + request.query_id});
    return response;
  }
  const bool leaf = request.return_type == ReturnType::LeafClass;
  try {
    auto lease = pool_.acquire();
    Snapshot db(*lease);
    const Parameters parameters(request);
    // issue 6: the restriction is computed before any candidate is collected.
    std::set<std::string> allowed;
    if (visibility != nullptr) allowed = allowed_ids(db.tx(), *visibility);
    Found found(leaf ? options_.max_results : 0, visibility != nullptr ? &allowed : nullptr);
    Context context{db, parameters, found, std::nullopt, false};
    handler->second(context);

    // The objects found, and for LeafClass the Classifications of their
    // packages' lots, in one statement: with the query's own when it had a
    // single one, else by the ids it collected, in its transaction.
    std::optional<Sql> read;
    const bool deferred = context.deferred.has_value();
    if (deferred) {
      read =
          found_with_objects(std::move(*context.deferred), leaf, context.deferred_documents_only);
    } else if (!found.ids().empty()) {
      Sql ids;
      ids.text = "SELECT unnest(" + ids.array(found.ids()) + ")";
      read = found_with_objects(std::move(ids), leaf, false);
    }
    std::vector<query::StoredRow> rows;
    std::vector<std::string> classifications;
    if (read) {
      const auto result = db.exec_last(*read);
      std::vector<std::string> ids;
      for (const auto& row : result) {
        if (row[0].as<int>() == 0) ids.push_back(row[1].as<std::string>());
      }
      if (deferred) found.add(ids);  // the cap and the restriction, as for the others
      const std::set<std::string> kept(found.ids().begin(), found.ids().end());
      for (const auto& row : result) {
        if (row[0].as<int>() != 0) {
          classifications.push_back(row[6].as<std::string>());
        } else if (kept.contains(row[1].as<std::string>())) {
          rows.push_back(stored_row(row, 1));
        }
      }
    }
    if (leaf) {
      std::set<std::string> patients;
      for (const auto& row : rows) {
        if (!row.patient_id.empty()) patients.insert(row.patient_id);
      }
      if (patients.size() > 1) {
        throw Failure(xds_codes::kResultNotSinglePatient, "AdhocQuery",
                      "the objects found belong to " + std::to_string(patients.size()) +
                          " patients; ask for ObjectRef or query one patient");
      }
      db.commit();
      response.objects_xml = query::result_objects_xml(rows, classifications,
                                                       request.return_composed_objects, parsers_);
    } else {
      db.commit();
      for (const auto& row : rows) response.object_refs.push_back(row.entry_uuid);
    }
  } catch (const Failure& failure) {
    response = AdhocQueryResponse{};
    response.return_type = request.return_type;
    response.success = false;
    response.errors.push_back(failure.error());
    if (failure.error().code == xds_codes::kRegistryError) {
      response.internal_detail = failure.error().message;
    }
  } catch (const std::exception& e) {
    response = AdhocQueryResponse{};
    response.return_type = request.return_type;
    response.success = false;
    response.errors.push_back(
        {xds_codes::kRegistryError, Severity::Error, "AdhocQuery", "registry error"});
    response.internal_detail = std::string("stored query: ") + e.what();
  }
  return response;
}

}  // namespace passerelle::registry
