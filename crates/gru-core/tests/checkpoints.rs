//! Checkpoints and PyTorch state dicts: exact round trips, errors that name the field, no
//! panics on damaged input, and PyTorch's own numbers reproduced from a state dict built out of
//! the torch-reference fixtures (`shared/fixtures/torch-reference`, or `$GRU_FIXTURES`).

use std::path::PathBuf;

use gru_core::cell::{CellKind, Nonlinearity};
use gru_core::checkpoint::{from_json, to_json, Checkpoint};
use gru_core::model::{forward, Direction, Init, Mode, Model, ModelConfig, Readout, Workspace};
use gru_core::state_dict::{export, import, infer_config, HeadImport};
use gru_core::task::TaskConfig;
use gru_core::{Error, TrainConfig, Trainer};
use serde_json::{json, Value};

fn small_trained() -> (Trainer<f32>, String) {
    let cfg = TrainConfig {
        task: TaskConfig::Adding { len: 12 },
        hidden: 16,
        ..TrainConfig::default()
    };
    let mut tr = Trainer::<f32>::new(cfg).unwrap();
    for _ in 0..5 {
        tr.train_step().unwrap();
    }
    let json = to_json(&tr.model, Some(&tr.config), Some(tr.step_idx())).unwrap();
    (tr, json)
}

fn format_error<T: gru_core::Real>(json: &str) -> String {
    match from_json::<T>(json) {
        Err(Error::Format(m)) => m,
        other => panic!("expected a format error, got {other:?}"),
    }
}

/// Applies `edit` to the parsed checkpoint and returns the error message of reading it back.
fn error_after(json: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(json).unwrap();
    edit(&mut v);
    format_error::<f32>(&v.to_string())
}

#[test]
fn a_trained_model_round_trips_bit_for_bit_with_its_settings() {
    let (mut tr, json) = small_trained();
    let back = Checkpoint::<f32>::from_json(&json).unwrap();
    assert_eq!(back.model, tr.model);
    assert_eq!(back.train.as_ref(), Some(&tr.config));
    assert_eq!(back.step, Some(5));
    assert_eq!(back.to_json().unwrap(), json, "writing is deterministic");
    // Same outputs on the validation set.
    let val = tr.validation().clone();
    let (mut a, mut b) = (Workspace::default(), Workspace::default());
    forward(&tr.model, &mut a, &val.x, val.t, val.b, Mode::Eval);
    forward(&back.model, &mut b, &val.x, val.t, val.b, Mode::Eval);
    assert_eq!(a.y, b.y);
    assert!(tr.train_step().is_ok());
    println!(
        "checkpoint of a {}-parameter model: {} bytes",
        tr.model.n_params(),
        json.len()
    );
}

#[test]
fn every_cell_and_shape_round_trips() {
    for cell in [
        CellKind::Gru,
        CellKind::GruTorch,
        CellKind::Lstm,
        CellKind::RnnTanh,
        CellKind::RnnRelu,
    ] {
        let c = ModelConfig::new(cell, 3, 5, 1)
            .layers(2)
            .direction(Direction::Bidirectional)
            .readout(Readout::PerStep);
        let m = Model::<f32>::new(c, Init::XavierOrthogonal, 9).unwrap();
        let back = from_json::<f32>(&to_json(&m, None, None).unwrap()).unwrap();
        assert_eq!(back.model, m, "{cell:?}");
    }
}

#[test]
fn errors_name_the_field() {
    let (_, json) = small_trained();
    type Edit = Box<dyn FnOnce(&mut Value)>;
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|v| {
                v["weights"]["l0.fwd.U_h"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .for_each(|r| {
                        r.as_array_mut().unwrap().pop();
                    })
            }),
            "weights.l0.fwd.U_h: expected 16×16, got 16×15",
        ),
        (
            Box::new(|v| {
                v["weights"].as_object_mut().unwrap().remove("head.b_o");
            }),
            "weights.head.b_o: missing",
        ),
        (
            Box::new(|v| {
                v["weights"]["l0.fwd.U_x"] = json!([1]);
            }),
            "weights.l0.fwd.U_x: unknown block",
        ),
        (
            Box::new(|v| {
                v["weights"]["l0.fwd.b"] = json!([1, 2]);
            }),
            "weights.l0.fwd.b: expected [48], got [2]",
        ),
        (
            Box::new(|v| {
                v["weights"]["l0.fwd.b"][3] = json!("x");
            }),
            "weights.l0.fwd.b[3]: expected a finite number, got \"x\"",
        ),
        (
            Box::new(|v| {
                v["weights"]["l0.fwd.W"][1] = json!([1]);
            }),
            "weights.l0.fwd.W: row 1 has 1 numbers, row 0 has 48",
        ),
        (
            Box::new(|v| {
                v["weights"]["head.b_o"] = json!([1e39]);
            }),
            "weights.head.b_o: element 0 (1e39) is out of range",
        ),
        (
            Box::new(|v| {
                v["format"] = json!("other");
            }),
            "format: expected \"gru-lens-checkpoint\", got \"other\"",
        ),
        (
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("format");
            }),
            "format: missing",
        ),
        (
            Box::new(|v| {
                v["version"] = json!(2);
            }),
            "version: 2 is not supported",
        ),
        (
            Box::new(|v| {
                v["model"]["hidden"] = json!(0);
            }),
            "model: hidden: must be between 1 and 1024",
        ),
        (
            Box::new(|v| {
                v["model"]["cell"] = json!("tree");
            }),
            "model.cell: unknown variant `tree`",
        ),
        (
            Box::new(|v| {
                v["train"]["hidden"] = json!(8);
            }),
            "train.hidden: gives model.hidden = 8, but \"model\" has 16",
        ),
        (
            Box::new(|v| {
                v["train"]["batch"] = json!(0);
            }),
            "train.batch: 0 is not in",
        ),
        (
            Box::new(|v| {
                v["step"] = json!(-1);
            }),
            "step: expected a whole number",
        ),
        (
            Box::new(|v| {
                v["extra"] = json!(1);
            }),
            "extra: unknown field",
        ),
        (
            Box::new(|v| {
                v["weights"] = json!([]);
            }),
            "weights: expected an object of blocks, got a list of 0",
        ),
    ];
    for (edit, want) in cases {
        let got = error_after(&json, edit);
        assert!(got.starts_with(want), "got {got:?}, want {want:?}…");
    }
    assert!(format_error::<f64>("[1, 2]").contains("expected a JSON object"));
    assert!(format_error::<f64>("{\"format\": NaN}").starts_with("format: invalid JSON"));
    assert!(
        format_error::<f64>(&json.replace("\"step\": 5", "\"step\": 1e999"))
            .starts_with("step: invalid JSON: number out of range")
    );
}

#[test]
fn a_huge_model_in_a_tiny_document_is_refused_before_allocating() {
    let m = r#"{"cell":"lstm","input":4096,"hidden":1024,"layers":8,"direction":"bidirectional","output":4096,
                "readout":"final","input_dropout":0,"recurrent_dropout":0}"#;
    let doc = format!(
        r#"{{"format":"gru-lens-checkpoint","version":1,"model":{m},"weights":{{"l0.fwd.W":[[1]]}}}}"#
    );
    assert!(format_error::<f32>(&doc).starts_with("weights.l0.fwd.W: expected 4096×4096, got 1×1"));
}

#[test]
fn damaged_documents_never_panic() {
    let c = ModelConfig::new(CellKind::Lstm, 2, 2, 1);
    let json = to_json(
        &Model::<f32>::new(c, Init::Xavier, 1).unwrap(),
        None,
        Some(3),
    )
    .unwrap();
    let mut seen_ok = 0;
    for cut in (0..json.trim_end().len()).filter(|&k| json.is_char_boundary(k)) {
        assert!(
            from_json::<f32>(&json[..cut]).is_err(),
            "truncated at {cut}"
        );
    }
    let bytes = json.as_bytes();
    for (k, sub) in (0..bytes.len())
        .flat_map(|k| [b'0', b'-', b'[', b']', b'"', b'e', b',', b'9'].map(|s| (k, s)))
    {
        let mut b = bytes.to_vec();
        b[k] = sub;
        if let Ok(s) = String::from_utf8(b) {
            seen_ok += usize::from(from_json::<f64>(&s).is_ok());
        }
    }
    println!("{seen_ok} single-byte edits still read as a valid checkpoint");
}

// ---- PyTorch state dicts ---------------------------------------------------------------------

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
