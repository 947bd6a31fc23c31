//! Property-based tests of the `gru-trace` spec parser (`trace::spec::parse`) and of the run
//! behind it: arbitrary text and JSON, valid specs with hostile mutations, and exact round
//! trips of random specs through `Spec::to_json`. Contract: never a panic; every error one line
//! naming the field; what is accepted is written and read back the same, and runs (or refuses
//! to, with one line) without panicking.

mod fuzz_support;

use fuzz_support::{
    arbitrary_json, blamed, check, mutate, mutation, names_one_of, one_line, second, shown, top,
    Applied,
};
use gru_core::cell::Nonlinearity;
use gru_core::trace::cells::CellType;
use gru_core::trace::spec::{
    parse, Head, JacobianSpec, Loss, LossType, OneStep, Spec, Target, MAX_BYTES,
};
use gru_core::trace::{run, run_json};
use gru_core::Error;
use proptest::prelude::*;
use serde_json::Value;

const CELLS: [CellType; 5] = [
    CellType::GruResetBefore,
    CellType::GruTorch,
    CellType::Lstm,
    CellType::Rnn(Nonlinearity::Tanh),
    CellType::Rnn(Nonlinearity::Relu),
];

/// Any finite f64 (from its bits), with the edge cases and plain values mixed in.
fn number() -> impl Strategy<Value = f64> {
    let special = vec![
        0.0,
        -0.0,
        f64::MIN_POSITIVE,
        f64::from_bits(1),
        f64::MAX,
        -f64::MAX,
        1e-5,
        1e16,
    ];
    prop_oneof![
        2 => any::<u64>().prop_map(|b| {
            let x = f64::from_bits(b);
            if x.is_finite() { x } else { f64::from_bits(b & !(1 << 62)) }
        }),
        1 => prop::sample::select(special),
        4 => -2.0f64..2.0,
    ]
}

fn numbers(n: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(number(), n)
}

/// The loss over `steps` steps: `dot` (width `H`) always, `mse` / `cross_entropy` with a head.
fn loss(steps: usize, hidden: usize, out: Option<usize>) -> BoxedStrategy<Loss> {
    let flags = (any::<bool>(), any::<bool>());
    let values = move |width: usize, kind: LossType| {
        (flags, numbers(steps * width), numbers(width)).prop_map(
            move |((per_step, sum), all, row)| Loss {
                kind,
                per_step,
                sum,
                target: Target::Values(if per_step { all } else { row.repeat(steps) }),
            },
        )
    };
    match out {
        None => values(hidden, LossType::Dot).boxed(),
        Some(o) => prop_oneof![
            values(hidden, LossType::Dot),
            values(o, LossType::Mse),
            (flags, prop::collection::vec(0..o, steps), 0..o).prop_map(
                move |((per_step, sum), all, one)| Loss {
                    kind: LossType::CrossEntropy,
                    per_step,
                    sum,
                    target: Target::Classes(if per_step { all } else { vec![one; steps] }),
                }
            ),
        ]
        .boxed(),
    }
}

fn jacobians(steps: usize) -> impl Strategy<Value = Option<JacobianSpec>> {
    let some = (0..=steps).prop_flat_map(|target| {
        (
            prop::collection::btree_set(0..=target, 0..=target + 1),
            any::<bool>(),
        )
            .prop_map(move |(ks, matrices)| JacobianSpec {
                target,
                ks: ks.into_iter().collect(),
                matrices,
            })
    });
    prop::option::of(some)
}

/// A random valid spec: any cell, `I ≤ 3`, `H ≤ 4`, `T ≤ 5`, any finite numbers.
fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::sample::select(&CELLS[..]),
        1usize..4,
        1usize..5,
        1usize..6,
        prop::option::of(1usize..4),
    )
        .prop_flat_map(|(cell, i, h, t, out)| {
            let sizes: Vec<usize> = cell
                .weights()
                .iter()
                .map(|d| match d.shape {
                    gru_core::trace::cells::Shape::Input => h * i,
                    gru_core::trace::cells::Shape::Recurrent => h * h,
                    gru_core::trace::cells::Shape::Bias => h,
                })
                .collect();
            let total: usize = sizes.iter().sum();
            let head = match out {
                Some(o) => (numbers(o * h), numbers(o))
                    .prop_map(move |(w, b)| Some(Head { out: o, w, b }))
                    .boxed(),
                None => Just(None).boxed(),
            };
            let c = if cell.has_c() { h } else { 0 };
            (
                numbers(total),
                numbers(t * i),
                (numbers(h), numbers(c)),
                head,
                prop::option::of(loss(t, h, out)),
                jacobians(t),
                prop::sample::select(vec![OneStep::Full, OneStep::Norms, OneStep::Off]),
            )
                .prop_map(
                    move |(flat, x, (h0, c0), head, loss, jacobians, one_step)| {
                        let mut rest = &flat[..];
                        let weights = cell
                            .weights()
                            .iter()
                            .zip(&sizes)
                            .map(|(d, &n)| {
                                let (w, r) = rest.split_at(n);
                                rest = r;
                                (d.name, w.to_vec())
                            })
                            .collect();
                        Spec {
                            cell,
                            input: i,
                            hidden: h,
                            steps: t,
                            weights,
                            x,
                            h0,
                            c0,
                            head,
                            loss,
                            jacobians,
                            one_step,
                        }
                    },
                )
        })
}

/// A valid spec document, sometimes without `input_size` / `hidden_size` (then inferred).
fn valid_doc() -> impl Strategy<Value = Value> {
    (spec(), any::<bool>()).prop_map(|(s, sizes)| {
        let mut v: Value = serde_json::from_str(&s.to_json().expect("writes")).expect("JSON");
        if !sizes {
            if let Some(o) = v.as_object_mut() {
                o.remove("input_size");
                o.remove("hidden_size");
            }
        }
        v
    })
}

fn known_keys() -> Vec<String> {
    [
        "version",
        "cell",
        "variant",
        "nonlinearity",
        "input_size",
        "hidden_size",
        "weights",
        "x",
        "h0",
        "c0",
        "head",
        "loss",
        "jacobians",
        "one_step",
        "comment",
        "name",
        "W_z",
        "U_h",
        "W_ih",
        "W_hh",
        "W_ii",
        "b_hn",
        "W_o",
        "b_o",
        "type",
        "at",
        "target",
        "ks",
        "target_step",
        "matrices",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The fields an error may blame after mutation `a` of a document that did (`sizes`) or did
/// not state its sizes.
fn needles(a: &Applied, sizes: bool) -> Vec<String> {
    let mut n: Vec<String> = a.new_key.iter().map(|k| shown(k)).collect();
    let deps: &[&str] = match top(a) {
        None => &["spec"],
        Some("cell") => &["cell", "variant", "nonlinearity", "weights", "c0"],
        Some("variant") => &["variant", "weights"],
        Some("input_size") => &["input_size", "weights", "x"],
        Some("hidden_size") => &["hidden_size", "weights", "h0", "c0", "head", "loss", "x"],
        Some("weights") if !sizes => &["weights", "h0", "c0", "head", "loss", "x"],
        Some("weights") => &[],
        Some("x") => &["x", "weights", "input_size", "jacobians", "loss"],
        Some("head") => &["head", "loss", "x"],
        Some(_) => &[],
    };
    n.extend(deps.iter().map(|s| s.to_string()));
    match (top(a), second(a)) {
        (Some("weights"), Some(w)) => n.push(format!("weights.{}", shown(w))),
        (Some(k), _) => n.push(shown(k)),
        (None, _) => {}
    }
    if a.raw {
        // A bad token can end the value early: the error is then in the object around it.
        n.push(top(a).map_or("spec".into(), shown));
    }
    if a.path.len() <= 1 {
        n.push("spec".into()); // serde's "spec: missing field …", or the whole document
    }
    n
}

/// Writes, re-reads and runs an accepted spec.
fn accepted(s: &Spec) -> Result<(), TestCaseError> {
    let text = s
        .to_json()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back = parse(&text).map_err(TestCaseError::fail)?;
    // Debug shows every f64 in its shortest round-trip form, -0.0 included: bit-for-bit.
    prop_assert_eq!(format!("{back:?}"), format!("{s:?}"));
    match run(s) {
        Ok(_) => {}
        Err(Error::Format(m)) => one_line(&m)?,
        Err(e) => return Err(TestCaseError::fail(format!("run: unexpected error {e:?}"))),
    }
    Ok(())
}

#[test]
fn arbitrary_text_is_an_error_on_one_line() {
    check(
        "spec/bytes",
        400,
        prop::collection::vec(any::<u8>(), 0..300),
        |b| match parse(&String::from_utf8_lossy(&b)) {
            Err(m) => one_line(&m),
            Ok(_) => Err(TestCaseError::fail("accepted random bytes")),
        },
    );
    check("spec/string", 400, any::<String>(), |s| match parse(&s) {
        Err(m) => one_line(&m),
        Ok(_) => Err(TestCaseError::fail("accepted a random string")),
    });
}

#[test]
fn arbitrary_json_is_an_error_on_one_line() {
    check(
        "spec/json",
        600,
        arbitrary_json(known_keys()),
        |v| match run_json(&v.to_string()) {
            Err(Error::Format(m)) => one_line(&m),
            Err(e) => Err(TestCaseError::fail(format!("wrong error kind {e:?}"))),
            Ok(_) => Ok(()), // arbitrary JSON will not often be a spec, but may be
        },
    );
}

#[test]
fn mutated_specs_are_refused_by_name_or_read_back_and_run() {
    let strategy = (
        valid_doc(),
        prop::collection::vec(mutation(known_keys()), 1..4),
    );
    check("spec/mutated", 1500, strategy, |(doc, muts)| {
        let sizes = doc.get("hidden_size").is_some();
        let (text, applied) = mutate(doc, &muts);
        match parse(&text) {
            Err(m) => {
                let all = applied.iter().flat_map(|a| needles(a, sizes)).collect();
                let all = blamed(all, &text, MAX_BYTES, "spec");
                names_one_of(&m, &all)
            }
            Ok(s) => accepted(&s),
        }
    });
}

#[test]
fn random_specs_round_trip_bit_for_bit_and_run() {
    check("spec/round-trip", 500, spec(), |s| accepted(&s));
}
