//! Shared by the `gru-trace` binary tests (`tests/trace_*.rs`): running the binary, a valid
//! base spec to damage, and the error contract (exit code 2, exactly one line on stderr that
//! names the problem, nothing on stdout, never a panic).
#![allow(dead_code)] // each test crate uses part of it

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

pub fn run(args: &[&str], stdin: &str) -> Output {
    run_bytes(args, stdin.as_bytes())
}

pub fn run_bytes(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gru-trace"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gru-trace");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin); // the binary may exit before reading it all
    }
    child.wait_with_output().expect("wait for gru-trace")
}

/// A valid GRU spec, I = 3, H = 4, T = 2, with a head and an MSE loss.
pub fn base() -> Value {
    let m = |r: usize, c: usize| -> Value {
        (0..r)
            .map(|i| {
                (0..c)
                    .map(|j| 0.1 * (i as f64) - 0.05 * (j as f64))
                    .collect::<Vec<f64>>()
            })
            .collect()
    };
    json!({
        "cell": "gru", "input_size": 3, "hidden_size": 4,
        "weights": {"W_z": m(4, 3), "U_z": m(4, 4), "W_r": m(4, 3), "U_r": m(4, 4), "W_h": m(4, 3), "U_h": m(4, 4), "b_h": [0.1, 0.2, 0.3, 0.4]},
        "x": [[0.5, -0.2, 0.1], [0.3, 0.0, -0.4]],
        "head": {"W_o": m(2, 4), "b_o": [0.0, 0.1]},
        "loss": {"type": "mse", "target": [0.2, -0.1]}
    })
}

/// `base()` with `f` applied, as text.
pub fn with(f: impl FnOnce(&mut Value)) -> String {
    let mut v = base();
    f(&mut v);
    v.to_string()
}

/// Runs `spec` on stdin and checks the error contract; returns the stderr line.
pub fn rejects(spec: &str, needle: &str) -> String {
    let out = run(&[], spec);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit code for {needle:?}; stderr: {err}"
    );
    assert!(
        out.stdout.is_empty(),
        "stdout should be empty on error, got {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let line = err.strip_suffix('\n').unwrap_or(&err);
    assert!(
        !line.is_empty() && !line.chars().any(char::is_control),
        "exactly one line on stderr, no control characters, got {err:?}"
    );
    assert!(line.starts_with("gru-trace: "), "{line}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "panic text: {err}"
    );
    assert!(
        line.contains(needle),
        "stderr should name {needle:?}: {line}"
    );
    line.to_string()
}
