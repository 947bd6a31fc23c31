use super::*;
use gru_core::cell::CellKind;
use gru_core::model::Direction;
use gru_core::{Pick, TrainConfig, Trainer};

fn trainer(task: TaskConfig, direction: Direction) -> Trainer<f64> {
    Trainer::<f64>::new(TrainConfig {
        task,
        hidden: 4,
        cell: CellKind::Gru,
        direction,
        ..TrainConfig::default()
    })
    .expect("config")
}

#[test]
fn adding_lanes_mark_two_steps_whose_values_sum_to_the_target() {
    let task = TaskConfig::Adding { len: 20 };
    let tr = trainer(task.clone(), Direction::Forward);
    let ins = tr.inspect(Pick::sample(3)).expect("sample");
    let s = strip(&task, &ins);
    let names: Vec<&str> = s.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["value", "marker", "target", "predict"]);
    assert!(s.lanes.iter().all(|l| l.values.len() == 20));
    let marked: Vec<usize> = (0..20).filter(|&c| s.lanes[1].values[c] > 0.5).collect();
    assert_eq!(marked.len(), 2, "two markers");
    let sum: f32 = marked.iter().map(|&c| s.lanes[0].values[c]).sum();
    let target = s.lanes[2].values[19];
    assert!((sum - target).abs() < 1e-5, "{sum} vs {target}");
    assert!(
        s.lanes[2].values[..19].iter().all(|v| v.is_nan()),
        "read at the end only"
    );
    assert_eq!(s.lanes[3].values[19], ins.y[0] as f32);
    assert!(
        s.caption.contains(&format!("step {}", marked[0] + 1)),
        "{}",
        s.caption
    );
}

#[test]
fn the_backward_direction_reverses_the_columns() {
    let task = TaskConfig::Adding { len: 15 };
    let tr = trainer(task.clone(), Direction::Bidirectional);
    let fwd = strip(&task, &tr.inspect(Pick::sample(1)).expect("fwd"));
    let pick = Pick {
        dir: 1,
        ..Pick::sample(1)
    };
    let bwd = strip(&task, &tr.inspect(pick).expect("bwd"));
    let mut rev = fwd.lanes[0].values.clone();
    rev.reverse();
    assert_eq!(bwd.lanes[0].values, rev);
}

#[test]
fn copy_memory_shows_symbols_and_scores_only_the_recall_window() {
    let task = TaskConfig::copy_memory(5);
    let tr = trainer(task.clone(), Direction::Forward);
    let ins = tr.inspect(Pick::sample(0)).expect("sample");
    let s = strip(&task, &ins);
    let (n, k) = match task {
        TaskConfig::CopyMemory {
            symbols, alphabet, ..
        } => (symbols, alphabet),
        _ => unreachable!(),
    };
    let t = 2 * n + 5 + 1;
    assert_eq!(s.lanes[0].values.len(), t);
    assert_eq!(s.lanes[0].symbols.len(), k + 2);
    assert_eq!(s.lanes[0].values[n + 5], (k + 1) as f32, "the go marker");
    assert!(s.lanes[0].values[n].is_nan(), "blanks draw nothing");
    let scored = s.lanes[1].values.iter().filter(|v| !v.is_nan()).count();
    assert_eq!(scored, n, "only the recall window holds targets");
    for j in 0..n {
        assert_eq!(
            s.lanes[1].values[n + 6 + j],
            s.lanes[0].values[j],
            "recall = input"
        );
    }
    assert!(
        s.caption
            .starts_with(&format!("Recall window steps {}–{t}", n + 7)),
        "{}",
        s.caption
    );
}

#[test]
fn every_task_gives_lanes_of_length_t_with_a_target_and_a_prediction() {
    for task in [
        TaskConfig::TemporalOrder { len: 30 },
        TaskConfig::Latch { len: 12 },
        TaskConfig::Parity { len: 9 },
        TaskConfig::sine(16),
        TaskConfig::Lookahead { len: 10, ahead: 2 },
    ] {
        let tr = trainer(task.clone(), Direction::Forward);
        let ins = tr.inspect(Pick::sample(2)).expect("sample");
        let s = strip(&task, &ins);
        let t = ins.trace.steps;
        assert!(s.lanes.iter().all(|l| l.values.len() == t), "{task:?}");
        let names: Vec<&str> = s.lanes.iter().map(|l| l.name.as_str()).collect();
        assert!(names.ends_with(&["target", "predict"]), "{names:?}");
        assert!(s.lanes.iter().all(|l| l.name.chars().count() <= 7));
        assert!(!s.caption.is_empty());
    }
}

#[test]
fn the_lookahead_target_lane_is_the_input_lane_shifted_and_the_tail_is_empty() {
    // Target at step t = input at step t + 2; the last 2 steps are not scored (NaN), in both
    // directions' processing order.
    let task = TaskConfig::Lookahead { len: 10, ahead: 2 };
    let tr = trainer(task.clone(), Direction::Forward);
    let ins = tr.inspect(Pick::sample(1)).expect("sample");
    let s = strip(&task, &ins);
    let (input, target) = (&s.lanes[0].values, &s.lanes[1].values);
    for c in 0..8 {
        assert_eq!(target[c], input[c + 2], "step {}", c + 1);
    }
    assert!(target[8].is_nan() && target[9].is_nan(), "{target:?}");
    assert!(s.caption.contains("2 steps later"), "{}", s.caption);
    // Predicting 0 on this sample scores the mean of the scored targets squared (the
    // caption's "0.3333" is the average over random inputs, not this sample's figure).
    let zero: f64 = (0..8).map(|c| f64::from(input[c + 2]).powi(2)).sum::<f64>() / 8.0;
    assert!(
        s.caption
            .contains(&format!("scores {zero:.4} on this sample")),
        "{zero:.4}: {}",
        s.caption
    );
}
