//! The PyTorch round trip, against files real torch wrote and read (`scripts/torch_roundtrip.py`
//! on torch 2.15, committed under tests/fixtures/ because CI has no torch):
//!
//! - `torch_{gru,lstm,rnn}.json`: `nn.GRU(2, 8)`, `nn.LSTM(2, 6, num_layers=2,
//!   bidirectional=True)`, `nn.RNN(2, 5)`, each with an `nn.Linear(·, 1)` head and torch's own
//!   h_n and head output on one input. Imported here, our f32 forward pass gives the same h_T and
//!   prediction to ≤ 1e-6 (measured: see the assertion messages); exported again, every weight
//!   is the same f32 (the identity).
//! - `page_{gru_torch,lstm,rnn}.pytorch.json` + `.reference.json`: what the page exports
//!   (`examples/torch_export.rs`) and what gru-core computed; the script loaded each export into
//!   torch with `load_state_dict(strict=True)` and found torch's outputs within 1e-6 of these.

use gru_core::cell::CellKind;
use gru_core::model::Direction;
use gru_core::state_dict::HeadImport;
use gru_lab::settings::Settings;
use gru_lab::torch_import::from_bytes;
use gru_lab::torch_parity::{check, read};
use serde_json::{Map, Value};

/// f32 precision the file supports: torch and gru-core compute in f32 with different sum orders.
const TOL: f64 = 1e-6;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn object(text: &str) -> Map<String, Value> {
    match serde_json::from_str(text) {
        Ok(Value::Object(m)) => m,
        other => panic!("not an object: {other:?}"),
    }
}

/// Imports `text` and checks its reference numerically to `TOL`.
fn import_and_check(text: &str) -> gru_lab::torch_import::Imported {
    let i = from_bytes(text.as_bytes(), &Settings::default()).expect("imports");
    let model = i.lab.runs[0].trainer.model().expect("recurrent");
    let r = read(&object(text)["reference"], model).expect("reference");
    let p = check(model, &r, HeadImport::Loaded);
    let y = p.y.expect("y compared");
    assert!(p.h_t <= TOL && y <= TOL, "h_T {:e}, y {:e}", p.h_t, y);
    i
}

/// Every number of a nested list, as f32.
fn flat(v: &Value, out: &mut Vec<f32>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| flat(x, out)),
        Value::Number(n) => out.push(n.as_f64().expect("finite") as f32),
        other => panic!("not a tensor: {other}"),
    }
}

#[test]
fn torch_models_import_with_parity_and_export_back_unchanged() {
    let cases = [
        (
            "torch_gru.json",
            CellKind::GruTorch,
            8,
            1,
            Direction::Forward,
        ),
        (
            "torch_lstm.json",
            CellKind::Lstm,
            6,
            2,
            Direction::Bidirectional,
        ),
        (
            "torch_rnn.json",
            CellKind::RnnTanh,
            5,
            1,
            Direction::Forward,
        ),
    ];
    for (name, cell, hidden, layers, dir) in cases {
        let text = fixture(name);
        let i = import_and_check(&text);
        let s = &i.lab.settings;
        assert_eq!(
            (s.cells[0], s.hidden, s.layers, s.direction),
            (cell, hidden, layers, dir),
            "{name}"
        );
        assert!(
            i.parity
                .as_deref()
                .is_some_and(|p| p.starts_with("h_T matches")),
            "{name}"
        );
        // Import → export is the identity on every tensor (as f32).
        let back = object(&gru_lab::torch_export::torch_json(&i.lab, 0).expect("exports"));
        let mut orig = object(&text);
        orig.remove("reference");
        assert_eq!(
            back.keys().collect::<Vec<_>>(),
            orig.keys().collect::<Vec<_>>(),
            "{name}: same names, same order"
        );
        for (k, v) in &orig {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            flat(v, &mut a);
            flat(&back[k], &mut b);
            assert_eq!(a, b, "{name}: {k}");
        }
    }
}

#[test]
fn the_page_s_exports_are_what_torch_loaded_and_matched() {
    for cell in ["gru_torch", "lstm", "rnn"] {
        let mut dict = object(&fixture(&format!("page_{cell}.pytorch.json")));
        let reference =
            serde_json::from_str(&fixture(&format!("page_{cell}.reference.json"))).expect("json");
        dict.insert("reference".into(), reference);
        let i = import_and_check(&Value::Object(dict).to_string());
        assert_eq!(gru_lab::settings::cell_id(i.lab.settings.cells[0]), cell);
    }
}
