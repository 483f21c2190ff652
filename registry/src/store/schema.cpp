#include <array>
#include <string_view>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/registry/store.hpp"

namespace passerelle::store {
namespace {

struct Migration {
  int version;
  std::string_view sql;
};

// Append only: an applied migration is never edited, a change is a new one.
constexpr std::array kMigrations{
    Migration{1,
              "CREATE TABLE passerelle_schema_version ("
              " version integer PRIMARY KEY,"
              " applied_at timestamptz NOT NULL DEFAULT now())"},
    // Patient records, XDS objects (typed columns for every FindDocuments
    // parameter, the full object XML for lossless return) and document
    // content in chunks of about 1 MiB.
    Migration{2, R"sql(
CREATE TABLE patient_records (
  patient_id   text PRIMARY KEY,
  family       text NOT NULL DEFAULT '',
  given        text NOT NULL DEFAULT '',
  birth_date   date,
  sex          text NOT NULL DEFAULT 'U' CHECK (sex IN ('F', 'M', 'U')),
  state        text NOT NULL CHECK (state IN ('open', 'closed')),
  close_reason text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per committed lot (ITI-41 / ITI-42 submission).
CREATE TABLE lots (
  lot_id              bigserial PRIMARY KEY,
  submission_set_uuid text,
  committed_at        timestamptz NOT NULL DEFAULT now()
);

-- Every stored top-level ebRIM object. object_xml is the object as
-- registered (registry::serialize), status is authoritative over the
-- status attribute inside it.
CREATE TABLE registry_objects (
  entry_uuid    text PRIMARY KEY,
  logical_id    text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('DocumentEntry', 'SubmissionSet', 'Folder',
                                              'Association', 'Classification', 'Other')),
  object_type   text NOT NULL DEFAULT '',
  status        text NOT NULL,
  patient_id    text,
  unique_id     text,
  version       text NOT NULL DEFAULT '1',
  registered_at timestamptz NOT NULL DEFAULT now(),
  object_xml    text NOT NULL,
  lot_id        bigint NOT NULL REFERENCES lots (lot_id)
);
CREATE INDEX registry_objects_logical_id ON registry_objects (logical_id);
CREATE INDEX registry_objects_lot ON registry_objects (lot_id);
CREATE INDEX registry_objects_patient ON registry_objects (patient_id, kind, status);

-- DTM columns hold the value right-padded with '0' to 14 digits
-- (YYYYMMDDhhmmss) so that text comparison orders them; NULL when absent.
CREATE TABLE document_entries (
  entry_uuid                           text PRIMARY KEY
                                         REFERENCES registry_objects ON DELETE CASCADE,
  logical_id                           text NOT NULL,
  unique_id                            text NOT NULL,
  patient_id                           text NOT NULL,
  status                               text NOT NULL,
  availability                         text NOT NULL CHECK (availability IN ('stable', 'on-demand')),
  class_code                           text,
  class_code_scheme                    text,
  type_code                            text,
  type_code_scheme                     text,
  practice_setting_code                text,
  practice_setting_code_scheme         text,
  healthcare_facility_type_code        text,
  healthcare_facility_type_code_scheme text,
  format_code                          text,
  format_code_scheme                   text,
  creation_time                        text,
  service_start_time                   text,
  service_stop_time                    text,
  mime_type                            text NOT NULL DEFAULT '',
  hash                                 text NOT NULL DEFAULT '',
  size                                 bigint,
  repository_unique_id                 text NOT NULL DEFAULT '',
  author_persons                       text[] NOT NULL DEFAULT '{}',
  reference_ids                        text[] NOT NULL DEFAULT '{}',
  version                              text NOT NULL DEFAULT '1',
  CONSTRAINT document_entries_unique_id UNIQUE (unique_id)
);
CREATE INDEX document_entries_patient ON document_entries (patient_id, status);
CREATE INDEX document_entries_class ON document_entries (class_code, class_code_scheme);
CREATE INDEX document_entries_type ON document_entries (type_code, type_code_scheme);
CREATE INDEX document_entries_practice ON document_entries (practice_setting_code, practice_setting_code_scheme);
CREATE INDEX document_entries_facility ON document_entries (healthcare_facility_type_code, healthcare_facility_type_code_scheme);
CREATE INDEX document_entries_format ON document_entries (format_code, format_code_scheme);
CREATE INDEX document_entries_creation ON document_entries (patient_id, creation_time);
CREATE INDEX document_entries_service_start ON document_entries (patient_id, service_start_time);
CREATE INDEX document_entries_service_stop ON document_entries (patient_id, service_stop_time);
CREATE INDEX document_entries_repository ON document_entries (repository_unique_id);
CREATE INDEX document_entries_authors ON document_entries USING gin (author_persons);
CREATE INDEX document_entries_reference_ids ON document_entries USING gin (reference_ids);

CREATE TABLE submission_sets (
  entry_uuid               text PRIMARY KEY REFERENCES registry_objects ON DELETE CASCADE,
  unique_id                text NOT NULL,
  source_id                text NOT NULL DEFAULT '',
  patient_id               text NOT NULL,
  submission_time          text,
  content_type_code        text,
  content_type_code_scheme text,
  author_persons           text[] NOT NULL DEFAULT '{}',
  CONSTRAINT submission_sets_unique_id UNIQUE (unique_id)
);
CREATE INDEX submission_sets_patient ON submission_sets (patient_id, submission_time);
CREATE INDEX submission_sets_source ON submission_sets (source_id);
CREATE INDEX submission_sets_content_type ON submission_sets (content_type_code, content_type_code_scheme);
CREATE INDEX submission_sets_authors ON submission_sets USING gin (author_persons);

CREATE TABLE folders (
  entry_uuid       text PRIMARY KEY REFERENCES registry_objects ON DELETE CASCADE,
  unique_id        text NOT NULL,
  patient_id       text NOT NULL,
  last_update_time text,
  CONSTRAINT folders_unique_id UNIQUE (unique_id)
);
CREATE INDEX folders_patient ON folders (patient_id, last_update_time);

-- Multi-valued codes: confidentialityCode, eventCodeList (DocumentEntry),
-- codeList (Folder), named by the XDS attribute.
CREATE TABLE object_codes (
  entry_uuid text NOT NULL REFERENCES registry_objects ON DELETE CASCADE,
  attribute  text NOT NULL,
  code       text NOT NULL,
  scheme     text NOT NULL DEFAULT ''
);
CREATE INDEX object_codes_lookup ON object_codes (attribute, code, scheme);
CREATE INDEX object_codes_entry ON object_codes (entry_uuid);

CREATE TABLE associations (
  entry_uuid            text PRIMARY KEY REFERENCES registry_objects ON DELETE CASCADE,
  type                  text NOT NULL,
  source                text NOT NULL,
  target                text NOT NULL,
  status                text NOT NULL,
  submission_set_status text
);
CREATE INDEX associations_source ON associations (source, type);
CREATE INDEX associations_target ON associations (target, type);

-- Repository content: one row per document, bytes in content_chunks.
CREATE TABLE contents (
  content_id           bigserial PRIMARY KEY,
  repository_unique_id text NOT NULL,
  unique_id            text NOT NULL,
  size                 bigint NOT NULL,
  sha1                 text NOT NULL,
  mime_type            text NOT NULL DEFAULT '',
  stored_at            timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT contents_document UNIQUE (repository_unique_id, unique_id)
);
CREATE TABLE content_chunks (
  content_id bigint NOT NULL REFERENCES contents ON DELETE CASCADE,
  seq        integer NOT NULL,
  data       bytea NOT NULL,
  PRIMARY KEY (content_id, seq)
);
-- Documents are mostly compressed already (PDF, JPEG, zip): store out of
-- line without trying to compress them again.
ALTER TABLE content_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
)sql"},
    // Issue 5: metadata update (ITI-57) makes new versions of a DocumentEntry
    // or Folder that keep its uniqueId, so uniqueId is no longer unique per
    // row; a (logicalId, version) pair is. Uniqueness of a uniqueId across
    // logical ids stays enforced by the commit under its advisory lock.
    Migration{3, R"sql(
ALTER TABLE document_entries DROP CONSTRAINT document_entries_unique_id;
CREATE INDEX document_entries_unique_id ON document_entries (unique_id);
CREATE INDEX document_entries_logical_id ON document_entries (logical_id);
ALTER TABLE folders DROP CONSTRAINT folders_unique_id;
CREATE INDEX folders_unique_id ON folders (unique_id);
CREATE UNIQUE INDEX registry_objects_version ON registry_objects (logical_id, version);
)sql"},
    // Issue 6: the patient's choices on a record (R-AUTH-2, -3, -5), each
    // professional's authorisation (R-AUTH-1, -4) and the trace of every
    // access and action (R-TRACE-1). Traces are append-only, enforced by
    // triggers: the embedded cluster has a single (superuser) role, which
    // privileges cannot restrain and a rule would only silence.
    Migration{4, R"sql(
ALTER TABLE patient_records
  ADD COLUMN bris_de_glace text NOT NULL DEFAULT 'allowed'
    CHECK (bris_de_glace IN ('allowed', 'opposed')),
  ADD COLUMN centre_15 text NOT NULL DEFAULT 'allowed'
    CHECK (centre_15 IN ('allowed', 'opposed'));

CREATE TABLE treating_doctors (
  patient_id text NOT NULL REFERENCES patient_records,
  person_id  text NOT NULL,
  since      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (patient_id, person_id)
);

CREATE TABLE blocked_professionals (
  patient_id text NOT NULL REFERENCES patient_records,
  person_id  text NOT NULL,
  since      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (patient_id, person_id)
);

CREATE TABLE legal_representatives (
  patient_id   text PRIMARY KEY REFERENCES patient_records,
  family       text NOT NULL,
  given        text NOT NULL,
  relationship text NOT NULL CHECK (relationship IN ('parent', 'guardian', 'other')),
  since        timestamptz NOT NULL DEFAULT now()
);

-- One row per (record, professional) ever authorised; an ended
-- authorisation keeps its row so that the history stays readable.
CREATE TABLE authorisations (
  patient_id          text NOT NULL REFERENCES patient_records,
  person_id           text NOT NULL,
  status              text NOT NULL CHECK (status IN ('active', 'ended')),
  granted_at          timestamptz NOT NULL DEFAULT now(),
  last_access_at      timestamptz NOT NULL DEFAULT now(),
  consent_declared_by text NOT NULL,
  consent_declared_at timestamptz NOT NULL DEFAULT now(),
  ended_at            timestamptz,
  -- the organisation the professional acted for when authorised: its
  -- non-professional staff act under it (R-ID-3)
  structure_id        text NOT NULL DEFAULT '',
  PRIMARY KEY (patient_id, person_id),
  CHECK ((status = 'ended') = (ended_at IS NOT NULL))
);

-- patient_id has no foreign key: a refusal for a record that does not
-- exist is traced too.
CREATE TABLE traces (
  trace_id           bigserial PRIMARY KEY,
  at                 timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_id           text NOT NULL,
  actor_kind         text NOT NULL CHECK (actor_kind IN ('rpps', 'adeli', 'operator', 'other')),
  actor_profession   text NOT NULL DEFAULT '',
  structure_id       text NOT NULL DEFAULT '',
  authentication     text NOT NULL CHECK (authentication IN
                       ('directe', 'indirecte', 'indirecte_renforcee', 'operator_token', 'none')),
  purpose            text NOT NULL CHECK (purpose IN ('normal', 'bris_de_glace', 'centre_15')),
  secret_connection  boolean NOT NULL DEFAULT false,
  patient_id         text NOT NULL,
  document_unique_id text,
  action             text NOT NULL CHECK (action IN
                       ('authenticate', 'record_status', 'consult', 'search', 'retrieve',
                        'add', 'replace', 'update_metadata', 'mask', 'unmask', 'make_visible',
                        'archive', 'unarchive', 'delete', 'authorise', 'end_authorisation',
                        'emergency_access', 'block', 'unblock', 'set_mt', 'unset_mt',
                        'set_emergency', 'set_legal_representative',
                        'remove_legal_representative', 'close_record', 'reopen_record')),
  outcome            text NOT NULL CHECK (outcome IN ('allowed', 'refused')),
  -- the professional a change is about (set_mt, block, authorise…)
  subject_id         text NOT NULL DEFAULT '',
  -- what was chosen or said: the emergency choices, the written
  -- justification of an emergency access (R-AUTH-2)…
  detail             text NOT NULL DEFAULT '',
  reason_code        text NOT NULL DEFAULT '',
  reason             text NOT NULL DEFAULT '',
  request_id         text NOT NULL DEFAULT '',
  CHECK ((outcome = 'refused') = (reason_code <> ''))
);
CREATE INDEX authorisations_structure ON authorisations (patient_id, structure_id)
  WHERE status = 'active';
CREATE INDEX traces_patient ON traces (patient_id, trace_id);
CREATE INDEX traces_document ON traces (patient_id, document_unique_id, trace_id)
  WHERE document_unique_id IS NOT NULL;

CREATE FUNCTION traces_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'traces are append-only (R-TRACE-1): % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER traces_no_update_delete BEFORE UPDATE OR DELETE ON traces
  FOR EACH ROW EXECUTE FUNCTION traces_append_only();
CREATE TRIGGER traces_no_truncate BEFORE TRUNCATE ON traces
  FOR EACH STATEMENT EXECUTE FUNCTION traces_append_only();
)sql"},
    // Issue 10: downloads (R-OUT-1) and misuse (R-TRACE-4) are traced.
    // Migration 4 declared the action CHECK on the column, so PostgreSQL
    // named it traces_action_check; the replacement is named explicitly.
    // The index serves the misuse count (one professional's recent
    // downloads, on every record).
    Migration{5, R"sql(
ALTER TABLE traces DROP CONSTRAINT traces_action_check;
ALTER TABLE traces ADD CONSTRAINT traces_action CHECK (action IN
  ('authenticate', 'record_status', 'consult', 'search', 'retrieve',
   'add', 'replace', 'update_metadata', 'mask', 'unmask', 'make_visible',
   'archive', 'unarchive', 'delete', 'authorise', 'end_authorisation',
   'emergency_access', 'block', 'unblock', 'set_mt', 'unset_mt',
   'set_emergency', 'set_legal_representative',
   'remove_legal_representative', 'close_record', 'reopen_record',
   'download', 'misuse'));
CREATE INDEX traces_actor_action ON traces (actor_id, action, at);
)sql"},
};

// Any fixed key will do as long as nothing else on the database uses it; this
// one spells "PASSEREL" so it is recognisable in pg_locks.
constexpr std::string_view kMigrationLockKey = "5782995013630838092";

int current_version(pqxx::transaction_base& tx) {
  // Version 0 is a database where migration 1 never ran.
  const auto table = tx.exec1("SELECT to_regclass('passerelle_schema_version') IS NOT NULL");
  if (!table[0].as<bool>()) return 0;
  return tx.exec1("SELECT coalesce(max(version), 0) FROM passerelle_schema_version")[0].as<int>();
}

}  // namespace

void migrate(pqxx::connection& connection) {
  try {
    pqxx::work tx(connection);
    // Serialises gateways starting together; released at commit. Queries
    // after it see what a gateway that held it before us committed.
    tx.exec("SELECT pg_advisory_xact_lock(" + std::string(kMigrationLockKey) + ")");
    const int from = current_version(tx);
    const int latest = kMigrations.back().version;
    if (from > latest) {
      throw Failure(codes::kInternalError, "database schema",
                    "the database schema is at version " + std::to_string(from) +
                        ", newer than this build's " + std::to_string(latest) +
                        "; upgrade the gateway");
    }
    for (const auto& migration : kMigrations) {
      if (migration.version <= from) continue;
      tx.exec(std::string(migration.sql));
      tx.exec("INSERT INTO passerelle_schema_version (version) VALUES (" +
              std::to_string(migration.version) + ")");
    }
    tx.commit();
  } catch (const pqxx::failure& e) {
    throw Failure(codes::kInternalError, "database schema",
                  std::string("schema migration failed: ") + e.what());
  }
}

int schema_version(pqxx::connection& connection) {
  try {
    pqxx::read_transaction tx(connection);
    return current_version(tx);
  } catch (const pqxx::failure& e) {
    throw Failure(codes::kInternalError, "database schema",
                  std::string("cannot read the schema version: ") + e.what());
  }
}

}  // namespace passerelle::store
