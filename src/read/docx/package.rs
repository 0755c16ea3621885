//! Safe access to the zip package behind a DOCX file.
//!
//! A DOCX is a zip archive of XML parts. [`Package::open`] refuses archives that are not zip
//! (OLE containers get their own message), that are truncated, or whose *declared* uncompressed
//! size passes [`Limits`]; [`Package::read`] then reads one part through a size-capped reader
//! and counts the *actual* bytes inflated, so a zip bomb that lies about its sizes is stopped
//! as soon as it passes the limits. Part names are matched case-insensitively, as OPC requires.

use crate::read::{Limits, ReadError};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::time::Instant;
use zip::result::ZipError;
use zip::ZipArchive;

/// Most entries in a DOCX package (a real one has tens, a large one with images hundreds).
pub const MAX_ZIP_ENTRIES: u64 = 10_000;

/// Bytes inflated between two checks of a part's caps and of the deadline.
const INFLATE_CHUNK: u64 = 64 * 1024;

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// An opened zip package with its running budget.
pub struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    /// Lower-cased part name → entry index.
    names: BTreeMap<String, usize>,
    limits: Limits,
    /// Bytes inflated so far, over all parts read.
    inflated: u64,
    started: Instant,
}

impl<'a> Package<'a> {
    /// Open the archive and check its declared sizes.
    pub fn open(bytes: &'a [u8], limits: &Limits) -> Result<Self, ReadError> {
        // the deadline counts from here: the zip directory is read under it too
        let started = Instant::now();
        if bytes.starts_with(&OLE_MAGIC) {
            return Err(ReadError::LegacyOrEncrypted);
        }
        if bytes.is_empty() {
            return Err(ReadError::BadZip("the file is empty".into()));
        }
        if !bytes.starts_with(b"PK") {
            return Err(ReadError::BadZip("the file does not start with a zip header".into()));
        }
        // the end records and the entry count are checked before the zip library parses (and
        // allocates for) the central directory
        crate::util::zip_precheck(bytes, MAX_ZIP_ENTRIES).map_err(|m| {
            ReadError::BadZip(if m.contains("truncated?") {
                format!(
                    "truncated or damaged archive: the file is cut off or broken ({m}) — copy it again, or open it in Word and save it again"
                )
            } else {
                m
            })
        })?;
        let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| match e {
            ZipError::InvalidArchive(m) => ReadError::BadZip(format!(
                "truncated or damaged archive: the file is cut off or broken ({m}) — copy it again, or open it in Word and save it again"
            )),
            other => ReadError::BadZip(other.to_string()),
        })?;
        let mut names = BTreeMap::new();
        let mut declared: u64 = 0;
        for i in 0..archive.len() {
            let entry = archive.by_index_raw(i).map_err(|e| ReadError::BadZip(e.to_string()))?;
            declared = declared.saturating_add(entry.size());
            if declared > limits.max_unzipped_bytes {
                return Err(ReadError::ZipBomb(format!(
                    "declared uncompressed size passes the limit of {} bytes",
                    limits.max_unzipped_bytes
                )));
            }
            let name = entry.name().trim_start_matches('/').to_ascii_lowercase();
            if names.insert(name, i).is_some() {
                // OPC part names are case-insensitive: two entries of one name are two
                // versions of one part, and readers disagree on which one counts
                return Err(ReadError::BadZip(format!(
                    "two entries named {:?} (part names differ only in case); Word and saksflyt could read different ones",
                    crate::util::escape_controls(entry.name())
                )));
            }
            if i % 256 == 0 {
                check_deadline(started, limits)?;
            }
        }
        Ok(Package { archive, names, limits: *limits, inflated: 0, started })
    }

    /// True when the package has a part of that name (no leading slash).
    pub fn has(&self, name: &str) -> bool {
        self.names.contains_key(&name.trim_start_matches('/').to_ascii_lowercase())
    }

    /// Names of all parts, lower-cased, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.keys().map(String::as_str)
    }

    /// Fail once the wall-clock budget is spent.
    pub fn check_time(&self) -> Result<(), ReadError> {
        check_deadline(self.started, &self.limits)
    }

    /// When reading started, for the callers' own time checks.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Read one part, `None` when absent. Stops (with [`ReadError::ZipBomb`]) as soon as the part
    /// or the package passes its limit, whatever the archive declares.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        self.check_time()?;
        let Some(&index) = self.names.get(&name.trim_start_matches('/').to_ascii_lowercase()) else {
            return Ok(None);
        };
        let mut entry = self.archive.by_index(index).map_err(|e| match e {
            ZipError::UnsupportedArchive(m) if m == ZipError::PASSWORD_REQUIRED => {
                ReadError::LegacyOrEncrypted
            }
            other => ReadError::BadZip(format!("cannot read part {name}: {other}")),
        })?;
        if entry.size() > self.limits.max_part_bytes {
            return Err(ReadError::ZipBomb(format!(
                "part {name} declares {} bytes, over the limit of {} bytes",
                entry.size(),
                self.limits.max_part_bytes
            )));
        }
        let part_cap = self.limits.max_part_bytes;
        let total_left = self.limits.max_unzipped_bytes.saturating_sub(self.inflated);
        let cap = part_cap.min(total_left);
        let mut out = Vec::with_capacity(entry.size().min(cap).min(64 * 1024 * 1024) as usize);
        loop {
            // inflate straight into `out`, a chunk at a time (no zeroed scratch buffer per part),
            // checking the caps and the deadline between chunks
            let n = (&mut entry).take(INFLATE_CHUNK).read_to_end(&mut out).map_err(|e| {
                ReadError::BadZip(format!("cannot inflate part {name} (truncated or damaged archive): {e}"))
            })?;
            if n == 0 {
                break;
            }
            if out.len() as u64 > cap {
                return Err(ReadError::ZipBomb(if cap < part_cap {
                    format!(
                        "inflated size passes the package limit of {} bytes",
                        self.limits.max_unzipped_bytes
                    )
                } else {
                    format!("part {name} inflates past the limit of {part_cap} bytes")
                }));
            }
            check_deadline(self.started, &self.limits)?;
        }
        self.inflated += out.len() as u64;
        Ok(Some(out))
    }
}

/// Fail with [`ReadError::Timeout`] once `limits.max_millis` have passed since `started`.
pub fn check_deadline(started: Instant, limits: &Limits) -> Result<(), ReadError> {
    if started.elapsed().as_millis() >= u128::from(limits.max_millis) {
        Err(ReadError::Timeout(limits.max_millis))
    } else {
        Ok(())
    }
}
