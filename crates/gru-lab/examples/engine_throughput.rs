//! Where the worker's training time goes, natively: the same settings trained by
//!
//! - A: [`Engine`] driven as `src/worker.rs` drives it (real clock, every report postcard-encoded,
//!   every snapshot acked at once as a page that draws instantly would);
//! - B: a plain [`Trainer`] loop (what `gru-bench` times);
//! - C: [`Lab::step`] in a loop (the run bookkeeping without the scheduler);
//!
//! alternating A B C A B C … in one binary, so a busy machine slows all three alike. Prints one
//! line per round and the ratios A/B and C/B; A's "train" figure is the engine's own
//! training-time rate (what the page's status line shows), "wall" counts every job.
//!
//! `cargo run --release -p gru-lab --example engine_throughput -- [seconds] [rounds] [query]`
//! (defaults: 2 s, 3 rounds, `cells=gru&clip=0&T=50&hidden=32&batch=32`, the headline).

use std::time::Instant;

use gru_core::Trainer;
use gru_lab::engine::Wake;
use gru_lab::lab::Lab;
use gru_lab::protocol::encode;
use gru_lab::{Command, Engine, Report, Settings};

/// What the engine-driven run measured.
struct EngineRun {
    /// Steps/s of training time, the engine's own figure (last complete window).
    train: f64,
    /// Steps/s of wall-clock time, every job included.
    wall: f64,
    /// Mean postcard bytes per snapshot.
    bytes_per_snapshot: f64,
    /// Share of the wall time spent inspecting (inspections × their last cost).
    inspect_share: f64,
}

/// Engine-driven, as the worker glue drives it.
fn engine(settings: &Settings, secs: f64) -> EngineRun {
    let t0 = Instant::now();
    let ms = || t0.elapsed().as_secs_f64() * 1000.0;
    let mut e = Engine::new(settings, ms()).expect("valid settings");
    let start = e.lab().steps();
    let (mut snaps, mut bytes, mut train_rate) = (0u64, 0usize, 0.0);
    let (mut inspections, mut inspect_ms) = (0u64, 0.0);
    while ms() < secs * 1000.0 {
        let (reports, wake) = e.tick(&ms);
        for r in &reports {
            bytes += encode(r).len();
            if let Report::Snapshot(s) = r {
                snaps += 1;
                if s.rates.train_steps_per_s > 0.0 {
                    train_rate = s.rates.train_steps_per_s;
                }
                if s.insights.is_some() {
                    inspections += 1;
                    inspect_ms = s.rates.inspect_ms;
                }
            }
        }
        if !reports.is_empty() {
            e.handle(Command::Drawn, ms());
        }
        if let Wake::After(w) = wake {
            std::thread::sleep(std::time::Duration::from_secs_f64(w / 1000.0));
        }
    }
    let elapsed = ms();
    EngineRun {
        train: train_rate,
        wall: (e.lab().steps() - start) as f64 / (elapsed / 1000.0),
        bytes_per_snapshot: bytes as f64 / snaps.max(1) as f64,
        inspect_share: inspections as f64 * inspect_ms / elapsed,
    }
}

/// A plain trainer loop of the first cell: steps/s.
fn trainer(settings: &Settings, secs: f64) -> f64 {
    let cfg = settings.train_config(settings.cells[0]).expect("valid");
    let mut tr = Trainer::<f32>::new(cfg).expect("valid");
    let t0 = Instant::now();
    let mut n = 0u64;
    while t0.elapsed().as_secs_f64() < secs {
        tr.train_step().expect("finite");
        n += 1;
    }
    n as f64 / t0.elapsed().as_secs_f64()
}

/// [`Lab::step`] in a loop: lock-steps/s.
fn lab(settings: &Settings, secs: f64) -> f64 {
    let mut lab = Lab::new(settings.clone()).expect("valid");
    let t0 = Instant::now();
    let mut n = 0u64;
    while t0.elapsed().as_secs_f64() < secs && lab.step() {
        n += 1;
    }
    n as f64 / t0.elapsed().as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let secs: f64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(2.0);
    let rounds: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    let query = args
        .get(2)
        .map_or("cells=gru&clip=0&T=50&hidden=32&batch=32", String::as_str);
    let (settings, errors) = Settings::from_query(query);
    assert!(errors.is_empty(), "{errors:?}");
    println!("{query}: {secs} s per run, {rounds} rounds (A engine, B trainer, C lab)");
    for round in 1..=rounds {
        let a = engine(&settings, secs);
        let b = trainer(&settings, secs);
        let c = lab(&settings, secs);
        println!(
            "round {round}: A train {:.0} wall {:.0} ({:.0} B/snapshot, inspecting {:.0} % of \
             the time) · B {b:.0} · C {c:.0} steps/s · A train/B {:.2}, A wall/B {:.2}, C/B {:.2}",
            a.train,
            a.wall,
            a.bytes_per_snapshot,
            a.inspect_share * 100.0,
            a.train / b,
            a.wall / b,
            c / b
        );
    }
}
