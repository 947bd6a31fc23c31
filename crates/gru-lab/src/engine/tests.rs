//! The engine driven as the worker glue drives it, on a fake clock.

use std::cell::Cell;

use super::*;
use gru_core::cell::CellKind;
use gru_core::Trainer;

use crate::protocol::{InspectPick, SamplePick, TrainPoint};

/// A clock that advances 0.5 ms each time it is read.
pub(super) struct FakeClock(pub(super) Cell<f64>);

impl FakeClock {
    pub(super) fn read(&self) -> f64 {
        let t = self.0.get() + 0.5;
        self.0.set(t);
        t
    }
}

/// Ticks until `done(engine)` (or a bound), answering every snapshot; returns the snapshots.
pub(super) fn run_until(
    e: &mut Engine,
    clock: &FakeClock,
    done: impl Fn(&Engine) -> bool,
) -> Vec<Snapshot> {
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
        let is_reset = matches!(bad, Command::Reset { .. });
        let r = e.handle(bad.clone(), clock.read());
        let message = match r.as_slice() {
            [Report::ResetRefused { message, .. }] if is_reset => message,
            [Report::Rejected { message }] if !is_reset => message,
            _ => panic!("{bad:?}: {r:?}"),
        };
        assert!(!message.contains('\n'), "{bad:?}: {message}");
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
