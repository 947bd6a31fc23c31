//! The `gru-trace` binary on bad input: exit code 2, exactly one line on stderr that names the
//! problem, nothing on stdout, never a panic. Plus the happy paths (stdin, `-`, a file).

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

fn run(args: &[&str], stdin: &str) -> Output {
    run_bytes(args, stdin.as_bytes())
}

fn run_bytes(args: &[&str], stdin: &[u8]) -> Output {
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
fn base() -> Value {
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
fn with(f: impl FnOnce(&mut Value)) -> String {
    let mut v = base();
    f(&mut v);
    v.to_string()
}

/// Runs `spec` on stdin and checks the error contract; returns the stderr line.
fn rejects(spec: &str, needle: &str) -> String {
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
fn the_documented_example_message() {
    let line = rejects(
        &with(|v| v["weights"]["W_z"] = json!([[0, 0, 0], [0, 0, 0], [0, 0, 0]])),
        "weights.W_z",
    );
    assert_eq!(
        line,
        "gru-trace: weights.W_z: expected 4 rows of 3, got 3 rows"
    );
}

#[test]
fn malformed_json_and_non_finite_numbers() {
    rejects("{\"cell\": \"gru\",", "invalid JSON");
    rejects("", "invalid JSON");
    rejects("[1, 2]", "spec: expected a JSON object");
    rejects(
        &base().to_string().replace("0.5", "1e999"),
        "number out of range",
    );
    rejects(&base().to_string().replace("0.5", "NaN"), "invalid JSON");
    rejects(
        &base().to_string().replace("0.5", "Infinity"),
        "invalid JSON",
    );
}

#[test]
fn unknown_fields_and_names() {
    rejects(
        &with(|v| v["colour"] = json!("red")),
        "unknown field `colour`",
    );
    rejects(
        &with(|v| v["weights"]["W_q"] = json!([[0.0]])),
        "weights.W_q: unknown weight",
    );
    rejects(
        &with(|v| v["loss"]["weight"] = json!(2)),
        "loss: unknown field `weight`",
    );
    rejects(
        &with(|v| v["head"]["bias"] = json!([0, 0])),
        "head: unknown field `bias`",
    );
    rejects(
        &with(|v| v["jacobians"] = json!({"target": 1})),
        "jacobians: unknown field `target`",
    );
    rejects(
        &with(|v| v["cell"] = json!("transformer")),
        "cell: expected one of",
    );
    rejects(&with(|v| v["variant"] = json!("keras")), "variant");
    rejects(
        &with(|v| v["nonlinearity"] = json!("relu")),
        "nonlinearity: only for cell \"rnn\"",
    );
    rejects(&with(|v| v["version"] = json!(2)), "version");
    rejects(&with(|v| v["loss"]["type"] = json!("hinge")), "loss.type");
    rejects(&with(|v| v["one_step"] = json!("matrices")), "one_step");
}

#[test]
fn wrong_shapes_and_types() {
    rejects(
        &with(|v| v["weights"]["W_z"][1] = json!([0.0, 0.0])),
        "weights.W_z[1]: expected 3 numbers, got 2",
    );
    rejects(
        &with(|v| v["weights"]["U_h"][2][3] = json!("x")),
        "weights.U_h[2][3]: expected a number",
    );
    rejects(
        &with(|v| v["weights"]["b_h"] = json!([0.0])),
        "weights.b_h: expected 4 numbers, got 1",
    );
    rejects(
        &with(|v| drop(v["weights"].as_object_mut().and_then(|w| w.remove("U_z")))),
        "weights.U_z: missing",
    );
    rejects(
        &with(|v| v["x"][1] = json!([1.0])),
        "x[1]: expected 3 numbers, got 1",
    );
    rejects(
        &with(|v| v["h0"] = json!([0.0, 0.0])),
        "h0: expected 4 numbers, got 2",
    );
    rejects(
        &with(|v| v["c0"] = json!([0.0, 0.0, 0.0, 0.0])),
        "c0: only the lstm",
    );
    rejects(&with(|v| v["hidden_size"] = json!(0)), "hidden_size");
    rejects(
        &with(|v| v["input_size"] = json!(2)),
        "weights.W_z[0]: expected 2 numbers, got 3",
    );
    rejects(
        &with(|v| v["head"]["W_o"] = json!([[1.0, 2.0]])),
        "head.W_o[0]: expected 4 numbers, got 2",
    );
    rejects(
        &with(|v| v["loss"]["target"] = json!([0.1])),
        "loss.target: expected 2 numbers, got 1",
    );
}

#[test]
fn empty_sequences_bad_targets_and_bad_options() {
    rejects(&with(|v| v["x"] = json!([])), "x: the sequence is empty");
    let ce = |target: Value, at: &str| {
        with(|v| v["loss"] = json!({"type": "cross_entropy", "at": at, "target": target}))
    };
    rejects(
        &ce(json!(2), "final"),
        "loss.target: expected a class index from 0 to 1, got 2",
    );
    rejects(&ce(json!(-1), "final"), "loss.target");
    rejects(&ce(json!(0.5), "final"), "loss.target");
    rejects(&ce(json!([0, 7]), "per_step"), "loss.target[1]");
    rejects(
        &ce(json!([0, 1, 0]), "per_step"),
        "loss.target: expected 2 class indices",
    );
    rejects(
        &with(|v| drop(v.as_object_mut().and_then(|o| o.remove("head")))),
        "needs a head",
    );
    rejects(&with(|v| v["loss"]["at"] = json!("first")), "loss.at");
    rejects(
        &with(|v| v["jacobians"] = json!({"target_step": 3})),
        "jacobians.target_step",
    );
    rejects(
        &with(|v| v["jacobians"] = json!({"ks": [0, 5]})),
        "jacobians.ks[1]",
    );
    rejects(
        &with(|v| v["jacobians"] = json!(3)),
        "jacobians: expected an object",
    );
}

#[test]
fn results_too_large_for_f64_are_errors_not_nan() {
    // y = 1e200 h: the squared error overflows.
    let spec = with(|v| v["head"]["b_o"] = json!([1e200, 0.0]));
    rejects(&spec, "not finite");
    // An exploding ReLU RNN: h_t = 1e200 h_{t−1} overflows at the third step.
    let rnn = json!({
        "cell": "rnn", "nonlinearity": "relu", "weights": {"W_ih": [[0.0]], "W_hh": [[1e200]]},
        "x": [[0.0], [0.0], [0.0]], "h0": [1e-200]
    });
    rejects(&rnn.to_string(), "not finite");
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
fn hostile_names_and_values_stay_on_one_short_line() {
    // Keys with line breaks, terminal escapes and bidi overrides are shown escaped.
    let line = rejects(
        &with(|v| v["<script>\n\u{1b}[31m\u{202e}"] = json!(1)),
        "unknown field `<script>\\u{a}\\u{1b}[31m\\u{202e}`",
    );
    assert!(line.starts_with("gru-trace: spec: unknown field"), "{line}");
    rejects(
        &with(|v| v["weights"]["W_z\r\nX"] = json!([[0.0]])),
        "weights.W_z\\u{d}\\u{a}X: unknown weight",
    );
    rejects(
        &with(|v| v["loss"]["type"] = json!("\u{1b}]0;pwned\u{7}")),
        "loss.type: expected one of",
    );
    // A 10 000-character key is cut, the message stays short.
    let line = rejects(&with(|v| v["K".repeat(10_000)] = json!(1)), "KKKKKKKK");
    assert!(
        line.chars().count() < 450,
        "{} characters",
        line.chars().count()
    );
    rejects(
        &with(|v| v["head"]["W_o"][0] = json!("<img src=x onerror=alert(1)>")),
        "head.W_o[0]: expected 4 numbers, got \"<img src=x onerror=alert(1)>\"",
    );
}

#[test]
fn bad_numbers_and_nesting_name_where_they_are() {
    let spec = with(|v| v["weights"]["W_z"][1][2] = json!("@@"));
    for (token, what) in [
        ("1e309", "number out of range"),
        ("NaN", "expected value"),
        ("-Infinity", "invalid number"),
        ("0x10", "expected `,` or `]`"),
    ] {
        let line = rejects(&spec.replace("\"@@\"", token), what);
        assert!(
            line.starts_with("gru-trace: weights.W_z[1]"),
            "{token}: {line}"
        );
    }
    rejects(
        &with(|v| v["jacobians"] = json!({"target_step": 18_446_744_073_709_551_615_u64})),
        "jacobians.target_step: expected a step from 0 to T = 2, got 18446744073709551615",
    );
    rejects(
        &with(|v| v["hidden_size"] = json!(-0.0)),
        "hidden_size: expected an integer",
    );
    rejects(
        &with(|v| v["input_size"] = json!(1e300)),
        "input_size: expected an integer",
    );
    let deep = format!("{{\"x\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    rejects(&deep, "x[0][0]");
    rejects(&"[".repeat(100_000), "recursion limit exceeded");
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
