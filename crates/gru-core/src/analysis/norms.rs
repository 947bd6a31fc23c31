//! Matrix norms (Frobenius, spectral via nalgebra's SVD) and the per-step norms of the
//! one-step Jacobians with their additive-path split.

use nalgebra::DMatrix;

use super::{Part, StepJacobians};
use crate::Error;

/// Frobenius and spectral norm of one matrix.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Norms {
    /// `‖A‖_F = sqrt(Σ a_ij²)`.
    pub fro: f64,
    /// `‖A‖_2`, the largest singular value.
    pub spec: f64,
}

/// `‖A‖_F` of the `(rows, cols)` matrix at the start of `a` with row stride `ld`. Rescaled
/// when the squares would underflow or overflow, so it is accurate for any finite entries.
pub fn frobenius(a: &[f64], rows: usize, cols: usize, ld: usize) -> f64 {
    let ss = sum_sq(a, rows, cols, ld, 1.0);
    if ss.is_nan() || (ss.is_finite() && ss >= 1e-280) {
        return ss.sqrt();
    }
    let mx = (0..rows)
        .flat_map(|i| &a[i * ld..i * ld + cols])
        .fold(0.0, |m: f64, v| m.max(v.abs()));
    if mx == 0.0 || !mx.is_finite() {
        return mx;
    }
    let inv = if mx >= f64::MIN_POSITIVE {
        1.0 / mx
    } else {
        2f64.powi(1000)
    };
    sum_sq(a, rows, cols, ld, inv).sqrt() / inv
}

/// `Σ (scale · a_ij)²` with four independent accumulators.
fn sum_sq(a: &[f64], rows: usize, cols: usize, ld: usize, scale: f64) -> f64 {
    let mut acc = [0.0f64; 4];
    for i in 0..rows {
        let row = &a[i * ld..i * ld + cols];
        let chunks = row.chunks_exact(4);
        for (k, &v) in chunks.remainder().iter().enumerate() {
            acc[k] += (v * scale) * (v * scale);
        }
        for q in chunks {
            for l in 0..4 {
                acc[l] += (q[l] * scale) * (q[l] * scale);
            }
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// `‖A‖_2` (largest singular value) of the `(rows, cols)` matrix at the start of `a` with row
/// stride `ld`, via nalgebra's SVD. NaN when `A` holds a NaN or infinity; 0 for an empty or
/// zero matrix.
pub fn spectral_norm(a: &[f64], rows: usize, cols: usize, ld: usize) -> f64 {
    if rows == 0 || cols == 0 {
        return 0.0;
    }
    let mut finite = true;
    let mut zero = true;
    let m = DMatrix::<f64>::from_fn(rows, cols, |i, j| {
        let v = a[i * ld + j];
        finite &= v.is_finite();
        zero &= v == 0.0;
        v
    });
    if !finite {
        return f64::NAN;
    }
    if zero {
        return 0.0;
    }
    if rows == 1 || cols == 1 {
        return m.norm(); // a vector's only singular value is its 2-norm
    }
    match m.clone().try_svd(false, false, f64::EPSILON, 100_000) {
        Some(svd) => svd
            .singular_values
            .iter()
            .fold(0.0, |acc: f64, &s| acc.max(s)),
        None => power_iteration(&m),
    }
}

/// Fallback for [`spectral_norm`]: `sqrt(λ_max(AᵀA))` by power iteration (never reached for
/// finite matrices in practice, where the SVD converges).
fn power_iteration(m: &DMatrix<f64>) -> f64 {
    let ata = m.transpose() * m;
    let mut v = nalgebra::DVector::<f64>::from_element(ata.ncols(), 1.0);
    let mut lambda = 0.0;
    for _ in 0..1000 {
        let w = &ata * &v;
        let n = w.norm();
        if n == 0.0 {
            return 0.0;
        }
        lambda = n;
        v = w / n;
    }
    lambda.sqrt()
}

/// Both norms of the `(rows, cols)` matrix at the start of `a` with row stride `ld`.
pub fn norms_of(a: &[f64], rows: usize, cols: usize, ld: usize) -> Norms {
    Norms {
        fro: frobenius(a, rows, cols, ld),
        spec: spectral_norm(a, rows, cols, ld),
    }
}

/// Norms of a diagonal matrix given by its diagonal `d`: `sqrt(Σ d_i²)` and `max |d_i|`.
pub fn diag_norms(d: &[f64]) -> Norms {
    Norms {
        fro: frobenius(d, 1, d.len(), d.len()),
        spec: d.iter().fold(0.0, |m: f64, v| m.max(v.abs())),
    }
}

/// The `n × n` block at `(r0, c0)` of the `(s, s)` matrix `m`, copied out as `(n, n)`.
pub fn block(m: &[f64], s: usize, r0: usize, c0: usize, n: usize) -> Vec<f64> {
    (0..n)
        .flat_map(|i| m[(r0 + i) * s + c0..(r0 + i) * s + c0 + n].iter().copied())
        .collect()
}

/// Norms of one step's Jacobian, restricted to a [`Part`], and of its additive-path split.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OneStepNorms {
    /// Norms of the block of `J_s`.
    pub jac: Norms,
    /// Norms of the additive path on that block (GRU `diag(1 − z_s)`, LSTM `c → c`:
    /// `diag(f_s)`); `None` for cells without one or for off-diagonal blocks.
    pub additive: Option<Norms>,
    /// Norms of `J_s − additive` on that block; `None` when `additive` is.
    pub remainder: Option<Norms>,
}

/// The norms of block `part` of every one-step Jacobian, `(T)` entries, index `s − 1` = step
/// `s`, with the additive / remainder split where the cell has an additive path.
///
/// # Errors
/// [`Error::Config`] when `part` is a `c` block and the state has no `c`.
pub fn one_step_norms(j: &StepJacobians, part: Part) -> Result<Vec<OneStepNorms>, Error> {
    let (r0, c0, n) = window(j, part)?;
    let s = j.state;
    let mut rem = vec![0.0; n * n];
    let mut out = Vec::with_capacity(j.steps);
    for step in 1..=j.steps {
        let m = &j.step(step)[r0 * s + c0..];
        let jac = norms_of(m, n, n, s);
        let (additive, remainder) = match j.additive_step(step) {
            Some(d) if part.is_diagonal() => {
                let d = &d[r0..r0 + n];
                for i in 0..n {
                    rem[i * n..(i + 1) * n].copy_from_slice(&m[i * s..i * s + n]);
                    rem[i * n + i] -= d[i];
                }
                (Some(diag_norms(d)), Some(norms_of(&rem, n, n, n)))
            }
            _ => (None, None),
        };
        out.push(OneStepNorms {
            jac,
            additive,
            remainder,
        });
    }
    Ok(out)
}

/// The `(first row, first column, size)` of `part` in `j`'s state maps.
pub(crate) fn window(j: &StepJacobians, part: Part) -> Result<(usize, usize, usize), Error> {
    part.window(j.hidden, j.state)
        .ok_or_else(|| Error::Config(format!("{part:?}: this cell's state has no c block")))
}
