//! Tests of [`super::GruTorch`]: finite differences, references, surgery.

use super::*;
use crate::cell::check;

/// `torch.nn.GRU` written out literally with PyTorch's `[H][I]` matrices, one sample.
/// Returns `(h', z', r, n)`.
fn reference(
    c: &GruTorch,
    p: &[f64],
    x: &[f64],
    hp: &[f64],
    m: &[f64],
) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let (ni, h) = (c.input, c.hidden);
    let [ow, ou, obi, obh] = check::offsets(c);
    // PyTorch weight_ih[g*H + i][k] = W[k][g*H + i], weight_hh likewise.
    let w_ih = |gate: usize, i: usize, k: usize| p[ow + k * 3 * h + gate * h + i];
    let w_hh = |gate: usize, i: usize, k: usize| p[ou + k * 3 * h + gate * h + i];
    let b_ih = |gate: usize, i: usize| p[obi + gate * h + i];
    let b_hh = |gate: usize, i: usize| p[obh + gate * h + i];
    let hm: Vec<f64> = (0..h).map(|k| hp[k] * m[k]).collect();
    let gi = |gate: usize, i: usize| {
        (0..ni).map(|k| w_ih(gate, i, k) * x[k]).sum::<f64>() + b_ih(gate, i)
    };
    let gh = |gate: usize, i: usize| {
        (0..h).map(|k| w_hh(gate, i, k) * hm[k]).sum::<f64>() + b_hh(gate, i)
    };
    let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
    let r: Vec<f64> = (0..h).map(|i| sig(gi(0, i) + gh(0, i))).collect();
    let zt: Vec<f64> = (0..h).map(|i| sig(gi(1, i) + gh(1, i))).collect();
    let n: Vec<f64> = (0..h)
        .map(|i| (gi(2, i) + r[i] * gh(2, i)).tanh())
        .collect();
    let hn: Vec<f64> = (0..h)
        .map(|i| (1.0 - zt[i]) * n[i] + zt[i] * hp[i])
        .collect();
    (hn, zt, r, n)
}

#[test]
fn backward_matches_finite_differences() {
    let cell = GruTorch::new(2, 3);
    check::check_backward(&cell, false);
    check::check_backward(&cell, true);
}

#[test]
fn jacobian_matches_finite_differences() {
    let cell = GruTorch::new(2, 3);
    check::check_jacobian(&cell, false);
    check::check_jacobian(&cell, true);
}

#[test]
fn forward_is_torch_nn_gru_and_reports_app_gates() {
    let cell = GruTorch::new(2, 3);
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
            let (hn, zt, r, n) = reference(
                &cell,
                &p,
                &case.x[row * 2..row * 2 + 2],
                &case.s_prev[row * 3..row * 3 + 3],
                m,
            );
            let c = &cache[row * 12..row * 12 + 12];
            for j in 0..3 {
                check::close(s[row * 3 + j], hn[j], "h'");
                check::close(c[j], 1.0 - zt[j], "z = 1 − z'");
                check::close(c[3 + j], r[j], "r");
                check::close(c[6 + j], n[j], "h_tilde = n");
            }
        }
    }
}

#[test]
fn with_zero_weights_h_is_half_n_plus_half_h_and_reset_multiplies_b_hn() {
    let cell = GruTorch::new(2, 3);
    let mut p = vec![0.0; check::param_len(&cell)];
    let [_, _, obi, obh] = check::offsets(&cell);
    let (b_in, b_hn) = (0.3, -0.8);
    for j in 0..3 {
        p[obi + 6 + j] = b_in;
        p[obh + 6 + j] = b_hn;
    }
    let case = check::case(&cell, 3, false);
    let (s, cache) = check::run_forward(&cell, &p, &case);
    let n = (b_in + 0.5 * b_hn).tanh(); // r = 0.5 scales b_hn, not b_in
    for row in 0..3 {
        for j in 0..3 {
            let hp = case.s_prev[row * 3 + j];
            assert!((s[row * 3 + j] - (0.5 * n + 0.5 * hp)).abs() < 1e-15);
            let c = &cache[row * 12..];
            assert_eq!((c[j], c[3 + j]), (0.5, 0.5));
            assert!((c[6 + j] - n).abs() < 1e-15);
            assert!((c[9 + j] - b_hn).abs() < 1e-15);
        }
    }
}

#[test]
fn cached_z_is_one_minus_torch_z_and_the_additive_diagonal_is_torch_z() {
    let cell = GruTorch::new(2, 3);
    let mut p = vec![0.0; check::param_len(&cell)];
    let [_, _, obi, _] = check::offsets(&cell);
    for j in 0..3 {
        p[obi + 3 + j] = 2.0; // b_iz: z' = σ(2) ≈ 0.88, the old state dominates
    }
    let case = check::case(&cell, 1, false);
    let (s, cache) = check::run_forward(&cell, &p, &case);
    let zt = 1.0 / (1.0 + (-2.0f64).exp());
    let mut diag = [0.0; 3];
    assert!(cell.additive_diag(&cache, &mut diag));
    for j in 0..3 {
        assert!((cache[j] - (1.0 - zt)).abs() < 1e-15);
        assert!((diag[j] - zt).abs() < 1e-15);
        // n = tanh(0) = 0, so h' = z' h.
        assert!((s[j] - zt * case.s_prev[j]).abs() < 1e-15);
    }
    check::check_additive_is_jacobian_without_recurrence(&cell, &check::params(&cell));
}

fn with(s: Surgery) -> GruTorch {
    GruTorch::new(2, 3).with_surgery(s)
}

#[test]
fn every_surgery_keeps_gradients_and_jacobians_exact() {
    check::check_under_surgeries(with, &check::gru_surgeries());
}

#[test]
fn surgery_means_what_it_says_in_the_app_convention() {
    check::check_gru_surgery_meaning(with);
    // z held at 0.3 is z' = 0.7 in PyTorch's terms: h' = 0.3 n + 0.7 h.
    let p = check::params(&with(Surgery::default()));
    let case = check::case(&with(Surgery::default()), 1, false);
    let held = Surgery {
        update: GateMode::Fixed(0.3),
        ..Surgery::default()
    };
    let (s, cache) = check::run_forward(&with(held), &p, &case);
    for j in 0..3 {
        check::close(s[j], 0.3 * cache[6 + j] + 0.7 * case.s_prev[j], "h'");
    }
}

#[test]
fn a_held_gate_gets_no_gradient() {
    use crate::cell::Carry;
    let s = Surgery::default();
    // Blocks W, U, b_i, b_h, each [r z n]: r is slot 0, z (PyTorch's z') slot 1.
    let z_held = Surgery {
        update: GateMode::Fixed(0.3),
        ..s
    };
    check::check_held_gate_gets_no_gradient(with, z_held, &[0, 1, 2, 3], 1);
    let cut = Surgery {
        carry: Carry::Cut,
        ..s
    };
    check::check_held_gate_gets_no_gradient(with, cut, &[0, 1, 2, 3], 1);
    let r_held = Surgery {
        reset: GateMode::Fixed(1.0),
        ..s
    };
    check::check_held_gate_gets_no_gradient(with, r_held, &[0, 1, 2, 3], 0);
}

#[test]
fn the_three_jacobian_terms_sum_to_the_exact_jacobian_and_mean_what_they_say() {
    check::check_gru_terms(with, |cell: &GruTorch, p, sp, m, cache, out| {
        cell.jacobian_terms(p, sp, m, cache, out)
    });
}
