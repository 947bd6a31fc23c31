//! Property-based tests of the PyTorch state-dict reader (`state_dict::import` and
//! `infer_config`): arbitrary text and JSON, exported state dicts with hostile mutations, and
//! exact round trips of random models. Contract: never a panic; every error one line naming the
//! tensor; a config `infer_config` accepts always imports; an import that fails leaves the model
//! unchanged; valid state dicts round-trip bit for bit.

mod fuzz_support;

use fuzz_support::{
    arbitrary_json, blamed, check, mutate, mutation, names_one_of, one_line, shown, top, Applied,
    Op,
};
use gru_core::cell::{CellKind, Nonlinearity};
use gru_core::model::{Direction, Model, ModelConfig};
use gru_core::state_dict::{export, import, infer_config, HeadImport, MAX_BYTES};
use gru_core::{Error, Real};
use proptest::prelude::*;
use serde_json::{Map, Value};

const CELLS: [CellKind; 4] = [
    CellKind::GruTorch,
    CellKind::Lstm,
    CellKind::RnnTanh,
    CellKind::RnnRelu,
];

/// A config `infer_config` can give back: readout and dropout as `ModelConfig::new` sets them.
fn config() -> impl Strategy<Value = ModelConfig> {
    (
        prop::sample::select(&CELLS[..]),
        (1usize..4, 1usize..5, 1usize..4),
        1usize..4,
        any::<bool>(),
    )
        .prop_map(|(cell, (i, h, o), layers, bi)| {
            ModelConfig::new(cell, i, h, o)
                .layers(layers)
                .direction(if bi {
                    Direction::Bidirectional
                } else {
                    Direction::Forward
                })
        })
}

fn nonlinearity(c: &ModelConfig) -> Nonlinearity {
    if c.cell == CellKind::RnnRelu {
        Nonlinearity::Relu
    } else {
        Nonlinearity::Tanh
    }
}

/// Finite floats from any bit pattern (`mask` clears an exponent bit of the non-finite ones).
fn bits_f32() -> impl Strategy<Value = f32> {
    prop_oneof![
        3 => any::<u32>().prop_map(|b| {
            let x = f32::from_bits(b);
            if x.is_finite() { x } else { f32::from_bits(b & !(1 << 30)) }
        }),
        1 => prop::sample::select(vec![0.0, -0.0, f32::from_bits(1), f32::MAX, f32::MIN_POSITIVE]),
    ]
}

fn bits_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => any::<u64>().prop_map(|b| {
            let x = f64::from_bits(b);
            if x.is_finite() { x } else { f64::from_bits(b & !(1 << 62)) }
        }),
        1 => prop::sample::select(vec![0.0, -0.0, f64::from_bits(1), f64::MAX, f64::MIN_POSITIVE]),
    ]
}

fn model<T: Real>(config: ModelConfig, w: &[T]) -> Model<T> {
    let mut m = Model::<T>::zeros(config).expect("a valid config");
    for (k, p) in m.params.iter_mut().enumerate() {
        *p = w[k % w.len()];
    }
    m
}

fn bits<T: Real>(m: &Model<T>) -> Vec<u64> {
    m.params.iter().map(|p| p.f64().to_bits()).collect()
}

/// `dict` with `prefix` on the recurrent names, as `nn.Module.state_dict()` writes them for a
/// recurrent layer held in a field (`"rnn.weight_ih_l0"`).
fn prefixed(dict: &str, prefix: &str) -> String {
    let v: Map<String, Value> = serde_json::from_str(dict).expect("JSON object");
    let m: Map<String, Value> = v
        .into_iter()
        .map(|(k, v)| match k.starts_with("head.") {
            true => (k, v),
            false => (format!("{prefix}{k}"), v),
        })
        .collect();
    Value::Object(m).to_string()
}

/// An exported state dict, maybe with a module prefix, maybe without its head.
fn valid_doc() -> impl Strategy<Value = (ModelConfig, Value)> {
    (
        config(),
        prop::collection::vec(-2.0f64..2.0, 1..30),
        prop::sample::select(vec!["", "rnn.", "encoder.gru."]),
        any::<bool>(),
    )
        .prop_map(|(c, w, prefix, head)| {
            let text = prefixed(&export(&model(c.clone(), &w)).expect("exports"), prefix);
            let mut v: Value = serde_json::from_str(&text).expect("JSON");
            if !head {
                if let Some(o) = v.as_object_mut() {
                    o.remove("head.weight");
                    o.remove("head.bias");
                }
            }
            (c, v)
        })
}

fn known_keys() -> Vec<String> {
    [
        "weight_ih_l0",
        "weight_hh_l0",
        "bias_ih_l0",
        "bias_hh_l0",
        "weight_ih_l1",
        "weight_hh_l0_reverse",
        "weight_ih_l8",
        "head.weight",
        "head.bias",
        "rnn.weight_ih_l0",
        "x.weight_hh_l0",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The tensors an error may blame after mutation `a`: the one mutated (or added); any tensor
/// when a top-level key was removed or renamed (the module prefix or the head may change), or
/// for `infer_config`, which reads the shape from some tensors and checks the rest.
fn needles(a: &Applied, exact: bool) -> Vec<String> {
    let mut n: Vec<String> = a.new_key.iter().map(|k| shown(k)).collect();
    match top(a) {
        Some(t) => n.push(shown(t)),
        None => n.push("state_dict".into()),
    }
    if a.raw {
        n.push("state_dict".into()); // a bad token ending a tensor early
    }
    if !exact || a.path.len() <= 1 {
        n.extend(["weight_", "bias_", "head.", "state_dict"].map(String::from));
    }
    n
}

fn check_import<T: Real>(c: &ModelConfig, text: &str, all: &[String]) -> Result<(), TestCaseError> {
    let mut m = model::<T>(c.clone(), &[T::of(0.25)]);
    match import(&mut m, text) {
        Err(Error::Format(msg)) => {
            names_one_of(&msg, all)?;
            prop_assert!(
                m.params.iter().all(|p| *p == T::of(0.25)),
                "model changed on error"
            );
        }
        Err(e) => return Err(TestCaseError::fail(format!("import: {e:?}"))),
        Ok(_) => prop_assert!(m.params.iter().all(|p| p.is_finite())),
    }
    Ok(())
}

#[test]
fn arbitrary_text_and_json_are_errors_on_one_line() {
    let c = ModelConfig::new(CellKind::Lstm, 2, 3, 1);
    let both = |text: &str| -> Result<(), TestCaseError> {
        let mut m = model::<f32>(c.clone(), &[0.5]);
        match import(&mut m, text) {
            Err(Error::Format(msg)) => one_line(&msg)?,
            r => return Err(TestCaseError::fail(format!("import: {r:?}"))),
        }
        match infer_config(text, Nonlinearity::Tanh) {
            Err(Error::Format(msg)) => one_line(&msg),
            Err(e) => Err(TestCaseError::fail(format!("infer: {e:?}"))),
            Ok(cfg) => {
                // Arbitrary JSON may happen to be a state dict; then it must import.
                let mut m =
                    Model::<f32>::zeros(cfg).map_err(|e| TestCaseError::fail(e.to_string()))?;
                import(&mut m, text)
                    .map(drop)
                    .map_err(|e| TestCaseError::fail(e.to_string()))
            }
        }
    };
    check(
        "state_dict/bytes",
        400,
        prop::collection::vec(any::<u8>(), 0..300),
        |b| both(&String::from_utf8_lossy(&b)),
    );
    check("state_dict/string", 400, any::<String>(), |s| both(&s));
    check("state_dict/json", 600, arbitrary_json(known_keys()), |v| {
        both(&v.to_string())
    });
}

#[test]
fn mutated_state_dicts_are_refused_by_name_or_import() {
    let strategy = (
        valid_doc(),
        prop::collection::vec(mutation(known_keys()), 1..4),
    );
    check("state_dict/mutated", 1500, strategy, |((c, doc), muts)| {
        let (text, applied) = mutate(doc, &muts);
        let renames = muts
            .iter()
            .any(|m| matches!(m.op, Op::Rename(_) | Op::Remove));
        let exact = applied.iter().flat_map(|a| needles(a, !renames)).collect();
        let exact = blamed(exact, &text, MAX_BYTES, "state_dict");
        check_import::<f32>(&c, &text, &exact)?;
        check_import::<f64>(&c, &text, &exact)?;
        let loose = applied.iter().flat_map(|a| needles(a, false)).collect();
        let loose = blamed(loose, &text, MAX_BYTES, "state_dict");
        match infer_config(&text, nonlinearity(&c)) {
            Err(Error::Format(msg)) => names_one_of(&msg, &loose)?,
            Err(e) => return Err(TestCaseError::fail(format!("infer: {e:?}"))),
            Ok(cfg) => {
                let mut m =
                    Model::<f64>::zeros(cfg).map_err(|e| TestCaseError::fail(e.to_string()))?;
                import(&mut m, &text).map_err(|e| {
                    TestCaseError::fail(format!("inferred but not importable: {e}"))
                })?;
            }
        }
        Ok(())
    });
}

#[test]
fn random_models_round_trip_bit_for_bit() {
    let strategy = (
        config(),
        prop::collection::vec(bits_f32(), 1..64),
        prop::collection::vec(bits_f64(), 1..64),
        prop::sample::select(vec!["", "lstm.", "a.b."]),
    );
    check(
        "state_dict/round-trip",
        500,
        strategy,
        |(c, w32, w64, prefix)| {
            let fail = |e: Error| TestCaseError::fail(e.to_string());
            let m = model(c.clone(), &w32);
            let sd = prefixed(&export(&m).map_err(fail)?, prefix);
            prop_assert_eq!(
                infer_config(&sd, nonlinearity(&c)).map_err(fail)?,
                c.clone()
            );
            let mut back = Model::<f32>::zeros(c.clone()).map_err(fail)?;
            prop_assert_eq!(import(&mut back, &sd).map_err(fail)?, HeadImport::Loaded);
            prop_assert_eq!(bits(&back), bits(&m));
            prop_assert_eq!(export(&back).map_err(fail)?, export(&m).map_err(fail)?);
            let m = model(c.clone(), &w64);
            let sd = prefixed(&export(&m).map_err(fail)?, prefix);
            let mut back = Model::<f64>::zeros(c).map_err(fail)?;
            import(&mut back, &sd).map_err(fail)?;
            prop_assert_eq!(bits(&back), bits(&m));
            Ok(())
        },
    );
}
