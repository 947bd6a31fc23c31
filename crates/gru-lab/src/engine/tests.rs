//! The engine driven as the worker glue drives it, on a fake clock.

use std::cell::Cell;

use super::*;
use gru_core::cell::CellKind;
use gru_core::Trainer;

use crate::protocol::{InspectPick, SamplePick, TrainPoint};

/// A clock that advances 0.5 ms each time it is read.
struct FakeClock(Cell<f64>);

impl FakeClock {
    fn read(&self) -> f64 {
        let t = self.0.get() + 0.5;
        self.0.set(t);
        t
    }
}

/// Ticks until `done(engine)` (or a bound), answering every snapshot; returns the snapshots.
fn run_until(e: &mut Engine, clock: &FakeClock, done: impl Fn(&Engine) -> bool) -> Vec<Snapshot> {
    let mut snaps = Vec::new();
    for _ in 0..200_000 {
        if done(e) {
            break;
        }
        let (reports, wake) = e.tick(&|| clock.read());
        for r in reports {
            if let Report::Snapshot(s) = r {
                snaps.push(*s);
                e.handle(Command::Drawn, clock.read());
            }
        }
        if let Wake::After(ms) = wake {
            clock.0.set(clock.0.get() + ms);
        }
    }
    snaps
}

#[test]
fn the_worker_computes_exactly_what_a_plain_trainer_computes() {
    let settings = Settings::default();
    let clock = FakeClock(Cell::new(0.0));
    let mut e = Engine::new(&settings, 0.0).expect("default settings");
    let mut snaps = run_until(&mut e, &clock, |e| e.lab().steps() >= 60);
    e.handle(Command::Pause, clock.read());
    snaps.extend(run_until(&mut e, &clock, |e| {
        !e.schedule.publish_wanted && !e.schedule.inspect_wanted && e.inspecting.is_none()
    }));
    snaps.extend(run_until(&mut e, &clock, |e| !e.schedule.publish_wanted));
    for (run, &cell) in settings.cells.iter().enumerate() {
        let seen: Vec<TrainPoint> = snaps
            .iter()
            .flat_map(|s| s.runs[run].new_train.clone())
            .collect();
        let mut direct =
            Trainer::<f32>::new(settings.train_config(cell).expect("valid")).expect("valid");
        assert!(seen.len() >= 60, "{} steps reported", seen.len());
        for (k, p) in seen.iter().enumerate() {
            let s = direct.train_step().expect("finite");
            assert_eq!(
                (p.step, p.loss, p.grad_norm, p.clipped),
                (s.step, s.loss, s.grad_norm, s.clipped()),
                "step {k}"
            );
        }
    }
    let last = snaps.last().expect("snapshots");
    assert!(!last.playing);
    assert!(snaps
        .iter()
        .any(|s| s.insights.is_some() && s.flow_column.is_some()));
    // Each run's step is timed on its own: the fake clock advances 0.5 ms between the two
    // reads around it, whatever the other run does.
    for run in 0..settings.cells.len() {
        let times: Vec<f64> = snaps
            .iter()
            .flat_map(|s| s.runs[run].new_train.iter().map(|p| p.seconds))
            .collect();
        for (k, t) in times.iter().enumerate() {
            assert!((t - 0.0005 * (k + 1) as f64).abs() < 1e-12, "step {k}: {t}");
        }
        let s = &last.runs[run];
        assert!((s.step_ms - 0.5).abs() < 1e-12, "{}", s.step_ms);
        assert!((s.train_seconds - 0.0005 * s.step as f64).abs() < 1e-12);
    }
}

#[test]
fn step_trains_exactly_one_step_and_pauses() {
    let clock = FakeClock(Cell::new(0.0));
    let mut e = Engine::new(&Settings::default(), 0.0).expect("default");
    run_until(&mut e, &clock, |e| e.lab().steps() >= 3);
    e.handle(Command::Pause, clock.read());
    let before = e.lab().steps();
    run_until(&mut e, &clock, |_| false);
    assert_eq!(e.lab().steps(), before, "paused");
    e.handle(Command::Step, clock.read());
    assert_eq!(e.lab().steps(), before + 1);
    let snaps = run_until(&mut e, &clock, |_| false);
    let last = snaps.last().expect("a snapshot after the step");
    assert_eq!(last.runs[0].step, before + 1);
    assert!(!last.playing);
    // The paused model is re-analysed, and the inspection says which step it shows.
    let shown = snaps
        .iter()
        .rev()
        .find_map(|s| s.inspected.as_ref())
        .expect("an inspection after the step");
    assert_eq!((shown.step, shown.at), (before + 1, None));
}

#[test]
fn bad_commands_are_rejected_and_the_run_goes_on() {
    let clock = FakeClock(Cell::new(0.0));
    let mut e = Engine::new(&Settings::default(), 0.0).expect("default");
    run_until(&mut e, &clock, |e| e.lab().steps() >= 5);
    for bad in [
        Command::Reset {
            query: "hidden=9999".into(),
        },
        Command::Reset {
            query: "task=order&T=3".into(),
        },
        Command::Live {
            lr: f64::NAN,
            clip: 1.0,
            steps_per_s: None,
        },
        Command::Live {
            lr: 0.01,
            clip: 1.0,
            steps_per_s: Some(f64::NAN),
        },
        Command::Live {
            lr: 0.01,
            clip: 1.0,
            steps_per_s: Some(1e6),
        },
        Command::Inspect {
            pick: InspectPick {
                sample: SamplePick::Index(1_000_000),
                ..InspectPick::default()
            },
        },
        Command::Inspect {
            pick: InspectPick {
                run: 2,
                ..InspectPick::default()
            },
        },
        Command::Inspect {
            pick: InspectPick {
                layer: 1,
                ..InspectPick::default()
            },
        },
        Command::Inspect {
            pick: InspectPick {
                dir: 1,
                ..InspectPick::default()
            },
        },
    ] {
        let r = e.handle(bad.clone(), clock.read());
        assert!(
            matches!(r.as_slice(), [Report::Rejected { message } | Report::ResetRefused { message, .. }] if !message.contains('\n')),
            "{bad:?}: {r:?}"
        );
    }
    assert_eq!(e.lab().settings, Settings::default(), "settings kept");
    let before = e.lab().steps();
    run_until(&mut e, &clock, |e| e.lab().steps() >= before + 5);
    assert!(e.lab().steps() >= before + 5, "training continues");
}

#[test]
fn a_reset_starts_a_new_epoch_with_the_new_cells() {
    let clock = FakeClock(Cell::new(0.0));
    let mut e = Engine::new(&Settings::default(), 0.0).expect("default");
    run_until(&mut e, &clock, |e| e.lab().steps() >= 5);
    let r = e.handle(
        Command::Reset {
            query: "cells=lstm,gru&T=20&hidden=8".into(),
        },
        clock.read(),
    );
    assert!(r.is_empty(), "{r:?}");
    let snaps = run_until(&mut e, &clock, |e| e.lab().steps() >= 400);
    let last = snaps.last().expect("snapshots");
    assert_eq!(last.epoch, 1);
    let labels: Vec<&str> = last.runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["LSTM", "GRU"]);
    let ins = snaps
        .iter()
        .rev()
        .find_map(|s| s.insights.clone())
        .expect("inspected");
    assert_eq!(
        (ins[0].cell, ins[0].steps, ins[0].hidden),
        (CellKind::Lstm, 20, 8)
    );
}

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

/// An engine at T=120 H=24 (an inspection of many slices), two steps trained, then paused.
fn paused_after_two_steps(clock: &FakeClock) -> Engine {
    let settings = Settings::from_query("T=120&hidden=24").0;
    let mut e = Engine::new(&settings, 0.0).expect("valid");
    run_until(&mut e, clock, |e| e.lab().steps() >= 2);
    e.handle(Command::Pause, clock.read());
    e
}

#[test]
fn a_long_inspection_is_sliced_the_page_is_answered_between_slices_and_the_result_is_exact() {
    let clock = FakeClock(Cell::new(0.0));
    let mut e = paused_after_two_steps(&clock);
    // The first slice begins the inspection and cannot finish it (~100 SVDs per 15 ms of a
    // clock that moves 0.5 ms per read, ~600 units).
    run_until(&mut e, &clock, |e| e.inspecting.is_some());
    assert!(e.inspecting.is_some(), "sliced");
    // A command between two slices is applied at once and restarts the inspection on the
    // new state.
    let before = e.lab().steps();
    e.handle(Command::Step, clock.read());
    assert_eq!(e.lab().steps(), before + 1, "answered between slices");
    let mut slices = 0;
    let mut shown = None;
    for tick in 0.. {
        if shown.is_some() {
            break;
        }
        slices += usize::from(e.inspecting.is_some());
        assert!(tick < 10_000, "no inspection of step {}", before + 1);
        let (reports, _) = e.tick(&|| clock.read());
        for r in reports {
            if let Report::Snapshot(s) = r {
                e.handle(Command::Drawn, clock.read());
                if s.inspected.as_ref().is_some_and(|p| p.step == before + 1) {
                    shown = s.insights;
                }
            }
        }
    }
    assert!(slices >= 3, "{slices} slices");
    let shown = shown.expect("insights");
    let whole = e.lab.inspect().expect("one call").0;
    // Debug text: every float printed exactly, and a NaN (a PCA of constant states) equals
    // itself.
    assert_eq!(
        format!("{shown:?}"),
        format!("{whole:?}"),
        "the sliced inspection is the one-call inspection of the same weights"
    );
}

#[test]
fn a_sweep_started_mid_inspection_while_paused_has_the_views_finished_after_it() {
    let clock = FakeClock(Cell::new(0.0));
    let mut e = paused_after_two_steps(&clock);
    // The paused step's inspection under way (and no other asked for).
    run_until(&mut e, &clock, |e| {
        e.inspecting.is_some() && !e.schedule.inspect_wanted
    });
    assert!(e.inspecting.is_some() && !e.schedule.inspect_wanted);
    let paused_at = e.lab().steps();
    let sweep = Command::Sweep {
        lengths: vec![5],
        steps: 2,
        seeds: 1,
    };
    assert!(matches!(
        e.handle(sweep, clock.read())[0],
        Report::Snapshot(_)
    ));
    assert!(
        e.inspecting.is_none(),
        "the sweep frees the analysis buffers"
    );
    e.handle(Command::CancelSweep, clock.read());
    let snaps = run_until(&mut e, &clock, |e| {
        e.inspecting.is_none() && !e.schedule.inspect_wanted && !e.schedule.publish_wanted
    });
    assert!(
        snaps.iter().any(
            |s| s.inspected.as_ref().is_some_and(|p| p.step == paused_at) && s.insights.is_some()
        ),
        "the paused step's views arrive after the sweep"
    );
}

#[test]
fn a_live_change_reaches_the_interview_facts_through_the_snapshot_and_history() {
    let clock = FakeClock(Cell::new(0.0));
    let s = Settings::default();
    let mut e = Engine::new(&s, 0.0).expect("default");
    run_until(&mut e, &clock, |e| e.lab().steps() >= 3);
    e.handle(Command::Pause, clock.read());
    let live = |lr: f64| Command::Live {
        lr,
        clip: s.clip,
        steps_per_s: None,
    };
    let mut h = crate::history::History::default();
    let mut apply = |e: &mut Engine| {
        for snap in run_until(e, &clock, |_| false) {
            h.apply(snap);
        }
        crate::interview::Facts::gather(&s, &h).retuned_at
    };
    assert_eq!(
        apply(&mut e),
        None,
        "trained with the settings' lr throughout"
    );
    let at = e.lab().steps() + 1;
    e.handle(live(s.lr / 2.0), clock.read());
    e.handle(Command::Step, clock.read());
    e.handle(live(s.lr), clock.read());
    // The page's settings are the preset's again; the runs are not.
    assert_eq!(apply(&mut e), Some(at));
}

#[test]
fn play_until_pauses_at_the_step_asked_with_its_validation_and_play_trains_on() {
    let clock = FakeClock(Cell::new(0.0));
    let mut e = Engine::new(&Settings::default(), 0.0).expect("default");
    e.handle(Command::Pause, clock.read());
    e.handle(Command::PlayUntil { step: 40 }, clock.read());
    let snaps = run_until(&mut e, &clock, |_| false);
    assert_eq!(e.lab().steps(), 40, "paused exactly at the step asked");
    let last = snaps.last().expect("snapshots");
    assert!(!last.playing);
    assert_eq!(last.runs[0].step, 40);
    // The validation loss is of step 40, and so is the inspection the pause asked for.
    let val_step = snaps
        .iter()
        .rev()
        .find_map(|s| s.runs[0].new_val.last().map(|v| v.step));
    assert_eq!(val_step, Some(40));
    let shown = snaps
        .iter()
        .rev()
        .find_map(|s| s.inspected.as_ref())
        .expect("inspected");
    assert_eq!(shown.step, 40);
    // Asked for a step already passed, it pauses at once; Play clears the target.
    e.handle(Command::PlayUntil { step: 10 }, clock.read());
    run_until(&mut e, &clock, |_| false);
    assert_eq!(e.lab().steps(), 40);
    e.handle(Command::PlayUntil { step: 60 }, clock.read());
    e.handle(Command::Play, clock.read());
    run_until(&mut e, &clock, |e| e.lab().steps() > 80);
    assert!(e.lab().steps() > 80, "Play trains past the old target");
}
