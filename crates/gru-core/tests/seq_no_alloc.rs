//! A training step of a TCN or attention model allocates nothing after warm-up either: a
//! counting global allocator watches `Trainer::train_step` (one test in this binary, so no
//! other thread allocates meanwhile).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use gru_core::seq::{Activation, AttentionConfig, ModelKind, Positions, TcnConfig};
use gru_core::task::TaskConfig;
use gru_core::{TrainConfig, Trainer};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
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
        let before = ALLOCS.load(Ordering::Relaxed);
        for _ in 0..5 {
            tr.train_step().expect("step");
        }
        let n = ALLOCS.load(Ordering::Relaxed) - before;
        assert_eq!(n, 0, "{label}: {n} allocations in 5 steps");
    }
}
