//! Prints how long `Trainer::inspect` (the app's per-refresh analysis) takes for a few sizes.
//! `cargo run --release -p gru-core --example inspect_cost`

use std::time::Instant;

use gru_core::cell::CellKind;
use gru_core::task::TaskConfig;
use gru_core::{Pick, TrainConfig, Trainer};

fn main() {
    for (len, hidden, cell) in [
        (40, 16, CellKind::Gru),
        (100, 32, CellKind::Gru),
        (200, 64, CellKind::Gru),
        (200, 64, CellKind::Lstm),
        (1000, 128, CellKind::Gru),
    ] {
        let tr = Trainer::<f32>::new(TrainConfig {
            task: TaskConfig::Adding { len },
            hidden,
            cell,
            ..TrainConfig::default()
        })
        .expect("config");
        let t0 = Instant::now();
        let n = 5;
        for _ in 0..n {
            let _ = tr.inspect(Pick::sample(0)).expect("inspect");
        }
        let ms = t0.elapsed().as_secs_f64() * 1e3 / f64::from(n);
        println!(
            "{} T={len} H={hidden}: {ms:.2} ms per inspect",
            cell.label()
        );
    }
}
