//! Tests of [`super::Rnn`]: finite differences, references, surgery.

use super::*;
use crate::cell::check;

const BOTH: [Nonlinearity; 2] = [Nonlinearity::Tanh, Nonlinearity::Relu];

#[test]
fn backward_matches_finite_differences() {
    for nl in BOTH {
        let cell = Rnn::new(2, 3, nl);
        check::check_backward(&cell, false);
        check::check_backward(&cell, true);
    }
}

#[test]
fn jacobian_matches_finite_differences() {
    for nl in BOTH {
        let cell = Rnn::new(2, 3, nl);
        check::check_jacobian(&cell, false);
        check::check_jacobian(&cell, true);
    }
}

#[test]
fn forward_is_torch_nn_rnn_and_relu_cuts_negative_pre_activations() {
    let (mut neg, mut pos) = (0, 0);
    for nl in BOTH {
        let cell = Rnn::new(2, 3, nl);
        let p = check::params(&cell);
        let [ow, ou, obi, obh] = check::offsets(&cell);
        for masked in [false, true] {
            let case = check::case(&cell, 3, masked);
            let (s, cache) = check::run_forward(&cell, &p, &case);
            for row in 0..3 {
                let (x, hp) = (
                    &case.x[row * 2..row * 2 + 2],
                    &case.s_prev[row * 3..row * 3 + 3],
                );
                let m = |k: usize| case.mask.as_ref().map_or(1.0, |m| m[row * 3 + k]);
                for i in 0..3 {
                    // weight_ih[i][k] = W[k][i], weight_hh[i][k] = U[k][i].
                    let pre = (0..2).map(|k| p[ow + k * 3 + i] * x[k]).sum::<f64>()
                        + p[obi + i]
                        + (0..3)
                            .map(|k| p[ou + k * 3 + i] * hp[k] * m(k))
                            .sum::<f64>()
                        + p[obh + i];
                    let want = match nl {
                        Nonlinearity::Tanh => pre.tanh(),
                        Nonlinearity::Relu => pre.max(0.0),
                    };
                    check::close(s[row * 3 + i], want, "h'");
                    check::close(cache[row * 6 + i], pre, "pre");
                    if nl == Nonlinearity::Relu {
                        if pre < 0.0 {
                            neg += 1;
                            assert_eq!(s[row * 3 + i], 0.0);
                        } else {
                            pos += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(
        neg > 0 && pos > 0,
        "the ReLU case should exercise both sides ({neg} vs {pos})"
    );
}

#[test]
fn there_is_no_additive_path() {
    for nl in BOTH {
        let cell = Rnn::new(2, 3, nl);
        let mut out = [7.0; 3];
        assert!(!cell.additive_diag(&[0.0; 6], &mut out));
        check::check_additive_is_jacobian_without_recurrence(&cell, &check::params(&cell));
    }
}

#[test]
fn nonlinearity_serialises_in_snake_case() {
    assert_eq!(
        serde_json::to_string(&Nonlinearity::Tanh).ok().as_deref(),
        Some("\"tanh\"")
    );
    assert_eq!(
        serde_json::to_string(&Nonlinearity::Relu).ok().as_deref(),
        Some("\"relu\"")
    );
    let back: Option<Nonlinearity> = serde_json::from_str("\"relu\"").ok();
    assert_eq!(back, Some(Nonlinearity::Relu));
}
