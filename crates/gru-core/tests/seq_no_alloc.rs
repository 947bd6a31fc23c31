//! A training step of a TCN or attention model allocates nothing after warm-up either: a
//! counting global allocator watches `Trainer::train_step`, counting the calling thread's
//! allocations only (the test harness's main thread may allocate meanwhile).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use gru_core::seq::{Activation, AttentionConfig, ModelKind, Positions, TcnConfig};
use gru_core::task::TaskConfig;
use gru_core::{TrainConfig, Trainer};

struct Counting;

thread_local! {
    /// Allocations made by this thread (const-initialised: reading it never allocates).
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: a thread being torn down has no counter left, and is not the test's.
    let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
}

fn allocs() -> usize {
    ALLOCS.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        count();
        // SAFETY: as for `alloc`/`dealloc`.
        unsafe { System.realloc(ptr, layout, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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
