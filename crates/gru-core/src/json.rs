//! The JSON plumbing shared by every file a user hands us (checkpoints, PyTorch state dicts,
//! `gru-trace` specs): a size limit checked before parsing, parse errors that say where they
//! happened, one-line messages that name the field, tensors as nested lists, and numbers written
//! so that they read back to the same float.
//!
//! Every message is one line: keys and strings from the document are shown escaped and cut
//! short ([`key`], [`describe`]), and [`one_line`] is the last step of every public parser.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::{Path, Segment};

use crate::{Error, Real};

/// The largest checkpoint or state dict read: 50 MiB, about four million numbers. A 1024-unit
/// LSTM layer (the largest hidden size a model may have) takes about 50 MB.
pub const MAX_BYTES: usize = 50 << 20;

/// Messages are cut to this many characters.
const MAX_MESSAGE: usize = 400;

/// Keys and strings quoted from a document are cut to this many characters.
const MAX_QUOTE: usize = 40;

/// `msg` made safe to show on one line: control, line-separator and bidirectional-override
/// characters escaped (`\u{a}`), cut to a few hundred characters.
pub(crate) fn one_line(msg: &str) -> String {
    let safe = escape(msg);
    let short: String = safe.chars().take(MAX_MESSAGE).collect();
    let cut = if short.len() < safe.len() { "…" } else { "" };
    format!("{short}{cut}")
}

/// `s` with every [`unsafe_char`] written as `\u{…}`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters that would break a message over lines or reorder what the reader sees.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}' | '\u{feff}')
}

/// A key from the document as shown in a message: escaped as by [`one_line`], cut to 40
/// characters.
pub(crate) fn key(k: &str) -> String {
    if k.is_empty() {
        return "\"\"".into();
    }
    let short: String = k.chars().take(MAX_QUOTE).collect();
    let cut = if short.len() < k.len() { "…" } else { "" };
    format!("{}{cut}", escape(&short))
}

/// A short description of a JSON value for error messages (`"mse"`, `2.5`, `a list of 3`).
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let short: String = s.chars().take(MAX_QUOTE).collect();
            let cut = if short.len() < s.len() { "…" } else { "" };
            format!("\"{}{cut}\"", short.escape_debug())
        }
        Value::Array(a) => format!("a list of {}", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

/// `path` as `weights.W_z[3][1]`, keys shown by [`key`], cut after 8 steps or about 100
/// characters.
fn show_path(path: &Path) -> String {
    let mut out = String::new();
    for (n, seg) in path.iter().enumerate() {
        if n == 8 || out.chars().count() > 100 {
            out.push('…');
            break;
        }
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key: k } | Segment::Enum { variant: k } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&key(k));
            }
            Segment::Unknown => {} // between two keys of the object above
        }
    }
    out
}

/// `"{field}.{path}: {msg}"`, or `"{field}: {msg}"` at the root (either may be empty).
fn at(field: &str, path: &Path, msg: &str) -> String {
    let p = show_path(path);
    let sep = if field.is_empty() || p.is_empty() || p.starts_with('[') {
        ""
    } else {
        "."
    };
    match (field, p.as_str()) {
        ("", "") => msg.to_string(),
        _ => format!("{field}{sep}{p}: {msg}"),
    }
}

/// Parses a whole document. A document over `max_bytes` is refused unread; a syntax error
/// names the innermost field it was in (`weights.W_z[0][2]: invalid JSON: number out of range
/// at line 1 column 40`), or the document (`what`) when at the top.
pub(crate) fn parse(text: &str, what: &str, max_bytes: usize) -> Result<Value, String> {
    if text.len() > max_bytes {
        return Err(format!(
            "{what}: {} bytes is over the limit of {max_bytes} bytes ({} MiB)",
            text.len(),
            max_bytes >> 20
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let v: Value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let msg = format!("invalid JSON: {}", e.inner());
        match show_path(e.path()) {
            p if p.is_empty() => format!("{what}: {msg}"),
            p if p.starts_with('[') => format!("{what}{p}: {msg}"), // the document is a list
            p => format!("{p}: {msg}"),
        }
    })?;
    de.end().map_err(|e| format!("{what}: invalid JSON: {e}"))?;
    Ok(v)
}

/// Deserialises `v` as a `T`, the message naming the path below `field` (`model.hidden:
/// invalid type: string "x", expected usize`).
pub(crate) fn typed<T: DeserializeOwned>(v: &Value, field: &str) -> Result<T, String> {
    serde_path_to_error::deserialize(v).map_err(|e| at(field, e.path(), &e.inner().to_string()))
}

/// The message of a config or format error, without the "invalid setting" preamble.
pub(crate) fn inner(e: Error) -> String {
    match e {
        Error::Config(m) | Error::Format(m) => m,
        e => e.to_string(),
    }
}

/// The shape of a JSON tensor: `[n]` or `[rows][cols]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dims {
    /// A flat list of `n` numbers.
    Vector(usize),
    /// A list of `rows` lists of `cols` numbers.
    Matrix(usize, usize),
}

impl fmt::Display for Dims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Dims::Vector(n) => write!(f, "[{n}]"),
            Dims::Matrix(r, c) => write!(f, "{r}×{c}"),
        }
    }
}

/// A finite number, or an error naming `at`.
fn finite(v: &Value, at: impl FnOnce() -> String) -> Result<f64, String> {
    match v.as_f64() {
        Some(x) if x.is_finite() => Ok(x),
        _ => Err(format!(
            "{}: expected a finite number, got {}",
            at(),
            describe(v)
        )),
    }
}

/// Reads a nested list of finite numbers (`[n]` or rectangular `[rows][cols]`), row-major.
/// The shape is checked before anything is allocated, so memory follows the document's size.
pub(crate) fn read_tensor(v: &Value, field: &str) -> Result<(Dims, Vec<f64>), String> {
    let Value::Array(rows) = v else {
        return Err(format!("{field}: expected a list, got {}", describe(v)));
    };
    let Some(Value::Array(first)) = rows.first() else {
        let data = rows
            .iter()
            .enumerate()
            .map(|(i, x)| finite(x, || format!("{field}[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok((Dims::Vector(data.len()), data));
    };
    let cols = first.len();
    for (i, row) in rows.iter().enumerate() {
        match row {
            Value::Array(r) if r.len() == cols => {}
            Value::Array(r) => {
                return Err(format!(
                    "{field}: row {i} has {} numbers, row 0 has {cols}",
                    r.len()
                ))
            }
            _ => {
                return Err(format!(
                    "{field}[{i}]: expected a list of {cols} numbers, got {}",
                    describe(row)
                ))
            }
        }
    }
    let mut data = Vec::with_capacity(rows.len() * cols); // ≤ the numbers in the document
    for (i, row) in rows.iter().filter_map(Value::as_array).enumerate() {
        for (j, x) in row.iter().enumerate() {
            data.push(finite(x, || format!("{field}[{i}][{j}]"))?);
        }
    }
    Ok((Dims::Matrix(rows.len(), cols), data))
}

/// Converts `src` into `dst` (same length), refusing values the float type cannot hold.
pub(crate) fn store<T: Real>(field: &str, src: &[f64], dst: &mut [T]) -> Result<(), String> {
    for (k, (d, &s)) in dst.iter_mut().zip(src).enumerate() {
        *d = T::of(s);
        if !d.is_finite() {
            return Err(format!(
                "{field}: element {k} ({s:e}) is out of range for the model's float type"
            ));
        }
    }
    Ok(())
}

/// Appends `v` so that it reads back to the same float: the shortest round-trip form for
/// ordinary magnitudes, the exact value in exponent form for tiny or huge ones.
pub(crate) fn push_number<T: Real>(out: &mut String, v: T) {
    let a = v.abs().f64();
    if a == 0.0 || (1e-5..1e16).contains(&a) {
        out.push_str(&v.to_string());
    } else {
        out.push_str(&format!("{:e}", v.f64()));
    }
}

/// Appends `[v0, v1, …]`.
pub(crate) fn push_vector<T: Real>(out: &mut String, v: &[T]) {
    out.push('[');
    for (k, &x) in v.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        push_number(out, x);
    }
    out.push(']');
}

/// Appends a row-major `(len / cols, cols)` matrix as `[[…], …]`, one row per line.
pub(crate) fn push_matrix<T: Real>(out: &mut String, m: &[T], cols: usize, indent: &str) {
    out.push('[');
    for (i, row) in m.chunks(cols.max(1)).enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(indent);
        out.push_str("  ");
        push_vector(out, row);
    }
    out.push('\n');
    out.push_str(indent);
    out.push(']');
}

/// `s` as a JSON string literal.
pub(crate) fn quote(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_stay_on_one_line_and_short() {
        let m = one_line("a\nb\r\u{2028}c\u{202e}d\u{0}");
        assert_eq!(m, "a\\u{a}b\\u{d}\\u{2028}c\\u{202e}d\\u{0}");
        assert_eq!(
            one_line(&"x".repeat(10_000)).chars().count(),
            MAX_MESSAGE + 1
        );
        assert_eq!(key("l0.fwd.W"), "l0.fwd.W");
        assert_eq!(key(""), "\"\"");
        assert_eq!(key("a\nb"), "a\\u{a}b");
        assert_eq!(key(&"k".repeat(100)), format!("{}…", "k".repeat(40)));
        assert_eq!(describe(&Value::from("<script>\n")), "\"<script>\\n\"");
    }

    #[test]
    fn syntax_errors_name_the_innermost_field() {
        let e = parse(
            r#"{"weights": {"a\nb": [[1, 2], [3, 1e309]]}}"#,
            "doc",
            1000,
        )
        .unwrap_err();
        assert!(
            e.starts_with("weights.a\\u{a}b[1][1]: invalid JSON: number out of range"),
            "{e}"
        );
        let e = parse("[1, 2", "doc", 1000).unwrap_err();
        assert!(
            e.starts_with("doc: invalid JSON: EOF while parsing a list"),
            "{e}"
        );
        let e = parse(r#"{"a": [1], "b": "x, "c": 2}"#, "doc", 1000).unwrap_err();
        assert!(
            e.starts_with("doc: invalid JSON: expected `,` or `}`"),
            "{e}"
        );
        let e = parse(r#"{"a": {"b": 1 "c": 2}}"#, "doc", 1000).unwrap_err();
        assert!(e.starts_with("a: invalid JSON: expected `,` or `}`"), "{e}");
        let e = parse("[[1, 2], [3 4]]", "doc", 1000).unwrap_err();
        assert!(
            e.starts_with("doc[1]: invalid JSON: expected `,` or `]`"),
            "{e}"
        );
        let e = parse("{} x", "doc", 1000).unwrap_err();
        assert!(
            e.starts_with("doc: invalid JSON: trailing characters"),
            "{e}"
        );
        let e = parse("[1]", "doc", 2).unwrap_err();
        assert_eq!(e, "doc: 3 bytes is over the limit of 2 bytes (0 MiB)");
    }

    #[test]
    fn typed_errors_name_the_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct S {
            n: usize,
            v: Vec<u8>,
        }
        let v: Value = serde_json::from_str(r#"{"n": 1, "v": [1, 300]}"#).unwrap();
        let e = typed::<S>(&v, "model").unwrap_err();
        assert!(
            e.starts_with("model.v[1]: invalid value: integer `300`"),
            "{e}"
        );
        let e = typed::<S>(&Value::from(3), "model").unwrap_err();
        assert!(e.starts_with("model: invalid type: integer `3`"), "{e}");
    }

    #[test]
    fn a_ragged_tensor_is_refused_before_allocating_rows_times_cols() {
        // 200 000 rows, the first of 200 000 numbers: rows × cols would be 320 GB.
        let n = 200_000;
        let text = format!("[[{}0], {}[]]", "0,".repeat(n - 1), "[], ".repeat(n - 2));
        let v: Value = serde_json::from_str(&text).unwrap();
        let e = read_tensor(&v, "w").unwrap_err();
        assert_eq!(e, format!("w: row 1 has 0 numbers, row 0 has {n}"));
    }
}
