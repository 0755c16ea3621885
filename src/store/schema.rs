//! The SQLite schema, versioned in code: migration `n` brings a database from
//! `PRAGMA user_version = n - 1` to `n`. [`migrate`] runs the missing steps, each in its own
//! transaction, and refuses a database written by a newer saksflyt.

use rusqlite::Connection;

use super::StoreError;

/// Migrations in order; index 0 is version 1.
const MIGRATIONS: &[&str] = &[
    // Version 1.
    r#"
CREATE TABLE documents (
    id             INTEGER PRIMARY KEY,
    path           TEXT NOT NULL UNIQUE,
    sha256         TEXT NOT NULL,
    format         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    language       TEXT,
    committee_code TEXT,
    committee_name TEXT,
    warnings       INTEGER NOT NULL,
    -- The whole record (the extract contract) as JSON: export is lossless.
    record_json    TEXT NOT NULL
);
CREATE TABLE meetings (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
    committee   TEXT NOT NULL,
    date        TEXT NOT NULL,
    start       TEXT,
    "end"       TEXT,
    place       TEXT
);
CREATE TABLE agenda_items (
    id               INTEGER PRIMARY KEY,
    document_id      INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    case_id          INTEGER REFERENCES cases(id),
    start            TEXT NOT NULL,
    "end"            TEXT NOT NULL,
    minutes          INTEGER,
    title            TEXT NOT NULL,
    sub_items_json   TEXT NOT NULL,
    responsible_json TEXT NOT NULL,
    UNIQUE (document_id, position)
);
-- One row per case: committee + number, or one per document for unnumbered papers.
CREATE TABLE cases (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL UNIQUE,
    committee TEXT NOT NULL,
    seq       INTEGER,
    year      INTEGER,
    title     TEXT,
    date      TEXT
);
-- Where a case was seen: role `agenda` (a row of a meeting's agenda), `case` (a case text) or
-- `attachment` (a document attached to the case).
CREATE TABLE case_sources (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    title       TEXT,
    date        TEXT,
    PRIMARY KEY (case_id, document_id, role, position)
);
CREATE INDEX case_sources_document ON case_sources(document_id);
CREATE TABLE decision_points (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    path        TEXT NOT NULL,
    depth       INTEGER NOT NULL,
    label       TEXT,
    text        TEXT NOT NULL,
    placeholder INTEGER NOT NULL
);
CREATE INDEX decision_points_document ON decision_points(document_id);
CREATE INDEX decision_points_case ON decision_points(case_id);
CREATE TABLE case_references (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    to_key      TEXT NOT NULL,
    to_seq      INTEGER NOT NULL,
    to_year     INTEGER NOT NULL,
    as_written  TEXT NOT NULL,
    context     TEXT NOT NULL
);
CREATE INDEX case_references_document ON case_references(document_id);
CREATE INDEX case_references_to ON case_references(to_key);
CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    period_from INTEGER,
    period_to   INTEGER,
    owner       TEXT,
    UNIQUE (document_id, position)
);
CREATE TABLE plan_items (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    goal        TEXT,
    measure     TEXT NOT NULL,
    status      TEXT,
    status_text TEXT,
    responsible TEXT,
    deadline    TEXT,
    UNIQUE (plan_id, position)
);
CREATE TABLE record_tables (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    caption     TEXT,
    header_json TEXT NOT NULL,
    rows_json   TEXT NOT NULL,
    UNIQUE (document_id, position)
);
"#,
    // Version 2: what a record was extracted with, so a changed saksflyt or register re-extracts.
    r#"
ALTER TABLE documents ADD COLUMN extractor TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN register TEXT NOT NULL DEFAULT '';
"#,
    // Version 3: facts derived from the records once (after an ingest that changed something),
    // so a report reads only its year or committee (`facts.rs`). `facts_state.stale` is set by
    // every write of a document and cleared when the facts are derived again; an older store
    // starts stale and derives on first use.
    r#"
CREATE TABLE facts_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO facts_state (key, value) VALUES ('stale', '1');
-- One row per paper (`derive::papers`: the kept form of a paper held in several formats).
CREATE TABLE papers (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    path        TEXT NOT NULL,
    committee   TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    oversized   INTEGER NOT NULL,
    form        INTEGER NOT NULL,
    has_plans   INTEGER NOT NULL,
    review      INTEGER NOT NULL,
    plan_from   INTEGER,
    plan_to     INTEGER,
    form_year   INTEGER,
    case_year   INTEGER,
    -- the paper defines the traffic-light colours (`Record::status_legend`)
    legend      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX papers_path ON papers(path);
-- The years a paper speaks of (meeting, case and status dates, case numbers).
CREATE TABLE paper_years (
    year        INTEGER NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (year, document_id)
) WITHOUT ROWID;
-- The meeting and case dates of each paper, as written in the record.
CREATE TABLE paper_dates (
    date        TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (date, document_id)
) WITHOUT ROWID;
-- The decision log (`log::derive`), in its order. `meeting_year`: the year of `meeting_date`
-- when it is a `YYYY-MM-DD` date (`util::parse_iso_date`); `oversized_only`: every source of the
-- entry is a paper too large for the documents (they leave the entry out).
CREATE TABLE log_entries (
    position       INTEGER PRIMARY KEY,
    committee_code TEXT,
    committee_name TEXT,
    meeting_date   TEXT,
    meeting_year   INTEGER,
    oversized_only INTEGER NOT NULL,
    status         TEXT NOT NULL,
    entry_json     TEXT NOT NULL
);
CREATE INDEX log_entries_committee ON log_entries(committee_code, committee_name);
-- Entries while they are derived, one committee at a time (empty otherwise).
CREATE TABLE log_stage (
    id             INTEGER PRIMARY KEY,
    committee_code TEXT,
    committee_name TEXT,
    meeting_date   TEXT,
    meeting_year   INTEGER,
    oversized_only INTEGER NOT NULL,
    status         TEXT NOT NULL,
    entry_json     TEXT NOT NULL
);
CREATE INDEX log_entries_status ON log_entries(status, position);
-- The dashboard's summary of the log (`Store::log_tally`: counts by committee, year and
-- status, read from this index alone) and its newest closed entries (`Store::dashboard_log`).
CREATE INDEX log_entries_tally ON log_entries(oversized_only, status, meeting_year, committee_code, committee_name);
CREATE INDEX log_entries_date ON log_entries(meeting_date);
-- The current plans as the documents show them (`derive::current_plans`, oversized papers
-- left out), and what the evaluation forms could not give them (the review list).
CREATE TABLE current_plans (
    position  INTEGER PRIMARY KEY,
    committee TEXT NOT NULL,
    plan_json TEXT NOT NULL
);
CREATE TABLE form_findings (
    position INTEGER PRIMARY KEY,
    file     TEXT NOT NULL,
    missing  TEXT NOT NULL,
    look_at  TEXT NOT NULL
);
"#,
    // Version 4: the decision log's entries are written once. Deriving the log used to stage
    // every entry (its JSON included) in `log_stage` and copy it into `log_entries` in the log's
    // order, which wrote the log twice (a third of the time of deriving the facts). Now the
    // entries stay where they are first written, `log_json` (committee by committee), and only
    // their small columns are written again in the log's order, into `log_order`; the view
    // `log_entries` joins the two and reads as the table did. The log is derived again.
    r#"
DROP TABLE log_stage;
DROP TABLE log_entries;
-- Each entry of the decision log as derived, committee by committee.
CREATE TABLE log_json (
    id             INTEGER PRIMARY KEY,
    committee_code TEXT,
    committee_name TEXT,
    meeting_date   TEXT,
    meeting_year   INTEGER,
    oversized_only INTEGER NOT NULL,
    status         TEXT NOT NULL,
    entry_json     TEXT NOT NULL
);
-- The entries in the log's order (`position`): the columns the documents filter by, and the
-- entry (`log_json.id`).
CREATE TABLE log_order (
    position       INTEGER PRIMARY KEY,
    committee_code TEXT,
    committee_name TEXT,
    meeting_date   TEXT,
    meeting_year   INTEGER,
    oversized_only INTEGER NOT NULL,
    status         TEXT NOT NULL,
    entry          INTEGER NOT NULL
);
CREATE INDEX log_order_committee ON log_order(committee_code, committee_name);
CREATE INDEX log_order_status ON log_order(status, position);
-- The dashboard's summary of the log (`Store::log_tally`: counts by committee, year and
-- status, read from this index alone) and its newest closed entries (`Store::dashboard_log`).
CREATE INDEX log_order_tally ON log_order(oversized_only, status, meeting_year, committee_code, committee_name);
CREATE INDEX log_order_date ON log_order(meeting_date);
-- The decision log as one table, in its order (queries that need no entry, such as counts and
-- the tally, read `log_order` itself).
CREATE VIEW log_entries AS
SELECT o.position, o.committee_code, o.committee_name, o.meeting_date, o.meeting_year,
       o.oversized_only, o.status, j.entry_json
FROM log_order o LEFT JOIN log_json j ON j.id = o.entry;
INSERT OR REPLACE INTO facts_state (key, value) VALUES ('stale', '1');
"#,
];

/// The schema version this build writes.
pub const VERSION: u32 = MIGRATIONS.len() as u32;

/// The tables, in dependency order (for dumps and checks).
pub const TABLES: &[&str] = &[
    "documents",
    "meetings",
    "cases",
    "agenda_items",
    "case_sources",
    "decision_points",
    "case_references",
    "plans",
    "plan_items",
    "record_tables",
];

/// The tables of derived facts (schema versions 3 and 4; `facts.rs`), rebuilt from the ones
/// above.
pub const FACT_TABLES: &[&str] = &[
    "facts_state",
    "papers",
    "paper_years",
    "paper_dates",
    "log_json",
    "log_order",
    "current_plans",
    "form_findings",
];

/// The views over the fact tables (schema version 4): `log_entries`, the decision log in its
/// order.
pub const FACT_VIEWS: &[&str] = &["log_entries"];

/// Bring the database up to [`VERSION`].
/// Refuse an SQLite database saksflyt did not make ([`StoreError::Foreign`]): one with tables but
/// no schema version, or with a version but without saksflyt's `documents` table. An empty
/// database (a new file) is ours to set up.
pub fn check_ours(conn: &Connection) -> Result<(), StoreError> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let objects: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'", [], |r| {
            r.get(0)
        })?;
    let has_documents: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'documents'",
        [],
        |r| r.get(0),
    )?;
    if current == 0 && objects > 0 {
        return Err(StoreError::Foreign(format!("{objects} tables or indexes, no saksflyt schema version")));
    }
    if current > 0 && !has_documents {
        return Err(StoreError::Foreign(format!("schema version {current} without saksflyt's tables")));
    }
    Ok(())
}

pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > VERSION {
        return Err(StoreError::TooNew { found: current, supported: VERSION });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        tx.commit()?;
    }
    Ok(())
}
