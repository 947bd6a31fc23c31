//! The surgery half of the cell test harness: the surgeries every cell is checked under, what
//! each must mean, zero gradient into a held gate, and the GRU's three Jacobian terms.

use super::{
    case, check_backward, check_jacobian, close, exact, forward_raw, jacobian_by_backward,
    jacobian_of, params, run_forward, EPS,
};
use crate::cell::{Carry, Cell, CellShape, GateMode, JacobianTerms, StepGrad, Surgery};
use crate::params::Layout;

/// Every GRU surgery the tests cover (app convention), none first.
pub(crate) fn gru_surgeries() -> Vec<Surgery> {
    let s = Surgery::default();
    vec![
        s,
        Surgery {
            update: GateMode::Fixed(0.0),
            ..s
        },
        Surgery {
            update: GateMode::Fixed(0.3),
            ..s
        },
        Surgery {
            update: GateMode::Fixed(1.0),
            ..s
        },
        Surgery {
            reset: GateMode::Fixed(1.0),
            ..s
        },
        Surgery {
            reset: GateMode::Fixed(0.4),
            ..s
        },
        Surgery {
            carry: Carry::Cut,
            ..s
        },
        Surgery {
            carry: Carry::Cut,
            reset: GateMode::Fixed(1.0),
            ..s
        },
        Surgery {
            update: GateMode::Fixed(0.7),
            reset: GateMode::Fixed(1.0),
            ..s
        },
        // LSTM-only and bias-only fields change nothing in a GRU step.
        Surgery {
            forget: GateMode::Fixed(0.5),
            update_bias: Some(2.0),
            ..s
        },
    ]
}

/// Every LSTM surgery the tests cover, none first.
pub(crate) fn lstm_surgeries() -> Vec<Surgery> {
    let s = Surgery::default();
    vec![
        s,
        Surgery {
            forget: GateMode::Fixed(0.0),
            ..s
        },
        Surgery {
            forget: GateMode::Fixed(0.6),
            ..s
        },
        Surgery {
            forget: GateMode::Fixed(1.0),
            ..s
        },
        // GRU-only fields change nothing in an LSTM step.
        Surgery {
            carry: Carry::Cut,
            reset: GateMode::Fixed(1.0),
            forget_bias: Some(1.0),
            ..s
        },
    ]
}

/// Finite-difference checks of `backward` and `jacobian` (masked and not) for the cell
/// `make(surgery)` under every surgery in `surgeries`.
pub(crate) fn check_under_surgeries<C: Cell<f64>>(
    make: impl Fn(Surgery) -> C,
    surgeries: &[Surgery],
) {
    for &s in surgeries {
        let cell = make(s);
        for masked in [false, true] {
            check_backward(&cell, masked);
            check_jacobian(&cell, masked);
        }
    }
}

/// What GRU surgery means, for either GRU (both cache `[z, r, h̃, …]` in the app's
/// convention): `z = 0` freezes `h` and makes `J = I`; `z = c` is reported and blends with
/// weight `c`; a cut carry is `h_t = h̃_t`, the same step as `z = 1`; a held `r` is reported.
pub(crate) fn check_gru_surgery_meaning<C: Cell<f64>>(make: impl Fn(Surgery) -> C) {
    let none = Surgery::default();
    let cell = make(none);
    let (h, p) = (cell.hidden_size(), params(&cell));
    let case = case(&cell, 3, true);
    let run = |s: Surgery| run_forward(&make(s), &p, &case);
    let fixed = |c: f64| Surgery {
        update: GateMode::Fixed(c),
        ..none
    };

    let (s0, _) = run(fixed(0.0));
    assert_eq!(s0, case.s_prev, "z = 0 must keep h_{{t−1}} exactly");
    let sp = &case.s_prev[..h];
    let mask = case.mask.as_ref().map(|m| &m[..h]);
    let jac = jacobian_of(
        &make(fixed(0.0)),
        &p,
        &case.x[..cell.input_size()],
        sp,
        mask,
    );
    for i in 0..h {
        for j in 0..h {
            assert_eq!(
                jac[i * h + j],
                f64::from(u8::from(i == j)),
                "z = 0: J[{i}][{j}]"
            );
        }
    }

    let (s3, c3) = run(fixed(0.3));
    for row in 0..3 {
        for j in 0..h {
            let c = &c3[row * cell.cache_size()..];
            assert_eq!(c[j], 0.3, "reported z");
            let want = 0.7 * case.s_prev[row * h + j] + 0.3 * c[2 * h + j];
            close(s3[row * h + j], want, "h = 0.7 h_prev + 0.3 h̃");
        }
    }

    let (s_cut, c_cut) = run(Surgery {
        carry: Carry::Cut,
        ..none
    });
    assert_eq!(
        run(fixed(1.0)),
        (s_cut.clone(), c_cut.clone()),
        "cut carry = z fixed at 1"
    );
    for row in 0..3 {
        let c = &c_cut[row * cell.cache_size()..];
        assert_eq!(
            &s_cut[row * h..(row + 1) * h],
            &c[2 * h..3 * h],
            "cut: h_t = h̃_t"
        );
        assert!(c[..h].iter().all(|&z| z == 1.0), "cut: reported z = 1");
    }

    let (_, c_r) = run(Surgery {
        reset: GateMode::Fixed(1.0),
        ..none
    });
    let (_, c_free) = run(none);
    for row in 0..3 {
        let (c, f) = (
            &c_r[row * cell.cache_size()..],
            &c_free[row * cell.cache_size()..],
        );
        assert!(
            c[h..2 * h].iter().all(|&r| r == 1.0),
            "r pinned at 1 is reported"
        );
        assert!(
            f[h..2 * h].iter().all(|&r| r < 1.0),
            "a learned r is below 1"
        );
        assert_ne!(&c[2 * h..3 * h], &f[2 * h..3 * h], "pinning r changes h̃");
    }
}

/// The gradient of the loss w.r.t. the parameters of `cell`, `B = 3`, masked.
pub(crate) fn param_grad<C: Cell<f64>>(cell: &C) -> Vec<f64> {
    let b = 3;
    let p = params(cell);
    let case = case(cell, b, true);
    let (_, cache) = run_forward(cell, &p, &case);
    let mut dp = vec![0.0; p.len()];
    let mut ds_prev = vec![0.0; case.s_prev.len()];
    let mut scratch = vec![f64::NAN; b * cell.scratch_size()];
    let wt = crate::cell::check::transposed(cell, &p);
    let g = StepGrad {
        ds: &case.g,
        dp: &mut dp,
        dx: None,
        ds_prev: &mut ds_prev,
        wt: &wt,
    };
    cell.backward(case.step_in(&p), &cache, g, &mut scratch);
    dp
}

/// The entries of `dp` that belong to gate slot `slot` (`H` columns of a matrix block, `H`
/// rows of a bias block) of the blocks `blocks` (indices into the cell's block list).
pub(crate) fn gate_grads<C: CellShape>(
    cell: &C,
    dp: &[f64],
    blocks: &[usize],
    slot: usize,
) -> Vec<f64> {
    let h = cell.hidden_size();
    let mut layout = Layout::default();
    layout.push("", &cell.blocks());
    let mut out = Vec::new();
    for &k in blocks {
        let blk = &layout.blocks[k];
        let g = &dp[blk.range()];
        if blk.cols == 1 {
            out.extend_from_slice(&g[slot * h..(slot + 1) * h]);
        } else {
            for r in 0..blk.rows {
                out.extend_from_slice(&g[r * blk.cols + slot * h..r * blk.cols + (slot + 1) * h]);
            }
        }
    }
    out
}

/// A held gate passes no gradient into its weights and biases (blocks `blocks`, slot `slot`),
/// while the same gate learned does.
pub(crate) fn check_held_gate_gets_no_gradient<C: Cell<f64>>(
    make: impl Fn(Surgery) -> C,
    held: Surgery,
    blocks: &[usize],
    slot: usize,
) {
    let free = make(Surgery::default());
    let g = gate_grads(&free, &param_grad(&free), blocks, slot);
    assert!(
        g.iter().any(|&v| v != 0.0),
        "the learned gate has a gradient"
    );
    let cell = make(held);
    let g = gate_grads(&cell, &param_grad(&cell), blocks, slot);
    assert!(
        g.iter().all(|&v| v == 0.0),
        "{held:?}: gradient {g:?} into a held gate"
    );
}

/// A GRU's `terms(p, s_prev, mask, cache, out)` ([`JacobianTerms`]) under every surgery: the
/// three sum to the Jacobian `backward` implies (to 1e-12), `A = diag(1 − z)` exactly, and
/// each term means what it says — `B[i][j] = z_i ∂h̃_i/∂h_j`, `C[i][j] = (h̃_i − h_i) ∂z_i/∂h_j`
/// by finite differences of the cached gates.
pub(crate) fn check_gru_terms<C: Cell<f64>>(
    make: impl Fn(Surgery) -> C,
    terms: impl Fn(&C, &[f64], &[f64], Option<&[f64]>, &[f64], JacobianTerms<'_, f64>),
) {
    for s in gru_surgeries() {
        let cell = make(s);
        let (ni, h) = (cell.input_size(), cell.hidden_size());
        let p = params(&cell);
        let case = case(&cell, 3, true);
        for row in 0..3 {
            let x = &case.x[row * ni..(row + 1) * ni];
            let sp = &case.s_prev[row * h..(row + 1) * h];
            let mask = case.mask.as_ref().map(|m| &m[row * h..(row + 1) * h]);
            let (_, cache) = forward_raw(&cell, &p, 1, x, sp, mask);
            let (mut a, mut b, mut c) = (
                vec![f64::NAN; h],
                vec![f64::NAN; h * h],
                vec![f64::NAN; h * h],
            );
            let out = JacobianTerms {
                a: &mut a,
                b: &mut b,
                c: &mut c,
            };
            terms(&cell, &p, sp, mask, &cache, out);
            let jac = jacobian_by_backward(&cell, &p, x, sp, mask);
            let gates_at = |w: &[f64]| forward_raw(&cell, &p, 1, x, w, mask).1;
            for i in 0..h {
                let (z, ht) = (cache[i], cache[2 * h + i]);
                assert_eq!(a[i], 1.0 - z, "{s:?}: A = diag(1 − z)");
                for j in 0..h {
                    let diag = if i == j { a[i] } else { 0.0 };
                    let sum = diag + b[i * h + j] + c[i * h + j];
                    exact(
                        sum,
                        jac[i * h + j],
                        &format!("{s:?}: (A + B + C)[{i}][{j}]"),
                    );
                    let mut w = sp.to_vec();
                    w[j] = sp[j] + EPS;
                    let up = gates_at(&w);
                    w[j] = sp[j] - EPS;
                    let dn = gates_at(&w);
                    let d = |k: usize| (up[k] - dn[k]) / (2.0 * EPS);
                    close(
                        b[i * h + j],
                        z * d(2 * h + i),
                        &format!("{s:?}: B[{i}][{j}]"),
                    );
                    close(
                        c[i * h + j],
                        (ht - sp[i]) * d(i),
                        &format!("{s:?}: C[{i}][{j}]"),
                    );
                }
            }
            if s.effective_update() != GateMode::Learned {
                assert!(c.iter().all(|&v| v == 0.0), "{s:?}: a held z has no C term");
            }
        }
    }
}
