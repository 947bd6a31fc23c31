//! PyTorch state dicts: exact round trips, errors that name the tensor, and PyTorch's own
//! numbers reproduced from a state dict built out of the torch-reference fixtures
//! (`shared/fixtures/torch-reference`, or `$GRU_FIXTURES`).

use std::path::PathBuf;

use gru_core::cell::{CellKind, Nonlinearity};
use gru_core::model::{forward, Direction, Init, Mode, Model, ModelConfig, Readout, Workspace};
use gru_core::state_dict::{export, import, infer_config, HeadImport};
use gru_core::Error;
use serde_json::{json, Value};

#[test]
fn state_dicts_round_trip_and_infer_their_config() {
    for cell in [
        CellKind::GruTorch,
        CellKind::Lstm,
        CellKind::RnnTanh,
        CellKind::RnnRelu,
    ] {
        let c = ModelConfig::new(cell, 3, 4, 2)
            .layers(2)
            .direction(Direction::Bidirectional);
        // f32: exact round trip (f64 reads back to an ulp or two, see `checkpoint`).
        let m = Model::<f32>::new(c.clone(), Init::TorchUniform, 4).unwrap();
        let sd = export(&m).unwrap();
        let dict: Value = serde_json::from_str(&sd).unwrap();
        let g = match cell {
            CellKind::GruTorch => 3,
            CellKind::Lstm => 4,
            _ => 1,
        };
        assert_eq!(
            dict["weight_ih_l1_reverse"].as_array().unwrap().len(),
            g * 4
        );
        assert_eq!(
            dict["weight_ih_l1_reverse"][0].as_array().unwrap().len(),
            8,
            "I_1 = 2H"
        );
        assert_eq!(dict["head.weight"].as_array().unwrap().len(), 2, "[O][D]");
        let mut back = Model::<f32>::zeros(c.clone()).unwrap();
        assert_eq!(import(&mut back, &sd).unwrap(), HeadImport::Loaded);
        assert_eq!(back.params, m.params, "{cell:?}");
        let nl = if cell == CellKind::RnnRelu {
            Nonlinearity::Relu
        } else {
            Nonlinearity::Tanh
        };
        assert_eq!(infer_config(&sd, nl).unwrap(), c);
        // A module prefix on the recurrent names is accepted.
        let prefixed: serde_json::Map<String, Value> = dict
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                (
                    if k.starts_with("head.") {
                        k.clone()
                    } else {
                        format!("rnn.{k}")
                    },
                    v.clone(),
                )
            })
            .collect();
        let mut again = Model::<f32>::zeros(c).unwrap();
        import(&mut again, &Value::Object(prefixed).to_string()).unwrap();
        assert_eq!(again.params, m.params);
    }
}

#[test]
fn state_dict_errors_name_the_tensor_and_leave_the_model_unchanged() {
    let c = ModelConfig::new(CellKind::GruTorch, 2, 3, 1);
    let m = Model::<f64>::new(c, Init::TorchUniform, 1).unwrap();
    let dict: Value = serde_json::from_str(&export(&m).unwrap()).unwrap();
    let check = |edit: &dyn Fn(&mut serde_json::Map<String, Value>), want: &str| {
        let mut d = dict.as_object().unwrap().clone();
        edit(&mut d);
        let mut target = m.clone();
        target.params.iter_mut().for_each(|p| *p = 0.5);
        let before = target.params.clone();
        let got = import(&mut target, &Value::Object(d).to_string())
            .unwrap_err()
            .to_string();
        assert!(got.contains(want), "got {got:?}, want {want:?}");
        assert_eq!(target.params, before);
    };
    check(
        &|d| {
            d.insert("weight_hh_l0".into(), json!(vec![vec![0.0; 3]; 8]));
        },
        "weight_hh_l0: expected 9×3, got 8×3",
    );
    check(
        &|d| {
            d.remove("bias_hh_l0");
        },
        "bias_hh_l0: missing",
    );
    check(
        &|d| {
            d.insert("weight_ih_l1".into(), json!([[0.0]]));
        },
        "weight_ih_l1: unknown tensor",
    );
    check(
        &|d| {
            d.remove("head.bias");
        },
        "head.bias: missing",
    );
    check(
        &|d| {
            d.insert("bias_ih_l0".into(), json!([1, 2, 3, 4, 5, 6, 7, 8, null]));
        },
        "bias_ih_l0[8]: expected a finite number",
    );
    let mut gru = Model::<f64>::zeros(ModelConfig::new(CellKind::Gru, 2, 3, 1)).unwrap();
    assert!(matches!(
        import(&mut gru, &dict.to_string()),
        Err(Error::Config(_))
    ));
}

/// The torch-reference fixtures: `$GRU_FIXTURES`, else `shared/fixtures/torch-reference` in
/// the nearest ancestor of this crate that has it.
fn fixtures() -> PathBuf {
    if let Some(dir) = std::env::var_os("GRU_FIXTURES") {
        return PathBuf::from(dir);
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|a| a.join("shared/fixtures/torch-reference"))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| {
            panic!(
                "torch-reference fixtures not found above {}; set GRU_FIXTURES",
                here.display()
            )
        })
}

fn read(name: &str) -> Value {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn rows(v: &Value) -> Vec<Vec<f64>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect()
}

fn flat(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Builds a PyTorch state dict from a fixture spec's per-gate weights, runs it through
/// `import` and a forward pass from the spec's `h0` (`c0`), and compares with PyTorch.
fn check_fixture(name: &str, cell: CellKind, gates: &[&str]) {
    let spec = read(&format!("{name}.spec.json"));
    let want = read(&format!("{name}.result.json"));
    let (i, h) = (
        spec["input_size"].as_u64().unwrap() as usize,
        spec["hidden_size"].as_u64().unwrap() as usize,
    );
    let w = &spec["weights"];
    let stack = |pre: &str, n: usize| -> Value {
        let mut m: Vec<Vec<f64>> = Vec::new();
        gates
            .iter()
            .for_each(|g| m.extend(rows(&w[format!("{pre}{g}")])));
        assert_eq!(m.len(), gates.len() * h);
        assert!(m.iter().all(|r| r.len() == n));
        json!(m)
    };
    let bias = |pre: &str| -> Value {
        json!(gates
            .iter()
            .flat_map(|g| w.get(format!("{pre}{g}")).map_or(vec![0.0; h], flat))
            .collect::<Vec<f64>>())
    };
    let (ih, hh) = if gates.len() == 1 {
        ("W_ih", "W_hh")
    } else {
        ("W_i", "W_h")
    };
    let (bi, bh) = if gates.len() == 1 {
        ("b_ih", "b_hh")
    } else {
        ("b_i", "b_h")
    };
    let mut sd = json!({
        "weight_ih_l0": stack(ih, i), "weight_hh_l0": stack(hh, h), "bias_ih_l0": bias(bi), "bias_hh_l0": bias(bh),
    });
    let o = spec.get("head").map_or(1, |hd| {
        sd["head.weight"] = hd["W_o"].clone();
        sd["head.bias"] = hd["b_o"].clone();
        hd["b_o"].as_array().unwrap().len()
    });
    let config = ModelConfig::new(cell, i, h, o).readout(Readout::PerStep);
    let mut model = Model::<f64>::zeros(config).unwrap();
    let loaded = import(&mut model, &sd.to_string()).unwrap();
    assert_eq!(loaded == HeadImport::Loaded, spec.get("head").is_some());
    let x: Vec<f64> = rows(&spec["x"]).concat(); // (T, 1, I)
    let t = x.len() / i;
    let mut ws = Workspace::default();
    ws.prepare(&model, t, 1);
    ws.init[0][..h].copy_from_slice(&flat(&spec["h0"]));
    if let Some(c0) = spec.get("c0") {
        ws.init[0][h..].copy_from_slice(&flat(c0));
    }
    forward(&model, &mut ws, &x, t, 1, Mode::Eval);
    let s = ws.states[0].len() / (t + 1);
    let mut worst: f64 = 0.0;
    let mut cmp = |got: f64, want: f64| worst = worst.max((got - want).abs() / want.abs().max(1.0));
    for (k, row) in rows(&want["h"]).iter().enumerate() {
        row.iter()
            .enumerate()
            .for_each(|(j, &v)| cmp(ws.states[0][k * s + j], v));
    }
    if let Some(c) = want.get("c") {
        for (k, row) in rows(c).iter().enumerate() {
            row.iter()
                .enumerate()
                .for_each(|(j, &v)| cmp(ws.states[0][k * s + h + j], v));
        }
    }
    if let Some(out) = want.get("outputs") {
        for (k, row) in rows(out).iter().enumerate() {
            row.iter()
                .enumerate()
                .for_each(|(j, &v)| cmp(ws.y[k * o + j], v));
        }
    }
    println!("{name}: state dict → forward matches PyTorch to {worst:.2e} (T = {t})");
    assert!(worst < 1e-12, "{name}: {worst:e}");
}

#[test]
fn pytorch_state_dicts_reproduce_the_torch_reference_forward_pass() {
    check_fixture("gru_pytorch", CellKind::GruTorch, &["r", "z", "n"]);
    check_fixture("gru_pytorch_norms", CellKind::GruTorch, &["r", "z", "n"]);
    check_fixture("lstm", CellKind::Lstm, &["i", "f", "g", "o"]);
    check_fixture("rnn_tanh", CellKind::RnnTanh, &[""]);
    check_fixture("rnn_relu", CellKind::RnnRelu, &[""]);
}
