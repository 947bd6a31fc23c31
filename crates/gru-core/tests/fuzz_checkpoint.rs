//! Property-based tests of the checkpoint reader (`checkpoint::from_json`): arbitrary text and
//! JSON, valid checkpoints with hostile mutations, and exact round trips of random models.
//! Contract: never a panic; every error one line naming the field; what is accepted reads back
//! the same after writing; valid documents round-trip bit for bit.

mod fuzz_support;

use fuzz_support::{
    arbitrary_json, blamed, check, mutate, mutation, names_one_of, one_line, second, shown, top,
    Applied,
};
use gru_core::cell::CellKind;
use gru_core::checkpoint::{from_json, to_json, MAX_BYTES};
use gru_core::model::{Direction, Model, ModelConfig, Readout};
use gru_core::optim::OptimizerConfig;
use gru_core::task::TaskConfig;
use gru_core::{Error, Real, TrainConfig};
use proptest::prelude::*;
use serde_json::Value;

const CELLS: [CellKind; 5] = [
    CellKind::Gru,
    CellKind::GruTorch,
    CellKind::Lstm,
    CellKind::RnnTanh,
    CellKind::RnnRelu,
];

fn model_config() -> impl Strategy<Value = ModelConfig> {
    (
        prop::sample::select(&CELLS[..]),
        (1usize..4, 1usize..5, 1usize..4),
        1usize..3,
        any::<bool>(),
        any::<bool>(),
        dropouts(),
    )
        .prop_map(|(cell, (i, h, o), layers, bi, per_step, (di, dr))| {
            ModelConfig::new(cell, i, h, o)
                .layers(layers)
                .direction(if bi {
                    Direction::Bidirectional
                } else {
                    Direction::Forward
                })
                .readout(if per_step {
                    Readout::PerStep
                } else {
                    Readout::Final
                })
                .dropout(di, dr)
        })
}

/// Input and recurrent dropout: none, or in [0, 0.95).
fn dropouts() -> impl Strategy<Value = (f64, f64)> {
    prop_oneof![Just((0.0, 0.0)), (0.0..0.95f64, 0.0..0.95f64)]
}

fn task() -> impl Strategy<Value = TaskConfig> {
    prop_oneof![
        (2usize..60).prop_map(|len| TaskConfig::Adding { len }),
        (0usize..20, 1usize..4, 2usize..5).prop_map(|(delay, symbols, alphabet)| {
            TaskConfig::CopyMemory {
                delay,
                symbols,
                alphabet,
            }
        }),
        (10usize..60).prop_map(|len| TaskConfig::TemporalOrder { len }),
        (2usize..60).prop_map(|len| TaskConfig::Latch { len }),
        (1usize..60).prop_map(|len| TaskConfig::Parity { len }),
        (2usize..60, 1usize..5, 2.0..20.0f64, 0.0..30.0f64).prop_map(|(len, waves, a, d)| {
            TaskConfig::Sine {
                len,
                waves,
                min_period: a,
                max_period: a + d,
            }
        }),
    ]
}

/// A valid training config with a small model.
fn train_config() -> impl Strategy<Value = TrainConfig> {
    (
        task(),
        prop::sample::select(&CELLS[..]),
        (1usize..4, 1usize..3, any::<bool>()),
        (1usize..1025, any::<u64>(), prop::option::of(1usize..100)),
        prop_oneof![
            (1e-6..10.0f64, 0.0..1.0f64, 0.0..1.0f64, 1e-12..1.0f64).prop_map(
                |(lr, beta1, beta2, eps)| OptimizerConfig::Adam {
                    lr,
                    beta1,
                    beta2,
                    eps
                }
            ),
            (1e-6..10.0f64, 0.0..1.0f64)
                .prop_map(|(lr, momentum)| OptimizerConfig::Sgd { lr, momentum }),
        ],
        (prop::option::of(1e-6..1e6f64), dropouts()),
    )
        .prop_map(
            |(
                task,
                cell,
                (hidden, layers, bi),
                (batch, seed, truncate),
                optimizer,
                (clip, (di, dr)),
            )| {
                TrainConfig {
                    task,
                    cell,
                    hidden,
                    layers,
                    direction: if bi {
                        Direction::Bidirectional
                    } else {
                        Direction::Forward
                    },
                    batch,
                    seed,
                    truncate,
                    optimizer,
                    clip,
                    input_dropout: di,
                    recurrent_dropout: dr,
                    ..TrainConfig::default()
                }
            },
        )
}

/// An f32 from any bit pattern, made finite, with the edge cases mixed in.
fn weight_f32() -> impl Strategy<Value = f32> {
    let special = [
        0.0,
        -0.0,
        f32::MIN_POSITIVE,
        f32::from_bits(1),
        -f32::from_bits(1),
        f32::MAX,
        f32::MIN,
        1e-5,
        9.999_999e-6,
        1e16,
        f32::EPSILON,
    ];
    prop_oneof![
        4 => any::<u32>().prop_map(|b| {
            let x = f32::from_bits(b);
            if x.is_finite() { x } else { f32::from_bits(b & !(1 << 30)) }
        }),
        1 => prop::sample::select(special.to_vec()),
        1 => -1.0f32..1.0,
    ]
}

fn weight_f64() -> impl Strategy<Value = f64> {
    let special = [
        0.0,
        -0.0,
        f64::MIN_POSITIVE,
        f64::from_bits(1),
        -f64::from_bits(1),
        f64::MAX,
        f64::MIN,
        1e-5,
        9.999_999_999_999_999e-6,
        1e16,
        f64::EPSILON,
    ];
    prop_oneof![
        4 => any::<u64>().prop_map(|b| {
            let x = f64::from_bits(b);
            if x.is_finite() { x } else { f64::from_bits(b & !(1 << 62)) }
        }),
        1 => prop::sample::select(special.to_vec()),
        1 => -1.0f64..1.0,
    ]
}

/// A model of `config` with weights from `w` (cycled over the parameters).
fn model<T: Real>(config: ModelConfig, w: &[T]) -> Model<T> {
    let mut m = Model::<T>::zeros(config).expect("a valid config");
    for (k, p) in m.params.iter_mut().enumerate() {
        *p = w[k % w.len()];
    }
    m
}

fn bits32(m: &Model<f32>) -> Vec<u32> {
    m.params.iter().map(|p| p.to_bits()).collect()
}

/// A valid checkpoint of a small random model, with or without its training config.
pub fn valid_doc() -> impl Strategy<Value = Value> {
    let with_train = train_config().prop_map(|t| {
        let task = t.task.build().expect("valid task");
        (t.model_config(&task), Some(t))
    });
    let without = model_config().prop_map(|c| (c, None));
    (
        prop_oneof![with_train, without],
        prop::collection::vec(-2.0f32..2.0, 1..40),
        prop::option::of(any::<u64>()),
    )
        .prop_map(|((config, train), w, step)| {
            let m = model(config, &w);
            let text = to_json(&m, train.as_ref(), step).expect("writes");
            serde_json::from_str(&text).expect("valid JSON")
        })
}

/// Keys a mutation may insert or rename to: the format's own and every block name.
pub fn known_keys() -> Vec<String> {
    let mut k: Vec<String> = ["format", "version", "model", "train", "step", "weights"]
        .iter()
        .chain(&[
            "hidden",
            "input",
            "cell",
            "layers",
            "task",
            "optimizer",
            "lr",
        ])
        .chain(&["l0.fwd.W", "l0.fwd.U", "l1.bwd.b_h", "head.W_o", "head.b_o"])
        .map(|s| s.to_string())
        .collect();
    k.push("l9.fwd.W".into());
    k
}

/// The fields an error may blame after mutation `a`.
fn needles(a: &Applied) -> Vec<String> {
    let mut n = Vec::new();
    if let Some(k) = &a.new_key {
        n.push(shown(k));
    }
    match (top(a), second(a)) {
        (None, _) => n.push("checkpoint".into()),
        (Some("weights"), Some(block)) => n.push(format!("weights.{}", shown(block))),
        (Some("model"), _) => n.extend(["model".into(), "weights".into(), "train".into()]),
        (Some(k), _) => n.push(shown(k)),
    }
    if a.raw {
        // A bad token can end the value early: the error is then in the object around it.
        n.push(top(a).map_or("checkpoint".into(), shown));
    }
    if a.path.len() <= 1 && a.new_key.is_none() {
        n.push("checkpoint".into()); // a top-level field removed or replaced
    }
    n
}

fn message<T: Real>(text: &str) -> Option<String> {
    match from_json::<T>(text) {
        Ok(_) => None,
        Err(Error::Format(m)) => Some(m),
        Err(e) => Some(format!("wrong error kind: {e:?}")),
    }
}

#[test]
fn arbitrary_text_is_an_error_on_one_line() {
    check(
        "checkpoint/bytes",
        400,
        prop::collection::vec(any::<u8>(), 0..300),
        |b| match message::<f32>(&String::from_utf8_lossy(&b)) {
            Some(m) => one_line(&m),
            None => Err(TestCaseError::fail("accepted random bytes")),
        },
    );
    check(
        "checkpoint/string",
        400,
        any::<String>(),
        |s| match message::<f64>(&s) {
            Some(m) => one_line(&m),
            None => Err(TestCaseError::fail(format!("accepted {s:?}"))),
        },
    );
}

#[test]
fn arbitrary_json_is_an_error_on_one_line() {
    check(
        "checkpoint/json",
        600,
        arbitrary_json(known_keys()),
        |v| match message::<f32>(&v.to_string()) {
            Some(m) => one_line(&m),
            None => Err(TestCaseError::fail("accepted arbitrary JSON")),
        },
    );
}

#[test]
fn mutated_checkpoints_are_refused_by_name_or_read_back_the_same() {
    let strategy = (
        valid_doc(),
        prop::collection::vec(mutation(known_keys()), 1..4),
    );
    check("checkpoint/mutated", 1500, strategy, |(doc, muts)| {
        let (text, applied) = mutate(doc, &muts);
        match from_json::<f32>(&text) {
            Err(Error::Format(m)) => {
                let all = blamed(
                    applied.iter().flat_map(needles).collect(),
                    &text,
                    MAX_BYTES,
                    "checkpoint",
                );
                names_one_of(&m, &all)?;
            }
            Err(e) => return Err(TestCaseError::fail(format!("not a format error: {e:?}"))),
            Ok(c) => {
                // Accepted: writing it again reads back the same, bit for bit.
                let again = c
                    .to_json()
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let back =
                    from_json::<f32>(&again).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(bits32(&back.model), bits32(&c.model));
                prop_assert_eq!(back, c);
            }
        }
        // The f64 reader takes the same path and must not panic either.
        if let Some(m) = message::<f64>(&text) {
            one_line(&m)?;
        }
        Ok(())
    });
}

#[test]
fn random_models_round_trip_bit_for_bit() {
    let strategy = (
        prop_oneof![
            train_config().prop_map(|t| {
                let task = t.task.build().expect("valid task");
                (t.model_config(&task), Some(t))
            }),
            model_config().prop_map(|c| (c, None)),
        ],
        prop::collection::vec(weight_f32(), 1..64),
        prop::collection::vec(weight_f64(), 1..64),
        prop::option::of(any::<u64>()),
    );
    check(
        "checkpoint/round-trip",
        600,
        strategy,
        |((config, train), w32, w64, step)| {
            let m = model(config.clone(), &w32);
            let text = to_json(&m, train.as_ref(), step)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back = from_json::<f32>(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(bits32(&back.model), bits32(&m));
            prop_assert_eq!(&back.model.config, &config);
            prop_assert_eq!(back.train.as_ref(), train.as_ref());
            prop_assert_eq!(back.step, step);
            prop_assert_eq!(
                back.to_json()
                    .map_err(|e| TestCaseError::fail(e.to_string()))?,
                text
            );
            let m = model(config, &w64);
            let text = to_json(&m, train.as_ref(), step)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back = from_json::<f64>(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let bits = |m: &Model<f64>| m.params.iter().map(|p| p.to_bits()).collect::<Vec<_>>();
            prop_assert_eq!(bits(&back.model), bits(&m));
            Ok(())
        },
    );
}
