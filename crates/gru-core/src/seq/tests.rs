//! Finite-difference checks of both models in every variant, and the properties that make
//! them what they are: causality, the receptive field, attention rows that sum to one.

use super::check::{check_gradients, wave_params};
use super::*;
use crate::model::{Init, Mode, Readout};

fn tcn(cfg: TcnConfig) -> Net<f64> {
    let mut n = Net::Tcn(Tcn::new(cfg, Init::Xavier, 1).unwrap());
    wave_params(&mut n);
    n
}

fn attention(cfg: AttentionConfig) -> Net<f64> {
    let mut n = Net::Attention(Attention::new(cfg, Init::Xavier, 1).unwrap());
    wave_params(&mut n);
    n
}

#[test]
fn tcn_gradients_match_finite_differences_in_every_variant() {
    // I ≠ C (projection at level 0), T shorter than the largest dilation (taps skipped).
    for act in [Activation::Relu, Activation::Tanh] {
        for readout in [Readout::Final, Readout::PerStep] {
            let cfg = TcnConfig::new(2, 3, 2)
                .kernel(3)
                .levels(3)
                .activation(act)
                .readout(readout);
            check_gradients(&tcn(cfg), 6, 2);
        }
    }
    // I = C: identity residual everywhere.
    check_gradients(&tcn(TcnConfig::new(3, 3, 1).levels(2)), 5, 3);
}

#[test]
fn attention_gradients_match_finite_differences_in_every_variant() {
    let learned = Positions::Learned { max_len: 7 };
    for (heads, positions, readout) in [
        (1, Positions::Sinusoidal, Readout::Final),
        (2, learned, Readout::Final),
        (2, Positions::Sinusoidal, Readout::PerStep),
        (1, learned, Readout::PerStep),
    ] {
        let cfg = AttentionConfig::new(2, 4, 2)
            .heads(heads)
            .ffn(5)
            .positions(positions)
            .readout(readout);
        check_gradients(&attention(cfg), 5, 2);
    }
}

/// Per-step outputs of `net` for `x (T, 1, I)`.
fn per_step(net: &Net<f64>, x: &[f64], t: usize) -> Vec<f64> {
    let mut c = NetCache::default();
    net.forward(&mut c, x, t, 1, Mode::Eval);
    c.y().to_vec()
}

#[test]
fn outputs_never_depend_on_later_inputs() {
    // tanh: a ReLU that happens to be off would hide a dependence. T = 7 = receptive field.
    let (t, i) = (7, 2);
    let nets = [
        tcn(TcnConfig::new(i, 3, 2)
            .kernel(3)
            .levels(2)
            .activation(Activation::Tanh)
            .readout(Readout::PerStep)),
        attention(
            AttentionConfig::new(i, 4, 2)
                .heads(2)
                .readout(Readout::PerStep),
        ),
    ];
    for net in &nets {
        let x = crate::cell::check::wave(t * i, 0.9, 0.1, 1.0);
        let base = per_step(net, &x, t);
        for changed in 0..t {
            let mut w = x.clone();
            w[changed * i] += 0.5;
            let y = per_step(net, &w, t);
            for step in 0..t {
                let same = y[step * 2..step * 2 + 2] == base[step * 2..step * 2 + 2];
                assert_eq!(
                    same,
                    step < changed,
                    "{}: x_{changed} vs y_{step}",
                    net.kind().label()
                );
            }
        }
    }
}

#[test]
fn attention_weights_are_causal_rows_summing_to_one() {
    let cfg = AttentionConfig::new(2, 4, 1).heads(2);
    let Net::Attention(m) = attention(cfg) else {
        unreachable!()
    };
    let (t, b) = (6, 3);
    let mut c = AttentionCache::default();
    attention::forward(
        &m,
        &mut c,
        &crate::cell::check::wave(t * b * 2, 0.7, 0.0, 1.0),
        t,
        b,
    );
    for s in 0..b {
        let w = c.weights(s).unwrap();
        assert_eq!(w.len(), 2 * t * t);
        for (r, row) in w.chunks_exact(t).enumerate() {
            let i = r % t;
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            assert!(row[..=i].iter().all(|&p| p > 0.0) && row[i + 1..].iter().all(|&p| p == 0.0));
        }
    }
    assert_ne!(
        c.weights(0),
        c.weights(1),
        "each sample has its own weights"
    );
    assert!(c.weights(b).is_none());
}

#[test]
fn receptive_field_and_covering() {
    let c = TcnConfig::new(2, 8, 1).kernel(2);
    assert_eq!(c.clone().levels(1).receptive_field(), 2);
    assert_eq!(c.clone().levels(8).receptive_field(), 256);
    assert_eq!(c.clone().covering(200).levels, 8);
    assert_eq!(c.clone().kernel(3).covering(200).levels, 7); // 1 + 2·127 = 255
    assert_eq!(c.clone().covering(1).levels, 1);
    assert_eq!(c.covering(100_000).levels, tcn::MAX_LEVELS);
}

#[test]
fn bad_shapes_are_refused_by_name() {
    let bad_tcn = [
        (TcnConfig::new(0, 4, 1), "input"),
        (TcnConfig::new(2, 4, 1).kernel(1), "kernel"),
        (TcnConfig::new(2, 4, 1).levels(0), "levels"),
        (TcnConfig::new(2, 0, 1), "channels"),
    ];
    for (c, f) in bad_tcn {
        let e = Tcn::<f32>::new(c, Init::Xavier, 1).expect_err("refused");
        assert!(e.to_string().contains(f), "{e}");
    }
    let bad_att = [
        (AttentionConfig::new(2, 6, 1).heads(4), "heads"),
        (AttentionConfig::new(2, 0, 1), "d_model"),
        (
            AttentionConfig::new(2, 4, 1).positions(Positions::Learned { max_len: 0 }),
            "max_len",
        ),
        (AttentionConfig::new(2, 4, 0), "output"),
    ];
    for (c, f) in bad_att {
        let e = Attention::<f32>::new(c, Init::Xavier, 1).expect_err("refused");
        assert!(e.to_string().contains(f), "{e}");
    }
}

#[test]
fn same_seed_same_weights_and_torch_init_has_the_documented_range() {
    let cfg = AttentionConfig::new(2, 8, 1).heads(2);
    let a = Attention::<f64>::new(cfg.clone(), Init::TorchUniform, 7).unwrap();
    assert_eq!(
        a,
        Attention::new(cfg.clone(), Init::TorchUniform, 7).unwrap()
    );
    assert_ne!(
        a.params,
        Attention::<f64>::new(cfg, Init::TorchUniform, 8)
            .unwrap()
            .params
    );
    let w1 = &a.params[a.at.w_1.clone()];
    let bound = 1.0 / 8f64.sqrt();
    assert!(w1.iter().all(|v| v.abs() <= bound) && w1.iter().any(|v| v.abs() > 0.5 * bound));
    assert!(a.params[a.at.ln1.0.clone()].iter().all(|&g| g == 1.0));
    assert!(a.params[a.at.ln1.1.clone()].iter().all(|&b| b == 0.0));
}

mod in_the_trainer {
    use crate::cell::CellKind;
    use crate::seq::{AttentionConfig, ModelKind, Positions, TcnConfig};
    use crate::task::TaskConfig;
    use crate::{Error, TrainConfig, Trainer};

    fn config() -> TrainConfig {
        TrainConfig {
            task: TaskConfig::Adding { len: 12 },
            hidden: 4,
            ..TrainConfig::default()
        }
    }

    fn kinds() -> [ModelKind; 3] {
        [
            ModelKind::Recurrent(CellKind::Lstm),
            ModelKind::Tcn(TcnConfig::new(1, 4, 1).covering(12)), // sizes come from the task
            ModelKind::Attention(AttentionConfig::new(1, 4, 1).heads(2)),
        ]
    }

    #[test]
    fn every_kind_trains_deterministically_on_the_same_data() {
        let mut first = None;
        for kind in kinds() {
            let run = || {
                let mut tr = Trainer::<f32>::with_model(config(), kind.clone()).unwrap();
                let losses: Vec<f64> = (0..4).map(|_| tr.train_step().unwrap().loss).collect();
                (tr, losses)
            };
            let (mut tr, losses) = run();
            assert_eq!(losses, run().1, "{}: same seed, same run", kind.label());
            assert!(tr.evaluate().loss.is_finite());
            assert_eq!(tr.net.input_size(), 2, "input size from the task");
            assert_eq!(tr.kind().label(), kind.label());
            let val = tr.validation().clone();
            match &first {
                None => first = Some(val),
                Some(v) => assert_eq!(&val, v, "{}: same validation data", kind.label()),
            }
        }
        let tr = Trainer::<f32>::new(config()).unwrap();
        assert_eq!(tr.kind(), ModelKind::Recurrent(CellKind::Gru));
        assert!(tr.model().is_some());
        let tr = Trainer::<f32>::with_model(config(), kinds()[0].clone()).unwrap();
        assert_eq!(
            tr.config.cell,
            CellKind::Lstm,
            "a recurrent kind sets the cell"
        );
        let tr = Trainer::<f32>::with_model(config(), kinds()[1].clone()).unwrap();
        assert!(tr.model().is_none());
    }

    #[test]
    fn learned_positions_shorter_than_the_task_are_refused() {
        let short = AttentionConfig::new(2, 4, 1).positions(Positions::Learned { max_len: 11 });
        let e = Trainer::<f32>::with_model(config(), ModelKind::Attention(short)).err();
        assert!(
            matches!(&e, Some(Error::Config(m)) if m.contains("learned positions")),
            "{e:?}"
        );
        let fits = AttentionConfig::new(2, 4, 1).positions(Positions::Learned { max_len: 12 });
        assert!(Trainer::<f32>::with_model(config(), ModelKind::Attention(fits)).is_ok());
    }

    #[test]
    fn every_kind_is_inspected_with_its_sensitivity_and_its_own_view() {
        for kind in kinds() {
            let label = kind.label();
            let mut tr = Trainer::<f64>::with_model(config(), kind.clone()).unwrap();
            tr.train_step().unwrap();
            let ins = tr.inspect(crate::Pick::sample(1)).unwrap();
            let crate::loss::Targets::Values(target) = &ins.target else {
                panic!("the adding problem regresses")
            };
            assert_eq!(ins.sensitivity.len(), 12, "{label}");
            assert!(ins.sensitivity.iter().all(|v| v.is_finite()) && ins.sensitivity[0] > 0.0);
            assert!(
                (ins.loss - (ins.y[0] - target[0]).powi(2)).abs() < 1e-12,
                "{label}"
            );
            let losses = tr.sample_losses();
            assert_eq!(losses.len(), 256, "{label}");
            assert_eq!(
                ins.loss, losses[1],
                "{label}: the same per-sample loss both ways"
            );
            assert!(losses.iter().all(|&l| l <= losses[tr.worst_sample()]));
            let deeper = crate::Pick {
                layer: 1,
                ..crate::Pick::sample(1)
            };
            assert!(tr.inspect(deeper).is_err(), "{label}: one layer here");
            match kind {
                ModelKind::Recurrent(_) => {
                    assert_eq!(ins.trace.steps, 12);
                    assert!(ins.attention.is_none() && ins.receptive_field.is_none());
                }
                ModelKind::Tcn(_) => {
                    assert_eq!((ins.trace.steps, ins.receptive_field), (0, Some(16)));
                }
                ModelKind::Attention(_) => {
                    assert_eq!((ins.trace.steps, ins.receptive_field), (0, None));
                    let map = ins.attention.expect("weights");
                    assert_eq!((map.heads, map.steps, map.weights.len()), (2, 12, 2 * 144));
                    for row in map.weights.chunks_exact(12) {
                        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
                    }
                }
            }
        }
    }

    #[test]
    fn model_kinds_round_trip_through_json() {
        for kind in kinds() {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(
                serde_json::from_str::<ModelKind>(&json).unwrap(),
                kind,
                "{json}"
            );
        }
        let k: ModelKind = serde_json::from_str(r#"{"recurrent":"rnn_tanh"}"#).unwrap();
        assert_eq!(k, ModelKind::Recurrent(CellKind::RnnTanh));
    }
}
