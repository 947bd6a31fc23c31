//! Tests of [`super::Lstm`]: finite differences, references, surgery.

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
