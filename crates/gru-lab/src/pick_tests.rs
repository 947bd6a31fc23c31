//! What a snapshot carries for each pick: the picked run's insight in full (its own cell's
//! gates and states, the data strip), the others light, on a 2-layer bidirectional model.

use std::cell::Cell;

use crate::engine::{Engine, Wake};
use crate::protocol::{Command, InspectPick, Report, SamplePick, Snapshot};
use crate::settings::Settings;
use gru_core::cell::CellKind;
use gru_core::model::Direction;

fn settings() -> Settings {
    let mut s = Settings {
        cells: vec![CellKind::Gru, CellKind::Lstm, CellKind::RnnTanh],
        hidden: 6,
        layers: 2,
        direction: Direction::Bidirectional,
        ..Settings::default()
    };
    s.knob = 16;
    s
}

/// Sends `pick`, then ticks until a snapshot with a fresh inspection of it arrives.
fn inspect(e: &mut Engine, clock: &Cell<f64>, pick: InspectPick) -> Snapshot {
    let now = || {
        clock.set(clock.get() + 0.5);
        clock.get()
    };
    assert_eq!(
        e.handle(Command::Inspect { pick }, now()),
        Vec::new(),
        "{pick:?}"
    );
    for _ in 0..100_000 {
        let (reports, wake) = e.tick(&now);
        for r in reports {
            match r {
                Report::Snapshot(s) => {
                    e.handle(Command::Drawn, now());
                    if s.inspected.as_ref().is_some_and(|p| {
                        (p.run, p.layer, p.dir) == (pick.run, pick.layer, pick.dir)
                    }) {
                        return *s;
                    }
                }
                other => panic!("{other:?}"),
            }
        }
        if let Wake::After(ms) = wake {
            clock.set(clock.get() + ms);
        }
    }
    panic!("no inspection of {pick:?}");
}

fn gate_names(x: &crate::insight::Insight) -> Vec<&str> {
    x.gates.iter().map(|g| g.name.as_str()).collect()
}

#[test]
fn each_pick_carries_its_own_cell_in_full_and_the_others_light() {
    let clock = Cell::new(0.0);
    let mut e = Engine::new(&settings(), 0.0).expect("settings");
    let t = 16;
    let (h, steps) = (6, t);

    let s = inspect(
        &mut e,
        &clock,
        InspectPick {
            run: 1,
            layer: 1,
            dir: 1,
            sample: SamplePick::Index(7),
        },
    );
    let p = s.inspected.expect("pick");
    assert_eq!(
        (p.run, p.layer, p.dir, p.sample, p.layers, p.dirs),
        (1, 1, 1, 7, 2, 2)
    );
    let ins = s.insights.expect("insights");
    let lstm = &ins[1];
    assert_eq!(lstm.cell, CellKind::Lstm);
    assert_eq!(gate_names(lstm), ["i", "f", "g", "o"]);
    assert_eq!(lstm.c.len(), (steps + 1) * h, "c_0 … c_T");
    assert_eq!(lstm.cell_state_by_time().len(), steps * h);
    assert_eq!(lstm.forget_path.len(), steps);
    for s_ in 1..=steps {
        let max_f = (0..h)
            .map(|j| lstm.gate("f", s_, j).unwrap_or(0.0))
            .fold(0.0, f64::max);
        assert!(
            (lstm.forget_path[s_ - 1] - max_f).abs() < 1e-5,
            "‖diag(f)‖ = max f"
        );
    }
    assert!(lstm.carry.is_empty(), "no GRU terms under an LSTM");
    assert_eq!(lstm.strip.lanes.len(), 4, "value, marker, target, predict");
    for other in [&ins[0], &ins[2]] {
        assert!(other.gates.is_empty() && other.h.is_empty() && other.strip.lanes.is_empty());
        assert_eq!(other.flow.len(), steps + 1, "comparison curves stay");
    }

    let s = inspect(
        &mut e,
        &clock,
        InspectPick {
            run: 2,
            layer: 0,
            dir: 0,
            sample: SamplePick::Index(0),
        },
    );
    let rnn = &s.insights.expect("insights")[2];
    assert_eq!(gate_names(rnn), ["pre", "slope"]);
    for s_ in 1..=steps {
        for j in 0..h {
            let a = rnn.gate("pre", s_, j).expect("pre");
            let slope = rnn.gate("slope", s_, j).expect("slope");
            assert!(
                (slope - (1.0 - a.tanh().powi(2))).abs() < 1e-5,
                "slope = 1 − tanh²(a)"
            );
        }
    }
    assert_eq!(rnn.one_step.len(), steps);
    assert!(rnn.c.is_empty() && rnn.forget_path.is_empty());

    e.handle(Command::Pause, clock.get());
    let s = inspect(
        &mut e,
        &clock,
        InspectPick {
            run: 0,
            layer: 1,
            dir: 0,
            sample: SamplePick::Worst,
        },
    );
    let p = s.inspected.expect("pick");
    let worst = e.lab().runs[0].trainer.worst_sample();
    assert_eq!((p.sample, p.worst_at), (worst, Some(e.lab().steps())));
    let gru = &s.insights.expect("insights")[0];
    assert_eq!(gate_names(gru), ["z", "r", "h_tilde"]);
    assert_eq!(gru.carry.len(), steps);
}

#[test]
fn layers_and_directions_give_different_gates_and_a_reset_keeps_a_pick_that_still_fits() {
    let clock = Cell::new(0.0);
    let mut e = Engine::new(&settings(), 0.0).expect("settings");
    let pick = |layer, dir| InspectPick {
        run: 0,
        layer,
        dir,
        sample: SamplePick::Index(3),
    };
    let z = |s: Snapshot| s.insights.expect("insights")[0].gates[0].values.clone();
    let a = z(inspect(&mut e, &clock, pick(0, 0)));
    let b = z(inspect(&mut e, &clock, pick(0, 1)));
    let c = z(inspect(&mut e, &clock, pick(1, 0)));
    assert!(a != b && a != c && b != c, "each slot has its own gates");
    e.handle(
        Command::Reset {
            query: "cells=lstm,gru&layers=2&bi=1&T=16&hidden=6".into(),
        },
        1.0,
    );
    assert_eq!(
        (e.lab().pick.run, e.lab().pick.layer, e.lab().pick.dir),
        (0, 1, 0)
    );
    e.handle(
        Command::Reset {
            query: "cells=rnn&T=16".into(),
        },
        2.0,
    );
    let p = &e.lab().pick;
    assert_eq!(
        (p.run, p.layer, p.dir, p.sample, p.dirs),
        (0, 0, 0, 3, 1),
        "falls back, sample kept"
    );
}
