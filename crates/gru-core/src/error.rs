//! The crate's error type: every fallible public function returns [`Error`].

use std::fmt;

/// What went wrong, with a message that names the offending field or value.
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// An invalid configuration value (model, task, optimiser).
    Config(String),
    /// A malformed or inconsistent input file or spec (checkpoint, trace spec, state dict).
    Format(String),
    /// Training produced a NaN or infinite loss or gradient; the weights were left unchanged.
    NonFinite {
        /// Training step at which it happened.
        step: u64,
        /// What was not finite.
        what: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(m) => write!(f, "invalid setting: {m}"),
            Error::Format(m) => write!(f, "invalid input: {m}"),
            Error::NonFinite { step, what } => {
                write!(f, "training stopped at step {step}: the {what} became NaN or infinite (weights kept from the last good step)")
            }
        }
    }
}

impl std::error::Error for Error {}
