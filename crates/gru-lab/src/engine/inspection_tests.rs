//! Inspections in slices: the page answered between slices, the result exact, a sweep in the
//! middle.

use std::cell::Cell;

use super::tests::{run_until, FakeClock};
use super::*;

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
