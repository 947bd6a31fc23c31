//! A task that needs future context ([`TaskConfig::Lookahead`]: report `x_{t+d}` at step `t`):
//! a bidirectional GRU learns it, a one-way GRU of the same hidden size cannot beat the best
//! prediction without the future (the baseline, `1/3`). Fixed seed and budget; the test prints
//! both final validation losses and the baseline (`--nocapture`) and asserts only the ordering,
//! with margins.

use gru_core::cell::CellKind;
use gru_core::model::Direction;
use gru_core::optim::OptimizerConfig;
use gru_core::task::TaskConfig;
use gru_core::{TrainConfig, Trainer};

/// Trains a GRU (16 units, Adam 0.01, batch 32) for `steps` and returns its validation loss.
fn final_loss(direction: Direction, steps: u64) -> (f64, f64) {
    let mut tr = Trainer::<f32>::new(TrainConfig {
        task: TaskConfig::Lookahead { len: 20, ahead: 2 },
        cell: CellKind::Gru,
        hidden: 16,
        direction,
        optimizer: OptimizerConfig::adam(0.01),
        seed: 3,
        ..TrainConfig::default()
    })
    .expect("valid config");
    for _ in 0..steps {
        tr.train_step().expect("finite");
    }
    (tr.evaluate().loss, tr.task.baseline().loss)
}

#[test]
fn a_bidirectional_gru_learns_the_future_a_one_way_gru_cannot() {
    let steps = 400;
    let (one_way, base) = final_loss(Direction::Forward, steps);
    let (bi, _) = final_loss(Direction::Bidirectional, steps);
    println!(
        "lookahead T=20 d=2, {steps} steps: one-way GRU {one_way:.4}, bidirectional GRU {bi:.4}, \
         baseline (best without the future) {base:.4}"
    );
    // The one-way model cannot know x_{t+2}: it stays at the baseline (within noise).
    assert!(one_way > 0.9 * base, "one-way {one_way} vs baseline {base}");
    // The bidirectional one reads it and gets far below.
    assert!(bi < 0.2 * base, "bidirectional {bi} vs baseline {base}");
    assert!(bi < 0.25 * one_way);
}
