//! `gru-trace`: runs one sequence through one cell and prints everything the app animates —
//! states, gates, loss, gradients, gradient norms and Jacobians — as the RESULT JSON of
//! TRACE_FORMAT.md (float64, shortest round-trip numbers) on stdout.
//!
//! ```text
//! gru-trace [SPEC.json | -]        (no argument or `-`: the spec is read from stdin)
//! ```
//!
//! Exit codes: 0 success; 2 invalid spec or unreadable input, with one line on stderr naming
//! the problem (`gru-trace: weights.W_z: expected 4 rows of 3, got 3 rows`); 1 when stdout
//! cannot be written or on an internal error (also one line, never a panic message).

use std::io::{Read, Write};
use std::process::ExitCode;

use gru_core::trace::spec::MAX_BYTES;

const USAGE: &str =
    "usage: gru-trace [SPEC.json | -]   (no argument or '-': read the spec from stdin)";

/// One line with no control characters (line breaks become spaces, others `\u{…}`).
fn one_line(s: &str) -> String {
    let words = s.split_whitespace().collect::<Vec<_>>().join(" ");
    words
        .chars()
        .map(|c| match c.is_control() {
            true => c.escape_unicode().to_string(),
            false => c.to_string(),
        })
        .collect()
}

/// The spec text from the path in the arguments, or stdin.
fn read_spec() -> Result<Option<String>, String> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let path = match args.as_slice() {
        [] => None,
        [a] if a == "-h" || a == "--help" => return Ok(None),
        [a] if a == "-" => None,
        [a] if a.to_string_lossy().starts_with('-') && a.len() > 1 => {
            return Err(format!("unknown option {}; {USAGE}", a.to_string_lossy()))
        }
        [a] => Some(std::path::PathBuf::from(a)),
        _ => return Err(format!("expected at most one argument; {USAGE}")),
    };
    let name = path
        .as_ref()
        .map_or("stdin".to_string(), |p| p.display().to_string());
    // At most one byte past the limit is read.
    let limit = u64::try_from(MAX_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    let read = match &path {
        Some(p) => std::fs::File::open(p).and_then(|f| f.take(limit).read_to_end(&mut bytes)),
        None => std::io::stdin().lock().take(limit).read_to_end(&mut bytes),
    };
    read.map_err(|e| format!("cannot read {name}: {e}"))?;
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "{name}: over the limit of {MAX_BYTES} bytes ({} MiB) for a spec",
            MAX_BYTES >> 20
        ));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| format!("{name}: not UTF-8 text"))
}

fn main() -> ExitCode {
    // Belt and braces: a bug must still end in one line, not a panic report.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("gru-trace: internal error: {}{at}", one_line(&msg));
        std::process::exit(1);
    }));
    let text = match read_spec() {
        Ok(Some(t)) => t,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("gru-trace: {}", one_line(&e));
            return ExitCode::from(2);
        }
    };
    let json = match gru_core::trace::run_json(&text) {
        Ok(j) => j,
        Err(gru_core::Error::Format(m) | gru_core::Error::Config(m)) => {
            eprintln!("gru-trace: {}", one_line(&m));
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("gru-trace: {}", one_line(&e.to_string()));
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    match out
        .write_all(json.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "gru-trace: cannot write the result: {}",
                one_line(&e.to_string())
            );
            ExitCode::from(1)
        }
    }
}
