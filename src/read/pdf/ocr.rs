//! OCR for pages without a text layer (scans): the page is rasterised by `pdftoppm` (poppler)
//! and recognised by `tesseract`, whose hOCR output (word boxes, line baselines and x-heights,
//! word confidences) becomes the same positioned glyphs a text page gives, so lines, lists and
//! tables are found the same way.
//!
//! Both are external programs run with a time bound in a private temporary folder; when either is
//! missing, the page keeps a warning that says how to enable OCR. We do not recognise text
//! ourselves: Tesseract is the maintained engine with Norwegian models in Debian
//! (`tesseract-ocr-nor`), and pdftoppm renders every PDF image filter and colour space.

use super::content::{Glyph, Page, Shape};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Rendering resolution: Tesseract's models are trained on text of about 20–30 px x-height.
const DPI: u32 = 300;
/// Largest rendered side in pixels (A4 at 300 dpi is 2480 × 3508): a huge page is rendered at a
/// lower resolution instead of filling memory.
const MAX_SIDE_PX: f32 = 5000.0;

/// The languages to ask Tesseract for, or why OCR cannot run.
pub fn engine() -> Result<&'static str, String> {
    static ENGINE: OnceLock<Result<&'static str, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let langs = Command::new("tesseract")
                .arg("--list-langs")
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .output()
                .map_err(|_| "tesseract is not installed".to_string())?;
            let list = String::from_utf8_lossy(&langs.stdout).to_string();
            let has = |l: &str| list.lines().any(|x| x.trim() == l);
            Command::new("pdftoppm")
                .arg("-v")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map_err(|_| "pdftoppm (poppler-utils) is not installed".to_string())?;
            match (has("nor"), has("eng")) {
                (true, true) => Ok("nor+eng"),
                (true, false) => Ok("nor"),
                (false, true) => Ok("eng"),
                (false, false) => Err("tesseract has no Norwegian or English language data".to_string()),
            }
        })
        .clone()
}

/// How to enable OCR, for warnings and errors.
pub const HOW_TO_ENABLE: &str =
    "install tesseract and pdftoppm to read it with OCR (Debian: apt-get install \
                                 tesseract-ocr tesseract-ocr-nor poppler-utils)";

/// Address-space limit of each OCR program (`RLIMIT_AS`, set in the child before it runs): a
/// page whose image would take gigabytes to decode makes the program fail, not the machine
/// swap. Tesseract with two language models needs well under 1 GiB for an A4 page.
pub const OCR_CHILD_MEMORY: u64 = 1536 * 1024 * 1024;

/// The prefix of OCR temp folders (`saksflyt-ocr-PID-RANDOM`).
const TEMP_PREFIX: &str = "saksflyt-ocr-";

/// The files an OCR temp folder holds (removed by name from the signal handler).
const TEMP_FILES: [&str; 6] = ["in.pdf", "page.pgm", "ocr.hocr", "ocr.txt", "pdftoppm.err", "tesseract.err"];

/// A private temporary folder (mode 0700, unguessable name), removed when dropped, on Ctrl-C
/// or `SIGTERM` (a signal handler, see [`cleanup_on_signal`]), and — after a `SIGKILL` — by
/// the next run ([`remove_stale`]).
struct TempDir(PathBuf, usize);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        static STALE: OnceLock<()> = OnceLock::new();
        STALE.get_or_init(|| {
            remove_stale(&std::env::temp_dir());
            cleanup_on_signal();
        });
        for _ in 0..100 {
            let p = std::env::temp_dir().join(format!(
                "{TEMP_PREFIX}{}-{:016x}",
                std::process::id(),
                crate::util::fresh_salt()
            ));
            let mut b = std::fs::DirBuilder::new();
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                b.mode(0o700);
            }
            match b.create(&p) {
                Ok(()) => {
                    let slot = signal::register(&p);
                    return Ok(TempDir(p, slot));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("no free temporary folder name"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
        signal::unregister(self.1);
    }
}

/// Remove OCR temp folders in `tmp` left by runs that were killed: ours (same owner) whose
/// process is gone. Linux only (it needs `/proc`).
pub fn remove_stale(tmp: &std::path::Path) {
    if !std::path::Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(tmp) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)) else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if std::path::Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(e.path()) else { continue };
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // SAFETY: geteuid has no preconditions.
            let me = unsafe { libc::geteuid() };
            if meta.uid() != me {
                continue;
            }
        }
        if meta.is_dir() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Install the Ctrl-C / `SIGTERM` handler that removes the OCR temp folders in use, then ends
/// the process as the signal would have (Unix).
fn cleanup_on_signal() {
    #[cfg(unix)]
    signal::install();
}

/// The OCR temp folders in use, for the signal handler: fixed slots of NUL-terminated paths,
/// published with an atomic flag, so the handler reads them without locks or allocation and
/// uses only async-signal-safe calls (`unlink`, `rmdir`, `signal`, `raise`).
mod signal {
    use std::path::Path;
    use std::sync::atomic::{AtomicI32, AtomicU8, Ordering};

    const SLOTS: usize = 64;
    const LEN: usize = 512;
    const FREE: u8 = 0;
    const BUSY: u8 = 1;
    const LIVE: u8 = 2;
    static STATE: [AtomicU8; SLOTS] = [const { AtomicU8::new(FREE) }; SLOTS];
    static mut PATHS: [[u8; LEN]; SLOTS] = [[0; LEN]; SLOTS];

    /// Publish `dir` for the handler; returns its slot (`SLOTS` when none is free or the path
    /// is too long: then only `Drop` and the next run remove it).
    pub fn register(dir: &Path) -> usize {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let bytes = dir.as_os_str().as_bytes();
            if bytes.len() + 1 > LEN - 16 {
                return SLOTS;
            }
            for (i, s) in STATE.iter().enumerate() {
                if s.compare_exchange(FREE, BUSY, Ordering::AcqRel, Ordering::Relaxed).is_ok() {
                    // SAFETY: the slot is ours (BUSY) until published; the handler reads LIVE
                    // slots only.
                    unsafe {
                        let p = &mut *std::ptr::addr_of_mut!(PATHS[i]);
                        p[..bytes.len()].copy_from_slice(bytes);
                        p[bytes.len()] = 0;
                    }
                    s.store(LIVE, Ordering::Release);
                    return i;
                }
            }
        }
        let _ = dir;
        SLOTS
    }

    pub fn unregister(slot: usize) {
        if let Some(s) = STATE.get(slot) {
            s.store(FREE, Ordering::Release);
        }
    }

    /// Process groups of the OCR programs running (0 = free), killed by the handler.
    static CHILDREN: [AtomicI32; SLOTS] = [const { AtomicI32::new(0) }; SLOTS];

    /// Publish a running OCR program (the leader of its own process group); returns its slot.
    pub fn register_child(pid: u32) -> usize {
        let Ok(pid) = i32::try_from(pid) else { return SLOTS };
        CHILDREN
            .iter()
            .position(|c| c.compare_exchange(0, pid, Ordering::AcqRel, Ordering::Relaxed).is_ok())
            .unwrap_or(SLOTS)
    }

    pub fn unregister_child(slot: usize) {
        if let Some(c) = CHILDREN.get(slot) {
            c.store(0, Ordering::Release);
        }
    }

    #[cfg(unix)]
    pub fn install() {
        extern "C" fn on_signal(sig: libc::c_int) {
            for c in &CHILDREN {
                let pid = c.load(Ordering::Acquire);
                if pid > 0 {
                    // SAFETY: kill is async-signal-safe; the group is our running child's.
                    unsafe { libc::kill(-pid, libc::SIGKILL) };
                }
            }
            for (i, s) in STATE.iter().enumerate() {
                if s.load(Ordering::Acquire) != LIVE {
                    continue;
                }
                // SAFETY: a LIVE slot holds a NUL-terminated path and is not written until
                // freed; the buffer below is on the stack; unlink/rmdir are async-signal-safe.
                unsafe {
                    let dir = &*std::ptr::addr_of!(PATHS[i]);
                    let n = dir.iter().position(|&b| b == 0).unwrap_or(0);
                    for f in super::TEMP_FILES {
                        let mut buf = [0u8; LEN];
                        let f = f.as_bytes();
                        if n + 1 + f.len() + 1 > LEN {
                            continue;
                        }
                        buf[..n].copy_from_slice(&dir[..n]);
                        buf[n] = b'/';
                        buf[n + 1..n + 1 + f.len()].copy_from_slice(f);
                        libc::unlink(buf.as_ptr().cast());
                    }
                    libc::rmdir(dir.as_ptr().cast());
                }
            }
            // SAFETY: restore the default action and raise again: the process ends as the
            // signal meant (exit status 130 for Ctrl-C in a shell).
            unsafe {
                libc::signal(sig, libc::SIG_DFL);
                libc::raise(sig);
            }
        }
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: installing a handler that only uses async-signal-safe calls.
            unsafe {
                libc::signal(sig, on_signal as *const () as libc::sighandler_t);
            }
        }
    }
}

/// Most OCR programs running at once in one saksflyt process, whatever the number of files read
/// in parallel: with [`OCR_CHILD_MEMORY`] each, OCR never takes more than
/// `MAX_OCR_CHILDREN × OCR_CHILD_MEMORY` (3 GiB) of address space together.
pub const MAX_OCR_CHILDREN: usize = 2;

/// Most bytes of a program's error output kept (the first lines say why a page did not render).
const MAX_STDERR_BYTES: u64 = 4096;

/// Why OCR of a page did not give its text.
#[derive(Debug)]
pub enum OcrError {
    /// The page's time ran out (the program was killed at the file's remaining OCR budget).
    Time(String),
    /// The page could not be rendered or recognised (a program failed, was killed by its
    /// memory limit, or reported an image it could not decode).
    Failed(String),
    /// OCR cannot run here (a program missing, no temporary folder).
    Unavailable(String),
}

impl std::fmt::Display for OcrError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OcrError::Time(s) | OcrError::Failed(s) | OcrError::Unavailable(s) => f.write_str(s),
        }
    }
}

/// A place among the [`MAX_OCR_CHILDREN`] OCR programs allowed at once; given back when dropped.
struct Slot;

static SLOTS: (std::sync::Mutex<usize>, std::sync::Condvar) =
    (std::sync::Mutex::new(0), std::sync::Condvar::new());

impl Slot {
    /// Wait for a free place until `deadline`; `None` when it passes first.
    fn take(deadline: Instant) -> Option<Slot> {
        let (lock, free) = &SLOTS;
        let mut busy = lock.lock().unwrap_or_else(|e| e.into_inner());
        while *busy >= MAX_OCR_CHILDREN {
            let left = deadline.checked_duration_since(Instant::now())?;
            busy = free.wait_timeout(busy, left).map(|(g, _)| g).unwrap_or_else(|e| e.into_inner().0);
        }
        *busy += 1;
        Some(Slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let (lock, free) = &SLOTS;
        let mut busy = lock.lock().unwrap_or_else(|e| e.into_inner());
        *busy = busy.saturating_sub(1);
        free.notify_one();
    }
}

/// Run a command to its end or until `deadline`, with its address space limited to
/// [`OCR_CHILD_MEMORY`], in its own process group (killed as a group at the deadline, and by
/// the signal handler on Ctrl-C), and killed by the kernel if saksflyt dies first
/// (`PR_SET_PDEATHSIG`). Its error output goes to `stderr` (a file in the private folder).
fn run(cmd: &mut Command, deadline: Instant, what: &str, stderr: &std::path::Path) -> Result<(), OcrError> {
    let budget_note = |s: &str| format!("{what} {s} (limited to {} MiB)", OCR_CHILD_MEMORY >> 20);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: getpid has no preconditions.
        let parent = unsafe { libc::getpid() };
        // SAFETY: the closure runs in the child between fork and exec and only calls
        // setrlimit, prctl and getppid, which are async-signal-safe; it allocates nothing.
        unsafe {
            cmd.pre_exec(move || {
                let lim = libc::rlimit { rlim_cur: OCR_CHILD_MEMORY as _, rlim_max: OCR_CHILD_MEMORY as _ };
                if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                #[cfg(target_os = "linux")]
                {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0);
                    if libc::getppid() != parent {
                        return Err(std::io::Error::other("saksflyt ended"));
                    }
                }
                let _ = parent;
                Ok(())
            });
        }
        cmd.process_group(0);
    }
    let err = crate::util::create_exclusive(stderr)
        .map_err(|e| OcrError::Unavailable(format!("cannot write a temporary file: {e}")))?;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(err))
        .spawn()
        .map_err(|e| OcrError::Unavailable(format!("cannot start {what}: {e}")))?;
    let group = signal::register_child(child.id());
    let kill = |child: &mut std::process::Child| {
        #[cfg(unix)]
        if let Ok(pid) = libc::pid_t::try_from(child.id()) {
            // SAFETY: signalling the process group our own child leads (it is not reaped yet,
            // so the id cannot have been reused).
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
        let _ = child.kill();
        let _ = child.wait();
    };
    let result = loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break Ok(()),
            Ok(Some(status)) => {
                #[cfg(unix)]
                {
                    use std::os::unix::process::ExitStatusExt;
                    if let Some(sig) = status.signal() {
                        break Err(OcrError::Failed(budget_note(&format!("was stopped by signal {sig}"))));
                    }
                }
                break Err(OcrError::Failed(budget_note(&format!("failed ({status})"))));
            }
            Ok(None) if Instant::now() > deadline => {
                kill(&mut child);
                break Err(OcrError::Time(format!("{what} was stopped at the end of the page's time")));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                kill(&mut child);
                break Err(OcrError::Failed(format!("{what}: {e}")));
            }
        }
    };
    // (a program that ended by itself is reaped: its group id may be free again, so it is not
    // signalled any more)
    signal::unregister_child(group);
    match result {
        Err(OcrError::Failed(why)) => Err(OcrError::Failed(with_first_error(why, stderr))),
        other => other,
    }
}

/// `why` followed by the first error line the program printed (poppler: `Syntax Error: …`).
fn with_first_error(why: String, stderr: &std::path::Path) -> String {
    match first_error(stderr) {
        Some(line) => format!("{why}: {line}"),
        None => why,
    }
}

/// The first line of a program's error output that reports an error, cleaned for a message.
fn first_error(stderr: &std::path::Path) -> Option<String> {
    use std::io::Read;
    let mut text = String::new();
    let f = std::fs::File::open(stderr).ok()?;
    let mut buf = Vec::new();
    f.take(MAX_STDERR_BYTES).read_to_end(&mut buf).ok()?;
    text.push_str(&String::from_utf8_lossy(&buf));
    // a line naming the cause (memory, a limit, decoding) over the first generic error
    let has = |l: &str, words: &[&str]| {
        let l = l.to_ascii_lowercase();
        words.iter().any(|w| l.contains(w))
    };
    let line = text
        .lines()
        .find(|l| has(l, &["memory", "limit", "decode"]))
        .or_else(|| text.lines().find(|l| has(l, &["error"])))?;
    let clean: String = line.replace("<0a>", "").chars().filter(|c| !c.is_control()).take(200).collect();
    Some(clean.trim().to_string())
}

/// What OCR gave for one page.
pub struct OcrPage {
    pub glyphs: Vec<Glyph>,
    pub text: String,
    /// Mean word confidence, 0–100.
    pub confidence: f32,
    pub words: usize,
    /// Table rules found in the page's pixels.
    pub rules: Vec<Shape>,
}

/// Rasterise page `page_no` (1-based) of `pdf` and recognise it. `width`/`height` are the page
/// size in points (display orientation), used to scale pixel boxes back to points.
pub fn recognise(
    pdf: &[u8],
    page_no: usize,
    width: f32,
    height: f32,
    deadline: Instant,
) -> Result<OcrPage, OcrError> {
    let langs = engine().map_err(OcrError::Unavailable)?;
    let side = width.max(height).max(1.0);
    let dpi = (DPI as f32).min(MAX_SIDE_PX * 72.0 / side).floor();
    if !dpi.is_finite() || dpi < 50.0 {
        return Err(OcrError::Failed(format!(
            "the page is too large to render for OCR ({width:.0} × {height:.0} pt)"
        )));
    }
    let dpi = (dpi as u32).to_string();
    // one of the few OCR places of the process, waited for within the page's time
    let Some(_slot) = Slot::take(deadline) else {
        return Err(OcrError::Time("no OCR program could start within the page's time".into()));
    };
    let unavailable =
        |e: std::io::Error| OcrError::Unavailable(format!("cannot write a temporary file: {e}"));
    let dir = TempDir::new()
        .map_err(|e| OcrError::Unavailable(format!("cannot create a temporary folder: {e}")))?;
    let input = dir.0.join("in.pdf");
    {
        use std::io::Write;
        let mut f = crate::util::create_exclusive(&input).map_err(unavailable)?;
        f.write_all(pdf).map_err(unavailable)?;
    }
    let image = dir.0.join("page");
    let n = page_no.to_string();
    let render_errors = dir.0.join("pdftoppm.err");
    run(
        Command::new("pdftoppm")
            .args(["-r", &dpi, "-gray", "-singlefile", "-f", &n, "-l", &n])
            .arg(&input)
            .arg(&image),
        deadline,
        "pdftoppm",
        &render_errors,
    )?;
    // a PGM (Tesseract reads it, and so can we: the table rules are only pixels in a scan)
    let pgm = dir.0.join("page.pgm");
    let rules = std::fs::read(&pgm).ok().map(|b| rules_from_raster(&b, width, height)).unwrap_or_default();
    let out = dir.0.join("ocr");
    run(
        Command::new("tesseract")
            .arg(&pgm)
            .arg(&out)
            .args(["-l", langs, "--dpi", &dpi, "hocr"])
            // one thread: the caller already reads files in parallel
            .env("OMP_THREAD_LIMIT", "1"),
        deadline,
        "tesseract",
        &dir.0.join("tesseract.err"),
    )?;
    let hocr = std::fs::read_to_string(out.with_extension("hocr"))
        .map_err(|e| OcrError::Failed(format!("no OCR output: {e}")))?;
    let mut page = from_hocr(&hocr, width, height);
    page.rules = rules;
    if page.words == 0 {
        // pdftoppm draws what it can and reports what it could not (an image too large to
        // decode within its memory limit, a damaged stream): a page left empty by that is a
        // failure, not a blank scan
        if let Some(line) = first_error(&render_errors) {
            return Err(OcrError::Failed(format!(
                "pdftoppm could not render the page (limited to {} MiB): {line}",
                OCR_CHILD_MEMORY >> 20
            )));
        }
    }
    Ok(page)
}

/// A binary PGM (`P5`, 8-bit): width, height and the pixel rows.
fn parse_pgm(b: &[u8]) -> Option<(usize, usize, &[u8])> {
    let mut fields: Vec<usize> = Vec::with_capacity(3);
    let mut i = 2;
    if b.get(..2)? != b"P5" {
        return None;
    }
    while fields.len() < 3 {
        match *b.get(i)? {
            b'#' => {
                while *b.get(i)? != b'\n' {
                    i += 1;
                }
            }
            c if c.is_ascii_digit() => {
                let start = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                fields.push(std::str::from_utf8(b.get(start..i)?).ok()?.parse().ok()?);
                continue;
            }
            c if c.is_ascii_whitespace() => {}
            _ => return None,
        }
        i += 1;
    }
    let (w, h, max) = (fields[0], fields[1], fields[2]);
    let data = b.get(i + 1..)?;
    (max <= 255 && w > 0 && h > 0 && data.len() >= w.checked_mul(h)?).then_some((w, h, data))
}

/// Table rules drawn in a scanned page's pixels: straight dark runs at least 40 pt long and at
/// most 2.5 pt thick, horizontal and vertical, as thin shapes in page points (what a text page's
/// painted rules give), so a scanned table is found as a ruled grid.
fn rules_from_raster(pgm: &[u8], width: f32, height: f32) -> Vec<Shape> {
    let Some((w, h, px)) = parse_pgm(pgm) else { return Vec::new() };
    let scale = (width / w as f32).min(height / h as f32);
    if !(scale.is_finite() && scale > 0.0) {
        return Vec::new();
    }
    let min_len = (40.0 / scale) as usize;
    let max_thick = (2.5 / scale).ceil() as usize + 1;
    let dark = |x: usize, y: usize| px.get(y * w + x).is_some_and(|&v| v < 160);
    // runs along one axis; `along` positions, `across` lines: (line, start, end) inclusive
    let runs = |n_lines: usize, n_along: usize, at: &dyn Fn(usize, usize) -> bool| {
        let mut out: Vec<(usize, usize, usize)> = Vec::new();
        for line in 0..n_lines {
            let mut start = None;
            for a in 0..=n_along {
                match (a < n_along && at(line, a), start) {
                    (true, None) => start = Some(a),
                    (false, Some(s)) => {
                        if a - s >= min_len {
                            out.push((line, s, a - 1));
                        }
                        start = None;
                    }
                    _ => {}
                }
            }
            if out.len() > 20_000 {
                break;
            }
        }
        out
    };
    // runs on neighbouring lines with about the same extent form one rule; a band thicker than a
    // rule (a filled box, a photo) is none
    let merge = |runs: Vec<(usize, usize, usize)>| {
        let mut segs: Vec<(usize, usize, usize, usize)> = Vec::new(); // first line, last line, start, end
        for (line, a, b) in runs {
            let near = segs.iter_mut().rev().take(64).find(|s| {
                s.1 + 1 == line && a.abs_diff(s.2) <= 3 * max_thick && b.abs_diff(s.3) <= 3 * max_thick
            });
            match near {
                Some(s) => {
                    s.1 = line;
                    s.2 = s.2.min(a);
                    s.3 = s.3.max(b);
                }
                None => segs.push((line, line, a, b)),
            }
        }
        segs.retain(|s| s.1 - s.0 < max_thick);
        segs
    };
    let horizontal = merge(runs(h, w, &|y, x| dark(x, y)));
    let vertical = merge(runs(w, h, &|x, y| dark(x, y)));
    let mut shapes = Vec::new();
    // horizontal runs come as (rows, columns), vertical ones as (columns, rows)
    let boxes = horizontal.into_iter().map(|(y0, y1, x0, x1)| (x0, x1, y0, y1)).chain(vertical);
    for (x0, x1, y0, y1) in boxes {
        shapes.push(Shape {
            x0: x0 as f32 * scale,
            x1: (x1 + 1) as f32 * scale,
            y0: height - (y1 + 1) as f32 * scale,
            y1: height - y0 as f32 * scale,
            fill: Some([0, 0, 0]),
        });
    }
    shapes.truncate(2_000);
    shapes
}

/// Turn hOCR into glyphs: one glyph per word (text plus a trailing space), on the line's
/// baseline, sized by the line's x-size; boxes scaled from pixels to points.
fn from_hocr(hocr: &str, width: f32, height: f32) -> OcrPage {
    let mut page =
        OcrPage { glyphs: Vec::new(), text: String::new(), confidence: 0.0, words: 0, rules: Vec::new() };
    let mut scale = 72.0 / DPI as f32;
    if let Some(b) = find_title(hocr, "ocr_page").and_then(|t| bbox(&t)) {
        if b[2] > 0.0 && b[3] > 0.0 {
            scale = (width / b[2]).min(height / b[3]);
        }
    }
    // words with their line: (text, box, confidence, line number, baseline px, size px)
    let mut words: Vec<(String, [f32; 4], f32, usize, f32, f32)> = Vec::new();
    // (baseline slope, offset, line bottom, line left, size in px)
    let mut line: Option<(f32, f32, f32, f32, f32)> = None;
    let mut line_no = 0usize;
    let mut rest = hocr;
    while let Some(i) = rest.find("<span class='") {
        rest = rest.get(i + 13..).unwrap_or("");
        let class = rest.split('\'').next().unwrap_or("");
        let title = rest.split("title=").nth(1).and_then(|t| {
            let q = t.chars().next()?;
            t.get(1..)?.split(q).next().map(str::to_string)
        });
        let Some(title) = title else { continue };
        match class {
            "ocr_line" | "ocr_caption" | "ocr_header" | "ocr_textfloat" => {
                let Some(b) = bbox(&title) else { continue };
                let (slope, offset) = field(&title, "baseline")
                    .map(|v| (v.first().copied().unwrap_or(0.0), v.get(1).copied().unwrap_or(0.0)))
                    .unwrap_or((0.0, 0.0));
                let size = field(&title, "x_size").and_then(|v| v.first().copied()).unwrap_or(b[3] - b[1]);
                line = Some((slope, offset, b[3], b[0], size));
                line_no += 1;
            }
            "ocrx_word" => {
                let Some(b) = bbox(&title) else { continue };
                let conf = field(&title, "x_wconf").and_then(|v| v.first().copied()).unwrap_or(0.0);
                let text = rest
                    .split_once('>')
                    .map(|(_, t)| t)
                    .and_then(|t| t.split("</span>").next())
                    .map(strip_tags)
                    .unwrap_or_default();
                let text = unescape(text.trim());
                if text.is_empty() {
                    continue;
                }
                let (slope, offset, bottom, left, size) = line.unwrap_or((0.0, 0.0, b[3], b[0], b[3] - b[1]));
                let base_px = bottom + offset + slope * (b[0] - left);
                words.push((text, b, conf, line_no, base_px, size));
            }
            _ => {}
        }
    }
    // What OCR makes of typography: a bullet read as a letter (`e`, `©`, `«`, …) is the first
    // word of a line and stands well apart from the next; a dash between words is an en dash.
    for k in 0..words.len() {
        let first = k == 0 || words.get(k - 1).map(|w| w.3) != words.get(k).map(|w| w.3);
        let (Some(w), next) = (words.get(k), words.get(k + 1)) else { continue };
        let apart = next.is_some_and(|n| n.3 == w.3 && n.1[0] - w.1[2] > 0.8 * w.5);
        let bullet_like =
            matches!(w.0.as_str(), "e" | "©" | "«" | "°" | "o" | "*" | "·" | "¢" | "®" | "@" | "»");
        let dash = w.0 == "-" && !first && next.is_some_and(|n| n.3 == w.3);
        if first && apart && bullet_like {
            if let Some(w) = words.get_mut(k) {
                w.0 = "•".into();
            }
        } else if dash {
            if let Some(w) = words.get_mut(k) {
                w.0 = "–".into();
            }
        }
    }
    let mut conf_sum = 0.0f32;
    for (text, b, conf, _, base_px, size) in words {
        let start = page.text.len() as u32;
        page.text.push_str(&text);
        page.text.push(' ');
        page.glyphs.push(Glyph {
            x0: b[0] * scale,
            x1: b[2] * scale,
            y: height - base_px * scale,
            size: (size * scale).max(1.0),
            start,
            end: page.text.len() as u32,
            bold: false,
            italic: false,
            rotated: false,
            placed: true,
        });
        conf_sum += conf;
        page.words += 1;
    }
    if page.words > 0 {
        page.confidence = conf_sum / page.words as f32;
    }
    page
}

fn find_title(hocr: &str, class: &str) -> Option<String> {
    let i = hocr.find(&format!("class='{class}'"))?;
    let t = hocr.get(i..)?.split("title=").nth(1)?;
    let q = t.chars().next()?;
    t.get(1..)?.split(q).next().map(str::to_string)
}

/// `bbox x0 y0 x1 y1` of a title attribute.
fn bbox(title: &str) -> Option<[f32; 4]> {
    let v = field(title, "bbox")?;
    match v.as_slice() {
        [a, b, c, d, ..] => Some([*a, *b, *c, *d]),
        _ => None,
    }
}

/// The numbers after `name` in a `name n n; other n` title attribute.
fn field(title: &str, name: &str) -> Option<Vec<f32>> {
    title.split(';').map(str::trim).find_map(|part| {
        let rest = part.strip_prefix(name)?;
        rest.starts_with(' ').then(|| rest.split_whitespace().filter_map(|n| n.parse::<f32>().ok()).collect())
    })
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Replace a page's glyphs with OCR's.
pub fn apply(page: &mut Page, ocr: OcrPage) {
    page.glyphs = ocr.glyphs;
    page.text = ocr.text;
    page.shapes.extend(ocr.rules);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raster_rules_are_long_thin_dark_runs() {
        // 400 × 300 px for a 96 × 72 pt page (scale 0.24 pt/px): a 2 px horizontal rule 300 px
        // long, a 3 px vertical rule 200 px tall, a short dash and a thick black box (not rules)
        let (w, h) = (400usize, 300usize);
        let mut px = vec![255u8; w * h];
        let mut paint = |x0: usize, x1: usize, y0: usize, y1: usize| {
            for y in y0..y1 {
                for x in x0..x1 {
                    px[y * w + x] = 20;
                }
            }
        };
        paint(50, 350, 100, 102);
        paint(200, 203, 50, 250);
        paint(20, 60, 280, 282);
        paint(300, 390, 200, 290);
        let mut pgm = format!("P5\n# comment\n{w} {h}\n255\n").into_bytes();
        pgm.extend_from_slice(&px);
        let rules = rules_from_raster(&pgm, 96.0, 72.0);
        assert_eq!(rules.len(), 2, "{rules:?}");
        let hr = rules.iter().find(|r| r.x1 - r.x0 > 50.0).expect("horizontal rule");
        assert!((hr.x0 - 12.0).abs() < 0.01 && (hr.x1 - 84.0).abs() < 0.01, "{hr:?}");
        assert!((hr.y1 - (72.0 - 24.0)).abs() < 0.01 && hr.y1 - hr.y0 < 1.0, "{hr:?}");
        let vr = rules.iter().find(|r| r.y1 - r.y0 > 40.0).expect("vertical rule");
        assert!((vr.x0 - 48.0).abs() < 0.01 && vr.x1 - vr.x0 < 1.0, "{vr:?}");
        assert!(parse_pgm(b"P6\n1 1\n255\n\0\0\0").is_none());
        assert!(parse_pgm(b"P5\n2 2\n255\n\0").is_none());
        assert!(rules_from_raster(b"", 96.0, 72.0).is_empty());
    }

    #[test]
    fn hocr_words_become_glyphs_on_baselines() {
        let hocr = "<div class='ocr_page' id='page_1' title='image \"x.png\"; bbox 0 0 2480 3508; ppageno 0'>\
            <span class='ocr_line' id='line_1_1' title=\"bbox 300 350 1600 391; baseline 0 -8; x_size 41; x_descenders 9\">\
            <span class='ocrx_word' id='word_1_1' title='bbox 300 352 420 383; x_wconf 95'>Sak</span> \
            <span class='ocrx_word' id='word_1_2' title='bbox 440 352 600 391; x_wconf 85'><strong>09&amp;2025</strong></span>\
            </span>\
            <span class='ocr_line' id='line_1_2' title=\"bbox 300 450 1600 491; baseline 0 -8; x_size 41\">\
            <span class='ocrx_word' id='word_1_3' title='bbox 300 460 320 480; x_wconf 90'>e</span>\
            <span class='ocrx_word' id='word_1_4' title='bbox 400 452 520 483; x_wconf 90'>ta</span>\
            <span class='ocrx_word' id='word_1_5' title='bbox 530 470 540 473; x_wconf 90'>-</span>\
            <span class='ocrx_word' id='word_1_6' title='bbox 550 452 620 483; x_wconf 90'>no</span>\
            </span></div>";
        let p = from_hocr(hocr, 595.3, 841.9);
        assert_eq!(p.words, 6);
        assert_eq!(p.text, "Sak 09&2025 • ta – no ");
        assert!((p.confidence - 90.0).abs() < 0.01);
        let g = &p.glyphs[0];
        let scale = (595.3f32 / 2480.0).min(841.9 / 3508.0);
        assert!((g.x0 - 300.0 * scale).abs() < 0.01);
        assert!((g.y - (841.9 - 383.0 * scale)).abs() < 0.01, "{}", g.y);
        assert!((p.glyphs[1].y - g.y).abs() < 0.01);
    }

    #[test]
    fn no_more_than_the_allowed_ocr_programs_start_at_once() {
        let soon = || Instant::now() + Duration::from_millis(50);
        let held: Vec<Slot> =
            (0..MAX_OCR_CHILDREN).map(|_| Slot::take(soon()).expect("a free place")).collect();
        assert!(Slot::take(soon()).is_none(), "a place past the limit");
        drop(held);
        assert!(Slot::take(soon()).is_some());
    }

    #[test]
    fn the_cause_of_a_failed_render_is_its_first_line_naming_memory_a_limit_or_decoding() {
        let dir = TempDir::new().expect("temp");
        let f = dir.0.join("pdftoppm.err");
        std::fs::write(
            &f,
            "Syntax Error: Malformed JP2 file format: first box must be JPEG 2000 signature box<0a>\n\
             Syntax Warning: Unable to read header\nSyntax Error: Size of tile data exceeds system limits<0a>\n\
             Syntax Error: Failed to decode.<0a>\n",
        )
        .expect("w");
        assert_eq!(first_error(&f).as_deref(), Some("Syntax Error: Size of tile data exceeds system limits"));
        std::fs::write(&f, "Syntax Warning: x\nSyntax Error: Bad \u{1b}[2J stream\n").expect("w");
        assert_eq!(first_error(&f).as_deref(), Some("Syntax Error: Bad [2J stream"));
        std::fs::write(&f, "Syntax Warning: x\n").expect("w");
        assert_eq!(first_error(&f), None);
    }
}
