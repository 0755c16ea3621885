//! PDF reader (to be written: issue 6).

use super::{Limits, ReadError};
use crate::model::Document;

pub fn read(_bytes: &[u8], _limits: &Limits) -> Result<Document, ReadError> {
    Err(ReadError::Unsupported("PDF reader not written yet".into()))
}
