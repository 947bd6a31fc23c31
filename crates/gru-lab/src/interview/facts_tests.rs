//! Facts as the page gathers them: from the history's runs (only when they are these
//! settings), from validations kept exactly at the steps they ran, and from real training.

use super::tests::decided;
use super::*;
use crate::history::{History, RunHistory};
use crate::protocol::{RunStatus, ValPoint};
use crate::settings::Settings;

/// Trains `s` for `steps` in a real [`crate::lab::Lab`] and gathers the facts the page would.
fn trained_facts(s: &Settings, steps: u64) -> Facts {
    let mut lab = crate::lab::Lab::new(s.clone()).expect("valid preset");
    for _ in 0..steps {
        lab.step();
    }
    lab.validate();
    // Folded into the history as the page does.
    let mut h = History::default();
    h.apply(crate::protocol::Snapshot {
        runs: lab.take_statuses(),
        ..Default::default()
    });
    Facts::gather(s, &h)
}

#[test]
fn q8_is_decided_by_training_the_bidirectional_gru_beats_its_one_way_twin() {
    let q = question(8).expect("q8");
    let s = q.settings(&Settings::default());
    let f = trained_facts(&s, 300);
    let v = judge::future_context(&f);
    println!("{v:?}");
    assert_eq!(decided(&v), 0, "{v:?}");
    let (bi, one) = (
        f.cells[0].val_loss.expect("validated"),
        f.cells[1].val_loss.expect("validated"),
    );
    let base = f.cells[0].baseline.expect("baseline");
    // Bidirectional far below the one-way limit; the one-way twin at it.
    assert!(bi < 0.2 * base && one > 0.85 * base, "{bi} {one} {base}");
    let text = (q.answer)(&f).join(" ");
    for n in [bi, one, base] {
        assert!(text.contains(&crate::fmt::fmt_num(n)), "{text}");
    }
    assert!(text.contains("GRU one-way"), "{text}");
    // q8's preset: 2 layers, bidirectional; its twin has 1 direction.
    assert!(
        text.contains("Cost here: 2 layers × 2 directions of GRU"),
        "{text}"
    );
}

#[test]
fn facts_come_from_the_history_only_when_its_runs_are_these_settings() {
    let s = question(1).expect("q").settings(&Settings::default());
    let run = |label: &str| RunHistory {
        status: RunStatus {
            label: label.into(),
            step: 50,
            loss: 0.2,
            val_loss: Some(0.1),
            baseline: 0.4,
            ..RunStatus::default()
        },
        ..RunHistory::default()
    };
    let mut h = History {
        runs: vec![run("GRU"), run("LSTM")],
        ..History::default()
    };
    h.runs[1].val.push(30.0, 0.15);
    h.runs[1].half_baseline_at = Some(30);
    let f = Facts::gather(&s, &h);
    assert_eq!(
        (f.step(), f.cells[0].val_loss, f.cells[1].half_baseline_at),
        (50, Some(0.1), Some(30))
    );
    h.runs[1].status.label = "RNN".into();
    let f = Facts::gather(&s, &h);
    assert_eq!(
        (f.step(), f.cells[0].val_loss),
        (0, None),
        "an old epoch's runs are not used"
    );
}

#[test]
fn validation_steps_and_the_half_baseline_crossing_are_those_validations_ran_at() {
    // 900 validations, every 10 steps: the curve averages its oldest points in pairs once it
    // holds 800, which would hide the one crossing (step 7990) and shift the steps.
    let new_val: Vec<ValPoint> = (1..=900)
        .map(|k| ValPoint {
            step: 10 * k,
            loss: if k == 799 { 0.1 } else { 0.6 },
            seconds: 0.0,
        })
        .collect();
    let mut h = History::default();
    h.apply(crate::protocol::Snapshot {
        runs: vec![RunStatus {
            label: "GRU".into(),
            step: 9000,
            baseline: 0.5,
            new_val,
            ..RunStatus::default()
        }],
        ..Default::default()
    });
    let r = &h.runs[0];
    assert!(r.val.points.len() < 900, "the curve was thinned");
    assert_eq!(r.last_val_step, Some(9000));
    assert_eq!(r.half_baseline_at, Some(7990));
}
