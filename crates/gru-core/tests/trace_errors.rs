//! The `gru-trace` binary on bad specs: exit code 2, exactly one line on stderr that names the
//! problem, nothing on stdout, never a panic (the contract `trace_support::rejects` checks).

mod trace_support;

use serde_json::{json, Value};
use trace_support::{base, rejects, with};

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
