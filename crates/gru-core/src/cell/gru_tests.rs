//! Tests of [`super::Gru`]: finite differences, references, surgery.

use super::*;
use crate::cell::check;

/// One unit, one input, derived by hand (burn style). With `x = 1`, `h₀ = 0.5`,
/// `W = [w_z w_r w_h] = [0.5, −0.5, 1]`, `U_z = U_r = 0`, `U_h = 1`, `b = 0` and `L = h₁`:
///
/// ```text
/// z = σ(0.5),  r = σ(−0.5),  h̃ = tanh(1 + r·0.5),  h₁ = (1 − z)·0.5 + z·h̃
/// ∂L/∂h₀  = (1 − z) + z(1 − h̃²)·r            (U_z = U_r = 0 remove the gate paths)
/// ∂L/∂w_z = (h̃ − h₀)·z(1 − z)·x
/// ∂L/∂w_h = z(1 − h̃²)·x,   ∂L/∂U_h = z(1 − h̃²)·r·h₀
/// ∂L/∂w_r = z(1 − h̃²)·U_h·h₀·r(1 − r)·x,   ∂L/∂U_r = ∂L/∂w_r · h₀
/// ```
#[test]
fn one_unit_case_matches_the_hand_derivation() {
    let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
    let (x, h0) = (1.0f64, 0.5f64);
    let (z, r) = (sig(0.5), sig(-0.5));
    let ht = (1.0 + r * 0.5f64).tanh();
    let h1 = (1.0 - z) * h0 + z * ht;
    let cell = Gru::new(1, 1);
    // Blocks: W (1,3) = [w_z w_r w_h], U_zr (1,2) = [U_z U_r], U_h (1,1), b (3).
    let p = [0.5, -0.5, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0];
    let (mut s, mut cache, mut scratch) = ([0.0], [0.0; 4], [0.0; 6]);
    let a = StepIn {
        p: &p,
        b: 1,
        x: &[x],
        s_prev: &[h0],
        mask: None,
    };
    let out = StepOut {
        s: &mut s,
        cache: &mut cache,
        scratch: &mut scratch,
    };
    cell.forward(a, out);
    assert!((s[0] - h1).abs() < 1e-15, "h₁ = {} vs {h1}", s[0]);
    for (c, w) in cache[..3].iter().zip([z, r, ht]) {
        assert!(
            (c - w).abs() < 1e-15,
            "gates {:?} vs [{z}, {r}, {ht}]",
            &cache[..3]
        );
    }
    let (mut dp, mut dx, mut dh0) = ([0.0; 9], [0.0], [0.0]);
    let g = StepGrad {
        ds: &[1.0],
        dp: &mut dp,
        dx: Some(&mut dx),
        ds_prev: &mut dh0,
        wt: &p[..6], // [Wᵀ (3, 1), U_zrᵀ (2, 1), U_hᵀ (1, 1)]: with I = H = 1, W's and U's values
    };
    cell.backward(a, &cache, g, &mut [0.0; 6]);
    let gh = z * (1.0 - ht * ht);
    let want_dr = gh * 1.0 * h0 * r * (1.0 - r) * x;
    let want = [
        ("w_z", dp[0], (ht - h0) * z * (1.0 - z) * x),
        ("w_r", dp[1], want_dr),
        ("w_h", dp[2], gh * x),
        ("U_z", dp[3], (ht - h0) * z * (1.0 - z) * h0),
        ("U_r", dp[4], want_dr * h0),
        ("U_h", dp[5], gh * r * h0),
        ("b_z", dp[6], (ht - h0) * z * (1.0 - z)),
        ("dh0", dh0[0], (1.0 - z) + gh * r),
    ];
    for (name, got, w) in want {
        assert!((got - w).abs() < 1e-15, "{name}: {got} vs hand-derived {w}");
    }
}

#[test]
fn backward_matches_finite_differences() {
    let cell = Gru::new(2, 3);
    check::check_backward(&cell, false);
    check::check_backward(&cell, true);
}

#[test]
fn jacobian_matches_finite_differences() {
    let cell = Gru::new(2, 3);
    check::check_jacobian(&cell, false);
    check::check_jacobian(&cell, true);
}

#[test]
fn additive_diag_is_one_minus_z_and_the_whole_jacobian_without_recurrence() {
    let cell = Gru::new(2, 3);
    let p = check::params(&cell);
    let case = check::case(&cell, 1, false);
    let (_, cache) = check::run_forward(&cell, &p, &case);
    let mut diag = [f64::NAN; 3];
    assert!(cell.additive_diag(&cache, &mut diag));
    for j in 0..3 {
        assert_eq!(diag[j], 1.0 - cache[j]);
    }
    check::check_additive_is_jacobian_without_recurrence(&cell, &p);
}

fn with(s: Surgery) -> Gru {
    Gru::new(2, 3).with_surgery(s)
}

#[test]
fn every_surgery_keeps_gradients_and_jacobians_exact() {
    check::check_under_surgeries(with, &check::gru_surgeries());
}

#[test]
fn surgery_means_what_it_says() {
    check::check_gru_surgery_meaning(with);
}

#[test]
fn a_held_gate_gets_no_gradient() {
    use crate::cell::{Carry, GateMode};
    let s = Surgery::default();
    // Blocks W [z r h̃], U_zr [z r], b [z r h̃]: z is slot 0, r slot 1 of blocks 0, 1, 3.
    let z_held = Surgery {
        update: GateMode::Fixed(0.3),
        ..s
    };
    check::check_held_gate_gets_no_gradient(with, z_held, &[0, 1, 3], 0);
    let cut = Surgery {
        carry: Carry::Cut,
        ..s
    };
    check::check_held_gate_gets_no_gradient(with, cut, &[0, 1, 3], 0);
    let r_held = Surgery {
        reset: GateMode::Fixed(1.0),
        ..s
    };
    check::check_held_gate_gets_no_gradient(with, r_held, &[0, 1, 3], 1);
}

#[test]
fn the_three_jacobian_terms_sum_to_the_exact_jacobian_and_mean_what_they_say() {
    check::check_gru_terms(with, |cell: &Gru, p, sp, m, cache, out| {
        cell.jacobian_terms(p, sp, m, cache, out, &mut [f64::NAN; 2 * 3 * 3])
    });
}
