//! The record contract (schema_version 2): what extraction produces, the store keeps and the
//! renderer reads. Field names are part of the public contract — fields may be added, never
//! renamed. `saksflyt schema` prints the JSON Schema generated from these types; README documents
//! every field.
//!
//! Also here: [`LogEntry`], the decision-log view derived from records by the store.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// 2: `cases[].votes` are objects ([`Vote`]); cases, points, votes and plan items carry `at`.
pub const SCHEMA_VERSION: u32 = 2;

/// One extracted document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Record {
    pub schema_version: u32,
    pub source: Source,
    pub kind: Kind,
    /// `nb` (bokmål), `nn` (nynorsk) or null when undecided.
    pub language: Option<String>,
    pub committee: Option<Committee>,
    pub meeting: Option<Meeting>,
    pub agenda: Vec<AgendaItem>,
    pub cases: Vec<Case>,
    pub plans: Vec<Plan>,
    pub tables: Vec<RecordTable>,
    pub warnings: Vec<String>,
    /// For an attachment (`Vedlegg til sak 12/24`): the case it belongs to. (Added field.)
    #[serde(default)]
    pub attachment_of: Option<CaseNum>,
    /// The traffic lights as the paper defines them (`Grønn – tiltaket er gjennomført`, a table
    /// of colour and meaning): the partnership's adopted definitions, in the paper's words.
    /// (Added field.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_legend: Vec<LegendEntry>,
}

/// One colour of a paper's own traffic-light definitions. (Added type.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LegendEntry {
    pub status: Status,
    /// What the colour means, as the paper words it.
    pub text: String,
    /// Where it was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<At>,
}

impl Record {
    /// Whether the record is a filled-in evaluation form (one of its plans carries form values).
    /// Its meeting evaluates an earlier period (a 2025 form met in January 2026), so its date
    /// never decides the year a run reports on.
    pub fn is_form(&self) -> bool {
        self.plans.iter().any(|p| p.form.is_some())
    }

    pub fn empty(source: Source) -> Self {
        Record {
            schema_version: SCHEMA_VERSION,
            source,
            kind: Kind::Other,
            language: None,
            committee: None,
            meeting: None,
            agenda: Vec::new(),
            cases: Vec::new(),
            plans: Vec::new(),
            tables: Vec::new(),
            warnings: Vec::new(),
            attachment_of: None,
            status_legend: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Source {
    /// The path as given on the command line (or relative to the ingested folder).
    pub path: String,
    pub format: crate::model::Format,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    MeetingInvitation,
    CasePaper,
    Attachment,
    ActionPlan,
    Presentation,
    Minutes,
    Other,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::MeetingInvitation => "meeting_invitation",
            Kind::CasePaper => "case_paper",
            Kind::Attachment => "attachment",
            Kind::ActionPlan => "action_plan",
            Kind::Presentation => "presentation",
            Kind::Minutes => "minutes",
            Kind::Other => "other",
        }
    }
}

/// A committee: `code` from the register (`ASU`, `SSU`, `LSU-MOLDE`, `FSU-BARN`, …) when known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Committee {
    pub code: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Meeting {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM`.
    pub start: Option<String>,
    pub end: Option<String>,
    pub place: Option<String>,
}

/// A case number as committees write it: `18/24` → seq 18, year 2024.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct CaseNum {
    pub seq: u32,
    /// Four digits; two-digit years are read as 20xx.
    pub year: u32,
    /// The text as it stood in the document (`Sak 09-2022`, `18/24`).
    pub as_written: String,
}

impl CaseNum {
    /// The canonical short form, `18/2024`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.seq, self.year)
    }

    /// The committee style, `18/24`.
    pub fn short(&self) -> String {
        format!("{}/{:02}", self.seq, self.year % 100)
    }
}

/// A reference from one case to another, with the sentence it stood in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CaseRef {
    #[serde(flatten)]
    pub number: CaseNum,
    pub context: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AgendaItem {
    pub case: Option<CaseNum>,
    pub start: String,
    pub end: String,
    pub minutes: Option<u32>,
    pub title: String,
    pub sub_items: Vec<String>,
    pub responsible: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Case {
    /// Null when the paper is not yet numbered.
    pub number: Option<CaseNum>,
    pub title: Option<String>,
    pub committee: Option<Committee>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Case owners (`Saksansvarlig`).
    pub owners: Vec<String>,
    /// Officers (`Saksbehandler`, `Sakshandsamar`).
    pub officers: Vec<String>,
    /// The proposed decision (`Forslag til vedtak`, `Innstilling`, `Anbefaling` …).
    pub proposal: Vec<Point>,
    /// The adopted decision (`Vedtak`).
    pub decision: Vec<Point>,
    /// Other cases this one refers to.
    pub references: Vec<CaseRef>,
    pub attachments: Vec<String>,
    pub sections: Vec<Section>,
    /// The archive reference (`Arkivsaksnr.`, `Vår ref`, `Arkivreferanse`), kept apart from the
    /// case number. (Added field.)
    #[serde(default)]
    pub archive_ref: Option<String>,
    /// Votes and adoptions from minutes (`Enstemmig vedtatt`, `For forslaget stemte 5: …`).
    /// (Added field; objects since schema 2 — a stored schema-1 string reads as a vote with
    /// only its text.)
    #[serde(default, deserialize_with = "votes_compat")]
    pub votes: Vec<Vote>,
    /// Where the case starts (its header, marker or first line). (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<At>,
}

impl Case {
    /// A case with its number only, every other field empty (for code and tests that build
    /// cases).
    pub fn numbered(number: Option<CaseNum>) -> Case {
        Case {
            number,
            title: None,
            committee: None,
            date: None,
            owners: vec![],
            officers: vec![],
            proposal: vec![],
            decision: vec![],
            references: vec![],
            attachments: vec![],
            sections: vec![],
            archive_ref: None,
            votes: vec![],
            at: None,
        }
    }
}

/// Where a value was read: the index of the block in the document (as `saksflyt blocks` prints
/// it) and, for PDF, the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct At {
    pub block: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// One vote or adoption in minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Vote {
    /// The vote's lines as written (`For forslaget stemte 7: … Imot forslaget stemte 4: …`).
    pub text: String,
    /// Votes for the adopted proposal (in an alternative vote, the adopted one's count).
    #[serde(rename = "for", default, skip_serializing_if = "Option::is_none")]
    pub for_: Option<u32>,
    /// Votes against (in an alternative vote, the other proposal's count); 0 when the paper
    /// gives a count for and no count against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub against: Option<u32>,
    /// `Enstemmig vedtatt`, `Samrøystes vedteke`.
    #[serde(default)]
    pub unanimous: bool,
    /// Whether the proposal voted on was adopted, when the paper says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<At>,
}

impl Vote {
    pub fn text_only(text: String) -> Self {
        Vote { text, for_: None, against: None, unanimous: false, adopted: None, at: None }
    }
}

/// Schema 1 stored votes as strings; read them as votes with only their text.
fn votes_compat<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Vote>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Text(String),
        Vote(Vote),
    }
    let v: Vec<Repr> = Vec::deserialize(d)?;
    Ok(v.into_iter()
        .map(|r| match r {
            Repr::Text(t) => Vote::text_only(t),
            Repr::Vote(v) => v,
        })
        .collect())
}

/// One point of a proposal or decision, with its sub-points.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Point {
    /// The label as written (`1.`, `a.`, `ii.`), null for unlabelled paragraphs and bullets.
    pub label: Option<String>,
    pub text: String,
    /// True for an empty point (`-`, `–`, or nothing after a colon that announces a list).
    pub placeholder: bool,
    pub children: Vec<Point>,
    /// `YYYY-MM-DD` when the point (or one of its sub-points) names a deadline (`innen
    /// 01.12.2025`, `i møte 11.02.2026`). Set by extraction. (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// The acting subject named in the point (`ber sekretariatet …` → `sekretariatet`). Set by
    /// extraction. (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<String>,
    /// A routine point that asks for no follow-up: approval of the agenda or minutes, taking a
    /// matter to orientation. (Added field.)
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub routine: bool,
    /// A resolution that is done by being adopted and asks nobody to act: an approval (`SSU
    /// godkjenner budsjettet`), an allocation, `slutter seg til`, `støtter`, `gir følgende
    /// innspill`. (Added field.)
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resolution: bool,
    /// When the point follows up an earlier decision (`Oppfølging av sak 3/24`, `jf. vedtak i sak
    /// 17/25 punkt 3`): that decision. (Added field.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follows_up: Vec<FollowsUp>,
    /// A lead-in (`Følgende innspill gis:`) whose list follows as sibling points: part of the
    /// text, not a point to follow up. (Added field.)
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lead_in: bool,
    /// Where the point was read. (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<At>,
    /// Amounts of money the point's own text states (`kr. 50 000,-`, `100.000 kr`), in order.
    /// (Added field.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amounts: Vec<Amount>,
    /// When the point moves the deadline of an earlier decision (`Fristen for … (sak 12/25)
    /// vert utsett til 01.03.2026`, `ny frist …`): that decision and its new deadline. (Added
    /// field.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moves_deadline: Vec<MovesDeadline>,
}

/// A point's move of an earlier decision's deadline. (Added type.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MovesDeadline {
    /// The case whose deadline is moved.
    pub case: CaseNum,
    /// The point of that case's decision, when named (`punkt 2` → `2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<String>,
    /// The register code of the case's committee when the text names another one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committee: Option<String>,
    /// `YYYY-MM-DD`: the new deadline.
    pub deadline: String,
    /// The sentence that says so.
    pub context: String,
}

/// An amount of money named in running text. (Added type.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Amount {
    /// Whole kroner.
    pub nok: i64,
    /// The amount as written.
    pub text: String,
}

/// A point's (or case's) explicit follow-up of an earlier decision. (Added type.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FollowsUp {
    /// The case followed up.
    pub case: CaseNum,
    /// The point of that case's decision, when named (`punkt 3` → `3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<String>,
    /// The register code of the case's committee when the text names another one
    /// (`LSU Ålesund sak 07.25` → `LSU-ALESUND`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committee: Option<String>,
    /// The sentence that says so.
    pub context: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Section {
    pub heading: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Plan {
    pub title: String,
    pub period: Option<Period>,
    pub owner: Option<String>,
    pub items: Vec<PlanItem>,
    /// `YYYY-MM-DD`: the date the statuses were assessed (`Status per 01.09.2025`; for a filled
    /// evaluation form, its meeting date). (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_date: Option<String>,
    /// Set when the plan is a filled-in evaluation form: the committee's new assessment of the
    /// measures of its current plan. (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<EvaluationForm>,
}

/// The meeting that filled in an evaluation form. (Added type.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EvaluationForm {
    /// `YYYY-MM-DD`, when filled in.
    pub meeting_date: Option<String>,
    /// The case number as filled in.
    pub case: Option<String>,
    /// The year the form evaluates (its title `… 2025`), which is not the year of its meeting
    /// (a 2025 evaluation met in January 2026). (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// The meeting date as typed when it is no date (`31.11.2025`, `20/11/2025`). (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_text: Option<String>,
    /// Values the committee filled in that could not be taken (a status outside the list, a
    /// decision that is none of the options), each saying which measure and what was typed.
    /// (Added field.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Period {
    pub from: i32,
    pub to: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PlanItem {
    pub goal: Option<String>,
    pub measure: String,
    pub status: Option<Status>,
    pub status_text: Option<String>,
    pub responsible: Option<String>,
    pub deadline: Option<String>,
    /// The plan's comment column (`Kommentar`: `Manglar finansiering`). (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// An evaluation form's decision for the measure: `continue`, `adjust` or `end`
    /// (videreføre/justere/avslutte). (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// An evaluation form's SMART check boxes (S, M, A, R, T), when filled in. (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smart: Option<[bool; 5]>,
    /// The first, heuristic SMART assessment (S, M, A, R, T) made at extraction from the text:
    /// five words or more; a number or counting word; someone responsible; a goal; a deadline
    /// or a time word (words from the lexicon). (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smart_hint: Option<[bool; 5]>,
    /// `YYYY-MM-DD`: when this item's status was last assessed (the plan's status date, or the
    /// date of the evaluation form that updated it). (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessed: Option<String>,
    /// Where the item was read (its table row's table block, or its line). (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<At>,
}

/// Traffic-light status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Green,
    Yellow,
    Red,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Green => "green",
            Status::Yellow => "yellow",
            Status::Red => "red",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RecordTable {
    pub caption: Option<String>,
    pub header: Vec<TableCell>,
    pub rows: Vec<Vec<TableCell>>,
    /// Rows (indexes into `rows`) that are the source's own sums (`Sum`, `Totalt`): never added
    /// again. (Added field.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sum_rows: Vec<usize>,
    /// The table lists rejected or declined applications (`Søknader som ikke innstilles`):
    /// amounts kept apart from granted sums. (Added field.)
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub declined: bool,
}

/// A typed table cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TableCell {
    pub text: String,
    /// `#RRGGBB` when shaded.
    pub fill: Option<String>,
    pub status: Option<Status>,
    /// An amount of money in whole kroner (`kr 250 000`, `1,2 mill. kr`, `2,5MNOK`).
    pub nok: Option<i64>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
}

/// One line of the decision log (vedtakslogg): a proposal or decision point, derived by the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LogEntry {
    pub committee: Option<Committee>,
    /// `YYYY-MM-DD`: the meeting (or case) date.
    pub meeting_date: Option<String>,
    pub case: Option<CaseNum>,
    pub case_title: Option<String>,
    /// Whether the point was adopted (`decision`) or only proposed (`proposal`).
    pub kind: PointKind,
    /// The point's label path, e.g. `2` or `2.a`.
    pub label: Option<String>,
    /// The point's text, sub-points joined under it.
    pub text: String,
    /// The point's sub-points as a tree (the same content as the lines of `text` after the
    /// first), for documents that show them as nested lists. (Added field.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_points: Vec<Point>,
    pub responsible: Option<String>,
    /// `YYYY-MM-DD` when the text names a deadline.
    pub deadline: Option<String>,
    pub status: LogStatus,
    /// Later cases that follow up this point.
    pub follow_ups: Vec<FollowUp>,
    /// A routine point (approval of agenda or minutes, orientation): never open. (Added field.)
    #[serde(default)]
    pub routine: bool,
    /// Why the point has its status, in words of the data: the referring sentence, the deadline,
    /// or the routine wording. (Added field.)
    #[serde(default)]
    pub reason: Option<String>,
    /// `YYYY-MM-DD`, for an overdue point: the date its deadline is judged against (the newest
    /// meeting or case date of the papers). (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// When a later decision moved the point's deadline: which, and the deadline before it
    /// (`deadline` is then the new one). (Added field.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_moved: Option<DeadlineMoved>,
    /// Source documents (paths) the point was seen in.
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PointKind {
    Proposal,
    Decision,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LogStatus {
    Open,
    FollowedUp,
    Overdue,
    Placeholder,
    /// A routine point (approval of agenda or minutes, orientation): nothing to follow up.
    Routine,
    /// A resolution done by being adopted (an approval, a statement of support, comments
    /// given): nobody is asked to act.
    Resolved,
}

impl LogStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LogStatus::Open => "open",
            LogStatus::FollowedUp => "followed_up",
            LogStatus::Overdue => "overdue",
            LogStatus::Placeholder => "placeholder",
            LogStatus::Routine => "routine",
            LogStatus::Resolved => "resolved",
        }
    }
}

/// A later decision that moved a log entry's deadline. (Added type.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DeadlineMoved {
    /// `YYYY-MM-DD`: the deadline before the move (the point's own), if it had one.
    pub from: Option<String>,
    /// The case that moved it, its date and committee.
    pub case: Option<CaseNum>,
    pub date: Option<String>,
    pub committee: Option<Committee>,
    /// The sentence that moves it.
    pub context: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FollowUp {
    pub case: Option<CaseNum>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub committee: Option<Committee>,
    /// The sentence that refers back.
    pub context: String,
}
