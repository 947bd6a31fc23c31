//! The in-page kernel benchmark (`?bench=kernels`): the worker runs gru-core's report
//! ([`gru_hot::kernel_report`], compiled with the training kernels) with the browser's clock
//! and sends the figures back as [`Report::Kernels`]; the page shows them as rows of text
//! built here.
//!
//! The figures are the same products at the same shapes as the native
//! `cargo run --release -p gru-core --example kernels`, so the two can be set side by side
//! (`e2e/bench/kernels.mjs` does). Timing is never asserted: tests check only that every
//! figure is finite and positive.

use gru_core::bench::{KernelFigure, Product};

use crate::protocol::Report;

/// Milliseconds each shape is timed for in the page (five runs of this; the fastest counts):
/// the whole report takes about `22 · 8 · 20 ms ≈ 3.5 s` plus the peak re-measurements.
pub const PAGE_MS_PER_SHAPE: f64 = 20.0;

/// Runs the kernel report with `clock` (milliseconds, e.g. `performance.now()`) and
/// `ms_per_shape` (a non-finite or non-positive value means the default 20 ms, as in
/// [`gru_hot::kernel_report`]; values above 1000 are clamped so one request cannot hang the worker).
pub fn run(ms_per_shape: f64, clock: &dyn Fn() -> f64) -> Report {
    let ms = if ms_per_shape.is_finite() {
        ms_per_shape.min(1000.0)
    } else {
        PAGE_MS_PER_SHAPE
    };
    Report::Kernels(gru_hot::kernel_report(clock, ms))
}

/// Where the page's kernel benchmark is.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum KernelBench {
    /// Not asked for (no `bench=kernels`), or the worker has not started yet.
    #[default]
    Idle,
    /// Asked; the worker is measuring.
    Running,
    /// The report's rows.
    Done(Vec<Row>),
}

/// One row of the page's kernel table, as text.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The product in the step and which kernel, e.g. `"fwd h·U_zr (Nn)"`.
    pub name: String,
    /// Hidden size of the step (empty for the peak).
    pub hidden: String,
    /// `m×k×n` (products), `m×n` (activations) or empty (peak).
    pub shape: String,
    /// The figure with its unit: `"12.3 GFLOP/s"`, or `"0.45 ns/element"` for the activations.
    pub figure: String,
    /// Share of the measured 128-bit peak (products only), e.g. `"31%"`.
    pub of_peak: String,
    /// The raw figure (GFLOP/s, or 10⁹ elements/s), for scripts reading the page.
    pub gflops: f64,
}

/// The rows of the page's table, in report order (the peak first).
pub fn rows(figures: &[KernelFigure]) -> Vec<Row> {
    let peak = figures
        .iter()
        .find(|f| f.product == Product::Peak)
        .map_or(f64::NAN, |f| f.gflops);
    figures
        .iter()
        .map(|f| {
            let [m, k, n] = f.mkn;
            let act = matches!(f.product, Product::Sigmoid | Product::Tanh);
            let shape = match f.product {
                Product::Peak => String::new(),
                Product::Sigmoid | Product::Tanh => format!("{m}×{n}"),
                _ => format!("{m}×{k}×{n}"),
            };
            let figure = if act {
                format!("{:.2} ns/element", 1.0 / f.gflops)
            } else {
                format!("{:.1} GFLOP/s", f.gflops)
            };
            let of_peak = if act || f.product == Product::Peak || !peak.is_finite() {
                String::new()
            } else {
                format!("{:.0}%", 100.0 * f.gflops / peak)
            };
            Row {
                name: format!("{} ({:?})", f.name, f.product),
                hidden: if f.hidden == 0 {
                    String::new()
                } else {
                    f.hidden.to_string()
                },
                shape,
                figure,
                of_peak,
                gflops: f.gflops,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A fake clock 1 ms per read: the report runs every shape quickly, each figure is finite
    /// and positive, and the rows say what the figures are (GFLOP/s for products with their
    /// share of the peak, ns/element for the activations).
    #[test]
    fn the_report_comes_back_as_rows_that_state_their_figures() {
        let now = Cell::new(0.0);
        let clock = || {
            now.set(now.get() + 1.0);
            now.get()
        };
        let Report::Kernels(figures) = run(1.0, &clock) else {
            panic!("not a kernel report");
        };
        assert_eq!(figures.len(), 23);
        let rows = rows(&figures);
        assert_eq!(rows.len(), figures.len());
        assert!(rows[0].name.starts_with("peak") && rows[0].of_peak.is_empty());
        for (r, f) in rows.iter().zip(&figures) {
            assert!(r.gflops.is_finite() && r.gflops > 0.0, "{r:?}");
            assert_eq!(r.gflops, f.gflops);
        }
        let xw = &rows[1];
        assert_eq!((xw.hidden.as_str(), xw.shape.as_str()), ("32", "1600×2×96"));
        assert!(xw.figure.ends_with(" GFLOP/s") && xw.of_peak.ends_with('%'));
        let pct: f64 = xw.of_peak.trim_end_matches('%').parse().expect("a number");
        assert!((pct - 100.0 * figures[1].gflops / figures[0].gflops).abs() <= 0.5);
        let sig = rows
            .iter()
            .find(|r| r.name.contains("(Sigmoid)"))
            .expect("σ row");
        assert!(sig.figure.ends_with(" ns/element") && sig.of_peak.is_empty());
        assert_eq!(sig.shape, "32×64");
    }
}
