//! Forward and backward of an [`Attention`] model over a time-major batch: every projection is
//! one matrix product over all `T·B` rows; only the `(T, T)` attention is per (sample, head).

use super::cache::{head_rows, AttentionCache};
use super::heads::{head_backward, head_forward, HeadView};
use super::Attention;
use crate::kernels::{gemm_nn, gemm_nt, gemm_tn};
use crate::seq::ops::{add_col_sums, fill_rows, layer_norm, layer_norm_backward};
use crate::seq::InputGrad;
use crate::Real;

/// The view of sample `s`, head `h`.
fn view(t: usize, b: usize, d: usize, dh: usize, s: usize, h: usize) -> HeadView {
    HeadView {
        t,
        dh,
        ld_qkv: b * 3 * d,
        q: s * 3 * d + h * dh,
        d,
        ld_o: b * d,
        o: s * d + h * dh,
        scale: 1.0 / (dh as f64).sqrt(),
    }
}

/// Runs `model` over `x (T, B, I)` into `cache`; the head output is `cache.y`.
/// `t` must fit the positions ([`Attention::check_len`]); longer learned-position sequences
/// reuse the last position (never read out of bounds).
pub fn forward<T: Real>(
    model: &Attention<T>,
    cache: &mut AttentionCache<T>,
    x: &[T],
    t: usize,
    b: usize,
) {
    debug_assert!(model.check_len(t).is_ok());
    cache.prepare(model, t, b);
    let (c, at, p) = (&model.config, &model.at, &model.params);
    let (ni, d, nf, o, nh, dh) = (c.input, c.d_model, c.ffn, c.output, c.heads, c.head_dim());
    let n = t * b;
    let k = &mut *cache;
    k.x.copy_from_slice(&x[..n * ni]);
    // e_t = x_t W_in + b_in + pos_t
    fill_rows(&mut k.e, d, &p[at.b_in.clone()]);
    gemm_nn(n, ni, d, &k.x, ni, &p[at.w_in.clone()], d, &mut k.e, d);
    for (s, rows) in k.e.chunks_exact_mut(b * d).enumerate() {
        let pos = match &at.pos {
            Some(r) => {
                let last = (r.len() / d).saturating_sub(1);
                let at_row = r.start + s.min(last) * d;
                &p[at_row..at_row + d]
            }
            None => &k.pos_table[s * d..(s + 1) * d],
        };
        for row in rows.chunks_exact_mut(d) {
            row.iter_mut().zip(pos).for_each(|(v, &q)| *v = *v + q);
        }
    }
    // a = LN1(e); [q | k | v] = a [W_q | W_k | W_v] + [b_q | b_k | b_v]
    let (g1, b1) = (&p[at.ln1.0.clone()], &p[at.ln1.1.clone()]);
    layer_norm(&k.e, d, g1, b1, &mut k.n1, &mut k.rstd1, &mut k.a);
    for m in 0..3 {
        let bias = &p[at.b_qkv[m].clone()];
        for row in k.qkv.chunks_exact_mut(3 * d) {
            row[m * d..(m + 1) * d].copy_from_slice(bias);
        }
        let w = &p[at.w_qkv[m].clone()];
        gemm_nn(n, d, d, &k.a, d, w, d, &mut k.qkv[m * d..], 3 * d);
    }
    // Per (sample, head): P = causal softmax(q kᵀ/√d_h), o = P v.
    for s in 0..b {
        for h in 0..nh {
            let pr = &mut k.probs[(s * nh + h) * t * t..(s * nh + h + 1) * t * t];
            head_forward(view(t, b, d, dh, s, h), &k.qkv, pr, &mut k.o, &mut k.heads);
        }
    }
    // r1 = e + o W_ao + b_ao
    k.r1.copy_from_slice(&k.e);
    add_rows(&mut k.r1, d, &p[at.b_ao.clone()]);
    gemm_nn(n, d, d, &k.o, d, &p[at.w_ao.clone()], d, &mut k.r1, d);
    // r2 = r1 + relu(LN2(r1) W_1 + b_1) W_2 + b_2
    let (g2, b2) = (&p[at.ln2.0.clone()], &p[at.ln2.1.clone()]);
    layer_norm(&k.r1, d, g2, b2, &mut k.n2, &mut k.rstd2, &mut k.f);
    fill_rows(&mut k.z, nf, &p[at.b_1.clone()]);
    gemm_nn(n, d, nf, &k.f, d, &p[at.w_1.clone()], nf, &mut k.z, nf);
    k.z.iter_mut().for_each(|v| *v = v.max(T::zero()));
    k.r2.copy_from_slice(&k.r1);
    add_rows(&mut k.r2, d, &p[at.b_2.clone()]);
    gemm_nn(n, nf, d, &k.z, nf, &p[at.w_2.clone()], d, &mut k.r2, d);
    // y = LN_f(r2) W_o + b_o on the rows the head reads.
    let rows = head_rows(c.readout, t, b);
    let (gf, bf) = (&p[at.ln_f.0.clone()], &p[at.ln_f.1.clone()]);
    let top = &k.r2[rows.start * d..rows.end * d];
    layer_norm(top, d, gf, bf, &mut k.nf, &mut k.rstdf, &mut k.g);
    fill_rows(&mut k.y, o, &p[at.b_head.clone()]);
    gemm_nn(
        rows.len(),
        d,
        o,
        &k.g,
        d,
        &p[at.w_head.clone()],
        o,
        &mut k.y,
        o,
    );
}

/// `out (n, d) += bias` on every row.
fn add_rows<T: Real>(out: &mut [T], d: usize, bias: &[T]) {
    for row in out.chunks_exact_mut(d) {
        row.iter_mut().zip(bias).for_each(|(v, &b)| *v = *v + b);
    }
}

/// Two disjoint mutable blocks of `v`, `r1` before `r2`.
fn pair_mut<T>(
    v: &mut [T],
    r1: std::ops::Range<usize>,
    r2: std::ops::Range<usize>,
) -> (&mut [T], &mut [T]) {
    let (lo, hi) = v.split_at_mut(r2.start);
    (&mut lo[r1], &mut hi[..r2.len()])
}

/// Computes dL/dθ into `cache.grads` (overwritten) from dL/dy in `cache.dy`, and dL/dx into
/// `cache.dx` with [`InputGrad::Want`]. `cache` must hold the forward of the same parameters.
pub fn backward<T: Real>(
    model: &Attention<T>,
    cache: &mut AttentionCache<T>,
    input_grad: InputGrad,
) {
    let (c, at, p) = (&model.config, &model.at, &model.params);
    let k = &mut *cache;
    let (t, b) = (k.t, k.b);
    let (ni, d, nf, o, nh, dh) = (c.input, c.d_model, c.ffn, c.output, c.heads, c.head_dim());
    let n = t * b;
    let gr = &mut k.grads;
    gr.fill(T::zero());
    // Head: dW_o += gᵀ dy, db_o += Σ dy, dg = dy W_oᵀ; then through LN_f into dL/dr2.
    let rows = head_rows(c.readout, t, b);
    gemm_tn(
        rows.len(),
        d,
        o,
        &k.g,
        d,
        &k.dy,
        o,
        &mut gr[at.w_head.clone()],
        o,
    );
    add_col_sums(&mut gr[at.b_head.clone()], &k.dy, o);
    k.dg.fill(T::zero());
    gemm_nt(
        rows.len(),
        d,
        o,
        &k.dy,
        o,
        &p[at.w_head.clone()],
        o,
        &mut k.dg,
        d,
    );
    k.d_stream.fill(T::zero());
    let (dgf, dbf) = pair_mut(gr, at.ln_f.0.clone(), at.ln_f.1.clone());
    let top = &mut k.d_stream[rows.start * d..rows.end * d];
    layer_norm_backward(
        &k.dg,
        d,
        &p[at.ln_f.0.clone()],
        &k.nf,
        &k.rstdf,
        dgf,
        dbf,
        top,
    );
    // Feed-forward: dW_2 += zᵀ dr2, dz = dr2 W_2ᵀ ⊙ 1[z > 0], dW_1 += fᵀ dz, df = dz W_1ᵀ.
    gemm_tn(
        n,
        nf,
        d,
        &k.z,
        nf,
        &k.d_stream,
        d,
        &mut gr[at.w_2.clone()],
        d,
    );
    add_col_sums(&mut gr[at.b_2.clone()], &k.d_stream, d);
    k.d_wide.fill(T::zero());
    gemm_nt(
        n,
        nf,
        d,
        &k.d_stream,
        d,
        &p[at.w_2.clone()],
        d,
        &mut k.d_wide,
        nf,
    );
    for (g, &zv) in k.d_wide.iter_mut().zip(&k.z) {
        if zv <= T::zero() {
            *g = T::zero();
        }
    }
    gemm_tn(
        n,
        d,
        nf,
        &k.f,
        d,
        &k.d_wide,
        nf,
        &mut gr[at.w_1.clone()],
        nf,
    );
    add_col_sums(&mut gr[at.b_1.clone()], &k.d_wide, nf);
    k.d_tmp.fill(T::zero());
    gemm_nt(
        n,
        d,
        nf,
        &k.d_wide,
        nf,
        &p[at.w_1.clone()],
        nf,
        &mut k.d_tmp,
        d,
    );
    // dr1 = dr2 + LN2ᵀ(df)
    let (dg2, db2) = pair_mut(gr, at.ln2.0.clone(), at.ln2.1.clone());
    let g2 = &p[at.ln2.0.clone()];
    layer_norm_backward(&k.d_tmp, d, g2, &k.n2, &k.rstd2, dg2, db2, &mut k.d_stream);
    // Attention output: dW_ao += oᵀ dr1, d_o = dr1 W_aoᵀ, then every (sample, head).
    gemm_tn(
        n,
        d,
        d,
        &k.o,
        d,
        &k.d_stream,
        d,
        &mut gr[at.w_ao.clone()],
        d,
    );
    add_col_sums(&mut gr[at.b_ao.clone()], &k.d_stream, d);
    k.d_tmp.fill(T::zero());
    gemm_nt(
        n,
        d,
        d,
        &k.d_stream,
        d,
        &p[at.w_ao.clone()],
        d,
        &mut k.d_tmp,
        d,
    );
    k.dqkv.fill(T::zero());
    for s in 0..b {
        for h in 0..nh {
            let pr = &k.probs[(s * nh + h) * t * t..(s * nh + h + 1) * t * t];
            let hv = view(t, b, d, dh, s, h);
            head_backward(
                hv,
                &k.qkv,
                pr,
                &k.d_tmp,
                &mut k.dqkv,
                &mut k.drow,
                &mut k.heads,
            );
        }
    }
    // Projections: dW_m += aᵀ d[m], db_m += Σ d[m], da = Σ_m d[m] W_mᵀ (m = q, k, v).
    k.d_tmp.fill(T::zero());
    for m in 0..3 {
        let dm = &k.dqkv[m * d..];
        gemm_tn(n, d, d, &k.a, d, dm, 3 * d, &mut gr[at.w_qkv[m].clone()], d);
        let db = &mut gr[at.b_qkv[m].clone()];
        for row in k.dqkv.chunks_exact(3 * d) {
            add_col_sums(db, &row[m * d..(m + 1) * d], d);
        }
        gemm_nt(
            n,
            d,
            d,
            dm,
            3 * d,
            &p[at.w_qkv[m].clone()],
            d,
            &mut k.d_tmp,
            d,
        );
    }
    // de = dr1 + LN1ᵀ(da)
    let (dg1, db1) = pair_mut(gr, at.ln1.0.clone(), at.ln1.1.clone());
    let g1 = &p[at.ln1.0.clone()];
    layer_norm_backward(&k.d_tmp, d, g1, &k.n1, &k.rstd1, dg1, db1, &mut k.d_stream);
    // Positions (learned): dP_t += Σ_b de_{t,b}; input: dW_in += xᵀ de, dx = de W_inᵀ.
    if let Some(r) = &at.pos {
        let last = (r.len() / d).saturating_sub(1);
        for (s, rows) in k.d_stream.chunks_exact(b * d).enumerate() {
            let at_row = r.start + s.min(last) * d;
            add_col_sums(&mut gr[at_row..at_row + d], rows, d);
        }
    }
    gemm_tn(
        n,
        ni,
        d,
        &k.x,
        ni,
        &k.d_stream,
        d,
        &mut gr[at.w_in.clone()],
        d,
    );
    add_col_sums(&mut gr[at.b_in.clone()], &k.d_stream, d);
    if input_grad == InputGrad::Want {
        k.dx.fill(T::zero());
        gemm_nt(
            n,
            ni,
            d,
            &k.d_stream,
            d,
            &p[at.w_in.clone()],
            d,
            &mut k.dx,
            ni,
        );
    }
}
