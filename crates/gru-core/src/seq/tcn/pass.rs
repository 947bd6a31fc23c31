//! Forward and backward of a [`Tcn`] over a batch, time-major like the recurrent models:
//! a buffer `(T, B, C)` holds row `t·B + b`. A causal shift by `s` steps is then a shift by
//! `s·B` rows, so each tap of a dilated convolution is one matrix product over all samples.

use super::Tcn;
use crate::kernels::{gemm_nn, gemm_nt, gemm_tn};
use crate::model::Readout;
use crate::seq::ops::{add_col_sums, fill_rows};
use crate::seq::InputGrad;
use crate::Real;

/// What the TCN's backward needs from its forward (every level's activation output and block
/// output), plus the gradient buffers of one pass. Reused across steps: nothing allocates
/// once the sizes are stable.
#[derive(Clone, Debug, Default)]
pub struct TcnCache<T> {
    /// Steps `T`.
    pub t: usize,
    /// Batch `B`.
    pub b: usize,
    /// Input `(T, B, I)`: level 0 reads it, and its weight gradient needs it.
    pub x: Vec<T>,
    /// Per level `φ(a_l) (T, B, C)`: `φ'` is read from it (ReLU: `> 0`; tanh: `1 − φ²`).
    pub act: Vec<Vec<T>>,
    /// Per level `h_l (T, B, C)`: the next level's input and (last level) the head's.
    pub h: Vec<Vec<T>>,
    /// Head output `(R, B, O)`, `R` = 1 (final) or `T` (per step).
    pub y: Vec<T>,
    /// dL/dy `(R, B, O)`, written by the loss before [`backward`].
    pub dy: Vec<T>,
    /// dL/dθ in the model's layout, overwritten by [`backward`].
    pub grads: Vec<T>,
    /// dL/dx `(T, B, I)`, with [`InputGrad::Want`].
    pub dx: Vec<T>,
    /// dL/dh_l `(T, B, C)`, carried down the levels, and dL/dh_{l−1} `(T, B, max(C, I))`.
    dh: Vec<T>,
    dh_below: Vec<T>,
    /// dL/da_l `(T, B, C)`.
    da: Vec<T>,
}

impl<T: Real> TcnCache<T> {
    /// Resizes every buffer for `model`, `t` steps and batch `b` (no-op when unchanged).
    pub fn prepare(&mut self, model: &Tcn<T>, t: usize, b: usize) {
        let cfg = &model.config;
        let (i, c, o) = (cfg.input, cfg.channels, cfg.output);
        let r = match cfg.readout {
            Readout::Final => 1,
            Readout::PerStep => t,
        };
        if self.t == t
            && self.b == b
            && self.act.len() == cfg.levels
            && self.grads.len() == model.n_params()
            && self.x.len() == t * b * i
            && self.y.len() == r * b * o
            && self.da.len() == t * b * c
        {
            return;
        }
        self.t = t;
        self.b = b;
        self.x = vec![T::zero(); t * b * i];
        self.act = vec![vec![T::zero(); t * b * c]; cfg.levels];
        self.h = self.act.clone();
        self.y = vec![T::zero(); r * b * o];
        self.dy = self.y.clone();
        self.grads = vec![T::zero(); model.n_params()];
        self.dx = self.x.clone();
        self.dh = vec![T::zero(); t * b * c];
        self.dh_below = vec![T::zero(); t * b * c.max(i)];
        self.da = self.dh.clone();
    }

    /// Every buffer filled with NaN, sizes kept (tests: nothing may be read before written).
    #[cfg(test)]
    pub(crate) fn poison(&mut self) {
        let nan = T::nan();
        for v in self.act.iter_mut().chain(self.h.iter_mut()) {
            v.fill(nan);
        }
        for v in [
            &mut self.x,
            &mut self.y,
            &mut self.dy,
            &mut self.grads,
            &mut self.dx,
        ] {
            v.fill(nan);
        }
        for v in [&mut self.dh, &mut self.dh_below, &mut self.da] {
            v.fill(nan);
        }
    }

    /// Scalars kept for the backward per sequence: `x`, and `φ(a_l)`, `h_l` of every level.
    pub fn activations_per_sequence(&self) -> usize {
        let all = self.x.len() + self.act.iter().chain(&self.h).map(Vec::len).sum::<usize>();
        all / self.b.max(1)
    }
}

/// Rows the head reads: the last step's `B` rows (final) or all `T·B` rows (per step).
fn head_rows(readout: Readout, t: usize, b: usize) -> std::ops::Range<usize> {
    match readout {
        Readout::Final => (t - 1) * b..t * b,
        Readout::PerStep => 0..t * b,
    }
}

/// Runs `model` over `x (T, B, I)` into `cache`; the head output is `cache.y`.
pub fn forward<T: Real>(model: &Tcn<T>, cache: &mut TcnCache<T>, x: &[T], t: usize, b: usize) {
    cache.prepare(model, t, b);
    let cfg = &model.config;
    let (c, k, o) = (cfg.channels, cfg.kernel, cfg.output);
    let p = &model.params;
    let TcnCache {
        x: xc, act, h, y, ..
    } = cache;
    xc.copy_from_slice(&x[..t * b * cfg.input]);
    for (l, lv) in model.levels.iter().enumerate() {
        let cin = lv.input;
        let (below, rest) = h.split_at_mut(l);
        let input: &[T] = if l == 0 { xc } else { &below[l - 1] };
        let (a, out) = (&mut act[l], &mut rest[0]);
        // a[t] = b + Σ_j h_{l−1}[t − j·d] W[j]: tap j adds rows shifted down by j·d·B.
        fill_rows(a, c, &p[lv.b.clone()]);
        let w = &p[lv.w.clone()];
        for j in 0..k {
            let shift = j * lv.dilation;
            if shift >= t {
                break;
            }
            let rows = (t - shift) * b;
            let wj = &w[j * cin * c..(j + 1) * cin * c]; // (C_in, C)
            gemm_nn(rows, cin, c, input, cin, wj, c, &mut a[shift * b * c..], c);
        }
        cfg.activation.apply_in_place(a);
        // h = φ(a) + res(h_{l−1}).
        match &lv.res {
            None => out
                .iter_mut()
                .zip(a.iter().zip(input.iter()))
                .for_each(|(hv, (&av, &iv))| *hv = av + iv),
            Some((w_res, b_res)) => {
                fill_rows(out, c, &p[b_res.clone()]);
                out.iter_mut()
                    .zip(a.iter())
                    .for_each(|(hv, &av)| *hv = *hv + av);
                gemm_nn(t * b, cin, c, input, cin, &p[w_res.clone()], c, out, c);
            }
        }
    }
    // y = h_{L−1} W_o + b_o on the rows the head reads.
    let rows = head_rows(cfg.readout, t, b);
    let top = &h[cfg.levels - 1][rows.start * c..rows.end * c];
    fill_rows(y, o, &p[model.head.1.clone()]);
    gemm_nn(rows.len(), c, o, top, c, &p[model.head.0.clone()], o, y, o);
}

/// Computes dL/dθ into `cache.grads` (overwritten) from dL/dy in `cache.dy`, and dL/dx into
/// `cache.dx` with [`InputGrad::Want`]. `cache` must hold the forward of the same parameters.
pub fn backward<T: Real>(model: &Tcn<T>, cache: &mut TcnCache<T>, input_grad: InputGrad) {
    let cfg = &model.config;
    let (t, b, c, k, o) = (cache.t, cache.b, cfg.channels, cfg.kernel, cfg.output);
    let p = &model.params;
    let TcnCache {
        x,
        act,
        h,
        dy,
        grads,
        dx,
        dh,
        dh_below,
        da,
        ..
    } = cache;
    grads.fill(T::zero());
    // Head: dW_o += topᵀ dy, db_o += Σ dy, d(top) = dy W_oᵀ (zero on rows it does not read).
    let rows = head_rows(cfg.readout, t, b);
    let top = &h[cfg.levels - 1][rows.start * c..rows.end * c];
    let (w_o, b_o) = (model.head.0.clone(), model.head.1.clone());
    gemm_tn(rows.len(), c, o, top, c, dy, o, &mut grads[w_o.clone()], o);
    add_col_sums(&mut grads[b_o], dy, o);
    dh.fill(T::zero());
    gemm_nt(
        rows.len(),
        c,
        o,
        dy,
        o,
        &p[w_o],
        o,
        &mut dh[rows.start * c..],
        c,
    );

    for (l, lv) in model.levels.iter().enumerate().rev() {
        let cin = lv.input;
        let input: &[T] = if l == 0 { x } else { &h[l - 1] };
        let want_below = l > 0 || input_grad == InputGrad::Want;
        // da = dh ⊙ φ'(a), read from φ(a).
        for ((g, &d), &f) in da.iter_mut().zip(dh.iter()).zip(act[l].iter()) {
            *g = d * cfg.activation.derivative_from_output(f);
        }
        add_col_sums(&mut grads[lv.b.clone()], da, c);
        let below = &mut dh_below[..t * b * cin];
        below.fill(T::zero());
        // Residual: identity passes dh down; a projection also gets its weight gradient.
        match &lv.res {
            None => below
                .iter_mut()
                .zip(dh.iter())
                .for_each(|(g, &d)| *g = *g + d),
            Some((w_res, b_res)) => {
                gemm_tn(
                    t * b,
                    cin,
                    c,
                    input,
                    cin,
                    dh,
                    c,
                    &mut grads[w_res.clone()],
                    c,
                );
                add_col_sums(&mut grads[b_res.clone()], dh, c);
                if want_below {
                    gemm_nt(t * b, cin, c, dh, c, &p[w_res.clone()], c, below, cin);
                }
            }
        }
        // Tap j: dW[j] += h_{l−1}[t − j·d]ᵀ da[t], dh_{l−1}[t − j·d] += da[t] W[j]ᵀ.
        for j in 0..k {
            let shift = j * lv.dilation;
            if shift >= t {
                break;
            }
            let n = (t - shift) * b;
            let da_s = &da[shift * b * c..];
            let wr = lv.w.start + j * cin * c..lv.w.start + (j + 1) * cin * c;
            gemm_tn(n, cin, c, input, cin, da_s, c, &mut grads[wr.clone()], c);
            if want_below {
                gemm_nt(n, cin, c, da_s, c, &p[wr], c, below, cin);
            }
        }
        if l > 0 {
            dh.copy_from_slice(below);
        } else if want_below {
            dx.copy_from_slice(below);
        }
    }
}
