//! `Trainer::inspect` against the validation batch and against the model run by hand: any
//! layer, direction, sample and cell; the per-sample loss; the worst sample; bad picks.

use super::*;
use crate::analysis::Anatomy;
use crate::cell::CellShape;
use crate::model::Direction;
use crate::task::TaskConfig;
use crate::TrainConfig;

fn trainer(cell: CellKind, layers: usize, direction: Direction) -> Trainer<f64> {
    let mut tr = Trainer::<f64>::new(TrainConfig {
        task: TaskConfig::Adding { len: 12 },
        cell,
        hidden: 4,
        layers,
        direction,
        ..TrainConfig::default()
    })
    .unwrap();
    for _ in 0..5 {
        tr.train_step().unwrap();
    }
    tr
}

#[test]
fn inspection_matches_the_validation_sample() {
    let tr = trainer(CellKind::Gru, 1, Direction::Forward);
    let ins = tr.inspect(Pick::sample(3)).unwrap();
    assert_eq!((ins.input, ins.x.len()), (2, 12 * 2));
    let marks: Vec<usize> = (0..12).filter(|&s| ins.x[s * 2 + 1] == 1.0).collect();
    assert_eq!(marks.len(), 2, "exactly two marked steps");
    let Targets::Values(target) = &ins.target else {
        panic!("the adding problem regresses")
    };
    let want = ins.x[marks[0] * 2] + ins.x[marks[1] * 2];
    assert!(
        (target[0] - want).abs() < 1e-6, // summed in f32
        "target is the sum of the marked values"
    );
    assert!((ins.loss - (ins.y[0] - target[0]).powi(2)).abs() < 1e-12);
    assert_eq!(
        ins.loss,
        tr.sample_losses()[3],
        "the same per-sample loss both ways"
    );
    let names: Vec<&str> = ins.trace.gates.iter().map(|g| g.0.as_str()).collect();
    assert_eq!(names, ["z", "r", "h_tilde"]);
    assert_eq!((ins.trace.flow.len(), ins.trace.one_step.len()), (13, 12));
    assert_eq!(ins.trace.h.len(), 13 * 4);
    assert!(ins.trace.grad_h.as_ref().is_some_and(|g| g.len() == 13));
    assert!(matches!(ins.trace.anatomy, Anatomy::Gru(_)));
}

/// Every cell, layer and direction: the trace is the picked slot's, in processing order, and
/// its `dL/dh_0` is the one `backward` leaves for that slot.
#[test]
fn any_layer_and_direction_of_any_cell() {
    for cell in [
        CellKind::Gru,
        CellKind::GruTorch,
        CellKind::Lstm,
        CellKind::RnnTanh,
    ] {
        let tr = trainer(cell, 2, Direction::Bidirectional);
        let sample = 7;
        let s = sample::sample_of(&tr.model, tr.validation(), sample);
        let mut ws = Workspace::default();
        forward(&tr.model, &mut ws, &s.x, 12, 1, Mode::Eval);
        for layer in 0..2 {
            for dir in 0..2 {
                let pick = Pick {
                    layer,
                    dir,
                    sample,
                    matrices_at: Some(2),
                };
                let ins = tr.inspect(pick).unwrap();
                let si = tr.model.slot_index(layer, dir);
                let c = tr.model.slots[si].cell.cache_size();
                let (h, first) = (4, &ins.trace.gates[0]);
                for step in 1..=12 {
                    let xi = ins.input_row(step);
                    assert_eq!(xi, if dir == 0 { step - 1 } else { 12 - step });
                    let cache = &ws.caches[si][xi * c..xi * c + h];
                    assert_eq!(
                        &first.1[(step - 1) * h..step * h],
                        cache,
                        "{cell:?} l{layer} d{dir}"
                    );
                }
                match (&ins.trace.anatomy, cell) {
                    (Anatomy::Gru(t), CellKind::Gru | CellKind::GruTorch) => {
                        assert_eq!(t.matrices.as_ref().map(|m| m.step), Some(2));
                        assert_eq!(t.carry.len(), 12);
                    }
                    (Anatomy::Lstm(f), CellKind::Lstm) => {
                        assert_eq!(f.forget, ins.trace.gates[1].1, "diag(f) is gate f");
                        assert_eq!(ins.trace.c.as_ref().map(Vec::len), Some(13 * 4));
                        let names: Vec<&str> =
                            ins.trace.gates.iter().map(|g| g.0.as_str()).collect();
                        assert_eq!(names, ["i", "f", "g", "o"]);
                    }
                    (Anatomy::Rnn(r), CellKind::RnnTanh) => assert_eq!(r.slope.len(), 12 * 4),
                    (a, k) => panic!("{k:?} got {a:?}"),
                }
            }
        }
    }
}

#[test]
fn the_gradient_at_h0_is_what_backward_leaves_for_the_slot() {
    let tr = trainer(CellKind::Lstm, 2, Direction::Bidirectional);
    let sample = 5;
    let s = sample::sample_of(&tr.model, tr.validation(), sample);
    let mut ws = Workspace::default();
    forward(&tr.model, &mut ws, &s.x, 12, 1, Mode::Eval);
    let o = tr.model.config.output;
    loss_and_grad(
        tr.task.loss(),
        &ws.y,
        o,
        &s.targets,
        s.weights.as_deref(),
        &mut ws.dy,
    );
    backward(&tr.model, &mut ws, BackwardOpts::default());
    for layer in 0..2 {
        for dir in 0..2 {
            let ins = tr
                .inspect(Pick {
                    layer,
                    dir,
                    sample,
                    matrices_at: None,
                })
                .unwrap();
            let d0 = &ws.d_init[tr.model.slot_index(layer, dir)][..4]; // dL/dh_0 of the slot
            let want = d0.iter().map(|v| v * v).sum::<f64>().sqrt();
            let got = ins.trace.grad_h.as_ref().map(|g| g[0]).unwrap();
            assert!(
                (got - want).abs() <= 1e-12 * (1.0 + want),
                "l{layer} d{dir}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn the_worst_sample_has_the_largest_loss_and_losses_average_to_the_validation_loss() {
    let mut tr = trainer(CellKind::Gru, 1, Direction::Forward);
    let losses = tr.sample_losses();
    assert_eq!(losses.len(), 256);
    let worst = tr.worst_sample();
    assert!(losses.iter().all(|&l| l <= losses[worst]));
    assert_eq!(tr.inspect(Pick::sample(worst)).unwrap().loss, losses[worst]);
    let mean = losses.iter().sum::<f64>() / 256.0;
    let val = tr.evaluate().loss;
    assert!((mean - val).abs() < 1e-12 * val, "{mean} vs {val}");
}

#[test]
fn bad_picks_are_errors_naming_what_is_wrong() {
    let tr = trainer(CellKind::Gru, 1, Direction::Forward);
    let bad = [
        (Pick::sample(256), "sample"),
        (
            Pick {
                layer: 1,
                ..Pick::default()
            },
            "layer",
        ),
        (
            Pick {
                dir: 1,
                ..Pick::default()
            },
            "direction",
        ),
        (
            Pick {
                matrices_at: Some(0),
                ..Pick::default()
            },
            "step",
        ),
        (
            Pick {
                matrices_at: Some(13),
                ..Pick::default()
            },
            "step",
        ),
    ];
    for (pick, what) in bad {
        let e = tr.inspect(pick).expect_err("refused");
        assert!(e.to_string().contains(what), "{e} should name {what}");
    }
}
