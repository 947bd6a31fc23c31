//! The `gru-trace` binary's input: the happy paths (stdin, `-`, a file, `--help`), input too
//! large or not UTF-8, and random damage that must never crash it.

mod trace_support;

use serde_json::{json, Value};
use trace_support::{base, rejects, run, run_bytes};

#[test]
fn the_base_spec_is_valid_on_stdin_and_as_dash() {
    for args in [&[][..], &["-"][..]] {
        let out = run(args, &base().to_string());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("result is JSON");
        assert_eq!(v["T"], 2);
        assert_eq!(
            v["grads"]["weights"]["b_z"].as_array().map(Vec::len),
            Some(4),
            "missing biases still get gradients"
        );
        assert!(out.stderr.is_empty());
    }
}

#[test]
fn a_spec_file_argument_works_and_a_missing_file_is_exit_2() {
    let path = std::env::temp_dir().join(format!("gru-trace-test-{}.json", std::process::id()));
    std::fs::write(&path, base().to_string()).expect("write temp spec");
    let out = run(&[path.to_str().expect("utf-8 temp path")], "");
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["/nonexistent/dir/spec.json"], "");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("gru-trace: cannot read /nonexistent/dir/spec.json")
            && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn help_is_not_an_error() {
    let out = run(&["--help"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("usage: gru-trace"));
    let out = run(&["--bogus"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["a.json", "b.json"], "");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn traces_too_large_and_non_utf8_input_are_refused() {
    let spec = json!({
        "cell": "rnn", "weights": {"W_ih": [[0.0]], "W_hh": [[0.0]]},
        "x": vec![[0.0]; 20_000_000 / 1000], "hidden_size": 40, "input_size": 1
    });
    // hidden_size 40 does not match the 1×1 weights, but the size check comes first.
    let line = rejects(&spec.to_string(), "x: 20000 steps × (40² state Jacobian");
    assert!(
        line.contains("over gru-trace's limit of 16777216"),
        "{line}"
    );
    let out = run_bytes(&[], b"{\"cell\": \"gru\xff\"}");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "gru-trace: stdin: not UTF-8 text\n"
    );
    let out = run(&["/"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("gru-trace: cannot read /:"));
}

/// Random damage to the base spec through the binary: exit 0 with a JSON result, or exit 2
/// with one line and nothing on stdout; never a panic (exit 101) or a signal.
#[test]
fn random_damage_never_crashes_the_binary() {
    let base = base().to_string();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let tokens = [
        "1e309",
        "-0",
        "[]",
        "{}",
        "null",
        "\"",
        ",",
        "]",
        "9e18",
        "\"\\u0000\"",
    ];
    let mut cases = 0;
    for _ in 0..60 {
        let mut s = base.clone();
        for _ in 0..3 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let at = (x as usize) % s.len();
            let at = (0..=at).rev().find(|&k| s.is_char_boundary(k)).unwrap_or(0);
            let tok = tokens[(x >> 32) as usize % tokens.len()];
            let end = (at + (x >> 48) as usize % 4).min(s.len());
            let end = (end..=s.len())
                .find(|&k| s.is_char_boundary(k))
                .unwrap_or(s.len());
            s.replace_range(at..end, tok);
        }
        let out = run(&[], &s);
        let err = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => {
                serde_json::from_slice::<Value>(&out.stdout).expect("a JSON result");
            }
            Some(2) => {
                assert!(out.stdout.is_empty(), "stdout on error for {s}");
                assert_eq!(err.matches('\n').count(), 1, "one line for {s}: {err}");
                assert!(err.starts_with("gru-trace: "), "{err}");
            }
            code => panic!("exit {code:?} for {s}: {err}"),
        }
        cases += 1;
    }
    println!("{cases} damaged specs through gru-trace");
}
