//! Sweeps in the engine: live runs paused to the end, cancelling, curves kept.

use std::cell::Cell;

use super::tests::{run_until, FakeClock};
use super::*;
use gru_core::cell::CellKind;

#[test]
fn a_sweep_pauses_live_training_runs_to_the_end_and_can_be_cancelled() {
    let settings = Settings {
        hidden: 8,
        batch: 8,
        ..Settings::default()
    };
    let clock = FakeClock(Cell::new(0.0));
    let mut e = Engine::new(&settings, 0.0).expect("valid");
    run_until(&mut e, &clock, |e| e.lab().steps() >= 3);
    let sweep = Command::Sweep {
        lengths: vec![5, 9],
        steps: 6,
        seeds: 1,
    };
    let first = e.handle(sweep.clone(), clock.read());
    assert!(
        matches!(&first[0], Report::Snapshot(s) if !s.playing),
        "paused at once"
    );
    assert_eq!(first[1], Report::SweepProgress { done: 0, total: 24 });
    let live = e.lab().steps();
    assert!(matches!(
        e.handle(Command::Play, clock.read())[..],
        [Report::Rejected { .. }]
    ));
    let mut table = None;
    let mut progress = Vec::new();
    for _ in 0..10_000 {
        for r in e.tick(&|| clock.read()).0 {
            match r {
                Report::SweepDone(t) => table = Some(t),
                Report::SweepProgress { done, .. } => progress.push(done),
                _ => {}
            }
        }
        if table.is_some() {
            break;
        }
    }
    let table = table.expect("the sweep finishes");
    assert_eq!(e.lab().steps(), live, "no live step while sweeping");
    let mut direct = Sweep::new(&settings, &[5, 9], 6, 1).expect("valid");
    let direct_clock = FakeClock(Cell::new(0.0));
    while !direct.advance(100, &|| direct_clock.read()) {}
    assert_eq!(&table, direct.table());
    // The worker's clock timed every step: two reads 0.5 ms apart.
    assert!(
        table.points.iter().all(|p| p.ms_per_step == 0.5),
        "{table:?}"
    );
    assert!(!table.cancelled && table.points.len() == 4);
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    // A second sweep, cancelled: it reports what finished and training can go on.
    e.handle(sweep, clock.read());
    let done = e.handle(Command::CancelSweep, clock.read());
    assert!(matches!(&done[..], [Report::SweepDone(t)] if t.cancelled && t.points.is_empty()));
    assert!(e.handle(Command::Play, clock.read()).is_empty());
}

#[test]
fn a_multi_seed_sweep_cancelled_half_way_keeps_its_curves_and_the_lab_trains_on() {
    let settings = Settings {
        hidden: 8,
        batch: 8,
        cells: vec![CellKind::Gru, CellKind::Lstm],
        ..Settings::default()
    };
    let clock = FakeClock(Cell::new(0.0));
    let mut e = Engine::new(&settings, 0.0).expect("valid");
    let sweep = Command::Sweep {
        lengths: vec![settings.knob],
        steps: 10,
        seeds: 3,
    };
    assert!(!matches!(
        e.handle(sweep.clone(), clock.read())[..],
        [Report::Rejected { .. }]
    ));
    // Tick until at least two runs have finished, then cancel.
    let mut done = 0;
    for _ in 0..10_000 {
        e.tick(&|| clock.read());
        done = e.sweep.as_ref().map_or(0, |r| r.sweep.table().points.len());
        if done >= 2 {
            break;
        }
    }
    assert!(done >= 2, "{done}");
    let reports = e.handle(Command::CancelSweep, clock.read());
    let [Report::SweepDone(t)] = &reports[..] else {
        panic!("{reports:?}")
    };
    assert!(t.cancelled && t.is_multi_seed() && t.points.len() == done);
    assert!(t
        .points
        .iter()
        .all(|p| p.curve.len() == 10 && p.curve[9] == (10, p.val_loss)));
    // The lab steps and plays again, and a new sweep is accepted.
    let before = e.lab().steps();
    e.handle(Command::Step, clock.read());
    assert_eq!(e.lab().steps(), before + 1);
    assert!(e.handle(Command::Play, clock.read()).is_empty());
    assert!(!matches!(
        e.handle(sweep, clock.read())[..],
        [Report::Rejected { .. }]
    ));
}
