//! Checkpoints: exact round trips, errors that name the field, no panics on damaged input
//! (PyTorch state dicts are in `state_dicts.rs`).

use gru_core::cell::CellKind;
use gru_core::checkpoint::{from_json, to_json, Checkpoint};
use gru_core::model::{forward, Direction, Init, Mode, Model, ModelConfig, Readout, Workspace};
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
    let json = to_json(tr.model().unwrap(), Some(&tr.config), Some(tr.step_idx())).unwrap();
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
    assert_eq!(&back.model, tr.model().unwrap());
    assert_eq!(back.train.as_ref(), Some(&tr.config));
    assert_eq!(back.step, Some(5));
    assert_eq!(back.to_json().unwrap(), json, "writing is deterministic");
    // Same outputs on the validation set.
    let val = tr.validation().clone();
    let (mut a, mut b) = (Workspace::default(), Workspace::default());
    forward(
        tr.model().unwrap(),
        &mut a,
        &val.x,
        val.t,
        val.b,
        Mode::Eval,
    );
    forward(&back.model, &mut b, &val.x, val.t, val.b, Mode::Eval);
    assert_eq!(a.y, b.y);
    assert!(tr.train_step().is_ok());
    println!(
        "checkpoint of a {}-parameter model: {} bytes",
        tr.net.n_params(),
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
