//! A saved run's `format` and `version`, read straight from the text: every other value is
//! skipped (its syntax still checked, nothing of it kept), so a foreign file gets a message
//! about what it is without a tree of the whole document ever being built.

use std::fmt;

use gru_core::checkpoint;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::save::{FORMAT, VERSION};

/// What the header pass keeps of one JSON value.
enum Seen {
    /// A string.
    Str(String),
    /// A whole number from 0 to `u64::MAX`.
    Whole(u64),
    /// An object: its `"format"` if a string and `"version"` if a whole number (the last of
    /// each when repeated, as a parsed tree would keep).
    Object {
        format: Option<String>,
        version: Option<u64>,
    },
    /// Anything else (skipped).
    Other,
}

impl<'de> Deserialize<'de> for Seen {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SeenVisitor)
    }
}

struct SeenVisitor;

impl<'de> Visitor<'de> for SeenVisitor {
    type Value = Seen;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<Seen, E> {
        Ok(Seen::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Seen, E> {
        Ok(Seen::Str(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Seen, E> {
        Ok(Seen::Whole(v))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Seen, E> {
        Ok(Seen::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Seen, E> {
        Ok(Seen::Other)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Seen, E> {
        Ok(Seen::Other)
    }
    fn visit_unit<E>(self) -> Result<Seen, E> {
        Ok(Seen::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Seen, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Seen::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Seen, A::Error> {
        let (mut format, mut version) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    format = match map.next_value::<Seen>()? {
                        Seen::Str(s) => Some(s),
                        _ => None,
                    }
                }
                "version" => {
                    version = match map.next_value::<Seen>()? {
                        Seen::Whole(v) => Some(v),
                        _ => None,
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Seen::Object { format, version })
    }
}

/// The whole text is JSON (syntax only: skipped numbers are not range-checked here), an
/// object, with `format` and `version` this build reads; checked first so a foreign file
/// gets a message about what it is.
pub(crate) fn header(text: &str) -> Result<(), String> {
    let seen: Seen = serde_json::from_str(text)
        .map_err(|e| format!("the file is not JSON ({e}); a saved run is a JSON file"))?;
    let Seen::Object { format, version } = seen else {
        return Err("the file is JSON but not an object; a saved run is a JSON object".into());
    };
    match format.as_deref() {
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
    match version {
        Some(VERSION) => Ok(()),
        _ => Err(format!(
            "version: not supported (this build reads version {VERSION})"
        )),
    }
}
