//! The LSTM exactly as `torch.nn.LSTM` computes it (two biases, no peepholes). With row vectors:
//!
//! ```text
//! i_t = σ(x_t W_i + b_ii + h_{t−1} U_i + b_hi)        input gate
//! f_t = σ(x_t W_f + b_if + h_{t−1} U_f + b_hf)        forget gate
//! g_t = tanh(x_t W_g + b_ig + h_{t−1} U_g + b_hg)     cell candidate
//! o_t = σ(x_t W_o + b_io + h_{t−1} U_o + b_ho)        output gate
//! c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
//! h_t = o_t ⊙ tanh(c_t)
//! ```
//!
//! `W_i = W_iiᵀ`, `U_i = W_hiᵀ` etc.: the blocks are the transposes of PyTorch's
//! `weight_ih_l0` / `weight_hh_l0`, in PyTorch's own gate order `[i f g o]`.
//!
//! The state is `s = [h, c]` (`S = 2H`, `h` first). The recurrent-dropout mask acts on
//! `h_{t−1}` entering `U` only; `c_{t−1}` is never masked. The one-step Jacobian is the full
//! `(2H, 2H)` map of `[h; c]`; its additive part is `diag(f_t)` on the `c → c` block (and
//! nothing on `h`).
//!
//! Surgery ([`Surgery`]): `forget: Fixed(c)` holds `f = c` (then `∂c_t/∂c_{t−1} = c·I`);
//! `forget_bias` `b` starts `b_if = b`, `b_hf = 0`.
//!
//! Blocks: `W (I, 4H)` = `[W_i W_f W_g W_o]`, `U (H, 4H)` = `[U_i U_f U_g U_o]`,
//! `b_i (4H)` = `[b_ii b_if b_ig b_io]`, `b_h (4H)` = `[b_hi b_hf b_hg b_ho]`.
//! Cache row `(5H)`: `[i, f, g, o, tanh(c_t)]`.

use super::step::{add_masked_grad, affine_backward, masked_h, Mat};
use super::{Cell, CellShape, StepGrad, Surgery};
use crate::kernels::gemm_nn;
use crate::params::{split, split_mut, BlockRole, BlockSpec};
use crate::real::sigmoid;
use crate::Real;

/// `torch.nn.LSTM` cell with input size `input` and hidden size `hidden`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lstm {
    /// Input size `I`.
    pub input: usize,
    /// Hidden size `H`.
    pub hidden: usize,
    /// Gate surgery (`forget`, `forget_bias`; none by default).
    pub surgery: Surgery,
}

impl Lstm {
    /// An LSTM cell `I → H` (state `[h, c]` of size `2H`).
    pub fn new(input: usize, hidden: usize) -> Self {
        Self {
            input,
            hidden,
            surgery: Surgery::default(),
        }
    }
    /// The same cell with `surgery` applied.
    pub fn with_surgery(self, surgery: Surgery) -> Self {
        Self { surgery, ..self }
    }
    /// The parameter blocks `[W, U, b_i, b_h]`: the cell's one statement of its layout.
    fn specs(&self) -> [BlockSpec; 4] {
        let (i, h) = (self.input, self.hidden);
        [
            BlockSpec::new("W", i, 4 * h, BlockRole::Input),
            BlockSpec::new("U", h, 4 * h, BlockRole::Recurrent),
            BlockSpec::new("b_i", 4 * h, 1, BlockRole::Bias),
            BlockSpec::new("b_h", 4 * h, 1, BlockRole::Bias),
        ]
    }
}

impl CellShape for Lstm {
    fn input_size(&self) -> usize {
        self.input
    }
    fn hidden_size(&self) -> usize {
        self.hidden
    }
    fn state_size(&self) -> usize {
        2 * self.hidden
    }
    fn cache_size(&self) -> usize {
        5 * self.hidden
    }
    fn scratch_size(&self) -> usize {
        6 * self.hidden
    }
    fn blocks(&self) -> Vec<BlockSpec> {
        self.specs().to_vec()
    }
    fn gate_names(&self) -> &'static [&'static str] {
        &["i", "f", "g", "o"]
    }
}

impl<T: Real> Cell<T> for Lstm {
    fn forward(
        &self,
        p: &[T],
        b: usize,
        x: &[T],
        s_prev: &[T],
        mask: Option<&[T]>,
        s: &mut [T],
        cache: &mut [T],
        scratch: &mut [T],
    ) {
        let (ni, h) = (self.input, self.hidden);
        let (h2, h4, h5) = (2 * h, 4 * h, 5 * h);
        let [w, u, b_i, b_h] = split(p, &self.specs());
        let fgt = self.surgery.forget;
        let (pre, rest) = scratch.split_at_mut(b * h4); // (B, 4H) pre-activations
        let (hm, hld) = masked_h(s_prev, h2, h, b, mask, rest);
        for row in 0..b {
            for (k, v) in pre[row * h4..(row + 1) * h4].iter_mut().enumerate() {
                *v = b_i[k] + b_h[k];
            }
        }
        gemm_nn(b, ni, h4, x, ni, w, h4, pre, h4); // + x W
        gemm_nn(b, h, h4, hm, hld, u, h4, pre, h4); // + hm U
        for row in 0..b {
            let pr = &pre[row * h4..(row + 1) * h4];
            let c = &mut cache[row * h5..(row + 1) * h5];
            let (sp, st) = (
                &s_prev[row * h2..(row + 1) * h2],
                &mut s[row * h2..(row + 1) * h2],
            );
            for j in 0..h {
                let ig = sigmoid(pr[j]);
                let f = fgt.value(pr[h + j]); // σ(pre_f), or held
                let g = pr[2 * h + j].tanh();
                let o = sigmoid(pr[3 * h + j]);
                let cn = f * sp[h + j] + ig * g; // c_t = f c_{t−1} + i g
                let tc = cn.tanh();
                c[j] = ig;
                c[h + j] = f;
                c[2 * h + j] = g;
                c[3 * h + j] = o;
                c[4 * h + j] = tc;
                st[j] = o * tc; // h_t = o tanh(c_t)
                st[h + j] = cn;
            }
        }
    }

    fn backward(
        &self,
        p: &[T],
        b: usize,
        x: &[T],
        s_prev: &[T],
        mask: Option<&[T]>,
        cache: &[T],
        g: StepGrad<'_, T>,
        scratch: &mut [T],
    ) {
        let (ni, h) = (self.input, self.hidden);
        let (h2, h4, h5) = (2 * h, 4 * h, 5 * h);
        let specs = self.specs();
        let [w, u, _, _] = split(p, &specs);
        let StepGrad {
            ds,
            dp,
            dx,
            ds_prev,
        } = g;
        let [dw, du, db_i, db_h] = split_mut(dp, &specs);
        let fgt = self.surgery.forget;
        let (dpre, rest) = scratch.split_at_mut(b * h4); // dL/dpre (B, 4H)
        let (dhm, rest) = rest.split_at_mut(b * h); // dL/dhm (B, H)
        let (hm, hld) = masked_h(s_prev, h2, h, b, mask, rest);
        for row in 0..b {
            let c = &cache[row * h5..(row + 1) * h5];
            let d = &mut dpre[row * h4..(row + 1) * h4];
            let (sp, dsr) = (
                &s_prev[row * h2..(row + 1) * h2],
                &ds[row * h2..(row + 1) * h2],
            );
            let dsp = &mut ds_prev[row * h2..(row + 1) * h2];
            for j in 0..h {
                let (ig, f, gg, o, tc) = (c[j], c[h + j], c[2 * h + j], c[3 * h + j], c[4 * h + j]);
                let dh = dsr[j];
                let dc = dsr[h + j] + dh * o * (T::one() - tc * tc); // dL/dc_t, total
                d[j] = dc * gg * ig * (T::one() - ig); // dL/dpre_i
                d[h + j] = dc * sp[h + j] * fgt.slope(f); // dL/dpre_f
                d[2 * h + j] = dc * ig * (T::one() - gg * gg); // dL/dpre_g
                d[3 * h + j] = dh * tc * o * (T::one() - o); // dL/dpre_o
                dsp[h + j] = dsp[h + j] + dc * f; // additive path c_{t−1} → c_t
            }
        }
        // pre += hm U + b_h: dU += hmᵀ dpre, db_h += Σ dpre, dhm = dpre Uᵀ.
        dhm.fill(T::zero());
        let hmv = Mat::new(hm, b, h, hld);
        affine_backward(hmv, Mat::new(dpre, b, h4, h4), u, du, Some(db_h), Some(dhm));
        add_masked_grad(ds_prev, h2, dhm, h, mask);
        // pre += x W + b_i: dW += xᵀ dpre, db_i += Σ dpre, dx += dpre Wᵀ.
        affine_backward(
            Mat::new(x, b, ni, ni),
            Mat::new(dpre, b, h4, h4),
            w,
            dw,
            Some(db_i),
            dx,
        );
    }

    fn jacobian(
        &self,
        p: &[T],
        _x: &[T],
        s_prev: &[T],
        mask: Option<&[T]>,
        cache: &[T],
        out: &mut [T],
        _scratch: &mut [T],
    ) {
        let h = self.hidden;
        let (h2, h4) = (2 * h, 4 * h);
        let [_, u, _, _] = split(p, &self.specs());
        let fgt = self.surgery.forget;
        let m = |j: usize| mask.map_or(T::one(), |m| m[j]);
        // Rows 0..H are h_t, H..2H are c_t; columns likewise for h_{t−1}, c_{t−1}.
        for i in 0..h {
            let (ig, f, g, o, tc) = (
                cache[i],
                cache[h + i],
                cache[2 * h + i],
                cache[3 * h + i],
                cache[4 * h + i],
            );
            let ci = g * ig * (T::one() - ig); // ∂c_i/∂pre_i_i
            let cf = s_prev[h + i] * fgt.slope(f); // ∂c_i/∂pre_f_i
            let cg = ig * (T::one() - g * g); // ∂c_i/∂pre_g_i
            let ho = tc * o * (T::one() - o); // ∂h_i/∂pre_o_i
            let hc = o * (T::one() - tc * tc); // ∂h_i/∂c_i
            for j in 0..h {
                let uj = &u[j * h4..(j + 1) * h4];
                let dc_dh = m(j) * (ci * uj[i] + cf * uj[h + i] + cg * uj[2 * h + i]);
                let diag = i == j;
                out[i * h2 + j] = m(j) * ho * uj[3 * h + i] + hc * dc_dh; // ∂h_i/∂h_j
                out[i * h2 + h + j] = if diag { hc * f } else { T::zero() }; // ∂h_i/∂c_j
                out[(h + i) * h2 + j] = dc_dh; // ∂c_i/∂h_j
                out[(h + i) * h2 + h + j] = if diag { f } else { T::zero() }; // ∂c_i/∂c_j
            }
        }
    }

    fn additive_diag(&self, cache: &[T], out: &mut [T]) -> bool {
        let h = self.hidden;
        out[..h].fill(T::zero());
        out[h..2 * h].copy_from_slice(&cache[h..2 * h]); // f
        true
    }

    fn init_gate_biases(&self, p: &mut [T]) {
        let h = self.hidden;
        let [_, _, b_i, b_h] = split_mut(p, &self.specs());
        if let Some(bf) = self.surgery.forget_bias {
            b_i[h..2 * h].fill(T::of(bf)); // b_if; f = σ(… + b_if + b_hf)
            b_h[h..2 * h].fill(T::zero()); // b_hf
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::check;

    /// `torch.nn.LSTM` written out literally with PyTorch's `[4H][I]` matrices, one sample.
    /// Returns `(h', c', [i, f, g, o])`.
    fn reference(
        c: &Lstm,
        p: &[f64],
        x: &[f64],
        sp: &[f64],
        m: &[f64],
    ) -> (Vec<f64>, Vec<f64>, [Vec<f64>; 4]) {
        let (ni, h) = (c.input, c.hidden);
        let [ow, ou, obi, obh] = check::offsets(c);
        let w_ih = |row: usize, k: usize| p[ow + k * 4 * h + row]; // weight_ih[row][k]
        let w_hh = |row: usize, k: usize| p[ou + k * 4 * h + row]; // weight_hh[row][k]
        let (hp, cp) = (&sp[..h], &sp[h..]);
        let pre = |gate: usize, i: usize| {
            let row = gate * h + i;
            (0..ni).map(|k| w_ih(row, k) * x[k]).sum::<f64>()
                + p[obi + row]
                + (0..h).map(|k| w_hh(row, k) * hp[k] * m[k]).sum::<f64>()
                + p[obh + row]
        };
        let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
        let ig: Vec<f64> = (0..h).map(|i| sig(pre(0, i))).collect();
        let f: Vec<f64> = (0..h).map(|i| sig(pre(1, i))).collect();
        let g: Vec<f64> = (0..h).map(|i| pre(2, i).tanh()).collect();
        let o: Vec<f64> = (0..h).map(|i| sig(pre(3, i))).collect();
        let cn: Vec<f64> = (0..h).map(|i| f[i] * cp[i] + ig[i] * g[i]).collect();
        let hn: Vec<f64> = (0..h).map(|i| o[i] * cn[i].tanh()).collect();
        (hn, cn, [ig, f, g, o])
    }

    #[test]
    fn backward_matches_finite_differences() {
        let cell = Lstm::new(2, 3);
        check::check_backward(&cell, false);
        check::check_backward(&cell, true);
    }

    #[test]
    fn jacobian_matches_finite_differences() {
        let cell = Lstm::new(2, 3);
        check::check_jacobian(&cell, false);
        check::check_jacobian(&cell, true);
    }

    #[test]
    fn forward_is_torch_nn_lstm() {
        let cell = Lstm::new(2, 3);
        for masked in [false, true] {
            let p = check::params(&cell);
            let case = check::case(&cell, 3, masked);
            let (s, cache) = check::run_forward(&cell, &p, &case);
            for row in 0..3 {
                let ones = [1.0; 3];
                let m = case
                    .mask
                    .as_ref()
                    .map_or(&ones[..], |m| &m[row * 3..row * 3 + 3]);
                let (hn, cn, gates) = reference(
                    &cell,
                    &p,
                    &case.x[row * 2..row * 2 + 2],
                    &case.s_prev[row * 6..row * 6 + 6],
                    m,
                );
                let c = &cache[row * 15..row * 15 + 15];
                for j in 0..3 {
                    check::close(s[row * 6 + j], hn[j], "h'");
                    check::close(s[row * 6 + 3 + j], cn[j], "c'");
                    for (k, gate) in gates.iter().enumerate() {
                        check::close(c[k * 3 + j], gate[j], cell.gate_names()[k]);
                    }
                    check::close(c[12 + j], cn[j].tanh(), "tanh(c')");
                }
            }
        }
    }

    #[test]
    fn with_zero_weights_all_sigmoid_gates_are_half_and_c_halves() {
        let cell = Lstm::new(2, 3);
        let p = vec![0.0; check::param_len(&cell)];
        let case = check::case(&cell, 3, false);
        let (s, _) = check::run_forward(&cell, &p, &case);
        for row in 0..3 {
            for j in 0..3 {
                let c = case.s_prev[row * 6 + 3 + j];
                assert!((s[row * 6 + 3 + j] - 0.5 * c).abs() < 1e-15);
                assert!((s[row * 6 + j] - 0.5 * (0.5 * c).tanh()).abs() < 1e-15);
            }
        }
    }

    #[test]
    fn additive_diag_is_zero_on_h_and_f_on_c_and_is_the_c_to_c_block() {
        let cell = Lstm::new(2, 3);
        let p = check::params(&cell);
        let case = check::case(&cell, 1, true);
        let (_, cache) = check::run_forward(&cell, &p, &case);
        let mut diag = [f64::NAN; 6];
        assert!(cell.additive_diag(&cache, &mut diag));
        assert_eq!(&diag[..3], &[0.0; 3]);
        assert_eq!(&diag[3..], &cache[3..6]);
        let jac = check::jacobian_of(&cell, &p, &case.x, &case.s_prev, case.mask.as_deref());
        for i in 0..3 {
            for j in 0..3 {
                let want = if i == j { diag[3 + i] } else { 0.0 };
                assert_eq!(jac[(3 + i) * 6 + 3 + j], want, "dc/dc[{i}][{j}]");
            }
        }
    }

    #[test]
    fn a_dropped_unit_does_not_reach_u_but_its_c_still_flows() {
        let cell = Lstm::new(2, 3);
        let p = check::params(&cell);
        let case = check::case(&cell, 1, false);
        let mask = [0.0, 1.0, 1.0];
        let jac = check::jacobian_of(&cell, &p, &case.x, &case.s_prev, Some(&mask));
        for i in 0..6 {
            assert_eq!(jac[i * 6], 0.0, "J[{i}][h_0] with h_0 dropped");
        }
        assert!(jac[3 * 6 + 3] > 0.0, "c_0 → c_0 is f, never masked");
    }

    fn with(s: Surgery) -> Lstm {
        Lstm::new(2, 3).with_surgery(s)
    }

    #[test]
    fn every_surgery_keeps_gradients_and_jacobians_exact() {
        check::check_under_surgeries(with, &check::lstm_surgeries());
    }

    #[test]
    fn a_fixed_forget_gate_is_reported_and_sets_the_c_to_c_block() {
        use crate::cell::GateMode;
        let p = check::params(&with(Surgery::default()));
        let case = check::case(&with(Surgery::default()), 1, true);
        let mask = case.mask.as_deref();
        for c in [0.0, 0.6, 1.0] {
            let cell = with(Surgery {
                forget: GateMode::Fixed(c),
                ..Surgery::default()
            });
            let (s, cache) = check::run_forward(&cell, &p, &case);
            let jac = check::jacobian_of(&cell, &p, &case.x, &case.s_prev, mask);
            for j in 0..3 {
                assert_eq!(cache[3 + j], c, "reported f");
                let ig = cache[j] * cache[6 + j]; // i ⊙ g
                check::close(s[3 + j], c * case.s_prev[3 + j] + ig, "c' = f c + i g");
                for k in 0..3 {
                    let want = if j == k { c } else { 0.0 };
                    assert_eq!(jac[(3 + j) * 6 + 3 + k], want, "∂c_{j}/∂c_{k} with f = {c}");
                }
            }
        }
        let held = Surgery {
            forget: GateMode::Fixed(1.0),
            ..Surgery::default()
        };
        // Blocks W, U, b_i, b_h, each [i f g o]: f is slot 1.
        check::check_held_gate_gets_no_gradient(with, held, &[0, 1, 2, 3], 1);
    }
}
