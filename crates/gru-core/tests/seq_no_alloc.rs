//! A training step of a TCN or attention model allocates nothing after warm-up either: a
//! counting global allocator watches `Trainer::train_step`, counting the calling thread's
//! allocations only (`alloc_support`).

use gru_core::seq::{Activation, AttentionConfig, ModelKind, Positions, TcnConfig};
use gru_core::task::TaskConfig;
use gru_core::{TrainConfig, Trainer};

mod alloc_support;
use alloc_support::allocs;

#[test]
fn tcn_and_attention_training_steps_allocate_nothing_after_warm_up() {
    let adding = TaskConfig::Adding { len: 12 };
    let copy = TaskConfig::copy_memory(5); // per-step cross-entropy
    let tcn = TcnConfig::new(1, 6, 1).kernel(3).levels(2);
    let att = AttentionConfig::new(1, 6, 1).heads(2);
    let runs = [
        (adding.clone(), ModelKind::Tcn(tcn.clone())),
        (
            copy.clone(),
            ModelKind::Tcn(tcn.activation(Activation::Tanh)),
        ),
        (adding, ModelKind::Attention(att.clone())),
        (
            copy,
            ModelKind::Attention(att.positions(Positions::Learned { max_len: 12 })),
        ),
    ];
    for (task, kind) in runs {
        let label = format!("{} on {}", kind.label(), task.label());
        let config = TrainConfig {
            task,
            batch: 4,
            ..TrainConfig::default()
        };
        let mut tr = Trainer::<f32>::with_model(config, kind).expect("config");
        for _ in 0..3 {
            tr.train_step().expect("warm-up step");
        }
        let before = allocs();
        for _ in 0..5 {
            tr.train_step().expect("step");
        }
        let n = allocs() - before;
        assert_eq!(n, 0, "{label}: {n} allocations in 5 steps");
    }
}
