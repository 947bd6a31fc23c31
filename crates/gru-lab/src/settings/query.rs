//! The URL query-string codec of [`Settings`] (Playground's `state.ts`): every run can be
//! shared as a link. Parsing never fails as a whole: a bad parameter keeps its default and
//! yields a message naming it. Old keys stay accepted ([`super::param::Legacy`]).

use super::param::clip_for_message;
use super::table::{param, PARAMS};
use super::Settings;

/// Most messages reported for one query (a hostile link can carry thousands of parameters).
const MAX_MESSAGES: usize = 8;

/// Parameters of a settings query read: the table has under 50 settings, so a link with more
/// is hostile or broken; the rest are counted, not parsed (each bad one would cost a
/// message compared against every earlier one).
pub const MAX_QUERY_PAIRS: usize = 256;

impl Settings {
    /// The settings as a query string (without `?`), listing only what differs from the
    /// default, in table order.
    pub fn to_query(&self) -> String {
        let d = Settings::default();
        PARAMS
            .iter()
            .filter_map(|p| {
                let v = p.text(self);
                (v != p.text(&d)).then(|| format!("{}={}", p.key, encode(&v)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Parses a query string (with or without `?`). Returns the settings (defaults where a
    /// parameter is missing or bad) and one message per bad parameter.
    pub fn from_query(query: &str) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let mut errors = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        let mut pairs = query
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty());
        for pair in pairs.by_ref().take(MAX_QUERY_PAIRS) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (k, v) = (decode(k), decode(v));
            // The value as current URL text: old keys convert theirs first.
            let target = param(&k).map(|p| (p, Ok(v.clone()))).or_else(|| {
                PARAMS.iter().find_map(|p| {
                    let l = p.legacy.filter(|l| l.key == k)?;
                    Some((p, (l.convert)(&v)))
                })
            });
            let result = match target {
                None => Err(format!("unknown parameter '{}'", clip_for_message(&k))),
                Some((p, _)) if seen.contains(&p.key) => Err(format!(
                    "{}: given more than once (the first is used)",
                    p.key
                )),
                Some((p, v)) => {
                    seen.push(p.key);
                    v.and_then(|v| p.set(&mut s, &v))
                }
            };
            if let Err(e) = result {
                if !errors.contains(&e) {
                    errors.push(e);
                }
            }
        }
        let unread = pairs.count();
        if unread > 0 {
            errors.insert(
                0,
                format!("{unread} parameters after the first {MAX_QUERY_PAIRS} were not read"),
            );
        }
        // The knob must fit the task it ended up with.
        if let Err(e) = s.task_config() {
            errors.push(e);
            s.knob = Settings::default().knob;
            if s.task_config().is_err() {
                s.task = Settings::default().task;
            }
        }
        // Settings fine one by one but not together: the later one falls back to its default.
        if let Err(e) = s.check_combination() {
            // The setting the message names falls back (train_n 1–7, or bi on sine).
            if e.starts_with("train_n:") {
                s.train_n = Settings::default().train_n;
            } else {
                s.direction = Settings::default().direction;
            }
            errors.push(e);
            if s.check_combination().is_err() {
                s.train_n = Settings::default().train_n;
                s.direction = Settings::default().direction;
            }
        }
        // Heads that do not divide the width fall back to one head.
        if let Err(e) = s.check_heads() {
            errors.push(e);
            s.heads = Settings::default().heads;
        }
        // The TCN and attention model take no recurrent-only setting: they are dropped.
        if let Err(e) = s.check_models() {
            errors.push(e);
            s.models.clear();
        }
        // Runs too big to hold together shrink until they fit, and the message says to what.
        if let Err(e) = s.check_memory() {
            let now = s.shrink_to_fit();
            errors.push(format!("{e}; {now}"));
        }
        if errors.len() > MAX_MESSAGES {
            let more = errors.len() - MAX_MESSAGES;
            errors.truncate(MAX_MESSAGES);
            errors.push(format!("and {more} more"));
        }
        (s, errors)
    }
}

/// Percent-encodes what a query value must not carry raw.
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b',' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Percent-decodes a query value (`+` is a space); invalid escapes are kept as they are.
pub fn decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
