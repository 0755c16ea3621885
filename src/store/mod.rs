//! Stage 3 — **store**: records → the embedded SQLite store, the decision log and JSON Lines.
//!
//! - [`Store`] opens (and migrates, see [`schema`]) a database in WAL mode and writes one record
//!   per transaction ([`Store::put_record`]): a document is keyed by its path, its content hash
//!   decides whether it changed, and a changed document replaces its rows in the same transaction.
//! - A case is one row per committee + case number (`ASU 18/2024`), however many documents mention
//!   it (agenda row, case paper, attachment, minutes); `case_sources` lists where it was seen.
//! - [`ingest`] walks folders, reads and extracts in parallel (rayon) and hands the results to
//!   the single writer in path order, so the database is the same on every run.
//! - [`log`] derives the decision log (vedtakslogg) from records — a pure function, also used by
//!   [`Store::decision_log`].

pub mod derive;
pub mod facts;
pub mod ingest;
pub mod log;
pub mod schema;

use crate::record::{CaseNum, CaseRef, Committee, LogEntry, LogStatus, Point, PointKind, Record};
use regex::Regex;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::LazyLock;

/// Store failures. Messages are lower-case and name the problem.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An SQLite call failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A file next to the store could not be written.
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// The file is an SQLite database, but not one saksflyt made: it is left untouched.
    #[error("not a saksflyt store ({0}); give saksflyt its own file")]
    Foreign(String),
    /// The store path is a symbolic link (saksflyt never writes through one).
    #[error("the store path is a symbolic link; saksflyt does not write through links")]
    Symlink,
    /// The database was written by a newer saksflyt.
    #[error("database schema version {found} is newer than this saksflyt supports ({supported})")]
    TooNew { found: u32, supported: u32 },
    /// A stored record no longer parses as the record contract.
    #[error("stored record of {path} is not valid: {message}")]
    BadRecord { path: String, message: String },
    /// A record could not be turned into JSON.
    #[error("cannot serialise the record of {path}: {message}")]
    Serialise { path: String, message: String },
}

/// What [`Store::put_record`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// A new document.
    Inserted,
    /// The path was known with other content (or another record): its rows were replaced.
    Replaced,
    /// The same path, hash and record were already stored: nothing was written.
    Unchanged,
}

/// Row counts of the main tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub documents: u64,
    pub meetings: u64,
    pub cases: u64,
    pub decision_points: u64,
    pub plans: u64,
    pub plan_items: u64,
    pub tables: u64,
    pub warnings: u64,
}

/// Which log entries [`Store::decision_log`] returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// A committee code (`ASU`, case-insensitive) or a part of its name.
    pub committee: Option<String>,
    /// Only entries that still need action: status `open` or `overdue`.
    pub open_only: bool,
}

impl LogFilter {
    /// Whether an entry passes the filter.
    pub fn matches(&self, e: &LogEntry) -> bool {
        if self.open_only && !matches!(e.status, LogStatus::Open | LogStatus::Overdue) {
            return false;
        }
        match &self.committee {
            None => true,
            Some(want) => e.committee.as_ref().is_some_and(|c| committee_matches(c, want)),
        }
    }
}

fn committee_matches(c: &Committee, want: &str) -> bool {
    let want = want.trim();
    c.code.as_deref().is_some_and(|code| code.eq_ignore_ascii_case(want))
        || (!want.is_empty() && c.name.to_lowercase().contains(&want.to_lowercase()))
}

/// The committee part of a case key: the register code, else the name, else empty.
pub fn committee_key(c: Option<&Committee>) -> String {
    match c {
        Some(Committee { code: Some(code), .. }) if !code.trim().is_empty() => code.trim().to_uppercase(),
        Some(c) => c.name.trim().to_string(),
        None => String::new(),
    }
}

/// The identity of a numbered case: `ASU 18/2024` (committee key, a space, seq/year).
pub fn case_key(committee: &str, number: &CaseNum) -> String {
    format!("{committee} {}", number.key())
}

static REF_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([A-ZÆØÅ]{2,6})(?:[ -]([A-ZÆØÅ][a-zæøå]+))?\s+sak(?:a|en)?\s+(?:nr\.?\s+)?$")
        .expect("valid regex")
});
static REF_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s+i\s+([A-ZÆØÅ]{2,6})(?:[ -]([A-ZÆØÅ][a-zæøå]+))?\b").expect("valid regex")
});

/// The case a reference points to. A committee named right at the number — `i SSU sak 23/25`,
/// `sak 15/25 i SSU`, `LSU Molde sak 4/25` — gives that committee (`SSU`, `LSU-MOLDE`);
/// otherwise the reference is to the referring case's own committee.
pub fn reference_key(own_committee: &str, r: &CaseRef) -> String {
    let named = r.context.find(&r.number.as_written).and_then(|at| {
        let before = r.context.get(..at)?;
        let after = r.context.get(at + r.number.as_written.len()..)?;
        // `as_written` may hold the word `sak` itself (`sak 15/25`).
        let before = match r.number.as_written.to_lowercase().starts_with("sak") {
            true => format!("{before}sak "),
            false => before.to_string(),
        };
        REF_BEFORE.captures(&before).or_else(|| REF_AFTER.captures(after)).map(|c| {
            let code = c.get(1).map_or("", |m| m.as_str());
            match c.get(2) {
                Some(place) => format!("{code}-{}", place.as_str().to_uppercase()),
                None => code.to_string(),
            }
        })
    });
    case_key(named.as_deref().unwrap_or(own_committee), &r.number)
}

/// The identity of a case without a number: one per document and position.
pub fn unnumbered_case_key(path: &str, position: usize) -> String {
    format!("unnumbered {path}#{}", position + 1)
}

/// What records are extracted with: the crate version and a fingerprint of the reader and
/// extraction sources (see `build.rs`). Stored per document; a document stored by another
/// version is read and extracted again on the next ingest.
pub const EXTRACTOR_VERSION: &str =
    concat!(env!("CARGO_PKG_VERSION"), "+", env!("SAKSFLYT_EXTRACTOR_FINGERPRINT"));

/// A fingerprint of a committee register (SHA-256 of its canonical JSON).
pub fn register_fingerprint(register: &crate::config::Register) -> String {
    crate::util::sha256_hex(serde_json::to_string(register).unwrap_or_default().as_bytes())
}

/// The SQLite store.
pub struct Store {
    conn: Connection,
    /// The register fingerprint records are extracted with ([`Store::set_register`]; the
    /// built-in register until set).
    register: String,
    /// Records and log entries parsed from JSON since the store was opened
    /// ([`Store::parsed_rows`]).
    parsed: std::cell::Cell<u64>,
    /// Within a batch ([`Store::begin_batch`]): the cases the batch's stored records touched,
    /// whose titles and dates [`Store::end_batch`] recomputes once (`refresh_cases`).
    batch_cases: BTreeSet<i64>,
}

/// Prepared statements kept per connection: more than the distinct statements of storing a
/// record (about 25), so none is prepared again for the next record.
const STATEMENT_CACHE: usize = 64;

/// Retries of a transaction SQLite still reports busy after its busy handler gave up.
pub const BUSY_RETRIES: u32 = 6;

/// Whether an error is SQLite's "database is locked/busy" (another process holds the lock).
pub fn is_busy(e: &StoreError) -> bool {
    matches!(e, StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _))
        if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// Whether an error concerns only the record being written (too big, a constraint), so the
/// batch can go on without it.
pub fn is_document_error(e: &StoreError) -> bool {
    match e {
        StoreError::Serialise { .. } => true,
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
            matches!(f.code, rusqlite::ErrorCode::TooBig | rusqlite::ErrorCode::ConstraintViolation)
        }
        StoreError::Sqlite(rusqlite::Error::ToSqlConversionFailure(_)) => true,
        _ => false,
    }
}

fn backoff(attempt: u32) {
    std::thread::sleep(std::time::Duration::from_millis(50 << attempt.min(6)));
}

fn user_version(conn: &Connection) -> Option<u32> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).ok()
}

impl Store {
    /// Open or create the store at `path`, switch it to WAL mode and migrate it.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let is_link = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
        let beside = |suffix: &str| {
            let mut s = path.as_os_str().to_owned();
            s.push(suffix);
            std::path::PathBuf::from(s)
        };
        if is_link(path) || ["-wal", "-shm", "-journal"].iter().any(|x| is_link(&beside(x))) {
            return Err(StoreError::Symlink);
        }
        // SQLITE_OPEN_NOFOLLOW: SQLite itself refuses a link at the path (also one planted
        // between the check above and the open)
        let flags = rusqlite::OpenFlags::default() | rusqlite::OpenFlags::SQLITE_OPEN_NOFOLLOW;
        let conn = Connection::open_with_flags(path, flags)?;
        Store::setup(conn)
    }

    /// A store in memory (tests, one-off derivations).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::setup(Connection::open_in_memory()?)
    }

    /// Open with retries: a second process opening the same store while the first creates or
    /// migrates it waits (busy handler, then up to [`BUSY_RETRIES`] retries) instead of failing.
    fn setup(conn: Connection) -> Result<Store, StoreError> {
        let mut conn = conn;
        let mut attempt = 0;
        loop {
            let version_before = user_version(&conn);
            match Store::setup_once(&mut conn) {
                Ok(()) => {
                    let register = register_fingerprint(&crate::config::Register::default());
                    return Ok(Store {
                        conn,
                        register,
                        parsed: std::cell::Cell::new(0),
                        batch_cases: BTreeSet::new(),
                    });
                }
                Err(e)
                    if attempt < BUSY_RETRIES && (is_busy(&e) || user_version(&conn) != version_before) =>
                {
                    attempt += 1;
                    backoff(attempt);
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn setup_once(conn: &mut Connection) -> Result<(), StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // every statement of a record's write stays prepared (rusqlite keeps 16 by default)
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // before anything changes the file (WAL mode is a change): a foreign database is refused
        schema::check_ours(conn)?;
        // `journal_mode` returns a row; WAL keeps readers consistent and a killed writer harmless.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
        schema::migrate(conn)?;
        Ok(())
    }

    /// The register the records written from now on were extracted with: documents stored with
    /// another register (or by another [`EXTRACTOR_VERSION`]) count as unknown to
    /// [`Store::known_documents`], so ingest extracts them again.
    pub fn set_register(&mut self, register: &crate::config::Register) {
        self.register = register_fingerprint(register);
    }

    /// Path → SHA-256 of every stored document extracted by this saksflyt with the current
    /// register (a stale document is left out, so ingest reads it again).
    pub fn known_documents(&self) -> Result<BTreeMap<String, String>, StoreError> {
        let mut stmt =
            self.conn.prepare("SELECT path, sha256 FROM documents WHERE extractor = ?1 AND register = ?2")?;
        let rows = stmt.query_map(params![EXTRACTOR_VERSION, self.register], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (p, h) = row?;
            out.insert(p, h);
        }
        Ok(out)
    }

    /// Store one record in one transaction: insert it, replace the document's old rows, or do
    /// nothing when the same path, hash and record are already stored.
    ///
    /// The transaction takes the write lock when it begins (`BEGIN IMMEDIATE`), so a concurrent
    /// writer waits in SQLite's busy handler (10 s) rather than failing on a lock upgrade; a
    /// transaction still refused as busy is retried [`BUSY_RETRIES`] times.
    pub fn put_record(&mut self, record: &Record) -> Result<PutOutcome, StoreError> {
        let json = serde_json::to_string(record).map_err(|e| StoreError::Serialise {
            path: record.source.path.clone(),
            message: e.to_string(),
        })?;
        self.put_record_json(record, &json)
    }

    /// [`Store::put_record`] with the record's JSON (`serde_json::to_string(record)`) already
    /// made, as ingest has it from checking the record's size.
    pub fn put_record_json(&mut self, record: &Record, json: &str) -> Result<PutOutcome, StoreError> {
        let mut attempt = 0;
        loop {
            match self.put_record_once(record, json) {
                Err(e) if attempt < BUSY_RETRIES && is_busy(&e) => {
                    attempt += 1;
                    backoff(attempt);
                }
                r => return r,
            }
        }
    }

    fn put_record_once(&mut self, record: &Record, json: &str) -> Result<PutOutcome, StoreError> {
        if self.conn.is_autocommit() {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (outcome, written) = put_in(&tx, &self.register, record, json, None)?;
            if written {
                tx.commit()?;
            }
            Ok(outcome)
        } else {
            // within a batch (`begin_batch`): a savepoint, so a record that fails is undone alone
            let sp = self.conn.savepoint()?;
            let (outcome, written) = put_in(&sp, &self.register, record, json, Some(&mut self.batch_cases))?;
            if written {
                sp.commit()?;
            }
            Ok(outcome)
        }
    }

    /// Begin a batch: the records stored until [`Store::end_batch`] are written in one
    /// transaction (taking the write lock at once, as [`Store::put_record`] does), each in a
    /// savepoint of its own, so a record the database refuses is undone alone and the others
    /// stay. One commit per batch instead of one per record: the pages that every record
    /// touches (the indexes, the cases) go to the write-ahead log once per batch.
    pub fn begin_batch(&mut self) -> Result<(), StoreError> {
        let mut attempt = 0;
        loop {
            match self.conn.execute_batch("BEGIN IMMEDIATE").map_err(StoreError::from) {
                Err(e) if attempt < BUSY_RETRIES && is_busy(&e) => {
                    attempt += 1;
                    backoff(attempt);
                }
                r => return r,
            }
        }
    }

    /// Commit the batch begun with [`Store::begin_batch`] (nothing when none is open).
    pub fn end_batch(&mut self) -> Result<(), StoreError> {
        let touched = std::mem::take(&mut self.batch_cases);
        if !self.conn.is_autocommit() {
            // the records stored are committed even when the refresh fails (a database error:
            // the batch stops, and what was stored before it stays, as without a batch)
            let refreshed = refresh_cases(&self.conn, &touched);
            self.conn.execute_batch("COMMIT")?;
            refreshed?;
        }
        Ok(())
    }
}

/// Store one record within the transaction or savepoint `tx` (see [`Store::put_record`]): the
/// outcome, and whether anything was written (else the caller need not commit). The titles and
/// dates of the cases it touched are recomputed here, or, with `batch_cases` (a batch), the
/// cases are added to it and recomputed once when the batch ends.
fn put_in(
    tx: &Connection,
    register: &str,
    record: &Record,
    json: &str,
    batch_cases: Option<&mut BTreeSet<i64>>,
) -> Result<(PutOutcome, bool), StoreError> {
    let path = record.source.path.as_str();
    let existing: Option<(i64, String, String, bool)> = tx
        .prepare_cached(
            "SELECT id, sha256, record_json, extractor = ?2 AND register = ?3 FROM documents WHERE path = ?1",
        )?
        .query_row(params![path, EXTRACTOR_VERSION, register], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let committee = record.committee.as_ref();
    let doc_values = params![
        path,
        record.source.sha256,
        record.source.format.as_str(),
        record.kind.as_str(),
        record.language,
        committee.and_then(|c| c.code.clone()),
        committee.map(|c| c.name.clone()),
        record.warnings.len() as i64,
        json,
        EXTRACTOR_VERSION,
        register,
    ];
    let (doc_id, outcome, mut touched) = match existing {
        Some((id, sha, old, fresh)) if sha == record.source.sha256 && old == json => {
            if !fresh {
                // re-extracted by a newer saksflyt or register with the same result
                tx.prepare_cached("UPDATE documents SET extractor = ?1, register = ?2 WHERE id = ?3")?
                    .execute(params![EXTRACTOR_VERSION, register, id])?;
            }
            return Ok((PutOutcome::Unchanged, !fresh));
        }
        Some((id, _, _, _)) => {
            let touched = clear_document(tx, id)?;
            tx.prepare_cached("UPDATE documents SET path = ?1, sha256 = ?2, format = ?3, kind = ?4, language = ?5,
                 committee_code = ?6, committee_name = ?7, warnings = ?8, record_json = ?9, extractor = ?10, register = ?11 WHERE id = ?12")?.execute(rusqlite::params_from_iter(doc_values.iter().copied().chain([&id as &dyn rusqlite::ToSql])),
            )?;
            (id, PutOutcome::Replaced, touched)
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO documents (path, sha256, format, kind, language, committee_code,
                 committee_name, warnings, record_json, extractor, register)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(doc_values)?;
            (tx.last_insert_rowid(), PutOutcome::Inserted, BTreeSet::new())
        }
    };
    insert_rows(tx, doc_id, record, &mut touched)?;
    match batch_cases {
        Some(batch) => batch.append(&mut touched),
        None => refresh_cases(tx, &touched)?,
    }
    mark_stale(tx)?;
    Ok((outcome, true))
}

impl Store {
    /// Remove a document and its rows; true when it was stored.
    pub fn remove_document(&mut self, path: &str) -> Result<bool, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id: Option<i64> =
            tx.query_row("SELECT id FROM documents WHERE path = ?1", [path], |r| r.get(0)).optional()?;
        let Some(id) = id else { return Ok(false) };
        let touched = clear_document(&tx, id)?;
        tx.prepare_cached("DELETE FROM documents WHERE id = ?1")?.execute([id])?;
        refresh_cases(&tx, &touched)?;
        mark_stale(&tx)?;
        tx.commit()?;
        Ok(true)
    }

    /// Remove the stored documents that a batch over `roots` (paths as [`ingest::display_key`]
    /// writes them) should have seen but did not: a paper deleted from (or moved out of) a
    /// folder the batch read. Documents outside the roots are kept. Returns the removed paths
    /// and the number of documents kept from outside the roots.
    pub fn remove_missing(
        &mut self,
        roots: &[String],
        present: &std::collections::BTreeSet<String>,
    ) -> Result<(Vec<String>, usize), StoreError> {
        let stored: Vec<String> = {
            let mut stmt = self.conn.prepare("SELECT path FROM documents ORDER BY path")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let under = |p: &str| {
            roots
                .iter()
                .any(|r| r == "." || p == r || p.strip_prefix(r.as_str()).is_some_and(|t| t.starts_with('/')))
        };
        let mut removed = Vec::new();
        let mut outside = 0;
        for p in stored {
            if !under(&p) {
                outside += 1;
            } else if !present.contains(&p) && self.remove_document(&p)? {
                removed.push(p);
            }
        }
        Ok((removed, outside))
    }

    /// Every stored record, sorted by path.
    pub fn records(&self) -> Result<Vec<Record>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT path, record_json FROM documents ORDER BY path")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (path, json) = row?;
            let rec: Record = serde_json::from_str(&json)
                .map_err(|e| StoreError::BadRecord { path: path.clone(), message: e.to_string() })?;
            out.push(rec);
        }
        Ok(out)
    }

    /// Writes every stored record as JSON Lines, sorted by path (what `export` writes): the
    /// stored JSON of each record, one line each, streamed without parsing it.
    pub fn write_records_jsonl(&self, out: &mut dyn std::io::Write) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare("SELECT path, record_json FROM documents ORDER BY path")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let json = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            out.write_all(json.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .map_err(|source| StoreError::Io { path: "records.jsonl".into(), source })?;
        }
        Ok(())
    }

    /// The decision log of all stored records ([`log::derive`]), filtered: the stored log when
    /// the facts are fresh ([`Store::log_entries`]), else derived from the records.
    pub fn decision_log(&self, filter: &LogFilter) -> Result<Vec<LogEntry>, StoreError> {
        if !self.facts_stale()? {
            return self.log_entries(filter, None);
        }
        let records = self.records()?;
        Ok(log::derive(&records).into_iter().filter(|e| filter.matches(e)).collect())
    }

    /// [`Store::decision_log`] one entry at a time, in the log's order: the whole log (no
    /// committee named) is read row by row from the stored log and never held, so printing it
    /// costs the memory of one entry whatever the store's size. A committee's entries, and a
    /// log derived from the records when the facts are stale, are read first (as
    /// [`Store::decision_log`] does) and then handed over.
    pub fn each_log_entry(
        &self,
        filter: &LogFilter,
        each: &mut dyn FnMut(LogEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        if filter.committee.is_some() || self.facts_stale()? {
            return self.decision_log(filter)?.into_iter().try_for_each(each);
        }
        self.each_stored_log_entry(filter.open_only, &mut |e| {
            if filter.matches(&e) {
                each(e)
            } else {
                Ok(())
            }
        })
    }

    /// Row counts of the main tables and the number of stored warnings.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        let n = |table: &str| -> Result<u64, StoreError> {
            let v: i64 = self.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
            Ok(v.max(0) as u64)
        };
        let warnings: i64 =
            self.conn.query_row("SELECT coalesce(sum(warnings), 0) FROM documents", [], |r| r.get(0))?;
        Ok(Counts {
            documents: n("documents")?,
            meetings: n("meetings")?,
            cases: n("cases")?,
            decision_points: n("decision_points")?,
            plans: n("plans")?,
            plan_items: n("plan_items")?,
            tables: n("record_tables")?,
            warnings: warnings.max(0) as u64,
        })
    }

    /// Every row of every table as text, in table and row order: two stores with equal dumps hold
    /// the same data. Used by tests and for debugging.
    pub fn dump(&self) -> Result<String, StoreError> {
        let mut out = String::new();
        for table in schema::TABLES {
            out.push_str(&format!("== {table}\n"));
            let mut stmt = self.conn.prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))?;
            let cols = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let mut cells = Vec::with_capacity(cols);
                for i in 0..cols {
                    let v: rusqlite::types::Value = row.get(i)?;
                    cells.push(format!("{v:?}"));
                }
                out.push_str(&cells.join(" | "));
                out.push('\n');
            }
        }
        Ok(out)
    }

    /// SQLite's integrity and foreign-key checks; the problems found (empty when consistent).
    pub fn check(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let row = row?;
            if row != "ok" {
                problems.push(row);
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let table: String = r.get(0)?;
            problems.push(format!("foreign key violation in {table}"));
        }
        let orphans: i64 = self.conn.query_row(
            "SELECT count(*) FROM cases WHERE id NOT IN (SELECT case_id FROM case_sources)",
            [],
            |r| r.get(0),
        )?;
        if orphans > 0 {
            problems.push(format!("{orphans} cases without a source"));
        }
        Ok(problems)
    }
}

/// The derived facts no longer match the records (`facts.rs` derives them again).
fn mark_stale(tx: &Connection) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT OR REPLACE INTO facts_state (key, value) VALUES ('stale', '1')")?.execute([])?;
    Ok(())
}

/// Delete a document's rows (not the document itself); the cases it touched.
fn clear_document(tx: &Connection, id: i64) -> Result<BTreeSet<i64>, StoreError> {
    let mut touched = BTreeSet::new();
    {
        let mut stmt =
            tx.prepare_cached("SELECT DISTINCT case_id FROM case_sources WHERE document_id = ?1")?;
        for c in stmt.query_map([id], |r| r.get::<_, i64>(0))? {
            touched.insert(c?);
        }
    }
    for sql in [
        "DELETE FROM decision_points WHERE document_id = ?1",
        "DELETE FROM case_references WHERE document_id = ?1",
        "DELETE FROM agenda_items WHERE document_id = ?1",
        "DELETE FROM case_sources WHERE document_id = ?1",
        "DELETE FROM meetings WHERE document_id = ?1",
        "DELETE FROM plan_items WHERE plan_id IN (SELECT id FROM plans WHERE document_id = ?1)",
        "DELETE FROM plans WHERE document_id = ?1",
        "DELETE FROM record_tables WHERE document_id = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([id])?;
    }
    Ok(touched)
}

/// The id of the case with `key`, created when new.
fn case_id(tx: &Connection, key: &str, committee: &str, number: Option<&CaseNum>) -> Result<i64, StoreError> {
    let known: Option<i64> = tx
        .prepare_cached("SELECT id FROM cases WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    if let Some(id) = known {
        return Ok(id);
    }
    tx.prepare_cached("INSERT INTO cases (key, committee, seq, year) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![key, committee, number.map(|n| n.seq), number.map(|n| n.year)])?;
    Ok(tx.last_insert_rowid())
}

fn insert_rows(
    tx: &Connection,
    doc_id: i64,
    record: &Record,
    touched: &mut BTreeSet<i64>,
) -> Result<(), StoreError> {
    let path = record.source.path.as_str();
    let doc_committee = committee_key(record.committee.as_ref());
    let meeting_date = record.meeting.as_ref().map(|m| m.date.clone());
    if let Some(m) = &record.meeting {
        tx.prepare_cached("INSERT INTO meetings (document_id, committee, date, start, \"end\", place) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute(params![doc_id, doc_committee, m.date, m.start, m.end, m.place],
        )?;
    }
    let mut add_source =
        |tx: &Connection, case: i64, role: &str, pos: usize, title: Option<&str>, date: Option<&str>| {
            touched.insert(case);
            tx.prepare_cached(
                "INSERT OR IGNORE INTO case_sources (case_id, document_id, role, position, title, date)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![case, doc_id, role, pos as i64, title, date])
        };
    for (pos, item) in record.agenda.iter().enumerate() {
        let case = match &item.case {
            Some(n) => {
                let id = case_id(tx, &case_key(&doc_committee, n), &doc_committee, Some(n))?;
                add_source(tx, id, "agenda", pos, Some(item.title.as_str()), meeting_date.as_deref())?;
                Some(id)
            }
            None => None,
        };
        tx.prepare_cached(
            "INSERT INTO agenda_items (document_id, position, case_id, start, \"end\", minutes, title,
             sub_items_json, responsible_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            doc_id,
            pos as i64,
            case,
            item.start,
            item.end,
            item.minutes,
            item.title,
            json_list(&item.sub_items),
            json_list(&item.responsible),
        ])?;
    }
    if let Some(n) = &record.attachment_of {
        let id = case_id(tx, &case_key(&doc_committee, n), &doc_committee, Some(n))?;
        add_source(tx, id, "attachment", 0, None, None)?;
    }
    for (pos, case) in record.cases.iter().enumerate() {
        let committee = match &case.committee {
            Some(c) => committee_key(Some(c)),
            None => doc_committee.clone(),
        };
        let key = match &case.number {
            Some(n) => case_key(&committee, n),
            None => unnumbered_case_key(path, pos),
        };
        let id = case_id(tx, &key, &committee, case.number.as_ref())?;
        let date = case.date.as_deref().or(meeting_date.as_deref());
        add_source(tx, id, "case", pos, case.title.as_deref(), date)?;
        for (kind, points) in [(PointKind::Proposal, &case.proposal), (PointKind::Decision, &case.decision)] {
            insert_points(tx, doc_id, id, kind, points, "", 0)?;
        }
        for r in &case.references {
            tx.prepare_cached("INSERT INTO case_references (document_id, case_id, to_key, to_seq, to_year, as_written, context)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?.execute(params![
                    doc_id,
                    id,
                    reference_key(&committee, r),
                    r.number.seq,
                    r.number.year,
                    r.number.as_written,
                    r.context
                ],
            )?;
        }
    }
    for (pos, plan) in record.plans.iter().enumerate() {
        tx.prepare_cached(
            "INSERT INTO plans (document_id, position, title, period_from, period_to, owner)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            doc_id,
            pos as i64,
            plan.title,
            plan.period.map(|p| p.from),
            plan.period.map(|p| p.to),
            plan.owner
        ])?;
        let plan_id = tx.last_insert_rowid();
        for (i, item) in plan.items.iter().enumerate() {
            tx.prepare_cached("INSERT INTO plan_items (plan_id, position, goal, measure, status, status_text, responsible, deadline)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?.execute(params![
                    plan_id,
                    i as i64,
                    item.goal,
                    item.measure,
                    item.status.map(|s| s.as_str()),
                    item.status_text,
                    item.responsible,
                    item.deadline
                ],
            )?;
        }
    }
    for (pos, t) in record.tables.iter().enumerate() {
        let header = serde_json::to_string(&t.header).unwrap_or_else(|_| "[]".into());
        let rows = serde_json::to_string(&t.rows).unwrap_or_else(|_| "[]".into());
        tx.prepare_cached(
            "INSERT INTO record_tables (document_id, position, caption, header_json, rows_json)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![doc_id, pos as i64, t.caption, header, rows])?;
    }
    Ok(())
}

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// Insert points depth-first; `path` is positional (`2`, `2.1`), the label is as written.
fn insert_points(
    tx: &Connection,
    doc_id: i64,
    case: i64,
    kind: PointKind,
    points: &[Point],
    prefix: &str,
    depth: u32,
) -> Result<(), StoreError> {
    let kind_str = match kind {
        PointKind::Proposal => "proposal",
        PointKind::Decision => "decision",
    };
    for (i, p) in points.iter().enumerate() {
        let path = if prefix.is_empty() { format!("{}", i + 1) } else { format!("{prefix}.{}", i + 1) };
        tx.prepare_cached(
            "INSERT INTO decision_points (document_id, case_id, kind, path, depth, label, text, placeholder)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![doc_id, case, kind_str, path, depth, p.label, p.text, p.placeholder])?;
        insert_points(tx, doc_id, case, kind, &p.children, &path, depth + 1)?;
    }
    Ok(())
}

/// Recompute title and date of the touched cases from their sources (a case text before an
/// agenda row, then path order); delete cases no document mentions any more.
fn refresh_cases(tx: &Connection, touched: &BTreeSet<i64>) -> Result<(), StoreError> {
    if touched.is_empty() {
        return Ok(());
    }
    // prepared once per record and not cached: SQLite marks this join's case id as a value
    // that may change its plan, so a statement handed back to rusqlite's cache (which clears
    // its bindings) is prepared again on every use, while rebinding it here is not
    let mut stmt = tx.prepare(
        "SELECT cs.title, cs.date FROM case_sources cs JOIN documents d ON d.id = cs.document_id
         WHERE cs.case_id = ?1 ORDER BY cs.role = 'case' DESC, d.path, cs.position",
    )?;
    for &id in touched {
        let sources: Vec<(Option<String>, Option<String>)> = {
            let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        if sources.is_empty() {
            tx.prepare_cached("DELETE FROM cases WHERE id = ?1")?.execute([id])?;
            continue;
        }
        let title = sources.iter().find_map(|(t, _)| t.clone().filter(|t| !t.trim().is_empty()));
        let date = sources.iter().find_map(|(_, d)| d.clone());
        tx.prepare_cached("UPDATE cases SET title = ?1, date = ?2 WHERE id = ?3")?
            .execute(params![title, date, id])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::reference_key;
    use crate::record::{CaseNum, CaseRef};

    #[test]
    fn references_name_their_committee_or_mean_their_own() {
        let cases: &[(&str, &str, &str)] = &[
            ("Oppfølging sak 3/25 – avvik", "sak 3/25", "SSU 3/2025"),
            ("Vedtak i SSU sak 23/25:", "sak 23/25", "SSU 23/2025"),
            ("Vedtak i SSU sak 23/25:", "23/25", "SSU 23/2025"),
            ("Viser til sak 15/25 i SSU 10.09.2025, der …", "sak 15/25", "SSU 15/2025"),
            ("Viser til LSU Molde sak 04/25.", "sak 04/25", "LSU-MOLDE 4/2025"),
            ("Strategisk samarbeidsutval handsama avvik i sak 16/25", "sak 16/25", "FSU-BARN 16/2025"),
            ("Viser til sak 03.25, der LSU Ålesund drøftet", "sak 03.25", "FSU-BARN 3/2025"),
        ];
        for (context, written, want) in cases {
            let digits: Vec<u32> =
                written.split(|c: char| !c.is_ascii_digit()).filter_map(|d| d.parse().ok()).collect();
            let r = CaseRef {
                number: CaseNum {
                    seq: digits.first().copied().unwrap_or(0),
                    year: 2000 + digits.get(1).copied().unwrap_or(0),
                    as_written: written.to_string(),
                },
                context: context.to_string(),
            };
            let own = if context.starts_with("Oppfølging") { "SSU" } else { "FSU-BARN" };
            assert_eq!(reference_key(own, &r), *want, "{context}");
        }
    }
}
