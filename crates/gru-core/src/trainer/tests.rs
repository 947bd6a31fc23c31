//! Tests of [`super::Trainer`]: NaN guard, refused settings, determinism, surgery, clipping.

use super::*;
use crate::cell::CellKind;
use crate::model::Init;
use crate::task::TaskConfig;

#[test]
fn an_exploding_run_stops_with_a_message_and_keeps_the_last_good_weights() {
    // A ReLU RNN with a huge SGD step and no clipping overflows within a few steps.
    let config = TrainConfig {
        cell: CellKind::RnnRelu,
        optimizer: OptimizerConfig::sgd(10.0, 0.9),
        clip: None,
        init: Init::TorchUniform,
        ..TrainConfig::default()
    };
    let mut tr = Trainer::<f32>::new(config).unwrap();
    let mut good = tr.net.params().to_vec();
    let err = loop {
        match tr.train_step() {
            Ok(s) => {
                assert!(s.step < 200, "never blew up");
                good.copy_from_slice(tr.net.params());
            }
            Err(e) => break e,
        }
    };
    let step = tr.step_idx();
    assert!(matches!(err, Error::NonFinite { .. }), "{err}");
    assert!(err.to_string().contains("NaN or infinite"), "{err}");
    assert_eq!(
        tr.net.params(),
        &good[..],
        "weights are those of the last good step"
    );
    assert!(tr.net.params().iter().all(|p| p.is_finite()));
    assert_eq!(tr.step_idx(), step, "the failed step is not counted");
}

#[test]
fn bad_settings_are_refused_by_name() {
    let bad = [
        (
            TrainConfig {
                batch: 0,
                ..TrainConfig::default()
            },
            "batch",
        ),
        (
            TrainConfig {
                clip: Some(-1.0),
                ..TrainConfig::default()
            },
            "clip",
        ),
        (
            TrainConfig {
                hidden: 0,
                ..TrainConfig::default()
            },
            "hidden",
        ),
        (
            TrainConfig {
                optimizer: OptimizerConfig::adam(f64::NAN),
                ..TrainConfig::default()
            },
            "learning rate",
        ),
        (
            TrainConfig {
                task: TaskConfig::Adding { len: 1 },
                ..TrainConfig::default()
            },
            "length",
        ),
        (
            TrainConfig {
                recurrent_dropout: 1.0,
                ..TrainConfig::default()
            },
            "recurrent_dropout",
        ),
    ];
    for (c, field) in bad {
        let e = Trainer::<f32>::new(c).expect_err("refused");
        assert!(e.to_string().contains(field), "{e} should name {field}");
    }
}

#[test]
fn same_seed_same_run() {
    let run = || {
        let mut tr = Trainer::<f32>::new(TrainConfig {
            recurrent_dropout: 0.2,
            ..TrainConfig::default()
        })
        .unwrap();
        (0..5)
            .map(|_| tr.train_step().unwrap().loss)
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

#[test]
fn surgery_is_applied_in_training() {
    use crate::cell::{GateMode, Surgery};
    // z held at 0: h stays at h_0 = 0, so no gradient reaches the cell, only the head learns.
    let frozen = Surgery {
        update: GateMode::Fixed(0.0),
        ..Surgery::default()
    };
    let mut tr = Trainer::<f64>::new(TrainConfig {
        surgery: frozen,
        ..TrainConfig::default()
    })
    .unwrap();
    let m = tr.model().expect("recurrent");
    assert_eq!(m.config.surgery, frozen);
    let (cell, head) = (m.slots[0].range.clone(), m.head.clone());
    let before = m.params.clone();
    for _ in 0..3 {
        tr.train_step().unwrap();
    }
    let m = tr.model().expect("recurrent");
    assert_eq!(m.params[cell.clone()], before[cell]);
    assert_ne!(m.params[head.clone()], before[head]);
    let bad = TrainConfig {
        surgery: Surgery {
            reset: GateMode::Fixed(2.0),
            ..Surgery::default()
        },
        ..TrainConfig::default()
    };
    let e = Trainer::<f32>::new(bad).expect_err("refused");
    assert!(e.to_string().contains("surgery.reset"), "{e}");
}

#[test]
fn the_gradient_norm_is_reported_before_clipping() {
    let run = |clip| {
        let mut tr = Trainer::<f64>::new(TrainConfig {
            clip,
            ..TrainConfig::default()
        })
        .unwrap();
        let s = tr.train_step().unwrap();
        (s, tr.net.params().to_vec())
    };
    let (free, p_free) = run(None);
    let (clipped, p_clipped) = run(Some(1e-6));
    assert!(free.grad_norm > 1e-3, "{}", free.grad_norm);
    assert_eq!(
        clipped.grad_norm, free.grad_norm,
        "same batch, same norm, before clipping"
    );
    assert_eq!((free.clip, clipped.clip), (None, Some(1e-6)));
    assert_eq!((free.clipped(), clipped.clipped()), (false, true));
    assert_ne!(p_free, p_clipped, "clipping changed the update");
}

#[test]
fn a_resumed_state_with_impossible_counts_is_refused_and_changes_nothing() {
    let mut tr = Trainer::<f64>::new(TrainConfig::default()).unwrap();
    tr.train_step().unwrap();
    tr.train_step().unwrap();
    let params = tr.net.params().to_vec();
    let good = tr.resume_state();
    assert_eq!((good.step, good.opt_t), (2, 2));
    let bad_step = Resume {
        step: MAX_STEP + 1,
        opt_t: 0,
        ..good.clone()
    };
    let e = tr.resume(&params, bad_step).unwrap_err().to_string();
    assert!(e.contains("more than 9007199254740992"), "{e}");
    let bad_t = Resume {
        opt_t: 3,
        ..good.clone()
    };
    let e = tr.resume(&params, bad_t).unwrap_err().to_string();
    assert!(
        e.contains("optimizer.t: 3 updates, but only 2 steps"),
        "{e}"
    );
    assert_eq!(tr.step_idx(), 2, "unchanged");
    // Near the limit both are accepted, and Adam still moves the weights (its bias
    // correction is 1 there, not a wrapped-around exponent).
    let far = Resume {
        step: MAX_STEP,
        opt_t: u64::from(u32::MAX) + 7,
        ..good
    };
    tr.resume(&params, far).unwrap();
    tr.train_step().unwrap();
    let moved = tr
        .net
        .params()
        .iter()
        .zip(&params)
        .filter(|(a, b)| a != b)
        .count();
    assert!(
        moved > params.len() / 2,
        "{moved} of {} moved",
        params.len()
    );
    assert!(tr.net.params().iter().all(|p| p.is_finite()));
}

#[test]
fn a_small_fixed_training_set_is_memorised_and_validation_falls_behind() {
    // Adding problem T = 10, 16 sequences, batch 16: every step sees the whole set.
    let config = TrainConfig {
        task: TaskConfig::Adding { len: 10 },
        hidden: 32,
        batch: 16,
        train_set: Some(16),
        ..TrainConfig::default()
    };
    let mut tr = Trainer::<f32>::new(config.clone()).expect("valid");
    let mut last = 0.0;
    for _ in 0..400 {
        last = tr.train_step().expect("finite").loss;
    }
    let val = tr.evaluate().loss;
    assert!(last < 0.2 * val, "train {last} vs validation {val}");
    // Fresh data at the same settings: no such gap.
    let mut fresh = Trainer::<f32>::new(TrainConfig {
        train_set: None,
        ..config.clone()
    })
    .expect("valid");
    let mut l = 0.0;
    for _ in 0..400 {
        l = fresh.train_step().expect("finite").loss;
    }
    assert!(l > 0.3 * fresh.evaluate().loss, "fresh: {l}");
    // The same config trains the same numbers; a bad size is refused.
    let mut again = Trainer::<f32>::new(config.clone()).expect("valid");
    for _ in 0..400 {
        again.train_step().expect("finite");
    }
    assert_eq!(again.net.params(), tr.net.params());
    let bad = TrainConfig {
        train_set: Some(3),
        ..config
    };
    assert!(Trainer::<f32>::new(bad).is_err());
}
