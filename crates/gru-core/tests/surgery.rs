//! Gate surgery across the crate: it survives a checkpoint, older checkpoints (without the
//! field) load with none, PyTorch export refuses a step torch cannot run, and cutting the GRU's
//! carry path makes its gradient flow collapse like a tanh RNN's.

use gru_core::analysis::{products_at, step_jacobians, CellSel, Part};
use gru_core::cell::{Carry, CellKind, GateMode, Surgery};
use gru_core::checkpoint::{from_json, to_json};
use gru_core::model::{forward, Init, Mode, Model, ModelConfig, Workspace};
use gru_core::state_dict::export;
use gru_core::task::TaskConfig;
use gru_core::{Error, TrainConfig, Trainer};
use serde_json::Value;

fn pinned() -> Surgery {
    Surgery {
        reset: GateMode::Fixed(1.0),
        update_bias: Some(-1.0),
        ..Surgery::default()
    }
}

#[test]
fn surgery_round_trips_through_a_checkpoint_and_old_ones_load_without_it() {
    let cfg = TrainConfig {
        task: TaskConfig::Adding { len: 8 },
        hidden: 4,
        surgery: pinned(),
        ..TrainConfig::default()
    };
    let mut tr = Trainer::<f32>::new(cfg).unwrap();
    tr.train_step().unwrap();
    let json = to_json(&tr.model, Some(&tr.config), Some(1)).unwrap();
    let back = from_json::<f32>(&json).unwrap();
    assert_eq!(back.model.config.surgery, pinned());
    assert_eq!(back.train.map(|t| t.surgery), Some(pinned()));
    assert_eq!(back.model, tr.model, "cells carry the surgery too");

    // A checkpoint written before surgery existed has no "surgery" anywhere.
    let plain = Trainer::<f32>::new(TrainConfig {
        task: TaskConfig::Adding { len: 8 },
        hidden: 4,
        ..TrainConfig::default()
    })
    .unwrap();
    let old = to_json(&plain.model, Some(&plain.config), None).unwrap();
    assert!(!old.contains("surgery"), "no surgery, no field");
    let back = from_json::<f32>(&old).unwrap();
    assert!(back.model.config.surgery.is_none());

    // A bad surgery in a document is a format error naming it.
    let mut v: Value = serde_json::from_str(&json).unwrap();
    v["model"]["surgery"]["reset"] = serde_json::json!({"fixed": 3.0});
    match from_json::<f32>(&v.to_string()) {
        Err(Error::Format(m)) => assert!(m.contains("surgery.reset"), "{m}"),
        other => panic!("expected a format error, got {other:?}"),
    }
}

#[test]
fn pytorch_export_refuses_a_step_torch_cannot_run() {
    let cfg = ModelConfig::new(CellKind::GruTorch, 2, 3, 1);
    let m = Model::<f64>::new(cfg.clone().surgery(pinned()), Init::TorchUniform, 1).unwrap();
    let e = export(&m).expect_err("refused");
    assert!(e.to_string().contains("surgery"), "{e}");
    // Initial biases alone do not change the step: exporting is fine.
    let bias_only = Surgery {
        update_bias: Some(1.0),
        ..Surgery::default()
    };
    let m = Model::<f64>::new(cfg.surgery(bias_only), Init::TorchUniform, 1).unwrap();
    assert!(export(&m).is_ok());
}

/// `‖∂h_T/∂h_0‖₂` of layer 0 on a fixed input, for a model built from `cfg`.
fn memory(cfg: ModelConfig, steps: usize) -> f64 {
    let m = Model::<f64>::new(cfg, Init::XavierOrthogonal, 4).unwrap();
    let x: Vec<f64> = (0..steps * 2).map(|k| (0.37 * k as f64).sin()).collect();
    let mut ws = Workspace::default();
    forward(&m, &mut ws, &x, steps, 1, Mode::Eval);
    let j = step_jacobians(&m, &ws, CellSel::default()).unwrap();
    products_at(&j, steps, Part::Hh, false).unwrap().spec[steps]
}

#[test]
fn cutting_the_carry_collapses_the_gru_gradient_flow_like_an_rnn() {
    let steps = 40;
    // Update bias −3 starts z near 0.05, so the carry path keeps ∂h_T/∂h_0 alive.
    let open = Surgery {
        update_bias: Some(-3.0),
        ..Surgery::default()
    };
    let cut = Surgery {
        carry: Carry::Cut,
        ..open
    };
    let gru = |s: Surgery| memory(ModelConfig::new(CellKind::Gru, 2, 8, 1).surgery(s), steps);
    let (kept, cut) = (gru(open), gru(cut));
    let rnn = memory(ModelConfig::new(CellKind::RnnTanh, 2, 8, 1), steps);
    println!("‖∂h_T/∂h_0‖₂ at T = {steps}: GRU {kept:.3e}, carry cut {cut:.3e}, RNN {rnn:.3e}");
    assert!(kept > 1e-2, "the carry path keeps memory: {kept:.3e}");
    assert!(cut < 1e-6 * kept, "cut: {cut:.3e} vs kept {kept:.3e}");
    assert!(
        cut < 1e3 * rnn.max(1e-300),
        "cut GRU {cut:.3e} ~ RNN {rnn:.3e} or below"
    );
}
