//! The buffers of one attention pass: what the backward needs from the forward, and the
//! gradients.

use super::Attention;
use crate::model::Readout;
use crate::seq::ops::sinusoidal;
use crate::Real;

/// What the attention model's backward needs from its forward, named after the equations of
/// [`super`] (`n·` are normalised rows and `rstd·` the inverse deviations of a layer norm),
/// plus the gradient buffers of one pass. Buffers are time-major `(T, B, ·)`.
#[derive(Clone, Debug, Default)]
#[allow(missing_docs)]
pub struct AttentionCache<T> {
    /// Positions `T`.
    pub t: usize,
    /// Batch `B`.
    pub b: usize,
    /// `(T, B, I)`, for `dW_in`.
    pub x: Vec<T>,
    /// `(T, B, D)`: `e`, the residual stream entering the block.
    pub e: Vec<T>,
    pub n1: Vec<T>,
    pub rstd1: Vec<T>,
    /// `(T, B, D)`: `LN1(e)`, for `dW_q,k,v`.
    pub a: Vec<T>,
    /// `(T, B, 3D)`: `[q | k | v]`.
    pub qkv: Vec<T>,
    /// `(B, n_h, T, T)`: the attention weights `P`, zero above the diagonal.
    pub probs: Vec<T>,
    /// `(T, B, D)`: the heads' outputs, concatenated, for `dW_ao`.
    pub o: Vec<T>,
    /// `(T, B, D)`: `r1`.
    pub r1: Vec<T>,
    pub n2: Vec<T>,
    pub rstd2: Vec<T>,
    /// `(T, B, D)`: `LN2(r1)`, for `dW_1`.
    pub f: Vec<T>,
    /// `(T, B, F)`: `relu(f W_1 + b_1)`, for `dW_2` and relu'.
    pub z: Vec<T>,
    /// `(T, B, D)`: `r2`, the block's output.
    pub r2: Vec<T>,
    /// `(R, B, D)` on the rows the head reads: final layer norm.
    pub nf: Vec<T>,
    pub rstdf: Vec<T>,
    /// `(R, B, D)`: `LN_f(r2)`, the head's input.
    pub g: Vec<T>,
    /// Head output `(R, B, O)`.
    pub y: Vec<T>,
    /// dL/dy `(R, B, O)`, written by the loss before [`backward`].
    pub dy: Vec<T>,
    /// dL/dθ in the model's layout, overwritten by [`backward`].
    pub grads: Vec<T>,
    /// dL/dx `(T, B, I)`, with [`InputGrad::Want`].
    pub dx: Vec<T>,
    /// Sinusoidal table `(T, D)`, when used.
    pub(super) pos_table: Vec<T>,
    /// Backward: dL/d(residual stream) `(T, B, D)`, accumulated from `r2` down to `e`.
    pub(super) d_stream: Vec<T>,
    /// Backward: `dL/df`, then `dL/do`, then `dL/da`, each `(T, B, D)`.
    pub(super) d_tmp: Vec<T>,
    /// Backward: `dL/dz` `(T, B, F)`.
    pub(super) d_wide: Vec<T>,
    /// Backward: `dL/d[q | k | v]` `(T, B, 3D)`.
    pub(super) dqkv: Vec<T>,
    /// Backward: `dL/dg` `(R, B, D)`.
    pub(super) dg: Vec<T>,
    /// Backward: one row of `dP` `(T)`.
    pub(super) drow: Vec<T>,
    /// Per (sample, head) scratch: `Kᵀ, Vᵀ, dKᵀ, dVᵀ`, each `(d_h, T)`.
    pub(super) heads: Vec<T>,
}

/// Rows the head reads: the last position's `B` rows (final) or all `T·B` rows (per step).
pub(super) fn head_rows(readout: Readout, t: usize, b: usize) -> std::ops::Range<usize> {
    match readout {
        Readout::Final => (t - 1) * b..t * b,
        Readout::PerStep => 0..t * b,
    }
}

impl<T: Real> AttentionCache<T> {
    /// Resizes every buffer for `model`, `t` positions and batch `b` (no-op when unchanged).
    pub fn prepare(&mut self, model: &Attention<T>, t: usize, b: usize) {
        let c = &model.config;
        let (i, d, f, o, nh) = (c.input, c.d_model, c.ffn, c.output, c.heads);
        let (n, rb) = (t * b, head_rows(c.readout, t, b).len());
        if self.pos_table.len() != t * d {
            sinusoidal(t, d, &mut self.pos_table);
        }
        if self.t == t
            && self.b == b
            && self.x.len() == n * i
            && self.qkv.len() == n * 3 * d
            && self.probs.len() == b * nh * t * t
            && self.z.len() == n * f
            && self.y.len() == rb * o
            && self.grads.len() == model.n_params()
        {
            return;
        }
        let z = |len: usize| vec![T::zero(); len];
        (self.t, self.b) = (t, b);
        (self.x, self.dx) = (z(n * i), z(n * i));
        for buf in [
            &mut self.e,
            &mut self.n1,
            &mut self.a,
            &mut self.o,
            &mut self.r1,
        ] {
            *buf = z(n * d);
        }
        for buf in [
            &mut self.n2,
            &mut self.f,
            &mut self.r2,
            &mut self.d_stream,
            &mut self.d_tmp,
        ] {
            *buf = z(n * d);
        }
        (self.rstd1, self.rstd2) = (z(n), z(n));
        (self.qkv, self.dqkv) = (z(n * 3 * d), z(n * 3 * d));
        self.probs = z(b * nh * t * t);
        (self.z, self.d_wide) = (z(n * f), z(n * f));
        (self.nf, self.g, self.dg, self.rstdf) = (z(rb * d), z(rb * d), z(rb * d), z(rb));
        (self.y, self.dy) = (z(rb * o), z(rb * o));
        self.grads = z(model.n_params());
        self.drow = z(t);
        self.heads = z(super::heads::scratch_len(t, c.head_dim()));
    }

    /// The attention weights of sample `sample`, `(n_h, T, T)`, row `i` = query position `i`
    /// (zero above the diagonal); `None` when there is no such sample.
    pub fn weights(&self, sample: usize) -> Option<&[T]> {
        let n = self.probs.len() / self.b.max(1);
        self.probs.get(sample * n..(sample + 1) * n)
    }

    /// Every buffer but the position table filled with NaN, sizes kept (tests: nothing may
    /// be read before it is written).
    #[cfg(test)]
    pub(crate) fn poison(&mut self) {
        let nan = T::nan();
        let bufs = [
            &mut self.x,
            &mut self.e,
            &mut self.n1,
            &mut self.rstd1,
            &mut self.a,
            &mut self.qkv,
            &mut self.probs,
            &mut self.o,
            &mut self.r1,
            &mut self.n2,
            &mut self.rstd2,
            &mut self.f,
            &mut self.z,
            &mut self.r2,
            &mut self.nf,
            &mut self.rstdf,
            &mut self.g,
            &mut self.y,
            &mut self.dy,
            &mut self.grads,
            &mut self.dx,
            &mut self.d_stream,
            &mut self.d_tmp,
            &mut self.d_wide,
            &mut self.dqkv,
            &mut self.dg,
            &mut self.drow,
            &mut self.heads,
        ];
        for v in bufs {
            v.fill(nan);
        }
    }

    /// Scalars kept for the backward per sequence (every forward buffer above, `P` included).
    pub fn activations_per_sequence(&self) -> usize {
        let bufs = [
            &self.x,
            &self.e,
            &self.n1,
            &self.rstd1,
            &self.a,
            &self.qkv,
            &self.probs,
            &self.o,
            &self.r1,
            &self.n2,
            &self.rstd2,
            &self.f,
            &self.z,
            &self.r2,
            &self.nf,
            &self.rstdf,
            &self.g,
        ];
        bufs.iter().map(|v| v.len()).sum::<usize>() / self.b.max(1)
    }
}
