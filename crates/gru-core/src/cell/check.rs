//! Test harness shared by the cell tests (f64): deterministic weights and inputs, central
//! finite differences of one forward step against `backward` (every parameter, `dx`,
//! `ds_prev`) and against `jacobian`.
//!
//! The loss is `L = Σ g ⊙ s_t` for a fixed `g (B,S)`, so `dL/ds_t = g`. Scratch and cache are
//! allocated at exactly the sizes the cell declares and filled with NaN, so reading a value
//! that was never written, or needing more scratch than declared, fails the test. Gradients
//! are pre-filled with non-zero values to check that `backward` accumulates (`+=`).

use super::{Cell, CellShape, StepGrad, StepIn, StepOut};
use crate::params::{BlockRole, Layout};

#[path = "check_surgery.rs"]
mod surgery;
pub(crate) use surgery::*;

/// Finite-difference step.
pub(crate) const EPS: f64 = 1e-6;

/// `n` deterministic values `scale · sin(freq·k + phase)`.
pub(crate) fn wave(n: usize, freq: f64, phase: f64, scale: f64) -> Vec<f64> {
    (0..n)
        .map(|k| scale * (freq * k as f64 + phase).sin())
        .collect()
}

/// Number of parameters of `cell`.
pub(crate) fn param_len<C: CellShape>(cell: &C) -> usize {
    Layout::default().push("", &cell.blocks()).len()
}

/// Offsets of the cell's `N` blocks in its parameter slice.
pub(crate) fn offsets<const N: usize, C: CellShape>(cell: &C) -> [usize; N] {
    let mut layout = Layout::default();
    layout.push("", &cell.blocks());
    assert_eq!(layout.blocks.len(), N, "block count");
    std::array::from_fn(|k| layout.blocks[k].offset)
}

/// Deterministic "random-ish" parameters: `0.7 · sin(0.7 k + 0.4)`.
pub(crate) fn params<C: Cell<f64>>(cell: &C) -> Vec<f64> {
    wave(param_len(cell), 0.7, 0.4, 0.7)
}

/// Inputs of one step for `b` samples.
pub(crate) struct Case {
    /// Batch size.
    pub b: usize,
    /// `x (B,I)`.
    pub x: Vec<f64>,
    /// `s_{t−1} (B,S)`.
    pub s_prev: Vec<f64>,
    /// Recurrent-dropout mask `(B,H)`, entries `0` or `1/0.75`.
    pub mask: Option<Vec<f64>>,
    /// `dL/ds_t (B,S)`.
    pub g: Vec<f64>,
}

impl Case {
    /// The case as a step's inputs under parameters `p`.
    pub fn step_in<'a>(&'a self, p: &'a [f64]) -> StepIn<'a, f64> {
        StepIn {
            p,
            b: self.b,
            x: &self.x,
            s_prev: &self.s_prev,
            mask: self.mask.as_deref(),
        }
    }
}

/// A deterministic case for `cell` with `b` samples, with or without a mask.
pub(crate) fn case<C: Cell<f64>>(cell: &C, b: usize, masked: bool) -> Case {
    let (i, h, s) = (cell.input_size(), cell.hidden_size(), cell.state_size());
    let mask = masked.then(|| {
        let m: Vec<f64> = wave(b * h, 2.1, 0.5, 1.0)
            .into_iter()
            .map(|v| if v > -0.4 { 1.0 / 0.75 } else { 0.0 })
            .collect();
        assert!(
            b * h < 2 || (m.contains(&0.0) && m.iter().any(|&v| v > 0.0)),
            "mask should mix kept and dropped units"
        );
        m
    });
    Case {
        b,
        x: wave(b * i, 1.3, 0.2, 0.9),
        s_prev: wave(b * s, 0.9, 1.1, 0.8),
        mask,
        g: wave(b * s, 0.45, 2.0, 1.0)
            .into_iter()
            .map(|v| v + 0.3)
            .collect(),
    }
}

/// `|a − b| ≤ 1e-7 + 1e-6·max(|a|, |b|)`, or panics naming `what`.
pub(crate) fn close(a: f64, b: f64, what: &str) {
    let tol = 1e-7 + 1e-6 * a.abs().max(b.abs());
    assert!(
        (a - b).abs() <= tol,
        "{what}: {a} vs {b} (diff {:e})",
        (a - b).abs()
    );
}

/// One forward step on fresh NaN-filled buffers of exactly the declared sizes: `(s, cache)`.
pub(crate) fn forward_raw<C: Cell<f64>>(
    cell: &C,
    p: &[f64],
    b: usize,
    x: &[f64],
    s_prev: &[f64],
    mask: Option<&[f64]>,
) -> (Vec<f64>, Vec<f64>) {
    let mut s = vec![f64::NAN; b * cell.state_size()];
    let mut cache = vec![f64::NAN; b * cell.cache_size()];
    let mut scratch = vec![f64::NAN; b * cell.scratch_size()];
    let a = StepIn {
        p,
        b,
        x,
        s_prev,
        mask,
    };
    let out = StepOut {
        s: &mut s,
        cache: &mut cache,
        scratch: &mut scratch,
    };
    cell.forward(a, out);
    assert!(
        s.iter().chain(&cache).all(|v| v.is_finite()),
        "forward left NaN in s or cache"
    );
    (s, cache)
}

/// [`forward_raw`] on a [`Case`].
pub(crate) fn run_forward<C: Cell<f64>>(cell: &C, p: &[f64], case: &Case) -> (Vec<f64>, Vec<f64>) {
    forward_raw(cell, p, case.b, &case.x, &case.s_prev, case.mask.as_deref())
}

fn loss<C: Cell<f64>>(cell: &C, p: &[f64], x: &[f64], s_prev: &[f64], case: &Case) -> f64 {
    let (s, _) = forward_raw(cell, p, case.b, x, s_prev, case.mask.as_deref());
    s.iter().zip(&case.g).map(|(a, b)| a * b).sum()
}

/// The cell's input and recurrent blocks of `p` transposed ([`Cell::transpose_weights`]) into a
/// NaN-filled buffer of the declared [`CellShape::transposed_size`], which must be all written.
pub(crate) fn transposed<C: Cell<f64>>(cell: &C, p: &[f64]) -> Vec<f64> {
    let mut wt = vec![f64::NAN; cell.transposed_size()];
    cell.transpose_weights(p, &mut wt);
    assert!(wt.iter().all(|v| !v.is_nan()), "transpose_weights left NaN");
    wt
}

/// Central difference of `f` in coordinate `k` of `v`.
fn fd(v: &[f64], k: usize, f: impl Fn(&[f64]) -> f64) -> f64 {
    let mut w = v.to_vec();
    w[k] = v[k] + EPS;
    let lp = f(&w);
    w[k] = v[k] - EPS;
    let lm = f(&w);
    (lp - lm) / (2.0 * EPS)
}

/// Checks `backward` against central differences of `L = Σ g ⊙ s_t` for every parameter,
/// every `x` and every `s_{t−1}` entry, with `B = 3`, and that `dx = None` changes nothing else.
pub(crate) fn check_backward<C: Cell<f64>>(cell: &C, masked: bool) {
    let b = 3;
    let p = params(cell);
    let case = case(cell, b, masked);
    let (_, cache) = run_forward(cell, &p, &case);
    let (np, ni, ns) = (p.len(), case.x.len(), case.s_prev.len()); // parameters, (B·I), (B·S)
    let (p0, x0, s0) = (0.25, -0.5, 0.125); // pre-filled gradients: backward must add
    let mut dp = vec![p0; np];
    let mut dx = vec![x0; ni];
    let mut ds_prev = vec![s0; ns];
    let mut scratch = vec![f64::NAN; b * cell.scratch_size()];
    let wt = transposed(cell, &p);
    let g = StepGrad {
        ds: &case.g,
        dp: &mut dp,
        dx: Some(&mut dx),
        ds_prev: &mut ds_prev,
        wt: &wt,
    };
    cell.backward(case.step_in(&p), &cache, g, &mut scratch);

    let mut dp2 = vec![p0; np];
    let mut ds_prev2 = vec![s0; ns];
    let mut scratch = vec![f64::NAN; b * cell.scratch_size()];
    let g = StepGrad {
        ds: &case.g,
        dp: &mut dp2,
        dx: None,
        ds_prev: &mut ds_prev2,
        wt: &wt,
    };
    cell.backward(case.step_in(&p), &cache, g, &mut scratch);
    assert_eq!(dp, dp2, "dp depends on whether dx is requested");
    assert_eq!(
        ds_prev, ds_prev2,
        "ds_prev depends on whether dx is requested"
    );

    let mut layout = Layout::default();
    layout.push("", &cell.blocks());
    let tag = if masked { "masked" } else { "unmasked" };
    for blk in &layout.blocks {
        for k in blk.range() {
            let num = fd(&p, k, |q| loss(cell, q, &case.x, &case.s_prev, &case));
            let (r, c) = ((k - blk.offset) / blk.cols, (k - blk.offset) % blk.cols);
            close(dp[k] - p0, num, &format!("{tag} d{}[{r}][{c}]", blk.name));
        }
    }
    for (k, &d) in dx.iter().enumerate() {
        let num = fd(&case.x, k, |x| loss(cell, &p, x, &case.s_prev, &case));
        close(d - x0, num, &format!("{tag} dx[{k}]"));
    }
    for (k, &d) in ds_prev.iter().enumerate() {
        let num = fd(&case.s_prev, k, |s| loss(cell, &p, &case.x, s, &case));
        close(d - s0, num, &format!("{tag} ds_prev[{k}]"));
    }
}

/// The one-sample Jacobian `(S,S)` of `cell`, computed with NaN-filled `out` and a NaN-filled
/// scratch of exactly the declared [`CellShape::jacobian_scratch_size`].
pub(crate) fn jacobian_of<C: Cell<f64>>(
    cell: &C,
    p: &[f64],
    x: &[f64],
    s_prev: &[f64],
    mask: Option<&[f64]>,
) -> Vec<f64> {
    let s = cell.state_size();
    let (_, cache) = forward_raw(cell, p, 1, x, s_prev, mask);
    let mut out = vec![f64::NAN; s * s];
    let mut scratch = vec![f64::NAN; cell.jacobian_scratch_size()];
    let a = StepIn {
        p,
        b: 1,
        x,
        s_prev,
        mask,
    };
    cell.jacobian(a, &cache, &mut out, &mut scratch);
    assert!(
        out.iter().all(|v| v.is_finite()),
        "jacobian left NaN in out"
    );
    out
}

/// The exact one-sample Jacobian `(S,S)` from `backward`: row `i` is `dL/ds_{t−1}` for
/// `L = s_t[i]` (`ds = e_i`), an implementation independent of `jacobian`.
pub(crate) fn jacobian_by_backward<C: Cell<f64>>(
    cell: &C,
    p: &[f64],
    x: &[f64],
    s_prev: &[f64],
    mask: Option<&[f64]>,
) -> Vec<f64> {
    let s = cell.state_size();
    let (_, cache) = forward_raw(cell, p, 1, x, s_prev, mask);
    let mut jac = vec![0.0; s * s];
    let wt = transposed(cell, p);
    for i in 0..s {
        let mut ds = vec![0.0; s];
        ds[i] = 1.0;
        let (mut dp, mut ds_prev) = (vec![0.0; p.len()], vec![0.0; s]);
        let mut scratch = vec![f64::NAN; cell.scratch_size()];
        let g = StepGrad {
            ds: &ds,
            dp: &mut dp,
            dx: None,
            ds_prev: &mut ds_prev,
            wt: &wt,
        };
        let a = StepIn {
            p,
            b: 1,
            x,
            s_prev,
            mask,
        };
        cell.backward(a, &cache, g, &mut scratch);
        jac[i * s..(i + 1) * s].copy_from_slice(&ds_prev);
    }
    jac
}

/// `|a − b| ≤ 1e-12·(1 + |b|)`: agreement of two exact computations, or panics naming `what`.
pub(crate) fn exact(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-12 * (1.0 + b.abs()),
        "{what}: {a} vs {b}"
    );
}

/// Checks `jacobian` against central differences of the forward step w.r.t. `s_{t−1}` and,
/// to 1e-12, against the Jacobian `backward` implies, for each of three samples.
pub(crate) fn check_jacobian<C: Cell<f64>>(cell: &C, masked: bool) {
    let (b, ni, h, s) = (3, cell.input_size(), cell.hidden_size(), cell.state_size());
    let p = params(cell);
    let case = case(cell, b, masked);
    for row in 0..b {
        let x = &case.x[row * ni..(row + 1) * ni];
        let sp = &case.s_prev[row * s..(row + 1) * s];
        let mask = case.mask.as_ref().map(|m| &m[row * h..(row + 1) * h]);
        let jac = jacobian_of(cell, &p, x, sp, mask);
        let by_backward = jacobian_by_backward(cell, &p, x, sp, mask);
        for (k, (&a, &b)) in jac.iter().zip(&by_backward).enumerate() {
            exact(
                a,
                b,
                &format!(
                    "masked={masked} sample {row} J[{}][{}] vs backward",
                    k / s,
                    k % s
                ),
            );
        }
        for j in 0..s {
            let mut w = sp.to_vec();
            w[j] = sp[j] + EPS;
            let (plus, _) = forward_raw(cell, &p, 1, x, &w, mask);
            w[j] = sp[j] - EPS;
            let (minus, _) = forward_raw(cell, &p, 1, x, &w, mask);
            for i in 0..s {
                let num = (plus[i] - minus[i]) / (2.0 * EPS);
                close(
                    jac[i * s + j],
                    num,
                    &format!("masked={masked} sample {row} J[{i}][{j}]"),
                );
            }
        }
    }
}

/// With every recurrent block zeroed, the one-step Jacobian of a GRU-like or RNN cell is
/// exactly its additive diagonal (or zero when it has none). Not true for the LSTM, whose
/// `∂h'/∂c` survives.
pub(crate) fn check_additive_is_jacobian_without_recurrence<C: Cell<f64>>(cell: &C, p: &[f64]) {
    let (b, ni, h, s) = (3, cell.input_size(), cell.hidden_size(), cell.state_size());
    let mut p = p.to_vec();
    let mut layout = Layout::default();
    let specs = cell.blocks();
    layout.push("", &specs);
    for (blk, spec) in layout.blocks.iter().zip(&specs) {
        if spec.role == BlockRole::Recurrent {
            p[blk.range()].fill(0.0);
        }
    }
    let case = case(cell, b, true);
    for row in 0..b {
        let x = &case.x[row * ni..(row + 1) * ni];
        let sp = &case.s_prev[row * s..(row + 1) * s];
        let mask = case.mask.as_ref().map(|m| &m[row * h..(row + 1) * h]);
        let jac = jacobian_of(cell, &p, x, sp, mask);
        let (_, cache) = forward_raw(cell, &p, 1, x, sp, mask);
        let mut diag = vec![0.0; s];
        let has = Cell::<f64>::additive_diag(cell, &cache, &mut diag);
        for i in 0..s {
            for j in 0..s {
                let want = if has && i == j { diag[i] } else { 0.0 };
                close(
                    jac[i * s + j],
                    want,
                    &format!("J[{i}][{j}] without recurrence"),
                );
            }
        }
    }
}
