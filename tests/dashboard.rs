//! The dashboard (issue 22): its counts against the Word documents' contexts, and the page in a
//! real browser — headless Chromium opens the file from disk, runs its script, and the test reads
//! the DOM it dumps: the counts shown, a URL hash filter, XSS payloads that must run nothing, no
//! request (CSP violations reported into the DOM), and an axe-core accessibility check.
//!
//! The browser tests skip only when `chromium` is missing and `CI` is unset; the axe check also
//! needs `axe.min.js` (`.ci/run` installs the npm package `axe-core` into `target/axe`; or set
//! `AXE_CORE_JS`).

use regex::Regex;
use saksflyt::config::Register;
use saksflyt::model::Format;
use saksflyt::record::{Committee, Plan, PlanItem, Record, Source, Status};
use saksflyt::render::dashboard::{self, DashboardOptions};
use saksflyt::render::{data, DecisionLogOptions, Lang, ReportInput, StatusOptions};
use saksflyt::store::ingest;
use saksflyt::store::{LogFilter, Store};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn samples_input(lang: Lang) -> ReportInput {
    static INPUT: OnceLock<ReportInput> = OnceLock::new();
    let mut input = INPUT
        .get_or_init(|| {
            // Relative paths: record sources must not depend on the checkout.
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            std::env::set_current_dir(root).unwrap();
            let (candidates, skipped) = ingest::walk(&[PathBuf::from("samples")]).unwrap();
            let mut store = Store::open_in_memory().unwrap();
            let register = Register::default();
            let summary = ingest::ingest(
                &mut store,
                &candidates,
                skipped,
                &register,
                &ingest::Options::default(),
                &mut |_| {},
            )
            .unwrap();
            assert_eq!(summary.failed, 0, "{:?}", summary.failures);
            let records = saksflyt::store::derive::papers(&store.records().unwrap());
            let log = store.decision_log(&LogFilter::default()).unwrap();
            ReportInput { records, log, register, lang: Lang::Nb, facts: None }
        })
        .clone();
    input.lang = lang;
    input
}

fn plan_record(path: &str, date: &str, title: &str, items: &[(&str, Option<Status>)]) -> Record {
    let mut r = Record::empty(Source { path: path.into(), format: Format::Docx, sha256: String::new() });
    r.committee = Some(Committee { code: Some("FSU-BARN".into()), name: "FSU Barn og unge".into() });
    r.plans.push(Plan {
        title: title.into(),
        status_date: Some(date.into()),
        items: items
            .iter()
            .map(|(m, s)| PlanItem {
                goal: Some("1. Koordinerte tjenester".into()),
                measure: m.to_string(),
                status: *s,
                ..PlanItem::default()
            })
            .collect(),
        ..Plan::default()
    });
    r
}

/// Two versions of one plan: two yellow measures turned green and one new red measure.
fn two_rounds(title: &str, measure_d: &str) -> Vec<Record> {
    use Status::*;
    vec![
        plan_record(
            "v1.docx",
            "2025-03-01",
            title,
            &[
                ("Felles forløp for barn med diabetes", Some(Yellow)),
                ("Kartlegge koordinatorer i kommunene", Some(Yellow)),
                ("Ungdomsråd for utvalget", Some(Green)),
            ],
        ),
        plan_record(
            "v2.docx",
            "2025-09-01",
            title,
            &[
                ("Felles forløp for barn med diabetes", Some(Green)),
                ("Kartlegge koordinatorer i kommunene", Some(Green)),
                ("Ungdomsråd for utvalget", Some(Green)),
                (measure_d, Some(Red)),
            ],
        ),
    ]
}

fn input_of(records: Vec<Record>, lang: Lang) -> ReportInput {
    let log = saksflyt::store::log::derive(&records);
    ReportInput { records, log, register: Register::default(), lang, facts: None }
}

#[test]
fn counts_equal_the_status_report_and_the_annual_report() {
    let input = samples_input(Lang::Nb);
    let ctx = dashboard::context(&input, &DashboardOptions::default()).unwrap();
    let status = data::status_report(&input, &StatusOptions::default());
    assert!(!status.plans.is_empty(), "the samples hold action plans");
    assert_eq!(ctx.plans.len(), status.plans.len());
    for (p, s) in ctx.plans.iter().zip(&status.plans) {
        assert_eq!((&p.title, &p.counts), (&s.title, &s.counts));
        let items: usize = p.goals.iter().map(|g| g.items.len()).sum();
        assert_eq!(items as u32, s.counts.total);
    }
    assert_eq!(ctx.totals, status.totals);
    let open = status.open.iter().filter(|e| e.status == "open").count() as u32;
    let overdue = status.open.iter().filter(|e| e.status == "overdue").count() as u32;
    assert_eq!((ctx.open_total, ctx.overdue_total), (open, overdue));
    assert!(open + overdue > 0, "the samples have open points");
    let year = data::latest_year(&input.records).unwrap();
    let annual = data::annual_report(&input, year);
    assert_eq!(ctx.year, Some(year));
    assert_eq!(ctx.fsu_totals, annual.status_totals);
    let names =
        |v: &[data::AreaCtx]| v.iter().map(|a| (a.name.clone(), a.counts.clone())).collect::<Vec<_>>();
    assert_eq!(names(&ctx.fsu_status), names(&annual.fsu_status));
    let log = data::decision_log(&input, &DecisionLogOptions { all_bodies: true, ..Default::default() });
    let summarised: u32 = ctx.log_summary.iter().map(|s| s.count).sum();
    assert_eq!(ctx.log.len() + summarised as usize, log.entries.len());
    assert_eq!(ctx.log_total, log.entries.len());
    // by deadline, those without one last
    let deadlines: Vec<(bool, Option<String>)> =
        ctx.log.iter().map(|r| (r.entry.deadline.is_none(), r.entry.deadline.clone())).collect();
    assert!(deadlines.windows(2).all(|w| w[0] <= w[1]), "{deadlines:?}");
    // every plan item has its provenance (paper and block)
    for p in &ctx.plans {
        for it in p.goals.iter().flat_map(|g| &g.items) {
            assert_eq!(it.source.path, p.source.path);
            assert!(it.source.block.is_some(), "{}: {} has no block", p.title, it.item.measure);
        }
    }
}

#[test]
fn history_and_change_since_the_previous_round() {
    let input =
        input_of(two_rounds("Handlingsplan FSU Barn og unge", "Digital plan i to kommuner"), Lang::Nb);
    let ctx = dashboard::context(&input, &DashboardOptions::default()).unwrap();
    assert_eq!(ctx.plans.len(), 1, "two versions of one plan are one plan");
    let p = &ctx.plans[0];
    assert_eq!(p.change.previous.as_deref(), Some("2025-03-01"));
    assert_eq!(p.change_text, "2 gule → grønne, 1 ny rød");
    let marks: Vec<Vec<(Option<String>, Option<Status>)>> = p
        .goals
        .iter()
        .flat_map(|g| &g.items)
        .map(|it| it.marks.iter().map(|m| (m.date.clone(), m.status)).collect())
        .collect();
    let d = |s: &str| Some(s.to_string());
    assert_eq!(marks[0], [(d("2025-03-01"), Some(Status::Yellow)), (d("2025-09-01"), Some(Status::Green))]);
    assert_eq!(marks[3], [(d("2025-09-01"), Some(Status::Red))]);
    let nn =
        dashboard::context(&ReportInput { lang: Lang::Nn, ..input }, &DashboardOptions::default()).unwrap();
    assert_eq!(nn.plans[0].change_text, "2 gule → grøne, 1 ny raud");
}

#[test]
fn values_from_papers_are_escaped_in_the_html() {
    let input = input_of(two_rounds(XSS_TITLE, XSS_MEASURE), Lang::Nb);
    let html = dashboard::render(&input, &DashboardOptions::default()).unwrap();
    assert!(!html.contains("<script>document"), "raw script payload in the page");
    assert!(!html.contains("<img"), "raw img payload in the page");
    assert!(!html.contains("</script><script>"), "a value closed a script block");
    assert!(html.contains("&lt;script&gt;document.title"), "the payload is shown as text");
    assert_eq!(html.matches("<script").count(), 2, "only the JSON block and the page's script");
}

// ---------------------------------------------------------------------------------------------
// In the browser

const XSS_TITLE: &str = "Plan <script>document.title='XSS'</script> \"><img src=x onerror=\"document.body.setAttribute('data-xss','img')\">";
const XSS_MEASURE: &str = "Tiltak </script><script>document.body.setAttribute('data-xss','json')</script> \"><img src=x onerror=\"document.body.setAttribute('data-xss','measure')\">";

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|p| {
        Command::new(p).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
    })
}

/// The browser, or `None` to skip (only when it is missing and `CI` is unset).
fn browser() -> Option<&'static str> {
    let b = chromium();
    if b.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI: chromium is required (installed by .ci/run)");
        eprintln!("skipped: chromium not installed");
    }
    b
}

/// Opens `file#hash` in headless Chromium, lets its scripts run, and returns the DOM.
fn dump_dom(browser: &str, file: &Path, hash: &str, budget_ms: u32) -> String {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}{}", file.canonicalize().unwrap().display(), hash);
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--virtual-time-budget={budget_ms}"))
        .arg("--dump-dom")
        .arg(&url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).map(|_| s)
    });
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let dom = reader.join().unwrap().unwrap();
    assert!(dom.contains("</html>"), "no DOM from chromium for {url}: {dom:.300}");
    dom
}

fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text of the element with `id` (no nested elements).
fn text_of(dom: &str, id: &str) -> Option<String> {
    let re = Regex::new(&format!(r#"id="{id}"[^>]*>([^<]*)<"#)).unwrap();
    re.captures(dom).map(|c| unescape(&c[1]))
}

fn write_page(dir: &Path, name: &str, html: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, html).unwrap();
    p
}

/// (data-plan, [green, yellow, red, none, total]) of the overview's plan rows.
fn overview_rows(dom: &str) -> Vec<(String, Vec<u32>)> {
    let table =
        dom.split("id=\"overview-plans\"").nth(1).unwrap_or("").split("</table>").next().unwrap_or("");
    let row = Regex::new(r#"(?s)<tr data-code="[^"]*" data-plan="([^"]+)"[^>]*>(.*?)</tr>"#).unwrap();
    let cell = Regex::new(r#"data-count="(green|yellow|red|none|total)">(\d+)<"#).unwrap();
    row.captures_iter(table)
        .map(|c| (c[1].to_string(), cell.captures_iter(&c[2]).map(|x| x[2].parse().unwrap()).collect()))
        .collect()
}

/// (status, hidden) of every measure row.
fn measure_rows(dom: &str) -> Vec<(String, bool)> {
    let re = Regex::new(r#"<tr class="measure" data-status="(\w+)"( hidden="")?>"#).unwrap();
    re.captures_iter(dom).map(|c| (c[1].to_string(), c.get(2).is_some())).collect()
}

/// (committee code, status, hidden) of every decision-log row.
fn log_rows(dom: &str) -> Vec<(String, String, bool)> {
    let re = Regex::new(
        r#"<tr class="entry" data-code="([^"]*)" data-status="(\w+)" data-year="\d*"( hidden="")?>"#,
    )
    .unwrap();
    re.captures_iter(dom).map(|c| (unescape(&c[1]), c[2].to_string(), c.get(3).is_some())).collect()
}

fn counts_vec(c: &data::Counts) -> Vec<u32> {
    vec![c.green, c.yellow, c.red, c.none, c.total]
}

#[test]
fn the_browser_shows_the_status_reports_counts_and_filters_by_the_url() {
    let Some(browser) = browser() else { return };
    let input = samples_input(Lang::Nb);
    let status = data::status_report(&input, &StatusOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let html = dashboard::render(&input, &DashboardOptions::default()).unwrap();
    assert!(html.len() < 300_000, "samples dashboard is {} bytes", html.len());
    let page = write_page(dir.path(), "dashboard.html", &html);

    // Overview: the counts per plan and the totals as the status report has them.
    let dom = dump_dom(browser, &page, "", 5000);
    let rows = overview_rows(&dom);
    let want: Vec<Vec<u32>> = status.plans.iter().map(|p| counts_vec(&p.counts)).collect();
    assert_eq!(rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>(), want);
    let total = Regex::new(r#"data-total="(\w+)"><span class="n">(\d+)<"#).unwrap();
    let shown: Vec<u32> = total.captures_iter(&dom).map(|c| c[2].parse().unwrap()).collect();
    assert_eq!(shown, counts_vec(&status.totals));
    let open_table = dom.split("id=\"overview-open\"").nth(1).unwrap().split("<tfoot>").nth(1).unwrap();
    let cell = Regex::new(r#"data-count="(open|overdue)">(?:<a [^>]*>)?(\d+)<"#).unwrap();
    let shown: Vec<usize> = cell.captures_iter(open_table).map(|c| c[2].parse().unwrap()).collect();
    let count = |s: &str| status.open.iter().filter(|e| e.status == s).count();
    assert_eq!(shown, [count("open"), count("overdue")], "open and overdue as the status report");
    assert!(Regex::new(r#"<section data-view="plans"[^>]*hidden"#).unwrap().is_match(&dom), "overview only");
    assert!(dom.contains(r#"data-nav="overview" aria-current="page""#));

    // `#fsu=FSU-BARN&status=rød`: exactly the red measures of FSU-BARN's plan.
    let barn = status.plans.iter().find(|p| p.committee.as_deref() == Some("FSU Barn og unge")).unwrap();
    assert!(barn.counts.red > 0);
    let dom = dump_dom(browser, &page, "#fsu=FSU-BARN&status=r%C3%B8d", 5000);
    let rows = measure_rows(&dom);
    assert_eq!(rows.len() as u32, status.totals.total, "every measure is in the page");
    let visible: Vec<&(String, bool)> = rows.iter().filter(|r| !r.1).collect();
    assert_eq!(visible.len() as u32, barn.counts.red, "{rows:?}");
    assert!(visible.iter().all(|r| r.0 == "red"));
    assert_eq!(
        text_of(&dom, "plans-count").as_deref(),
        Some(format!("Viser {} av {}", barn.counts.red, status.totals.total).as_str())
    );
    assert!(dom.contains("<title>Planer og tiltak · FSU-BARN –"), "the view is in the title");

    // The decision log filtered by committee and status: the status report's open points.
    let (code, name) = {
        let e = status.open.iter().find(|e| e.status == "open").expect("an open point");
        let ctx = dashboard::context(&input, &DashboardOptions::default()).unwrap();
        let row = ctx.log.iter().find(|r| r.entry.committee == e.committee).unwrap();
        (row.code.clone(), e.committee.clone())
    };
    let want = status.open.iter().filter(|e| e.status == "open" && e.committee == name).count();
    let dom = dump_dom(browser, &page, &format!("#view=log&fsu={code}&status=%C3%A5pen"), 5000);
    let rows = log_rows(&dom);
    assert_eq!(rows.len(), input.log.len());
    let visible: Vec<_> = rows.iter().filter(|r| !r.2).collect();
    assert_eq!(visible.len(), want, "{visible:?}");
    assert!(visible.iter().all(|r| r.0 == code && r.1 == "open"));

    // Text search: every row shown holds the words, every row hidden does not.
    let dom = dump_dom(browser, &page, "#q=Oppf%C3%B8lging", 5000);
    let row = Regex::new(r#"(?s)<tr class="entry"[^>]*?( hidden="")?>(.*?)</tr>"#).unwrap();
    let mut seen = 0;
    let strip = Regex::new("<[^>]*>").unwrap();
    for c in row.captures_iter(&dom) {
        let text = unescape(&strip.replace_all(&c[2], "")).to_lowercase();
        assert_eq!(c.get(1).is_none(), text.contains("oppfølging"), "{text}");
        seen += usize::from(c.get(1).is_none());
    }
    assert!(seen > 0, "the search finds something on the samples");
}

#[test]
fn the_browser_runs_no_payload_from_a_paper_and_shows_it_as_text() {
    let Some(browser) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut records = two_rounds(XSS_TITLE, XSS_MEASURE);
    records.push(minutes_with_payloads());
    let input = input_of(records, Lang::Nn);
    assert!(
        input.log.iter().any(|e| e.case_title.as_deref() == Some(XSS_TITLE)),
        "the payload is in the log"
    );
    let html = dashboard::render(&input, &DashboardOptions::default()).unwrap();
    let page = write_page(dir.path(), "dashboard.html", &html);
    // the decision log shows the case title and point as text, and searching for them runs nothing
    let dom = dump_dom(browser, &page, "#view=log&q=%3Cscript%3E", 5000);
    assert!(!dom.contains("data-xss=\""), "a payload ran in the log");
    assert!(!dom.contains("<img"), "a payload made an element in the log");
    assert_eq!(log_rows(&dom).iter().filter(|r| !r.2).count(), 1, "the search finds the point");
    // with the plan in the URL, the script also puts the title into document.title
    let id = dashboard::context(&input, &DashboardOptions::default()).unwrap().plans[0].id.clone();
    assert!(id.starts_with("plan-fsu-barn-plan-script-document-title-xss") && id.len() <= 60, "{id}");
    let dom = dump_dom(browser, &page, &format!("#plan={id}"), 5000);
    assert!(!dom.contains("data-xss=\""), "a payload ran");
    assert!(!dom.contains("<img"), "a payload made an element");
    assert!(!dom.contains("<title>XSS"), "a payload set the title");
    assert!(dom.contains("&lt;script&gt;document.title='XSS'&lt;/script&gt;"), "the title shows as text");
    assert!(dom.contains("<html lang=\"nn\">"));
    assert!(dom.contains("2 gule → grøne, 1 ny raud"), "the change in nynorsk");
    assert!(dom.contains("<title>Plan &lt;script&gt;"), "the title is set as text: {:.400}", &dom);

    // The check can fail: the same payloads written raw into a page do run.
    let raw = format!(
        "<!DOCTYPE html><html><head><title>t</title></head><body><h1>{XSS_TITLE}</h1><p>{XSS_MEASURE}</p></body></html>"
    );
    let control = write_page(dir.path(), "raw.html", &raw);
    let dom = dump_dom(browser, &control, "", 3000);
    assert!(dom.contains("data-xss=\"") && dom.contains("<title>XSS"), "the control payloads did not run");
}

/// Minutes of FSU-BARN whose case title and decision point hold the payloads.
fn minutes_with_payloads() -> Record {
    serde_json::from_value(serde_json::json!({
        "schema_version": 2,
        "source": {"path": "samples/<img src=x>.docx", "format": "docx", "sha256": ""},
        "kind": "minutes",
        "language": "nb",
        "committee": {"code": "FSU-BARN", "name": "FSU Barn og unge"},
        "meeting": {"date": "2025-10-08", "start": null, "end": null, "place": null},
        "agenda": [], "plans": [], "tables": [], "warnings": [], "attachment_of": null,
        "cases": [{
            "number": {"seq": 19, "year": 2025, "as_written": "Sak 19/25"},
            "title": XSS_TITLE,
            "committee": {"code": "FSU-BARN", "name": "FSU Barn og unge"},
            "date": "2025-10-08", "owners": [], "officers": [], "proposal": [], "references": [],
            "attachments": [], "sections": [],
            "decision": [{"label": "1.", "text": XSS_MEASURE, "placeholder": false, "children": [],
                          "deadline": "2026-01-15", "responsible": XSS_TITLE}]
        }]
    }))
    .unwrap()
}

/// `axe.min.js` of the npm package `axe-core` (installed by `.ci/run` into `target/axe`).
fn axe_js() -> Option<String> {
    let path = std::env::var_os("AXE_CORE_JS").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/axe/node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(&path).ok()
}

const CSP_LISTENER: &str = "window.__csp=[];document.addEventListener('securitypolicyviolation',function(e){window.__csp.push(e.violatedDirective+' '+e.blockedURI);});";

const AXE_RUNNER: &str = "(function(){function out(id,v){var p=document.createElement('pre');p.id=id;p.textContent=JSON.stringify(v);document.body.appendChild(p);}\
if(typeof axe==='undefined'){out('csp-violations',window.__csp);out('axe-error','no axe');return;}\
axe.run(document,{resultTypes:['violations']}).then(function(r){out('csp-violations',window.__csp);out('axe-result',r.violations.map(function(v){return {id:v.id,impact:v.impact,help:v.help,nodes:v.nodes.slice(0,5).map(function(n){return n.target.join(' ');})};}));}).catch(function(e){out('axe-error',String(e));});})();";

/// The dashboard with a CSP-violation listener at the top and axe plus its runner at the end,
/// each allowed by its hash in the page's own policy (nothing else is loosened).
fn axe_page(html: &str, axe: Option<&str>) -> String {
    let mut scripts = vec![CSP_LISTENER];
    if let Some(a) = axe {
        scripts.push(a);
    }
    scripts.push(AXE_RUNNER);
    let hashes: Vec<String> = scripts.iter().map(|s| dashboard::csp_hash(s)).collect();
    let page = html.replacen("script-src ", &format!("script-src {} ", hashes.join(" ")), 1);
    let meta_end = page.find("<meta name=\"viewport\"").unwrap();
    let mut page = format!("{}<script>{CSP_LISTENER}</script>\n{}", &page[..meta_end], &page[meta_end..]);
    let body_end = page.rfind("</body>").unwrap();
    let tail = page.split_off(body_end);
    if let Some(a) = axe {
        page.push_str("<script>");
        page.push_str(a);
        page.push_str("</script>\n");
    }
    page.push_str(&format!("<script>{AXE_RUNNER}</script>\n"));
    page + &tail
}

#[test]
fn no_request_and_no_serious_accessibility_violation_in_any_view() {
    let Some(browser) = browser() else { return };
    let input = samples_input(Lang::Nb);
    let html = dashboard::render(
        &input,
        &DashboardOptions { source_base: Some("../".into()), ..Default::default() },
    )
    .unwrap();
    // Nothing in the page can load anything: no src attributes, only in-page or relative links.
    assert!(!Regex::new(r"(?i)\ssrc\s*=").unwrap().is_match(&html), "a src attribute");
    assert!(!Regex::new(r"(?i)(https?:|//)[^\s]*\.(js|css|png|svg|woff)").unwrap().is_match(&html));
    for href in Regex::new(r#"href="([^"]*)""#).unwrap().captures_iter(&html) {
        let h = unescape(&href[1]);
        assert!(h.starts_with('#') || h.starts_with("../samples/"), "link {h}");
    }
    assert!(html.contains("default-src 'none'"));

    let axe = axe_js();
    if axe.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI: axe-core is required (installed by .ci/run)");
        eprintln!("axe-core not installed: only the CSP check runs");
    }
    let dir = tempfile::tempdir().unwrap();
    let page = write_page(dir.path(), "axe.html", &axe_page(&html, axe.as_deref()));
    for hash in ["#view=overview", "#view=plans", "#view=log"] {
        let dom = dump_dom(browser, &page, hash, 30000);
        assert_eq!(text_of(&dom, "csp-violations").as_deref(), Some("[]"), "{hash}: a request was attempted");
        if axe.is_none() {
            continue;
        }
        assert!(text_of(&dom, "axe-error").is_none(), "{hash}: {:?}", text_of(&dom, "axe-error"));
        let result = text_of(&dom, "axe-result").unwrap_or_else(|| panic!("{hash}: axe gave no result"));
        let violations: Vec<serde_json::Value> = serde_json::from_str(&result).unwrap();
        let bad: Vec<&serde_json::Value> = violations
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious") | Some("critical")))
            .collect();
        assert!(bad.is_empty(), "{hash}: {bad:#?}");
        for v in &violations {
            eprintln!("{hash}: axe (not serious): {} {} {}", v["impact"], v["id"], v["nodes"]);
        }
        eprintln!("{hash}: axe ran, {} violations below serious", violations.len());
    }
    // The checks can fail: a page without lang and with an image without text is reported.
    if axe.is_some() {
        let bad = "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src \"><meta name=\"viewport\" content=\"width=device-width\"><title>x</title></head><body><main><img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\"></main></body></html>";
        let page = write_page(dir.path(), "bad.html", &axe_page(bad, axe.as_deref()));
        let dom = dump_dom(browser, &page, "", 30000);
        let result = text_of(&dom, "axe-result").expect("axe result on the control page");
        assert!(result.contains("image-alt") && result.contains("html-has-lang"), "{result}");
        // and its image, which its policy forbids, is reported as a violation
        let csp = text_of(&dom, "csp-violations").unwrap_or_default();
        assert!(csp.contains("img-src"), "{csp}");
    }
}

#[test]
fn a_large_log_is_listed_up_to_its_budget_open_points_first_and_counted_in_full() {
    let mut input = samples_input(Lang::Nb);
    let base = input.log.clone();
    let copies = dashboard::MAX_LOG_ROWS / base.len() + 2;
    input.log = (0..copies)
        .flat_map(|i| {
            base.iter().map(move |e| {
                let mut e = e.clone();
                e.text = format!("{} ({i})", e.text);
                e
            })
        })
        .collect();
    let ctx = dashboard::context(&input, &DashboardOptions::default()).unwrap();
    assert_eq!(ctx.log.len(), dashboard::MAX_LOG_ROWS);
    let summarised: u32 = ctx.log_summary.iter().map(|s| s.count).sum();
    assert_eq!(ctx.log.len() + summarised as usize, input.log.len(), "every point listed or counted");
    let open = input.log.iter().filter(|e| e.status.as_str() == "open").count();
    assert!(open < dashboard::MAX_LOG_ROWS);
    assert_eq!(ctx.log.iter().filter(|r| r.entry.status == "open").count(), open, "all open points listed");
    assert!(ctx.log_summary.iter().all(|s| s.status != "open"));
    // the overview still counts them all
    let status = data::status_report(&input, &StatusOptions::default());
    assert_eq!((ctx.open_total + ctx.overdue_total) as usize, status.open.len());
    let html = dashboard::render_ctx(&ctx, Lang::Nb).unwrap();
    assert!(html.len() < 5_000_000, "{} bytes", html.len());
}

#[test]
fn the_commands_write_the_page_run_beside_the_word_documents() {
    let bin = env!("CARGO_BIN_EXE_saksflyt");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin)
        .current_dir(root)
        .args(["dashboard", "--lang", "nn", "--records", "tests/fixtures/render/records.jsonl", "--out"])
        .arg(dir.path().join("d"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = std::fs::read_to_string(dir.path().join("d/dashboard.html")).unwrap();
    assert!(page.contains("<html lang=\"nn\">") && page.contains("Dashbord for handlingsplanar"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("dashboard.html"), "the path is printed");

    let out = Command::new(bin)
        .current_dir(root)
        .args(["run", "samples", "-q", "--out"])
        .arg(dir.path().join("r"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = std::fs::read_to_string(dir.path().join("r/dashboard.html")).unwrap();
    assert!(dir.path().join("r/statusrapport.docx").is_file());
    assert!(page.contains("<html lang=\"nb\">") && page.len() < 300_000);
    // source links lead from the page's folder back to the papers
    let href = Regex::new(r##"href="([^"#]+)""##).unwrap();
    let first = href.captures(&page).expect("a link to a source paper");
    let target = dir.path().join("r").join(&first[1]);
    assert!(target.is_file(), "{} does not lead to the paper", &first[1]);
}
