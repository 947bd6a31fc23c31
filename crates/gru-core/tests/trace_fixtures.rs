//! Every PyTorch reference in `shared/fixtures/torch-reference/` reproduced by `gru-trace`
//! (the library entry point `gru_core::trace::run_json`), field by field.
//!
//! The fixtures are found through `GRU_FIXTURES` (the folder itself), else by walking up from
//! this crate looking for `shared/fixtures/torch-reference` in any ancestor (this covers both
//! `<repo>/shared/...` and a `shared/` that is a sibling of the clone, `<clone>/../shared`).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Relative tolerance, with an absolute floor for values that are (nearly) zero.
const REL: f64 = 1e-9;
const ABS: f64 = 1e-12;

fn fixture_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("GRU_FIXTURES") {
        let p = PathBuf::from(p);
        assert!(
            p.is_dir(),
            "GRU_FIXTURES={} is not a directory",
            p.display()
        );
        return p;
    }
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for anc in here.ancestors() {
        let cand = anc.join("shared").join("fixtures").join("torch-reference");
        if cand.is_dir() {
            return cand;
        }
    }
    panic!("fixtures not found: set GRU_FIXTURES or put shared/fixtures/torch-reference in an ancestor of {}", here.display());
}

/// Worst relative error seen, and where.
#[derive(Default)]
struct Stats {
    worst: f64,
    at: String,
    numbers: usize,
    problems: Vec<String>,
}

fn compare(ours: &Value, want: &Value, path: &str, st: &mut Stats) {
    match (ours, want) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, w) in b {
                match a.get(k) {
                    Some(o) => compare(o, w, &format!("{path}.{k}"), st),
                    None => st
                        .problems
                        .push(format!("{path}.{k}: missing in our result")),
                }
            }
            for k in a.keys().filter(|k| !b.contains_key(*k)) {
                st.problems
                    .push(format!("{path}.{k}: not in the reference"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                st.problems.push(format!(
                    "{path}: {} entries, reference has {}",
                    a.len(),
                    b.len()
                ));
                return;
            }
            for (n, (o, w)) in a.iter().zip(b).enumerate() {
                compare(o, w, &format!("{path}[{n}]"), st);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
                st.problems.push(format!("{path}: unreadable number"));
                return;
            };
            st.numbers += 1;
            let err = (x - y).abs();
            if err > REL * y.abs() + ABS {
                st.problems
                    .push(format!("{path}: {x:e} vs reference {y:e}"));
            }
            let rel = err / y.abs().max(ABS);
            if rel > st.worst {
                st.worst = rel;
                st.at = path.to_string();
            }
        }
        (a, b) if a == b => {}
        (a, b) => st.problems.push(format!("{path}: {a} vs reference {b}")),
    }
}

#[test]
fn every_torch_reference_fixture_is_reproduced() {
    let dir = fixture_dir();
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".spec.json"))
        .collect();
    specs.sort();
    assert!(
        specs.len() >= 7,
        "expected the 7 reference fixtures in {}, found {}",
        dir.display(),
        specs.len()
    );
    let mut failures = Vec::new();
    for spec in &specs {
        let name = spec
            .file_name()
            .map(|n| n.to_string_lossy().replace(".spec.json", ""))
            .unwrap_or_default();
        let result_path = dir.join(format!("{name}.result.json"));
        let read = |p: &Path| {
            std::fs::read_to_string(p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
        };
        let want: Value = serde_json::from_str(&read(&result_path))
            .unwrap_or_else(|e| panic!("{name}: reference is not JSON: {e}"));
        let ours_text = match gru_core::trace::run_json(&read(spec)) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{name}: gru-trace failed: {e}"));
                continue;
            }
        };
        assert!(
            !ours_text.contains("NaN") && !ours_text.contains("inf"),
            "{name}: non-finite number in output"
        );
        let ours: Value = serde_json::from_str(&ours_text)
            .unwrap_or_else(|e| panic!("{name}: our output is not JSON: {e}"));
        let mut st = Stats::default();
        compare(&ours, &want, "", &mut st);
        println!(
            "{name:>24}: {:>5} numbers, max relative error {:.2e} at {}",
            st.numbers, st.worst, st.at
        );
        failures.extend(st.problems.iter().take(10).map(|p| format!("{name}: {p}")));
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn numbers_are_written_shortest_round_trip() {
    let dir = fixture_dir();
    let text = std::fs::read_to_string(dir.join("rnn_tanh.spec.json")).expect("rnn_tanh fixture");
    let out = gru_core::trace::run_json(&text).expect("valid spec");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    // The initial state is copied through untouched: it must print exactly as given.
    assert_eq!(
        v["h"][0],
        serde_json::json!([-0.096324, 0.490433, -0.061352])
    );
    assert!(
        out.contains("-0.096324,"),
        "h0 should print as the shortest decimal"
    );
}

/// Runs a spec value, returning the parsed result.
fn trace(spec: &Value) -> Value {
    let out = gru_core::trace::run_json(&spec.to_string()).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&out).expect("result is JSON")
}

/// JSON pointers of every number under `v`, prefixed by `at`.
fn leaves(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Number(_) => out.push(at),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(k, x)| leaves(x, format!("{at}/{k}"), out)),
        Value::Object(o) => o
            .iter()
            .for_each(|(k, x)| leaves(x, format!("{at}/{k}"), out)),
        _ => {}
    }
}

/// Central finite differences of `loss` w.r.t. every weight, head entry, `h0`, `c0` and `x`
/// of `spec`, against the trace's `grads`.
fn check_gradients(name: &str, spec: &Value) {
    let base = trace(spec);
    let mut params = Vec::new();
    for key in ["weights", "head", "h0", "c0", "x"] {
        if let Some(v) = spec.get(key) {
            leaves(v, format!("/{key}"), &mut params);
        }
    }
    let eps = 1e-6;
    for p in &params {
        let bumped = |d: f64| {
            let mut s = spec.clone();
            let slot = s.pointer_mut(p).expect("leaf exists");
            *slot = Value::from(slot.as_f64().expect("number") + d);
            trace(&s)["loss"].as_f64().expect("a loss")
        };
        let fd = (bumped(eps) - bumped(-eps)) / (2.0 * eps);
        let g = base
            .pointer(&format!("/grads{p}"))
            .and_then(Value::as_f64)
            .unwrap_or_else(|| panic!("{name}: no gradient at grads{p}"));
        assert!(
            (fd - g).abs() <= 1e-7 + 1e-6 * g.abs(),
            "{name}: d loss / d {p}: trace {g:e}, finite difference {fd:e}"
        );
    }
}

#[test]
fn spec_variants_not_in_the_fixtures_match_finite_differences() {
    let dir = fixture_dir();
    let load = |n: &str| -> Value {
        let text =
            std::fs::read_to_string(dir.join(format!("{n}.spec.json"))).expect("fixture spec");
        serde_json::from_str(&text).expect("fixture JSON")
    };
    let biases = |v: &Value| -> Vec<String> {
        v["weights"]
            .as_object()
            .map(|w| w.keys().filter(|k| k.starts_with('b')).cloned().collect())
            .unwrap_or_default()
    };
    // LSTM: dot loss at the final step with a head present (the head gets zero gradient, the
    // outputs are still reported), no c0, and missing biases (zero, but with gradients).
    let mut lstm = load("lstm");
    let h = lstm["h0"].as_array().map_or(0, Vec::len);
    lstm["loss"] = serde_json::json!({"type": "dot", "at": "final", "target": vec![0.5; h]});
    lstm["head"] = serde_json::json!({"W_o": [vec![0.3; h], vec![-0.2; h]]});
    let mut zeros = lstm.clone();
    for b in biases(&lstm) {
        if let Some(w) = lstm["weights"].as_object_mut() {
            w.remove(&b);
        }
        zeros["weights"][&b] = Value::from(vec![0.0; h]);
    }
    if let Some(o) = lstm.as_object_mut() {
        o.remove("c0");
    }
    if let Some(o) = zeros.as_object_mut() {
        o.remove("c0");
    }
    let (missing, explicit) = (trace(&lstm), trace(&zeros));
    assert_eq!(
        missing["grads"], explicit["grads"],
        "a missing bias is a zero bias"
    );
    assert_eq!(missing["outputs"].as_array().map(Vec::len), Some(4));
    let head_w = missing["grads"]["head"]["W_o"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        !head_w.is_empty()
            && head_w.iter().all(|r| r
                .as_array()
                .is_some_and(|r| r.iter().all(|v| v.as_f64() == Some(0.0))))
    );
    check_gradients("lstm dot final", &zeros);
    // RNN: cross-entropy summed over steps, no h0.
    let mut rnn = load("rnn_tanh");
    rnn["loss"] = serde_json::json!({"type": "cross_entropy", "at": "per_step", "step_reduction": "sum", "target": [1, 0, 1, 1]});
    if let Some(o) = rnn.as_object_mut() {
        o.remove("h0");
    }
    check_gradients("rnn ce per-step sum", &rnn);
    // GRU: dot loss averaged over steps with a single broadcast target.
    let mut gru = load("gru_reset_before");
    gru["loss"] = serde_json::json!({"type": "dot", "at": "per_step", "target": [0.7, -0.4, 0.2]});
    check_gradients("gru dot per-step mean", &gru);
}
