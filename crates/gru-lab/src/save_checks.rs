//! The checks a saved run's file passes before anything is built from it: what the file is
//! (`format`, `version`) and the live spans it lists.

use gru_core::checkpoint;
use serde_json::Value;

use crate::lab::LiveSpan;
use crate::save::{FORMAT, VERSION};
use crate::settings::Settings;

/// Most live spans a saved run may list: one per live change of the learning rate or clip,
/// so more than any session makes, and about what a 50 MiB file can hold.
const MAX_SPANS: usize = 1_000_000;

/// A saved run's live spans: in step order, with values the settings accept, and not more
/// than [`MAX_SPANS`].
pub(crate) fn check_spans(spans: &[LiveSpan]) -> Result<(), String> {
    if spans.len() > MAX_SPANS {
        return Err(format!(
            "trained_with: {} spans; a saved run lists at most {MAX_SPANS}",
            spans.len()
        ));
    }
    for (i, w) in spans.iter().enumerate() {
        if i > 0 && w.from_step <= spans[i - 1].from_step {
            return Err(format!(
                "trained_with[{i}]: from_step {} does not follow {}",
                w.from_step,
                spans[i - 1].from_step
            ));
        }
        Settings::default()
            .with_live_values(w.lr, w.clip)
            .map_err(|e| format!("trained_with[{i}].{e}"))?;
    }
    Ok(())
}

/// `format` and `version`, checked first so a foreign file gets a message about what it is.
pub(crate) fn header(doc: &Value) -> Result<(), String> {
    let Value::Object(map) = doc else {
        return Err("the file is JSON but not an object; a saved run is a JSON object".into());
    };
    match map.get("format").and_then(Value::as_str) {
        Some(FORMAT) => {}
        Some(checkpoint::FORMAT) => {
            return Err(format!(
                "format: this is a bare model checkpoint (\"{}\"), not a saved run (\"{FORMAT}\")",
                checkpoint::FORMAT
            ))
        }
        Some(other) => {
            return Err(format!(
                "format: \"{}\" is not a saved run (expected \"{FORMAT}\")",
                other.chars().take(40).collect::<String>()
            ))
        }
        None => {
            return Err(format!(
                "format: missing (a saved run has \"format\": \"{FORMAT}\")"
            ))
        }
    }
    match map.get("version").and_then(Value::as_u64) {
        Some(VERSION) => Ok(()),
        _ => Err(format!(
            "version: not supported (this build reads version {VERSION})"
        )),
    }
}
