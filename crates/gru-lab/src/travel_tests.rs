//! Time travel and your sequence on a real [`Lab`]: the past model is the one training had
//! at that step, a rewind trains on bit for bit, the memory bound holds for the largest model
//! the page allows, and a typed sequence is what the views show.

use gru_core::model::Direction;

use super::*;
use crate::history::History;
use crate::protocol::{InspectPick, RunStatus, SamplePick, Snapshot, TrainPoint, ValPoint};
use crate::settings::{Settings, CELLS, MAX_CELLS, MAX_HIDDEN, TASKS};
use crate::timeline::FIRST_EVERY;

fn lab_after(steps: u64) -> Lab {
    let mut lab = Lab::new(Settings::default()).expect("default");
    (0..steps).for_each(|_| assert!(lab.step()));
    lab
}

fn z_gate(lab: &mut Lab) -> Vec<f32> {
    let (ins, _) = lab.inspect().expect("inspect");
    ins[0]
        .gates
        .iter()
        .find(|g| g.name == "z")
        .expect("GRU z")
        .values
        .clone()
}

#[test]
fn the_past_model_is_the_one_training_had_at_that_step() {
    let mut then = lab_after(FIRST_EVERY);
    let z_then = z_gate(&mut then);
    let mut lab = lab_after(3 * FIRST_EVERY + 7);
    let z_live = z_gate(&mut lab);
    assert_ne!(z_then, z_live, "training changed the gates");
    assert_eq!(lab.travel.timeline.steps(), [0, 25, 50, 75]);
    lab.view(Some(FIRST_EVERY)).expect("kept");
    let (ins, col) = lab.inspect().expect("past");
    let z_past = &ins[0]
        .gates
        .iter()
        .find(|g| g.name == "z")
        .expect("z")
        .values;
    assert_eq!(z_past, &z_then, "bit for bit the model of step 25");
    assert!(
        col.is_none(),
        "no column of the lag × step map for a past model"
    );
    assert_eq!(lab.pick.at, Some(FIRST_EVERY));
    assert_eq!(
        z_gate(&mut lab),
        z_then,
        "viewing again does not disturb anything"
    );
    lab.view(None).expect("live");
    assert_eq!(z_gate(&mut lab), z_live, "the live weights were put back");
    assert_eq!(lab.steps(), 3 * FIRST_EVERY + 7);
    let e = lab.view(Some(30)).expect_err("not kept");
    assert!(e.contains("step 30") && e.contains("every 25"), "{e}");
}

#[test]
fn a_rewind_trains_on_bit_for_bit_as_the_first_time() {
    let mut lab = lab_after(2 * FIRST_EVERY + 10);
    let later: Vec<Vec<f32>> = lab
        .runs
        .iter()
        .map(|r| r.trainer.net.params().to_vec())
        .collect();
    assert!(
        lab.travel.exact,
        "the default model keeps the optimiser's moments"
    );
    lab.view(Some(FIRST_EVERY)).expect("kept");
    lab.rewind(FIRST_EVERY).expect("kept");
    assert_eq!(
        lab.steps(),
        FIRST_EVERY,
        "the step counter restarts from the snapshot"
    );
    assert_eq!(lab.pick.at, None, "the views show the live model again");
    assert_eq!(
        lab.travel.timeline.steps(),
        [0, 25],
        "later snapshots forgotten"
    );
    let status = lab.take_statuses();
    assert_eq!(status[0].step, FIRST_EVERY);
    (0..FIRST_EVERY + 10).for_each(|_| assert!(lab.step()));
    for (r, want) in lab.runs.iter().zip(&later) {
        assert_eq!(r.trainer.net.params(), &want[..], "same weights at step 60");
    }
    assert!(lab.rewind(7).is_err(), "no snapshot at step 7");
    assert_eq!(
        lab.steps(),
        2 * FIRST_EVERY + 10,
        "a refused rewind changes nothing"
    );
}

#[test]
fn the_memory_bound_holds_for_the_largest_model_the_page_allows() {
    let mut largest = Vec::new();
    // Sine prediction refuses a bidirectional model (it would read x(t+1)); its inputs are no
    // wider than the other tasks', so it cannot hold the largest model.
    for &(task, _) in TASKS.iter().filter(|t| t.0 != "sine") {
        for &(_, cell) in CELLS {
            let mut s = Settings {
                task,
                cells: vec![cell],
                hidden: MAX_HIDDEN,
                layers: 4,
                direction: Direction::Bidirectional,
                ..Settings::default()
            };
            s.knob = s.task_config().map_or(10, |t| *t.knob_range().start());
            let cfg = s.train_config(cell).expect("valid");
            let n = gru_core::Trainer::<f32>::new(cfg)
                .expect("builds")
                .net
                .params()
                .len();
            largest.push(n);
        }
    }
    let most = *largest.iter().max().expect("some");
    let runs = vec![most; MAX_CELLS];
    let (slots, exact) = sizing(&runs);
    let bytes = bound_bytes(&runs);
    assert!(
        bytes <= BUDGET_BYTES,
        "{bytes} bytes for {most} parameters × {MAX_CELLS}"
    );
    assert!(slots >= 2 && slots % 2 == 0, "{slots}");
    assert!(
        !exact,
        "the largest model keeps weights only ({most} parameters)"
    );
    let small = sizing(
        &[Lab::new(Settings::default()).expect("d").runs[0]
            .trainer
            .net
            .params()
            .len(); 2],
    );
    assert_eq!(small, (crate::timeline::CAPACITY, true));
}

#[test]
fn a_rewind_without_moments_starts_the_optimiser_afresh_from_the_kept_weights() {
    let mut lab = lab_after(FIRST_EVERY + 3);
    let kept = lab.travel.timeline.get(FIRST_EVERY).expect("kept")[0]
        .params
        .clone();
    lab.travel.exact = false; // as for a model too large to keep the moments
    lab.travel.timeline.clear();
    lab.travel.record(&lab.runs);
    let step = lab.steps();
    let before = lab.runs[0].trainer.net.params().to_vec();
    (0..5).for_each(|_| assert!(lab.step()));
    lab.rewind(step).expect("kept");
    assert_eq!(lab.runs[0].trainer.net.params(), &before[..]);
    assert_eq!(lab.runs[0].trainer.resume_state().opt_t, 0, "fresh moments");
    assert_ne!(kept, before);
}

#[test]
fn your_sequence_is_what_the_views_show_and_a_bad_one_changes_nothing() {
    let mut lab = lab_after(5);
    let mut text: Vec<String> = (0..40)
        .map(|i| format!("{}", (i % 10) as f32 / 10.0))
        .collect();
    text.push("| 3 30".into());
    let err = lab.set_sequence("0.1 0.2 | 1 2").expect_err("T = 40");
    assert!(err.contains("2 values, but T = 40"), "{err}");
    assert!(!lab.pick.yours && lab.travel.yours.is_none());
    assert!(lab
        .set_pick(InspectPick {
            sample: SamplePick::Yours,
            ..InspectPick::default()
        })
        .is_err());
    lab.set_sequence(&text.join(" ")).expect("valid");
    assert!(lab.pick.yours);
    let (ins, _) = lab.inspect().expect("yours");
    let lane = |n: &str| {
        ins[0]
            .strip
            .lanes
            .iter()
            .find(|l| l.name == n)
            .expect(n)
            .values
            .clone()
    };
    assert_eq!(lane("value")[9], 0.9);
    let marks: Vec<usize> = lane("marker")
        .iter()
        .enumerate()
        .filter(|m| *m.1 == 1.0)
        .map(|m| m.0)
        .collect();
    assert_eq!(marks, [2, 29], "steps 3 and 30");
    assert!(
        (lane("target")[39] - 0.2 - 0.9).abs() < 1e-6,
        "0.2 + 0.9: {:?}",
        lane("target")
    );
    assert_eq!(
        lab.pick.yours_link.as_deref().map(|l| l.ends_with(";3,30")),
        Some(true)
    );
    let bad = lab.set_sequence("0.1 | 1 2");
    assert!(bad.is_err());
    let (again, _) = lab.inspect().expect("still yours");
    assert_eq!(
        again[0].strip.caption, ins[0].strip.caption,
        "the view is kept"
    );
    assert_eq!(again[0].strip.lanes[..2], ins[0].strip.lanes[..2]);
    lab.set_pick(InspectPick::default()).expect("sample 0");
    assert!(!lab.pick.yours);
    let (val, _) = lab.inspect().expect("sample 0");
    assert_ne!(val[0].strip.caption, ins[0].strip.caption);
    lab.set_pick(InspectPick {
        sample: SamplePick::Yours,
        ..InspectPick::default()
    })
    .expect("kept sequence");
    let mut next = Lab::new(Settings {
        hidden: 8,
        ..Settings::default()
    })
    .expect("reset");
    next.keep_sequence(&lab);
    assert!(
        next.pick.yours,
        "a reset with the same T keeps your sequence"
    );
    let mut other = Lab::new(Settings {
        knob: 20,
        ..Settings::default()
    })
    .expect("T = 20");
    other.keep_sequence(&lab);
    assert!(
        !other.pick.yours && other.travel.yours.is_none(),
        "T changed: dropped"
    );
}

#[test]
fn the_page_history_forgets_the_steps_a_rewind_takes_back() {
    let snap = |step: u64, from: u64| Snapshot {
        runs: vec![RunStatus {
            step,
            new_train: (from + 1..=step)
                .map(|step| TrainPoint {
                    step,
                    loss: 1.0,
                    grad_norm: 1.0,
                    clipped: false,
                    seconds: 0.0,
                })
                .collect(),
            new_val: vec![ValPoint {
                step,
                loss: 0.5,
                seconds: 0.0,
            }],
            ..RunStatus::default()
        }],
        ..Snapshot::default()
    };
    let mut h = History::default();
    h.apply(snap(100, 0));
    h.apply(snap(25, 25));
    let last = |c: &crate::curve::Curve| c.last().map(|p| p.0);
    assert_eq!(last(&h.runs[0].train), Some(25.0));
    assert_eq!(last(&h.runs[0].val), Some(25.0));
    h.apply(snap(30, 25));
    assert_eq!(last(&h.runs[0].train), Some(30.0));
    assert!(h.runs[0].train.points.windows(2).all(|w| w[0].0 < w[1].0));
}

#[test]
fn the_engine_answers_travel_commands_and_refuses_bad_ones_without_change() {
    use crate::engine::Engine;
    use crate::protocol::{Command, Report};
    let mut e = Engine::new(&Settings::default(), 0.0).expect("default");
    for _ in 0..30 {
        e.handle(Command::Step, 0.0);
    }
    let rejected = |r: Vec<Report>, want: &str| match r.as_slice() {
        [Report::Rejected { message }] => assert!(message.contains(want), "{message}"),
        other => panic!("{other:?}"),
    };
    rejected(
        e.handle(Command::Travel { to: Some(10) }, 0.0),
        "step 10: no snapshot kept",
    );
    rejected(
        e.handle(Command::Rewind { step: 10 }, 0.0),
        "the run continues unchanged",
    );
    rejected(
        e.handle(
            Command::Sequence {
                text: "1 | 1 2".into(),
            },
            0.0,
        ),
        "1 values, but T = 40 steps; write 40 values",
    );
    assert_eq!(
        (e.lab().steps(), e.lab().pick.at, e.lab().pick.yours),
        (30, None, false)
    );
    assert!(e.handle(Command::Travel { to: Some(25) }, 0.0).is_empty());
    assert_eq!(e.lab().pick.at, Some(25));
    assert!(e.handle(Command::Rewind { step: 25 }, 0.0).is_empty());
    assert_eq!((e.lab().steps(), e.lab().pick.at), (25, None));
}

#[test]
fn a_live_change_marks_the_first_step_it_trained_and_a_rewind_before_it_clears_it() {
    let mut lab = lab_after(FIRST_EVERY + 5); // step 30
    let (lr, clip) = (lab.settings.lr, lab.settings.clip);
    lab.set_live(lr / 2.0, clip).expect("valid");
    // Nothing trained with it yet, but steps 1–30 were trained with another lr than now's.
    assert_eq!(lab.retuned_at(), Some(1));
    assert!(lab.step());
    // Back to the built values: step 31 was trained with the other lr all the same.
    lab.set_live(lr, clip).expect("valid");
    assert_eq!(lab.retuned_at(), Some(FIRST_EVERY + 6));
    (0..5).for_each(|_| assert!(lab.step()));
    assert_eq!(lab.retuned_at(), Some(FIRST_EVERY + 6));
    // A rewind to a step before the change undoes it.
    lab.rewind(FIRST_EVERY).expect("kept");
    assert_eq!(lab.retuned_at(), None);
    // A change applied and undone before any step trained leaves no mark.
    lab.set_live(lr * 2.0, clip).expect("valid");
    lab.set_live(lr, clip).expect("valid");
    assert!(lab.step());
    assert_eq!(lab.retuned_at(), None);
}

#[test]
fn runs_built_while_a_live_change_was_in_force_are_retuned_from_step_1() {
    // A reset takes the live lr into the new runs; setting it back afterwards does not make
    // them the runs of the settings now.
    let s = Settings {
        lr: 0.05,
        ..Settings::default()
    };
    let mut lab = Lab::new(s).expect("valid");
    (0..3).for_each(|_| assert!(lab.step()));
    assert_eq!(lab.retuned_at(), None);
    lab.set_live(Settings::default().lr, lab.settings.clip)
        .expect("valid");
    assert_eq!(lab.retuned_at(), Some(1));
}
