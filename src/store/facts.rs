//! Derived facts: what the reports need, derived once from the stored records and kept in
//! tables (schema version 3), so a report reads only its year or committee.
//!
//! [`Store::refresh_facts`] derives them when a document was written or removed since the last
//! derivation (`facts_state.stale`, set in the same transaction as the write): `ingest` and
//! `run` call it at their end; a reading command calls it too, so an older store (or one whose
//! ingest was killed before the end) derives once on first use. The derivation streams the
//! records from SQLite, one at a time, through the same code the in-memory path uses:
//!
//! 1. [`derive::Sieve`] in best-form order (format rank, path): the papers (one record per
//!    paper), holding only the identities of kept records;
//! 2. the kept papers in path order into `papers`, `paper_years`, `paper_dates`;
//! 3. the decision log one committee at a time: [`log::LogBuilder`] over the papers that add to
//!    or follow up that committee's cases (path order; holding the chosen points of that
//!    committee's cases only), its entries written into `log_json` as they come and their small
//!    columns numbered in the log's order ([`log::EntryOrder`]) into `log_order`; the view
//!    `log_entries` joins the two — the same log as [`log::derive`] of all papers;
//! 4. [`derive::plans_and_findings`] over the papers that hold plans (a few per committee):
//!    `current_plans` (papers too large for the documents left out, as the documents do) and
//!    `form_findings` (all papers, as the review list does).
//!
//! The log's statuses depend on the newest date among the papers ([`log::as_of`]); since every
//! change re-derives the whole log, the stored statuses are those of the current store.
//!
//! Nothing here reads Norwegian text: it runs the store's derive steps and indexes their
//! results.

use super::{committee_key, derive, log, LogFilter, Store, StoreError};
use crate::extract::review::Finding;
use crate::record::{Committee, LogEntry, LogStatus, Record};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use std::collections::BTreeSet;

/// Largest record (as JSON) of one paper that goes into the generated documents (see
/// `render::docs::MAX_PAPER_BYTES_IN_DOCUMENTS`, which is this value).
pub const MAX_PAPER_BYTES_IN_DOCUMENTS: u64 = 4 * 1024 * 1024;

/// The facts every document needs whatever its year or committee: small (the current plans
/// and the distinct dates), read whole.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// The current plans ([`derive::current_plans`] of the papers in the documents).
    pub current_plans: Vec<derive::CurrentPlan>,
    /// The distinct meeting and case dates of the papers in the documents, as written, with
    /// whether the paper is an evaluation form; newest first.
    pub dates: Vec<(String, bool)>,
    /// The newest year of an evaluation form (`EvaluationForm::year`).
    pub form_year: Option<i32>,
    /// The newest case-number year of a paper that is no evaluation form.
    pub case_year: Option<i32>,
    /// The papers that define the traffic-light colours (`Record::status_legend`), whatever
    /// their year: the documents' legend is the partnership's own when a paper gives it.
    pub legend_papers: Vec<Record>,
}

/// A paper left out of the documents because its record is too large.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oversized {
    pub path: String,
    pub bytes: u64,
}

/// The year of a date as written (`2025-03-01` → 2025): the part before the first `-`.
fn date_year(d: &str) -> Option<i32> {
    d.trim().split('-').next()?.parse().ok()
}

/// The years a record speaks of: meeting, case and plan status dates, case numbers (a report
/// for a year reads the papers of that year; its own rules decide what counts).
fn years_of(r: &Record) -> BTreeSet<i32> {
    let mut out = BTreeSet::new();
    let dates = r
        .meeting
        .iter()
        .map(|m| m.date.as_str())
        .chain(r.cases.iter().filter_map(|c| c.date.as_deref()))
        .chain(r.plans.iter().filter_map(|p| p.status_date.as_deref()));
    out.extend(dates.filter_map(date_year));
    out.extend(r.cases.iter().filter_map(|c| c.number.as_ref()).map(|n| n.year as i32));
    out.extend(r.attachment_of.iter().map(|n| n.year as i32));
    out
}

/// The committee keys whose cases a paper adds to or follows up ([`log::LogBuilder::add`]):
/// its own committee (agenda rows, attachments, cases without a committee of their own), each
/// case's committee, and the committee of each case its points follow up or whose deadline its
/// decisions move.
fn log_committees(r: &Record) -> BTreeSet<String> {
    let own = committee_key(r.committee.as_ref());
    let mut out = BTreeSet::from([own.clone()]);
    for case in &r.cases {
        let ckey = case.committee.as_ref().map_or_else(|| own.clone(), |c| committee_key(Some(c)));
        let points = case.decision.iter().chain(case.proposal.iter());
        for f in points.flat_map(|p| p.follows_up.iter()) {
            out.insert(f.committee.clone().unwrap_or_else(|| ckey.clone()));
        }
        for m in case.decision.iter().flat_map(|p| p.moves_deadline.iter()) {
            out.insert(m.committee.clone().unwrap_or_else(|| ckey.clone()));
        }
        out.insert(ckey);
    }
    out
}

/// What the facts keep of a kept paper until its row is written (in path order): its
/// `papers` columns, years and dates, what the decision log needs to find it, and the record
/// itself only when it holds plans (a few per committee).
struct PaperRow {
    id: i64,
    path: String,
    committee: String,
    bytes: u64,
    oversized: bool,
    form: bool,
    review: bool,
    plan_from: Option<i32>,
    plan_to: Option<i32>,
    form_year: Option<i32>,
    case_year: Option<i32>,
    legend: bool,
    years: BTreeSet<i32>,
    /// Meeting and case dates as written (duplicates are ignored by the insert).
    dates: Vec<String>,
    /// [`log::as_of_papers`] of this paper.
    as_of: Option<String>,
    /// [`log_committees`] of this paper.
    log_committees: BTreeSet<String>,
    plans: Option<Record>,
}

impl PaperRow {
    fn of(id: i64, path: String, bytes: u64, rec: Record) -> PaperRow {
        let form = rec.is_form();
        let periods = rec.plans.iter().filter_map(|p| p.period);
        let plan_from = periods.clone().map(|p| p.from).min();
        let plan_to = periods.map(|p| p.to).max();
        let form_year = rec.plans.iter().filter_map(|p| p.form.as_ref()?.year).max();
        let case_year = rec.cases.iter().filter_map(|c| c.number.as_ref()).map(|n| n.year as i32).max();
        let dates = rec
            .meeting
            .iter()
            .map(|m| m.date.clone())
            .chain(rec.cases.iter().filter_map(|c| c.date.clone()))
            .collect();
        PaperRow {
            id,
            committee: committee_key(rec.committee.as_ref()),
            bytes,
            oversized: bytes > MAX_PAPER_BYTES_IN_DOCUMENTS,
            form,
            review: !crate::extract::review::check(&rec).is_empty(),
            plan_from,
            plan_to,
            form_year,
            case_year: if form { None } else { case_year },
            legend: !rec.status_legend.is_empty(),
            years: years_of(&rec),
            dates,
            as_of: log::as_of_papers(std::slice::from_ref(&rec)),
            log_committees: log_committees(&rec),
            plans: (!rec.plans.is_empty()).then_some(rec),
            path,
        }
    }
}

fn bad(path: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::BadRecord { path: path.to_string(), message: e.to_string() }
}

fn parse_record(path: &str, json: &str) -> Result<Record, StoreError> {
    serde_json::from_str(json).map_err(|e| bad(path, e))
}

impl Store {
    /// Whether the derived facts are older than the records (a document was written or
    /// removed since they were derived).
    pub fn facts_stale(&self) -> Result<bool, StoreError> {
        let v: Option<String> = self
            .conn
            .query_row("SELECT value FROM facts_state WHERE key = 'stale'", [], |r| r.get(0))
            .optional()?;
        Ok(v.as_deref() != Some("0"))
    }

    /// Derive the facts when they are stale; true when they were derived.
    pub fn refresh_facts(&mut self) -> Result<bool, StoreError> {
        if !self.facts_stale()? {
            return Ok(false);
        }
        self.derive_facts()?;
        Ok(true)
    }

    /// Derive every fact from the stored records (see the module doc), in one transaction.
    pub fn derive_facts(&mut self) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for table in [
            "papers",
            "paper_years",
            "paper_dates",
            "log_order",
            "log_json",
            "current_plans",
            "form_findings",
        ] {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        // 1. the papers: best form first, so the first of a paper's group is kept; a kept
        // record's paper row is made as it is kept (it is never dropped later), so each record
        // is parsed once here
        let mut kept: Vec<PaperRow> = Vec::new();
        {
            // the order first (small rows), then each record by id: no sort over the records
            let mut stmt = tx.prepare(
                "SELECT id, path FROM documents
                 ORDER BY CASE format WHEN 'docx' THEN 0 WHEN 'pdf' THEN 1 ELSE 2 END, path",
            )?;
            let order = stmt
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            let mut get = tx.prepare("SELECT record_json FROM documents WHERE id = ?1")?;
            let mut get_kept = tx.prepare("SELECT record_json FROM documents WHERE id = ?1")?;
            let mut sieve = derive::Sieve::default();
            for (id, path) in order {
                let json: String = get.query_row([id], |r| r.get(0))?;
                let rec = parse_record(&path, &json)?;
                // a kept record's words, asked only when a comparison reaches them: parsed
                // again from the store (its row is the `i`-th of `kept`)
                let mut kept_words = |i: usize| -> Result<derive::WordSet, StoreError> {
                    let Some(k) = kept.get(i) else { return Ok(derive::WordSet::default()) };
                    let json: String = get_kept.query_row([k.id], |r| r.get(0))?;
                    Ok(derive::word_set(&parse_record(&k.path, &json)?))
                };
                if sieve.offer(&rec, &mut kept_words)? {
                    kept.push(PaperRow::of(id, path, json.len() as u64, rec));
                }
            }
        }
        kept.sort_by(|a, b| (&a.path, a.id).cmp(&(&b.path, b.id)));
        // 2. the kept papers in path order: paper rows, the decision log
        // committee key → the kept papers (path order) that add to its cases or follow them up
        let mut touching: std::collections::BTreeMap<String, Vec<(String, i64)>> = Default::default();
        let mut as_of: Option<String> = None;
        let mut plan_papers: Vec<(Record, bool)> = Vec::new();
        // the papers left out of the documents (their log entries too, `docs::leave_out_log_of`)
        let mut oversized_paths: BTreeSet<String> = BTreeSet::new();
        {
            let mut put = tx.prepare(
                "INSERT INTO papers (document_id, path, committee, bytes, oversized, form, has_plans, review,
                 plan_from, plan_to, form_year, case_year, legend)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            let mut put_year =
                tx.prepare("INSERT OR IGNORE INTO paper_years (year, document_id) VALUES (?1, ?2)")?;
            let mut put_date =
                tx.prepare("INSERT OR IGNORE INTO paper_dates (date, document_id) VALUES (?1, ?2)")?;
            for p in kept {
                let id = p.id;
                if p.oversized {
                    oversized_paths.insert(p.path.clone());
                }
                put.execute(params![
                    id,
                    p.path,
                    p.committee,
                    p.bytes as i64,
                    p.oversized,
                    p.form,
                    p.plans.is_some(),
                    p.review,
                    p.plan_from,
                    p.plan_to,
                    p.form_year,
                    p.case_year,
                    p.legend,
                ])?;
                for y in &p.years {
                    put_year.execute(params![y, id])?;
                }
                for d in &p.dates {
                    put_date.execute(params![d, id])?;
                }
                as_of = as_of.max(p.as_of);
                for k in p.log_committees {
                    touching.entry(k).or_default().push((p.path.clone(), id));
                }
                if let Some(rec) = p.plans {
                    plan_papers.push((rec, p.oversized));
                }
            }
        }
        // the decision log, one committee at a time (memory: one committee's cases): its
        // entries written into `log_json` as they come, then their small columns numbered in
        // the log's order into `log_order` (the entries are written once)
        {
            let mut get = tx.prepare("SELECT record_json FROM documents WHERE id = ?1")?;
            let mut stage = tx.prepare(
                "INSERT INTO log_json (committee_code, committee_name, meeting_date, meeting_year,
                 oversized_only, status, entry_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut order: Vec<(log::EntryOrder, i64)> = Vec::new();
            for (key, papers) in &touching {
                let mut builder = log::LogBuilder::default();
                for (path, id) in papers {
                    let json: String = get.query_row([id], |r| r.get(0))?;
                    builder.add(&parse_record(path, &json)?);
                }
                let entries = builder.finish(as_of.clone());
                for (i, e) in entries.into_iter().enumerate() {
                    // a case of another committee seen here: that committee's builder has it whole
                    if committee_key(e.committee.as_ref()) != *key {
                        continue;
                    }
                    let json = serde_json::to_string(&e).map_err(|err| bad("the decision log", err))?;
                    stage.execute(params![
                        e.committee.as_ref().and_then(|c| c.code.clone()),
                        e.committee.as_ref().map(|c| c.name.clone()),
                        e.meeting_date,
                        e.meeting_date.as_deref().and_then(crate::util::parse_iso_date).map(|(y, _, _)| y),
                        !e.sources.is_empty() && e.sources.iter().all(|s| oversized_paths.contains(s)),
                        e.status.as_str(),
                        json
                    ])?;
                    order.push((log::EntryOrder::of(&e, i), tx.last_insert_rowid()));
                }
            }
            order.sort();
            // (the small columns come before `entry_json` in a `log_json` row: reading them does
            // not read the entry)
            let mut put = tx.prepare(
                "INSERT INTO log_order (position, committee_code, committee_name, meeting_date, meeting_year,
                 oversized_only, status, entry)
                 SELECT ?1, committee_code, committee_name, meeting_date, meeting_year, oversized_only, status,
                 id FROM log_json WHERE id = ?2",
            )?;
            for (i, (_, id)) in order.iter().enumerate() {
                put.execute(params![i as i64, id])?;
            }
        }
        // 3. plans: the documents leave oversized papers out, the review list does not
        let all: Vec<Record> = plan_papers.iter().map(|(r, _)| r.clone()).collect();
        let (plans, findings) = derive::plans_and_findings(&all);
        let plans = if plan_papers.iter().any(|(_, o)| *o) {
            let small: Vec<Record> = plan_papers.into_iter().filter(|(_, o)| !*o).map(|(r, _)| r).collect();
            derive::plans_and_findings(&small).0
        } else {
            plans
        };
        {
            let mut put =
                tx.prepare("INSERT INTO current_plans (position, committee, plan_json) VALUES (?1, ?2, ?3)")?;
            for (i, cp) in plans.iter().enumerate() {
                let json = serde_json::to_string(cp).map_err(|err| bad(&cp.source, err))?;
                put.execute(params![i as i64, committee_key(cp.committee.as_ref()), json])?;
            }
            let mut put = tx.prepare(
                "INSERT INTO form_findings (position, file, missing, look_at) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (i, f) in findings.iter().enumerate() {
                put.execute(params![i as i64, f.file, f.missing, f.look_at])?;
            }
        }
        tx.execute("INSERT OR REPLACE INTO facts_state (key, value) VALUES ('stale', '0')", [])?;
        tx.commit()?;
        Ok(())
    }

    fn count_parsed(&self, n: usize) {
        self.parsed.set(self.parsed.get() + n as u64);
    }

    /// How many records and log entries this store value has parsed from JSON since it was
    /// opened (what a report costs; tests check that a report reads only its rows).
    pub fn parsed_rows(&self) -> u64 {
        self.parsed.get()
    }

    fn records_where(&self, sql: &str, args: impl rusqlite::Params) -> Result<Vec<Record>, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let mut rows = stmt.query(args)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let (path, json): (String, String) = (row.get(0)?, row.get(1)?);
            out.push(parse_record(&path, &json)?);
        }
        self.count_parsed(out.len());
        Ok(out)
    }

    /// The facts every document needs (current plans, dates, newest years).
    pub fn facts(&self) -> Result<Facts, StoreError> {
        let mut stmt = self.conn.prepare("SELECT plan_json FROM current_plans ORDER BY position")?;
        let mut current_plans = Vec::new();
        for json in stmt.query_map([], |r| r.get::<_, String>(0))? {
            current_plans.push(serde_json::from_str(&json?).map_err(|e| bad("the current plans", e))?);
        }
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT d.date, p.form FROM paper_dates d JOIN papers p ON p.document_id = d.document_id
             WHERE NOT p.oversized ORDER BY d.date DESC, p.form",
        )?;
        let dates = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<(String, bool)>, _>>()?;
        let (form_year, case_year) = self.conn.query_row(
            "SELECT max(form_year), max(case_year) FROM papers WHERE NOT oversized",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let legend_papers = self.records_where(
            "SELECT d.path, d.record_json FROM papers p JOIN documents d ON d.id = p.document_id
             WHERE NOT p.oversized AND p.legend ORDER BY d.path",
            [],
        )?;
        Ok(Facts { current_plans, dates, form_year, case_year, legend_papers })
    }

    /// The papers (one record per paper, in path order) that speak of `year`, without those too
    /// large for the documents: what a report of that year reads.
    pub fn papers_of_year(&self, year: i32) -> Result<Vec<Record>, StoreError> {
        self.records_where(
            "SELECT d.path, d.record_json FROM papers p JOIN documents d ON d.id = p.document_id
             WHERE NOT p.oversized AND (p.document_id IN (SELECT document_id FROM paper_years WHERE year = ?1)
                OR (p.plan_from <= ?1 AND p.plan_to >= ?1))
             ORDER BY d.path",
            [year],
        )
    }

    /// The papers that hold action plans or evaluation forms, without those too large for the
    /// documents (the history of a plan's measures), in path order.
    pub fn plan_papers(&self) -> Result<Vec<Record>, StoreError> {
        self.records_where(
            "SELECT d.path, d.record_json FROM papers p JOIN documents d ON d.id = p.document_id
             WHERE NOT p.oversized AND p.has_plans ORDER BY d.path",
            [],
        )
    }

    /// The papers extraction left something to review in (`extract::review::check`), in path
    /// order.
    pub fn papers_to_review(&self) -> Result<Vec<Record>, StoreError> {
        self.records_where(
            "SELECT d.path, d.record_json FROM papers p JOIN documents d ON d.id = p.document_id
             WHERE p.review ORDER BY d.path",
            [],
        )
    }

    /// What the evaluation forms filled in and could not be applied, and why.
    pub fn form_findings(&self) -> Result<Vec<Finding>, StoreError> {
        let mut stmt =
            self.conn.prepare("SELECT file, missing, look_at FROM form_findings ORDER BY position")?;
        let rows =
            stmt.query_map([], |r| Ok(Finding { file: r.get(0)?, missing: r.get(1)?, look_at: r.get(2)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The papers left out of the documents because their record is too large, in path order.
    pub fn oversized(&self) -> Result<Vec<Oversized>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT path, bytes FROM papers WHERE oversized ORDER BY path")?;
        let rows = stmt
            .query_map([], |r| Ok(Oversized { path: r.get(0)?, bytes: r.get::<_, i64>(1)?.max(0) as u64 }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The number of papers (one per paper, however many formats).
    pub fn paper_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row("SELECT count(*) FROM papers", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Entries of the stored decision log that pass `filter`, in the log's order; with
    /// `until`, only entries of a meeting on or before that date (or undated). Reads only the
    /// rows of the committees the filter names (and only open ones when it asks for those).
    pub fn log_entries(&self, filter: &LogFilter, until: Option<&str>) -> Result<Vec<LogEntry>, StoreError> {
        let named =
            |c: &Committee| filter.committee.as_deref().is_none_or(|want| super::committee_matches(c, want));
        let out = self.log_rows(filter.open_only, until, filter.committee.is_some().then_some(&named))?;
        Ok(out.into_iter().filter(|e| filter.matches(e)).collect())
    }

    /// The entries of the committees `keep` accepts, in the log's order (only the open and
    /// overdue ones with `open_only`). `keep` is asked once per distinct committee of the log,
    /// so a document picks its rows by its own committee rule and no other entry is parsed.
    pub fn log_entries_of(
        &self,
        open_only: bool,
        keep: &dyn Fn(&Committee) -> bool,
    ) -> Result<Vec<LogEntry>, StoreError> {
        self.log_rows(open_only, None, Some(keep))
    }

    /// The distinct committees (code, name) of the log's entries that `keep` accepts; entries
    /// without a committee name are never among them.
    fn kept_committees(
        &self,
        keep: &dyn Fn(&Committee) -> bool,
    ) -> Result<Vec<(Option<String>, String)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT DISTINCT committee_code, committee_name FROM log_order")?;
        let pairs = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<(Option<String>, Option<String>)>, _>>()?;
        Ok(pairs
            .into_iter()
            .filter_map(|(code, name)| Some((code, name?)))
            .filter(|(code, name)| keep(&Committee { code: code.clone(), name: name.clone() }))
            .collect())
    }

    /// Every entry of the stored log (only the open and overdue ones with `open_only`) in the
    /// log's order, parsed and handed over one at a time.
    pub(super) fn each_stored_log_entry(
        &self,
        open_only: bool,
        each: &mut dyn FnMut(LogEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let sql = if open_only {
            "SELECT entry_json FROM log_entries WHERE status IN ('open', 'overdue') ORDER BY position"
        } else {
            "SELECT entry_json FROM log_entries ORDER BY position"
        };
        let mut stmt = self.conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            let json: String = row.get(0)?;
            let e: LogEntry = serde_json::from_str(&json).map_err(|e| bad("the decision log", e))?;
            n += 1;
            each(e)?;
        }
        self.count_parsed(n);
        Ok(())
    }

    /// The log's rows in its order: only open and overdue ones with `open_only`, only of a
    /// meeting on or before `until` (or undated), only of the committees `keep` accepts (asked
    /// once per distinct committee of the log; entries without a committee are then left out).
    fn log_rows(
        &self,
        open_only: bool,
        until: Option<&str>,
        keep: Option<&dyn Fn(&Committee) -> bool>,
    ) -> Result<Vec<LogEntry>, StoreError> {
        let mut sql = String::from("SELECT position, entry_json FROM log_entries WHERE 1");
        if open_only {
            sql.push_str(" AND status IN ('open', 'overdue')");
        }
        if until.is_some() {
            sql.push_str(" AND (meeting_date IS NULL OR meeting_date <= ?1)");
        } else {
            sql.push_str(" AND ?1 IS NULL");
        }
        let mut out: Vec<(i64, LogEntry)> = Vec::new();
        let mut read = |sql: &str, extra: &[&dyn rusqlite::ToSql]| -> Result<(), StoreError> {
            let mut stmt = self.conn.prepare_cached(sql)?;
            let args: Vec<&dyn rusqlite::ToSql> =
                std::iter::once(&until as &dyn rusqlite::ToSql).chain(extra.iter().copied()).collect();
            let mut rows = stmt.query(args.as_slice())?;
            while let Some(row) = rows.next()? {
                let (pos, json): (i64, String) = (row.get(0)?, row.get(1)?);
                let e: LogEntry = serde_json::from_str(&json).map_err(|e| bad("the decision log", e))?;
                out.push((pos, e));
            }
            Ok(())
        };
        match keep {
            None => read(&format!("{sql} ORDER BY position"), &[])?,
            Some(keep) => {
                let q = format!("{sql} AND committee_code IS ?2 AND committee_name IS ?3");
                for (code, name) in self.kept_committees(keep)? {
                    read(&q, &[&code, &name])?;
                }
            }
        }
        out.sort_by_key(|(p, _)| *p);
        self.count_parsed(out.len());
        Ok(out.into_iter().map(|(_, e)| e).collect())
    }

    /// How many decision-log entries a document would list ([`Listed`]), counted in SQL
    /// without reading an entry.
    pub fn listed_count(&self, listed: &Listed<'_>) -> Result<u64, StoreError> {
        let mut n = 0u64;
        self.each_listed_query(listed, "log_order", "count(*)", &mut |row| {
            n += row.get::<_, i64>(0)?.max(0) as u64;
            Ok(())
        })?;
        Ok(n)
    }

    /// The case title and text of each entry a document would list ([`Listed`]), in no
    /// particular order; SQLite takes the two fields out of the stored JSON, so no entry is
    /// parsed here.
    pub fn listed_texts(
        &self,
        listed: &Listed<'_>,
        each: &mut dyn FnMut(Option<&str>, &str),
    ) -> Result<(), StoreError> {
        self.each_listed_query(
            listed,
            "log_entries",
            "json_extract(entry_json, '$.case_title'), json_extract(entry_json, '$.text')",
            &mut |row| {
                let title = row.get_ref(0)?.as_str_or_null().map_err(rusqlite::Error::from)?;
                let text = row.get_ref(1)?.as_str_or_null().map_err(rusqlite::Error::from)?;
                each(title, text.unwrap_or_default());
                Ok(())
            },
        )
    }

    /// Runs `SELECT {columns} FROM {from}` over the rows `listed` picks (once per picked
    /// committee when it names committees), handing each result row to `each`. `from` is
    /// `log_order` when the columns need no entry (counts), else the view `log_entries`.
    fn each_listed_query(
        &self,
        listed: &Listed<'_>,
        from: &str,
        columns: &str,
        each: &mut dyn FnMut(&rusqlite::Row<'_>) -> Result<(), rusqlite::Error>,
    ) -> Result<(), StoreError> {
        let mut sql = format!("SELECT {columns} FROM {from} WHERE NOT oversized_only");
        if listed.open_only {
            sql.push_str(&format!(" AND {OPEN_SQL}"));
        }
        if listed.registered_only {
            sql.push_str(" AND committee_code IS NOT NULL");
        }
        if listed.until.is_some() {
            sql.push_str(" AND (meeting_date IS NULL OR meeting_date <= ?1)");
        } else {
            sql.push_str(" AND ?1 IS NULL");
        }
        let mut run = |sql: &str, extra: &[&dyn rusqlite::ToSql]| -> Result<(), StoreError> {
            let mut stmt = self.conn.prepare_cached(sql)?;
            let args: Vec<&dyn rusqlite::ToSql> =
                std::iter::once(&listed.until as &dyn rusqlite::ToSql).chain(extra.iter().copied()).collect();
            let mut rows = stmt.query(args.as_slice())?;
            while let Some(row) = rows.next()? {
                each(row)?;
            }
            Ok(())
        };
        match listed.keep {
            None => run(&sql, &[]),
            Some(keep) => {
                let q = format!("{sql} AND committee_code IS ?2 AND committee_name IS ?3");
                for (code, name) in self.kept_committees(keep)? {
                    run(&q, &[&code, &name])?;
                }
                Ok(())
            }
        }
    }
}

/// Which decision-log entries a document lists, as the store can pick them without reading
/// an entry: never those whose every source is a paper too large for the documents
/// (`oversized_only`, as `render::docs::leave_out_log_of` leaves them out).
#[derive(Clone, Copy, Default)]
pub struct Listed<'a> {
    /// Only open and overdue entries.
    pub open_only: bool,
    /// Only entries of a meeting on or before this date (or undated).
    pub until: Option<&'a str>,
    /// Only entries of the partnership's bodies: a committee with a register code
    /// (`render::data::in_register`).
    pub registered_only: bool,
    /// Only entries of the committees this accepts (asked once per distinct committee of the
    /// log; entries without a committee are then left out), as [`Store::log_entries_of`].
    pub keep: Option<&'a dyn Fn(&Committee) -> bool>,
}

impl std::fmt::Debug for Listed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listed")
            .field("open_only", &self.open_only)
            .field("until", &self.until)
            .field("registered_only", &self.registered_only)
            .field("keep", &self.keep.map(|_| "…"))
            .finish()
    }
}

/// One group of the decision log's tally: a committee (as the entries carry it), the year of
/// the meeting (`YYYY-MM-DD` dates only) and a status, with how many entries it holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogTallyRow {
    pub committee: Option<Committee>,
    pub year: Option<i32>,
    pub status: LogStatus,
    pub count: u64,
}

/// The decision log counted by committee, year and status, without the entries the documents
/// leave out (those whose every source is a paper too large for them): what the dashboard
/// summarises instead of listing (its older history).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogTally {
    /// Sorted by committee, year, status; no empty group.
    pub rows: Vec<LogTallyRow>,
}

/// The year of a meeting date (`YYYY-MM-DD` only), as `log_entries.meeting_year` holds it.
pub fn meeting_year(date: Option<&str>) -> Option<i32> {
    date.and_then(crate::util::parse_iso_date).map(|(y, _, _)| y)
}

fn log_status(s: &str) -> Option<LogStatus> {
    [
        LogStatus::Open,
        LogStatus::FollowedUp,
        LogStatus::Overdue,
        LogStatus::Placeholder,
        LogStatus::Routine,
        LogStatus::Resolved,
    ]
    .into_iter()
    .find(|st| st.as_str() == s)
}

impl LogTally {
    /// The tally of `entries` (a whole decision log, the documents' leaving-out already done).
    pub fn of(entries: &[LogEntry]) -> LogTally {
        let mut groups: std::collections::BTreeMap<(Option<Committee>, Option<i32>, LogStatus), u64> =
            Default::default();
        for e in entries {
            *groups
                .entry((e.committee.clone(), meeting_year(e.meeting_date.as_deref()), e.status))
                .or_default() += 1;
        }
        LogTally {
            rows: groups
                .into_iter()
                .map(|((committee, year, status), count)| LogTallyRow { committee, year, status, count })
                .collect(),
        }
    }

    /// The number of entries.
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|r| r.count).sum()
    }
}

/// Log statuses of points still to be done (the dashboard lists them all).
const OPEN_SQL: &str = "status IN ('open', 'overdue')";

impl Store {
    /// The decision log's tally ([`LogTally`]): one SQL aggregate over `log_entries`, read in
    /// group order from its `log_order_tally` index alone (no temporary B-tree, no entry
    /// parsed).
    pub fn log_tally(&self) -> Result<LogTally, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT committee_code, committee_name, meeting_year, status, count(*) FROM log_order
             WHERE oversized_only = 0 GROUP BY status, meeting_year, committee_code, committee_name",
        )?;
        let mut rows = Vec::new();
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let (code, name, year, status, count): (
                Option<String>,
                Option<String>,
                Option<i32>,
                String,
                i64,
            ) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            let status =
                log_status(&status).ok_or_else(|| bad("the decision log", format!("status {status:?}")))?;
            let committee = name.map(|name| Committee { code, name });
            rows.push(LogTallyRow { committee, year, status, count: count.max(0) as u64 });
        }
        rows.sort();
        Ok(LogTally { rows })
    }

    /// The entries the dashboard lists (`render::dashboard`), in the log's order, without the
    /// entries the documents leave out: every open and overdue entry, and of the closed ones
    /// not older than `old_before` (meeting year; undated ones included) the newest meetings
    /// filling `max_rows` with the open ones (all entries of the last meeting date that fits,
    /// so the dashboard's own tie-break decides). Reads and parses only those rows.
    pub fn dashboard_log(
        &self,
        old_before: Option<i32>,
        max_rows: usize,
    ) -> Result<Vec<LogEntry>, StoreError> {
        let open: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM log_order WHERE {OPEN_SQL} AND NOT oversized_only"),
            [],
            |r| r.get(0),
        )?;
        let room = max_rows.saturating_sub(open.max(0) as usize);
        // (`NOT oversized_only`, not `= 0`: the date index orders these, not the tally's)
        let recent = "NOT status IN ('open', 'overdue') AND NOT oversized_only
             AND (meeting_year IS NULL OR ?1 IS NULL OR meeting_year >= ?1)";
        let mut out: Vec<(i64, LogEntry)> = Vec::new();
        let mut read = |sql: &str, args: &[&dyn rusqlite::ToSql]| -> Result<(), StoreError> {
            let mut stmt = self.conn.prepare(sql)?;
            let mut rows = stmt.query(args)?;
            while let Some(row) = rows.next()? {
                let (pos, json): (i64, String) = (row.get(0)?, row.get(1)?);
                let e: LogEntry = serde_json::from_str(&json).map_err(|e| bad("the decision log", e))?;
                out.push((pos, e));
            }
            Ok(())
        };
        read(
            &format!("SELECT position, entry_json FROM log_entries WHERE {OPEN_SQL} AND NOT oversized_only"),
            &[],
        )?;
        if room > 0 {
            // the date of the room-th newest closed entry: newer ones and that date's all fit
            let cutoff: Option<Option<String>> = self
                .conn
                .query_row(
                    &format!(
                        "SELECT meeting_date FROM log_order WHERE {recent}
                         ORDER BY meeting_date DESC LIMIT 1 OFFSET ?2"
                    ),
                    params![old_before, (room - 1) as i64],
                    |r| r.get(0),
                )
                .optional()?;
            match cutoff {
                Some(Some(date)) => read(
                    &format!(
                        "SELECT position, entry_json FROM log_entries WHERE meeting_date >= ?2 AND {recent}"
                    ),
                    &[&old_before, &date],
                )?,
                // fewer dated closed entries than the room: all of them, undated ones too
                _ => read(
                    &format!("SELECT position, entry_json FROM log_entries WHERE {recent}"),
                    &[&old_before],
                )?,
            }
        }
        out.sort_by_key(|(p, _)| *p);
        self.count_parsed(out.len());
        Ok(out.into_iter().map(|(_, e)| e).collect())
    }
}
