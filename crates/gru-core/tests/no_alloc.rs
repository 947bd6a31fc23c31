//! A training step allocates nothing after warm-up: a counting global allocator watches
//! `Trainer::train_step` for every cell, stacked + bidirectional with dropout, and a
//! classification task. It counts the calling thread's allocations only: the test harness's
//! main thread may allocate meanwhile (`alloc_support`).

use gru_core::cell::CellKind;
use gru_core::model::Direction;
use gru_core::task::TaskConfig;
use gru_core::{TrainConfig, Trainer};

mod alloc_support;
use alloc_support::allocs;

fn allocations_in_steps(config: TrainConfig) -> usize {
    let mut tr = Trainer::<f32>::new(config).expect("config");
    for _ in 0..3 {
        tr.train_step().expect("warm-up step");
    }
    let before = allocs();
    for _ in 0..5 {
        tr.train_step().expect("step");
    }
    allocs() - before
}

#[test]
fn training_steps_allocate_nothing_after_warm_up() {
    let base = TrainConfig {
        hidden: 8,
        batch: 4,
        task: TaskConfig::Adding { len: 12 },
        ..TrainConfig::default()
    };
    let mut configs = Vec::new();
    for cell in [
        CellKind::Gru,
        CellKind::GruTorch,
        CellKind::Lstm,
        CellKind::RnnTanh,
    ] {
        configs.push(TrainConfig {
            cell,
            ..base.clone()
        });
    }
    configs.push(TrainConfig {
        layers: 2,
        direction: Direction::Bidirectional,
        input_dropout: 0.2,
        recurrent_dropout: 0.2,
        ..base.clone()
    });
    configs.push(TrainConfig {
        task: TaskConfig::copy_memory(5),
        truncate: Some(4),
        ..base.clone()
    });
    configs.push(TrainConfig {
        task: TaskConfig::Parity { len: 6 },
        clip: None,
        ..base
    });
    for c in configs {
        let name = format!(
            "{:?} {:?} layers={} {:?}",
            c.cell, c.task, c.layers, c.direction
        );
        assert_eq!(
            allocations_in_steps(c),
            0,
            "{name} allocated during training steps"
        );
    }
}
