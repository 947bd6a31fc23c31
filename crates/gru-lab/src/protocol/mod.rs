//! The messages between the page and the Web Worker that trains. The page keeps no model: it
//! sends [`Command`]s and draws the latest [`Snapshot`]. Both directions travel as postcard
//! bytes (a `Uint8Array`), encoded and decoded only here.
//!
//! Flow control: the worker sends a snapshot at most every `every_ms` (see
//! [`Command::Publish`]) and only after the page has answered the previous one with
//! [`Command::Drawn`], so a busy page is never flooded.

use serde::{Deserialize, Serialize};

mod command;
mod report;

pub use command::{Command, InspectPick, SamplePick};
pub use report::{FlowColumn, Inspected, Rates, Report, RunStatus, Snapshot, TrainPoint, ValPoint};

/// A message could not be decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "message: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

/// Encodes a message for `postMessage`.
pub fn encode<M: Serialize>(m: &M) -> Vec<u8> {
    // Serialising these plain structs into a Vec cannot fail.
    postcard::to_stdvec(m).unwrap_or_default()
}

/// Decodes a message received from the other side.
///
/// # Errors
/// [`DecodeError`] when the bytes are not a message of this type.
pub fn decode<M: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<M, DecodeError> {
    postcard::from_bytes(bytes).map_err(|e| DecodeError(e.to_string()))
}

#[cfg(test)]
mod tests;
