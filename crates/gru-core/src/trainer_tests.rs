//! Tests of [`super::Trainer`]: the NaN guard, refused settings, determinism.

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
        let e = Trainer::<f32>::new(c).err().expect("refused");
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
