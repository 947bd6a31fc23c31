use serde_json::{json, Value};

use super::*;
use crate::engine::Engine;
use crate::protocol::{Command, Report};

const GRU: &str = include_str!("../tests/fixtures/torch_gru.json");

/// The GRU fixture as a JSON object, to be broken one field at a time.
fn gru() -> Map<String, Value> {
    match serde_json::from_str(GRU) {
        Ok(Value::Object(m)) => m,
        _ => panic!("fixture is an object"),
    }
}

#[test]
fn a_torch_gru_becomes_one_run_of_its_shape_on_a_task_that_fits() {
    assert!(looks_like_state_dict(GRU.as_bytes()));
    assert!(!looks_like_state_dict(
        br#"{"format": "gru-lens-run", "weight_ih_l0": 1}"#
    ));
    assert!(!looks_like_state_dict(br#"{"hello": 1}"#));
    // The current task (parity, 1 → 2) does not fit the 2 → 1 model: the first that fits is picked.
    let current = Settings {
        task: "parity",
        cells: vec![CellKind::Gru, CellKind::Lstm],
        ..Settings::default()
    };
    let i = from_bytes(GRU.as_bytes(), &current).expect("imports");
    let s = &i.lab.settings;
    assert_eq!((s.task, s.knob), ("adding", 40));
    assert_eq!(
        (s.cells.as_slice(), s.hidden, s.layers),
        (&[CellKind::GruTorch][..], 8, 1)
    );
    assert_eq!(i.lab.steps(), 0);
    // The kept step 0 (time travel, the exports while viewing it) is the imported model.
    let kept = i.lab.travel.timeline.get(0).expect("step 0 kept");
    assert_eq!(kept[0].params, i.lab.runs[0].trainer.net.params());
    assert!(
        i.summary.starts_with(
            "Loaded from PyTorch: GRU, H=8, 1 layer, one direction, nn.Linear head (1 output)"
        ),
        "{}",
        i.summary
    );
    let parity = i.parity.expect("the fixture has a reference");
    assert!(
        parity.starts_with("h_T matches the values you exported to"),
        "{parity}"
    );
    assert!(parity.contains("; the prediction"), "{parity}");
}

#[test]
fn the_page_s_budget_models_and_twins_do_not_reshape_or_join_an_import() {
    // A parameter budget would shrink the file's model; a TCN, attention or one-way twin
    // would add runs the file does not hold.
    let current = Settings::from_query("cells=gru,tcn,attn&oneway=0").0;
    let i = from_bytes(GRU.as_bytes(), &current).expect("imports beside a TCN page");
    assert_eq!(i.lab.runs.len(), 1, "the file's one run");
    assert!(i.lab.settings.models.is_empty());
    let current = Settings::from_query("cells=gru,lstm&budget=gru&bi=1&oneway=1").0;
    let i = from_bytes(GRU.as_bytes(), &current).expect("imports under a budget");
    assert_eq!(i.lab.runs.len(), 1);
    assert_eq!(i.lab.settings.hidden, 8, "H as in the file");
}

#[test]
fn a_reference_the_weights_do_not_reproduce_is_reported_as_a_difference() {
    let mut d = gru();
    let h = &mut d["reference"]["h_T"][0][3];
    *h = json!(h.as_f64().expect("number") + 0.5);
    let i = from_bytes(
        Value::Object(d).to_string().as_bytes(),
        &Settings::default(),
    )
    .expect("imports");
    let line = i.parity.expect("reference");
    assert!(
        line.starts_with("h_T differs from the values you exported by up to 0.500"),
        "{line}"
    );
}

#[test]
fn every_bad_file_is_refused_by_name_and_the_runs_go_on() {
    let with = |k: &str, v: Value| {
        let mut d = gru();
        d.insert(k.into(), v);
        Value::Object(d).to_string()
    };
    let without = |k: &str| {
        let mut d = gru();
        d.remove(k);
        Value::Object(d).to_string()
    };
    let wide: Vec<Vec<f64>> = vec![vec![0.1; 5]; 24];
    let huge = json!({"weight_ih_l0": vec![vec![0.0; 2]; 600], "weight_hh_l0": vec![vec![0.0; 200]; 600],
                      "bias_ih_l0": vec![0.0; 600], "bias_hh_l0": vec![0.0; 600]});
    let cases: Vec<(String, &str)> = vec![
        (
            with("nonlinearity", json!("relu")),
            "nonlinearity: \"relu\"",
        ),
        (with("weight_ih_l0", json!(wide)), "reads 5 inputs"),
        (with("weight_hh_l0", json!("x")), "weight_hh_l0"),
        (with("extra.weight", json!([1.0])), "extra.weight"),
        (without("head.bias"), "head.bias: missing"),
        (without("bias_hh_l0"), "bias_hh_l0: missing"),
        (
            with(
                "reference",
                json!({"input": [[1.0, 2.0, 3.0]], "h_T": [vec![0.0; 8]]}),
            ),
            "reference.input",
        ),
        (
            with(
                "reference",
                json!({"input": [[1.0, 2.0]], "h_T": [vec![0.0; 7]]}),
            ),
            "reference.h_T",
        ),
        (
            with(
                "reference",
                json!({"input": [[1.0, 2.0]], "h_T": [vec![0.0; 8]], "z": 1}),
            ),
            "reference.z",
        ),
        (huge.to_string(), "outside what the page offers"),
        (
            json!({"weight_ih_l0": [[1.0]], "weight_hh_l0": [[1.0, 2.0]]}).to_string(),
            "weight_hh_l0",
        ),
    ];
    let mut e = Engine::new(&Settings::default(), 0.0).expect("default");
    e.handle(Command::Step, 0.0);
    let before: Vec<Vec<f32>> = e
        .lab()
        .runs
        .iter()
        .map(|r| r.trainer.net.params().to_vec())
        .collect();
    for (bytes, want) in cases {
        let r = e.handle(
            Command::Load {
                bytes: bytes.into_bytes(),
            },
            0.0,
        );
        match r.as_slice() {
            [Report::Rejected { message }] => {
                assert!(
                    message.starts_with("Not loaded: PyTorch state_dict: "),
                    "{message}"
                );
                assert!(message.contains(want), "{want:?} not in {message}");
                assert!(
                    message.ends_with("the current run continues unchanged"),
                    "{message}"
                );
            }
            other => panic!("{want}: {other:?}"),
        }
    }
    let after: Vec<Vec<f32>> = e
        .lab()
        .runs
        .iter()
        .map(|r| r.trainer.net.params().to_vec())
        .collect();
    assert_eq!(before, after);
    assert_eq!((e.lab().steps(), e.lab().runs.len()), (1, 2));
}

#[test]
fn the_engine_swaps_in_the_imported_model_and_trains_it() {
    let mut e = Engine::new(&Settings::default(), 0.0).expect("default");
    let r = e.handle(
        Command::Load {
            bytes: GRU.as_bytes().to_vec(),
        },
        0.0,
    );
    let [Report::Imported {
        query,
        summary,
        parity: Some(p),
    }] = r.as_slice()
    else {
        panic!("{r:?}");
    };
    assert!(
        query.contains("cells=gru_torch") && query.contains("hidden=8"),
        "{query}"
    );
    assert!(
        summary.contains("GRU (PyTorch)") && p.starts_with("h_T matches"),
        "{summary} {p}"
    );
    let lab = e.lab();
    let w = gru()["weight_hh_l0"][2][5].as_f64().expect("number") as f32;
    let model = lab.runs[0].trainer.model().expect("recurrent");
    let b = model.layout.find("l0.fwd.U").expect("U");
    // U = weight_hhᵀ: torch's row 2, column 5 is ours (5, 2) of (H, 3H).
    assert_eq!(model.params[b.range()][5 * b.cols + 2], w);
    e.handle(Command::Step, 0.0);
    assert_eq!(e.lab().steps(), 1);
}
