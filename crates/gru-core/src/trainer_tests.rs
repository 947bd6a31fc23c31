//! Tests of [`super::Trainer`]: NaN guard, refused settings, determinism, surgery, clipping.

use super::*;

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
    let mut good = tr.model.params.clone();
    let err = loop {
        match tr.train_step() {
            Ok(s) => {
                assert!(s.step < 200, "never blew up");
                good.copy_from_slice(&tr.model.params);
            }
            Err(e) => break e,
        }
    };
    let step = tr.step_idx();
    assert!(matches!(err, Error::NonFinite { .. }), "{err}");
    assert!(err.to_string().contains("NaN or infinite"), "{err}");
    assert_eq!(
        tr.model.params, good,
        "weights are those of the last good step"
    );
    assert!(tr.model.params.iter().all(|p| p.is_finite()));
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
    assert_eq!(tr.model.config.surgery, frozen);
    let cell = tr.model.slots[0].range.clone();
    let before = tr.model.params.clone();
    for _ in 0..3 {
        tr.train_step().unwrap();
    }
    assert_eq!(tr.model.params[cell.clone()], before[cell]);
    assert_ne!(
        tr.model.params[tr.model.head.clone()],
        before[tr.model.head.clone()]
    );
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
        (s, tr.model.params)
    };
    let (free, p_free) = run(None);
    let (clipped, p_clipped) = run(Some(1e-6));
    assert!(free.grad_norm > 1e-3, "{}", free.grad_norm);
    assert_eq!(
        clipped.grad_norm, free.grad_norm,
        "same batch, same norm, before clipping"
    );
    assert_eq!((free.clip, clipped.clip), (None, Some(1e-6)));
    assert_ne!(p_free, p_clipped, "clipping changed the update");
}
