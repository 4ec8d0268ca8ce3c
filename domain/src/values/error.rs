//! The one error type of every value constructor.

use serde::Serialize;
use std::fmt;

/// A value that failed validation: which field, and what the person should change.
///
/// The gateway turns a list of these into a 400 with per-field messages, so `message` is written
/// for the person filling in the form, not for a developer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueError {
    pub field: String,
    pub message: String,
}

impl ValueError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same problem reported under another field name (e.g. `governance.private`), used when
    /// a value is nested inside a larger one.
    pub fn in_field(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ValueError {}
