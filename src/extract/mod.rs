//! Stage 2 — **extract**: blocks → records in the contract of [`crate::record`].
//! Pure: no I/O, no clock. (To be written: issue 3.)

use crate::config::Register;
use crate::model::Document;
use crate::record::{Record, Source};

/// Extract one document's record.
pub fn extract(doc: &Document, source: Source, _register: &Register) -> Record {
    let mut r = Record::empty(source);
    r.warnings.extend(doc.warnings.iter().cloned());
    r
}
