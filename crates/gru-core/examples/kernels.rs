//! Prints GFLOP/s of every dense product of one GRU training step (f32, T = 50, B = 32, I = 2,
//! H = 32 and 128) next to this core's measured 128-bit peak:
//! `cargo run --release -p gru-core --example kernels [-- MS_PER_SHAPE] [--json] [--simd128]`.
//! With `--json`, one JSON object per figure and line (the `KernelFigure` fields, with
//! `"source": "native"`) instead of the table, for `e2e/bench/kernels.mjs`.
//!
//! A portable build (x86-64 baseline: SSE2, no FMA; no `target-cpu=native`). On a CPU with AVX
//! the f32 tiles and activations switch at run time to 256-bit registers (same bits), so the
//! products can pass 100 % of the 128-bit peak and the figures are above the page's wasm
//! simd128 ones; without AVX, or with `--simd128` (the 128-bit tiles kept), they predict them.
//! The page runs the same `kernel_report`.

use std::time::Instant;

use gru_core::bench::{kernel_report, Product};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    if args.iter().any(|a| a == "--simd128") {
        gru_core::kernels::use_128_bit_only();
    }
    let ms = args
        .iter()
        .find_map(|s| s.parse::<f64>().ok())
        .unwrap_or(40.0);
    let t0 = Instant::now();
    let clock = move || t0.elapsed().as_secs_f64() * 1e3;
    let figures = kernel_report(clock, ms);
    if json {
        for f in &figures {
            let mut v = serde_json::to_value(f).expect("a KernelFigure is plain data");
            v["source"] = "native".into();
            println!("{v}");
        }
        return;
    }
    let peak = figures
        .iter()
        .find(|f| f.product == Product::Peak)
        .map_or(f64::NAN, |f| f.gflops);
    println!(
        "{:<48} {:>5} {:>15} {:>8} {:>7}",
        "product", "H", "m × k × n", "GFLOP/s", "% peak"
    );
    for f in &figures {
        let [m, k, n] = f.mkn;
        let shape = match f.product {
            Product::Peak => String::new(),
            Product::Sigmoid | Product::Tanh => format!("{m}×{n}"),
            _ => format!("{m}×{k}×{n}"),
        };
        if matches!(f.product, Product::Sigmoid | Product::Tanh) {
            let ns = 1.0 / f.gflops;
            let line = format!("{} ({:?})", f.name, f.product);
            println!(
                "{line:<48} {:>5} {shape:>15} {ns:>8.2} ns/element",
                f.hidden
            );
            continue;
        }
        println!(
            "{:<48} {:>5} {:>15} {:>8.1} {:>6.0}%",
            format!("{} ({:?})", f.name, f.product),
            f.hidden,
            shape,
            f.gflops,
            100.0 * f.gflops / peak
        );
    }
}
