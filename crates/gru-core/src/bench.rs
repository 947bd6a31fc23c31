//! Kernel microbenchmark: GFLOP/s of the dense products of one GRU training step, shape by
//! shape, against the 128-bit peak of this core measured the same way. Runs natively
//! (`cargo run --release -p gru-core --example kernels`) and in the page alike: the clock is
//! passed in (milliseconds, e.g. `performance.now()`), nothing here reads the time itself.

use std::hint::black_box;

use serde::{Deserialize, Serialize};

use crate::kernels::{gemm_nn, gemm_tn, peak_loop, sigmoid_rows, tanh_rows, PEAK_CHAINS as CHAINS};

/// Which product a [`KernelFigure`] timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Product {
    /// `C (m,n) += A (m,k) · B (k,n)` ([`gemm_nn`]).
    Nn,
    /// `C (m,n) += Aᵀ · B`, `A (k,m)`, `B (k,n)` ([`gemm_tn`]).
    Tn,
    /// The peak loop: independent 4-lane multiply + add chains (see [`peak_f32x4`]).
    Peak,
    /// [`crate::kernels::sigmoid_rows`] on a step's z and r (figures in elements).
    Sigmoid,
    /// [`crate::kernels::tanh_rows`] on a step's h̃ (figures in elements).
    Tanh,
}

/// One measured shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KernelFigure {
    /// What the product is in the step, e.g. `"fwd h·U_zr"`.
    pub name: String,
    /// Which kernel.
    pub product: Product,
    /// Output rows `m`, reduction length `k`, output columns `n`.
    pub mkn: [usize; 3],
    /// Hidden size `H` of the step this shape comes from (0 for the peak).
    pub hidden: usize,
    /// Floating-point operations per call (`2·m·k·n`; one multiply + one add per term); for
    /// [`Product::Sigmoid`] and [`Product::Tanh`] the number of elements.
    pub flop: f64,
    /// Fastest of the timed runs, in GFLOP/s (f32); for the activations, 10⁹ elements/s.
    pub gflops: f64,
}

/// A kernel shape with the leading dimensions the step uses.
struct Shape {
    name: &'static str,
    product: Product,
    m: usize,
    k: usize,
    n: usize,
    lda: usize,
    ldb: usize,
    ldc: usize,
}

/// The products of one training step of the app's GRU (`I` inputs, hidden `H`, batch `B`, `T`
/// steps) with the buffers' real strides: `pre (B, 3H)`, cache `(B, 4H)`, `U_zr (H, 2H)`,
/// `U_h (H, H)`. The input projection and the weight gradients run once over all `T·B` rows,
/// the recurrent products once per time step; the backward's on `Uᵀ`, transposed once per pass
/// as training does ([`crate::cell::Cell::transpose_weights`]).
fn gru_shapes(t: usize, b: usize, i: usize, h: usize) -> Vec<Shape> {
    let s = |name, product, [m, k, n]: [usize; 3], [lda, ldb, ldc]: [usize; 3]| Shape {
        name,
        product,
        m,
        k,
        n,
        lda,
        ldb,
        ldc,
    };
    use Product::{Nn, Tn};
    vec![
        s("fwd X·W, all T", Nn, [t * b, i, 3 * h], [i, 3 * h, 3 * h]),
        s("fwd h·U_zr", Nn, [b, h, 2 * h], [h, 2 * h, 3 * h]),
        s("fwd (r⊙h)·U_h", Nn, [b, h, h], [4 * h, h, 3 * h]),
        s("bwd dpre_h·U_hᵀ", Nn, [b, h, h], [3 * h, h, h]), // on U_hᵀ (H, H)
        s("bwd dpre_zr·U_zrᵀ", Nn, [b, 2 * h, h], [3 * h, h, h]), // on U_zrᵀ (2H, H)
        s(
            "bwd dW = Xᵀ·dpre, all T",
            Tn,
            [i, t * b, 3 * h],
            [i, 3 * h, 3 * h],
        ),
        s(
            "bwd dU_zr = hᵀ·dpre_zr, all T",
            Tn,
            [h, t * b, 2 * h],
            [h, 3 * h, 2 * h],
        ),
        s(
            "bwd dU_h = (r⊙h)ᵀ·dpre_h, all T",
            Tn,
            [h, t * b, h],
            [4 * h, 3 * h, h],
        ),
        s("jacobian A·U_h", Nn, [h, h, h], [h, h, h]),
    ]
}

/// Runs `f` (which does `work` FLOP per call) in five runs of about `ms` milliseconds each and
/// returns the GFLOP/s of the fastest: on a shared machine the least disturbed run is the one
/// that measures the kernel (the peak is taken the same way, so ratios stay fair).
fn measure(clock: &impl Fn() -> f64, ms: f64, work: f64, mut f: impl FnMut()) -> f64 {
    let mut reps = 1usize;
    let per_call = loop {
        let t0 = clock();
        for _ in 0..reps {
            f();
        }
        let dt = clock() - t0;
        if dt >= ms / 8.0 || reps >= 1 << 30 {
            break dt.max(1e-6) / reps as f64;
        }
        reps *= 2;
    };
    // Each run repeats batches of ~ms/8 until at least `ms` has passed on the clock, so a
    // calibration that a preemption inflated cannot leave a run shorter than the clock's
    // resolution (the page's coarse `performance.now()` once read 0 ms for 64 calls).
    let batch = ((ms / 8.0 / per_call).ceil() as usize).max(1);
    let mut rates = [0.0; 5];
    for r in &mut rates {
        let t0 = clock();
        let mut calls = 0usize;
        let dt = loop {
            for _ in 0..batch {
                f();
            }
            calls += batch;
            let dt = clock() - t0;
            if dt >= ms || calls >= 1 << 30 {
                break dt.max(1e-6); // (a clock that never moves ends here too)
            }
        };
        *r = work * calls as f64 / (dt * 1e6); // FLOP / (ms · 1e6) = GFLOP/s
    }
    rates.iter().copied().fold(0.0, f64::max)
}

/// `v` as a value the optimiser cannot see through: a volatile read. `black_box` is only
/// best-effort, and in wasm it let LLVM fold the peak loop's constants and drop the call (the
/// page measured 4·10⁶ GFLOP/s); a volatile access is honoured on every target.
fn opaque<V: Copy>(v: V) -> V {
    // SAFETY: a read of a live, initialised local.
    unsafe { std::ptr::read_volatile(&v) }
}

/// Makes `v` count as used: a volatile write, so whatever computed it must run.
fn keep<V: Copy>(v: V) {
    let mut sink = v;
    // SAFETY: a write to a live local of the same type.
    unsafe { std::ptr::write_volatile(&mut sink, v) };
}

/// `n` values in (−1, 1), deterministic.
fn filled(n: usize, f: f32) -> Vec<f32> {
    (0..n).map(|i| (i as f32 * f + 0.3).sin()).collect()
}

fn time_shape(clock: &impl Fn() -> f64, ms: f64, s: &Shape, hidden: usize) -> KernelFigure {
    // Operand sizes from the strides: A, B in their stored layout, C (m, ldc).
    let (a_rows, b_rows) = match s.product {
        Product::Nn => (s.m, s.k),
        _ => (s.k, s.k),
    };
    let a = filled(a_rows * s.lda, 0.37);
    let b = filled(b_rows * s.ldb, 0.11);
    let mut c = vec![0.0f32; s.m * s.ldc];
    let flop = 2.0 * (s.m * s.k * s.n) as f64;
    let gflops = measure(clock, ms, flop, || {
        let (a, b) = (black_box(&a[..]), black_box(&b[..]));
        match s.product {
            Product::Nn => gemm_nn(s.m, s.k, s.n, a, s.lda, b, s.ldb, &mut c, s.ldc),
            _ => gemm_tn(s.k, s.m, s.n, a, s.lda, b, s.ldb, &mut c, s.ldc),
        }
        // Keep C bounded (the sums grow by one product per call otherwise).
        if c[0].abs() > 1e3 {
            c.fill(0.0);
        }
        black_box(&mut c);
    });
    KernelFigure {
        name: s.name.to_string(),
        product: s.product,
        mkn: [s.m, s.k, s.n],
        hidden,
        flop,
        gflops,
    }
}

/// The gate nonlinearities of one step as the GRU applies them to its `pre (B, 3H)`: σ on the
/// `2H` columns of z and r of every row in one call, or tanh on the `H` columns of h̃ (inputs in
/// (−3, 3), refreshed every call).
fn time_activation(
    clock: &impl Fn() -> f64,
    ms: f64,
    product: Product,
    b: usize,
    h: usize,
) -> KernelFigure {
    let h3 = 3 * h;
    let n = if product == Product::Sigmoid {
        2 * h
    } else {
        h
    };
    let src: Vec<f32> = filled(b * h3, 0.37).iter().map(|v| 3.0 * v).collect();
    let mut v = src.clone();
    let gflops = measure(clock, ms, (b * n) as f64, || {
        v.copy_from_slice(black_box(&src));
        match product {
            Product::Sigmoid => sigmoid_rows(&mut v, 2 * h, h3),
            _ => tanh_rows(&mut v[2 * h..], h, h3),
        }
        black_box(&mut v);
        keep(v[0]);
    });
    let name = match product {
        Product::Sigmoid => "fwd σ(pre_zr), elements",
        _ => "fwd tanh(pre_h), elements",
    };
    KernelFigure {
        name: name.to_string(),
        product,
        mkn: [b, 0, n],
        hidden: h,
        flop: (b * n) as f64,
        gflops,
    }
}

/// Measured 128-bit peak of this core in f32 GFLOP/s: the best of five runs of
/// `kernels::peak_loop` (six f32x4 multiply chains, six add chains) (`m = 1`, `a = 0`).
pub fn peak_f32x4(clock: impl Fn() -> f64, ms: f64) -> f64 {
    let iters = 4096;
    let flop = (iters * CHAINS * 4) as f64;
    measure(&clock, ms, flop, || {
        let (it, m, a) = (opaque(iters), opaque(1.0), opaque(0.0));
        keep(peak_loop(it, m, a));
    })
}

/// The kernel report: the 128-bit peak first, then every product of one GRU training step at
/// `T = 50`, `B = 32`, `I = 2` for `H = 32` (the benchmark headline) and `H = 128`, in f32.
/// Each shape is timed in five runs of about `ms_per_shape` ms (the fastest is reported), and
/// the peak, best of all, after every shape, then the two gate nonlinearities (in 10⁹
/// elements/s): the report takes about `22 · 8 · ms_per_shape` ms. `clock` returns milliseconds (`performance.now()` in the page).
pub fn kernel_report(clock: impl Fn() -> f64, ms_per_shape: f64) -> Vec<KernelFigure> {
    let ms = if ms_per_shape.is_finite() && ms_per_shape > 0.0 {
        ms_per_shape
    } else {
        20.0
    };
    let mut out = Vec::new();
    // The peak is re-measured after every shape and the best kept: on a shared machine a
    // single measurement may land on a disturbed moment, and the ratio would flatter us.
    let mut peak = peak_f32x4(&clock, ms);
    for h in [32, 128] {
        for s in gru_shapes(50, 32, 2, h) {
            out.push(time_shape(&clock, ms, &s, h));
            peak = peak.max(peak_f32x4(&clock, ms / 2.0));
        }
        out.push(time_activation(&clock, ms, Product::Sigmoid, 32, h));
        out.push(time_activation(&clock, ms, Product::Tanh, 32, h));
    }
    out.insert(
        0,
        KernelFigure {
            name: "peak: 6 f32x4 mul + 6 f32x4 add chains".to_string(),
            product: Product::Peak,
            mkn: [0, 0, 0],
            hidden: 0,
            flop: (4096 * CHAINS * 4) as f64,
            gflops: peak,
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A preemption during calibration plus a coarse clock (0.1 ms steps, like the page's
    /// `performance.now()`) must not yield a run shorter than the clock's resolution: each call
    /// costs 0.01 ms of fake time, so the true rate is `work / (0.01 ms)`; the calibration read
    /// jumps 10 ms once. Timing whole 2-call runs against this clock read 0 ms (2·10⁴× too fast).
    #[test]
    fn a_disturbed_calibration_on_a_coarse_clock_still_measures_the_true_rate() {
        let t = Cell::new(0.0f64);
        let jumped = Cell::new(false);
        let clock = || (t.get() / 0.1).floor() * 0.1;
        let work = 1e6;
        let rate = measure(&clock, 20.0, work, || {
            t.set(t.get() + 0.01);
            if !jumped.get() {
                jumped.set(true);
                t.set(t.get() + 10.0); // the first call is preempted
            }
        });
        let truth = work / (0.01 * 1e6);
        assert!(
            rate <= 1.05 * truth && rate >= 0.5 * truth,
            "{rate} vs {truth}"
        );
    }

    /// Every shape's buffers fit its strides (a misfit panics in the kernels' checks), and each
    /// figure is finite; a fake clock advancing 1 ms per read keeps this fast.
    #[test]
    fn the_report_runs_every_shape_with_consistent_buffers() {
        let now = Cell::new(0.0);
        let clock = || {
            now.set(now.get() + 1.0);
            now.get()
        };
        let figures = kernel_report(clock, 1.0);
        assert_eq!(figures.len(), 1 + 2 * (9 + 2));
        assert_eq!(figures[0].product, Product::Peak);
        for f in &figures {
            assert!(
                f.gflops.is_finite() && f.gflops > 0.0 && f.flop > 0.0,
                "{f:?}"
            );
        }
        let xw = &figures[1];
        assert_eq!(
            (xw.mkn, xw.flop),
            ([1600, 2, 96], 2.0 * 1600.0 * 2.0 * 96.0)
        );
    }
}
