//! Row-wise building blocks shared by the TCN and the attention model, each forward beside its
//! backward: bias rows, column sums, layer norm, sinusoidal positions. Buffers are row-major
//! `(n, d)` (one row per `(t, b)`, time-major).

use crate::Real;

/// Layer-norm epsilon, PyTorch's default (`nn.LayerNorm(eps=1e-5)`).
pub const LN_EPS: f64 = 1e-5;

/// Writes `bias (d)` into every row of `out (n, d)`.
pub(crate) fn fill_rows<T: Real>(out: &mut [T], d: usize, bias: &[T]) {
    for row in out.chunks_exact_mut(d) {
        row.copy_from_slice(bias);
    }
}

/// `acc (d) += Σ_rows g (n, d)`: the gradient of a bias added to every row.
pub(crate) fn add_col_sums<T: Real>(acc: &mut [T], g: &[T], d: usize) {
    for row in g.chunks_exact(d) {
        acc.iter_mut().zip(row).for_each(|(a, &v)| *a = *a + v);
    }
}

/// Layer norm of each row of `x (n, d)`:
/// `n̂ = (x − μ) / √(σ² + ε)` (biased variance), `out = n̂ ⊙ γ + β`.
/// Writes `norm (n, d) = n̂` and `rstd (n) = 1/√(σ² + ε)`, which the backward needs.
#[allow(clippy::too_many_arguments)]
pub(crate) fn layer_norm<T: Real>(
    x: &[T],
    d: usize,
    gamma: &[T],
    beta: &[T],
    norm: &mut [T],
    rstd: &mut [T],
    out: &mut [T],
) {
    let inv_d = T::of(1.0 / d as f64);
    let eps = T::of(LN_EPS);
    for (r, row) in x.chunks_exact(d).enumerate() {
        let mu = row.iter().copied().sum::<T>() * inv_d;
        let var = row.iter().map(|&v| (v - mu) * (v - mu)).sum::<T>() * inv_d;
        let rs = T::one() / (var + eps).sqrt();
        rstd[r] = rs;
        let (nrow, orow) = (&mut norm[r * d..(r + 1) * d], &mut out[r * d..(r + 1) * d]);
        for j in 0..d {
            nrow[j] = (row[j] - mu) * rs;
            orow[j] = nrow[j] * gamma[j] + beta[j];
        }
    }
}

/// Backward of [`layer_norm`] for upstream `dout (n, d)`:
/// `dγ += Σ dout ⊙ n̂`, `dβ += Σ dout`, and with `g = dout ⊙ γ`
/// `dx += rstd · (g − mean(g) − n̂ · mean(g ⊙ n̂))` (accumulated).
#[allow(clippy::too_many_arguments)]
pub(crate) fn layer_norm_backward<T: Real>(
    dout: &[T],
    d: usize,
    gamma: &[T],
    norm: &[T],
    rstd: &[T],
    dgamma: &mut [T],
    dbeta: &mut [T],
    dx: &mut [T],
) {
    let inv_d = T::of(1.0 / d as f64);
    for (r, drow) in dout.chunks_exact(d).enumerate() {
        let nrow = &norm[r * d..(r + 1) * d];
        let (mut mg, mut mgn) = (T::zero(), T::zero());
        for j in 0..d {
            dgamma[j] = dgamma[j] + drow[j] * nrow[j];
            dbeta[j] = dbeta[j] + drow[j];
            let g = drow[j] * gamma[j];
            mg = mg + g;
            mgn = mgn + g * nrow[j];
        }
        let (mg, mgn) = (mg * inv_d, mgn * inv_d);
        let dxrow = &mut dx[r * d..(r + 1) * d];
        for j in 0..d {
            let g = drow[j] * gamma[j];
            dxrow[j] = dxrow[j] + rstd[r] * (g - mg - nrow[j] * mgn);
        }
    }
}

/// The sinusoidal position table `(t, d)` of Vaswani et al.:
/// `PE[p, 2i] = sin(p / 10000^{2i/d})`, `PE[p, 2i+1] = cos(p / 10000^{2i/d})`.
pub(crate) fn sinusoidal<T: Real>(t: usize, d: usize, out: &mut Vec<T>) {
    out.clear();
    for p in 0..t {
        for j in 0..d {
            let i2 = (j - j % 2) as f64;
            let angle = p as f64 / 10000f64.powf(i2 / d as f64);
            out.push(T::of(if j % 2 == 0 { angle.sin() } else { angle.cos() }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::check::{close, wave};

    #[test]
    fn layer_norm_backward_matches_central_differences() {
        let (n, d) = (3, 5);
        let x = wave(n * d, 0.9, 0.3, 1.2);
        let gamma = wave(d, 1.1, 0.7, 0.8);
        let beta = wave(d, 0.4, 1.3, 0.5);
        let g = wave(n * d, 0.77, 2.0, 1.0); // L = Σ g ⊙ out
        let run = |x: &[f64], gamma: &[f64], beta: &[f64]| {
            let (mut nm, mut rs, mut out) =
                (vec![f64::NAN; n * d], vec![f64::NAN; n], vec![0.0; n * d]);
            layer_norm(x, d, gamma, beta, &mut nm, &mut rs, &mut out);
            (out.iter().zip(&g).map(|(a, b)| a * b).sum::<f64>(), nm, rs)
        };
        let (_, nm, rs) = run(&x, &gamma, &beta);
        let (mut dg, mut db, mut dx) = (vec![0.5; d], vec![0.5; d], vec![0.5; n * d]);
        layer_norm_backward(&g, d, &gamma, &nm, &rs, &mut dg, &mut db, &mut dx);
        let eps = 1e-6;
        let fd = |v: &[f64], k: usize, f: &dyn Fn(&[f64]) -> f64| {
            let mut w = v.to_vec();
            w[k] += eps;
            let p = f(&w);
            w[k] -= 2.0 * eps;
            (p - f(&w)) / (2.0 * eps)
        };
        for (k, &dxk) in dx.iter().enumerate() {
            let num = fd(&x, k, &|v| run(v, &gamma, &beta).0);
            close(dxk - 0.5, num, &format!("dx[{k}]"));
        }
        for k in 0..d {
            close(
                dg[k] - 0.5,
                fd(&gamma, k, &|v| run(&x, v, &beta).0),
                "dgamma",
            );
            close(
                db[k] - 0.5,
                fd(&beta, k, &|v| run(&x, &gamma, v).0),
                "dbeta",
            );
        }
    }

    #[test]
    fn normalised_rows_have_zero_mean_and_unit_variance() {
        let (n, d) = (2, 6);
        let x = wave(n * d, 1.7, 0.1, 3.0);
        let (mut nm, mut rs, mut out) = (vec![0.0; n * d], vec![0.0; n], vec![0.0; n * d]);
        layer_norm(&x, d, &[1.0; 6], &[0.0; 6], &mut nm, &mut rs, &mut out);
        for row in nm.chunks_exact(d) {
            let mu: f64 = row.iter().sum::<f64>() / d as f64;
            let var: f64 = row.iter().map(|v| v * v).sum::<f64>() / d as f64;
            assert!(mu.abs() < 1e-12 && (var - 1.0).abs() < 1e-4, "{mu} {var}");
        }
    }

    #[test]
    fn sinusoidal_table_starts_with_sin0_cos0_and_varies_slower_in_later_columns() {
        let mut pe = Vec::<f64>::new();
        sinusoidal(4, 6, &mut pe);
        assert_eq!(&pe[..6], &[0.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
        assert!((pe[6] - 1f64.sin()).abs() < 1e-15 && (pe[7] - 1f64.cos()).abs() < 1e-15);
        assert!((pe[8] - (1.0 / 10000f64.powf(2.0 / 6.0)).sin()).abs() < 1e-15);
    }
}
