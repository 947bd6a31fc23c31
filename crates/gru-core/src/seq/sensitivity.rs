//! The input-to-output sensitivity `‖∂y/∂x_{T−k}‖` over the lag `k`: how much the last output
//! moves when an input `k` steps back moves. It generalises the recurrent `‖∂h_T/∂h_{T−k}‖`
//! to models without a hidden state, so one chart compares GRU, LSTM, RNN, TCN and attention:
//! the RNN's decays exponentially in `k`, the TCN's is zero beyond its receptive field, the
//! attention model's does not depend on `k` by construction (one hop to every input).
//!
//! Exact, by backpropagation: one backward pass per head output `o` with `dL/dy = e_o` at the
//! last step gives row `o` of every `∂y_T/∂x_t (O, I)` at once.

use super::net::{Net, NetCache};
use crate::model::{BackwardOpts, Mode};
use crate::{Error, Real};

/// `s[k] = ‖∂y_T/∂x_{T−1−k}‖_F` for `k = 0 … T−1` (`x` 0-based, so `k = 0` is the last input;
/// in 1-based notation `‖∂y/∂x_{T−k}‖`), for one sequence `x (T, I)` through `net` without
/// dropout. `y_T` is the head output at the last step (`O` values); the norm is the Frobenius
/// norm of the `(O, I)` block.
///
/// # Errors
/// [`Error::Config`] when `x` is not `T × I` or `T` does not fit the model.
pub fn input_sensitivity<T: Real>(net: &Net<T>, x: &[T], t: usize) -> Result<Vec<f64>, Error> {
    net.check_input(x, t, 1)?;
    let mut cache = NetCache::default();
    net.forward(&mut cache, x, t, 1, Mode::Eval);
    let (i, o) = (net.input_size(), net.output_size());
    let mut sq = vec![0.0; t];
    for out in 0..o {
        let dy = cache.dy_mut();
        dy.fill(T::zero());
        let last = dy.len() - o; // the last step's row (final: the only row)
        dy[last + out] = T::one();
        let opts = BackwardOpts {
            input_grad: true,
            ..BackwardOpts::analysis()
        };
        net.backward(&mut cache, opts);
        accumulate(cache.dx(), i, &mut sq);
    }
    Ok(by_lag(sq))
}

/// `sq[t] += Σ_i dx[t, i]²` for `dx (T, I)`.
fn accumulate<T: Real>(dx: &[T], i: usize, sq: &mut [f64]) {
    for (s, row) in sq.iter_mut().zip(dx.chunks_exact(i)) {
        *s += row.iter().map(|v| v.f64() * v.f64()).sum::<f64>();
    }
}

/// Square roots, reordered from time `t` to lag `k = T − 1 − t`.
fn by_lag(sq: Vec<f64>) -> Vec<f64> {
    sq.into_iter().rev().map(f64::sqrt).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::CellKind;
    use crate::model::{Init, Model, ModelConfig, Readout};
    use crate::seq::{Attention, AttentionConfig, Tcn, TcnConfig};

    /// [`input_sensitivity`] of a recurrent [`Model`] through its own forward/backward (no copy):
    /// an independent check of the `Net` path.
    fn recurrent_sensitivity<T: Real>(
        model: &Model<T>,
        x: &[T],
        t: usize,
    ) -> Result<Vec<f64>, Error> {
        let (i, o) = (model.config.input, model.config.output);
        if t == 0 || x.len() != t * i {
            return Err(Error::Config(format!(
                "input: {} values are not {t} steps × {i} channels",
                x.len()
            )));
        }
        let mut ws = crate::model::Workspace::default();
        crate::model::forward(model, &mut ws, x, t, 1, Mode::Eval);
        let mut sq = vec![0.0; t];
        for out in 0..o {
            ws.dy.fill(T::zero());
            let last = ws.dy.len() - o;
            ws.dy[last + out] = T::one();
            let opts = BackwardOpts {
                input_grad: true,
                ..BackwardOpts::analysis()
            };
            crate::model::backward(model, &mut ws, opts);
            accumulate(&ws.d_inputs[0], i, &mut sq);
        }
        Ok(by_lag(sq))
    }

    /// A deterministic `(T, I)` input.
    fn input(t: usize, i: usize) -> Vec<f64> {
        crate::cell::check::wave(t * i, 0.61, 0.2, 1.0)
    }

    /// Central differences of `y_T` in every input: the sensitivity the slow way.
    fn numeric(net: &Net<f64>, x: &[f64], t: usize) -> Vec<f64> {
        let (i, o) = (net.input_size(), net.output_size());
        let y_last = |x: &[f64]| {
            let mut c = NetCache::default();
            net.forward(&mut c, x, t, 1, Mode::Eval);
            let y = c.y();
            y[y.len() - o..].to_vec()
        };
        let mut s = vec![0.0; t];
        for k in 0..t * i {
            let mut w = x.to_vec();
            w[k] += 1e-6;
            let p = y_last(&w);
            w[k] -= 2e-6;
            let m = y_last(&w);
            s[k / i] += p
                .iter()
                .zip(&m)
                .map(|(a, b)| ((a - b) / 2e-6).powi(2))
                .sum::<f64>();
        }
        by_lag(s)
    }

    #[test]
    fn sensitivity_matches_finite_differences_for_every_kind() {
        let (t, i) = (9, 2);
        let nets: Vec<Net<f64>> = vec![
            Net::Recurrent(
                Model::new(ModelConfig::new(CellKind::Gru, i, 3, 2), Init::Xavier, 3).unwrap(),
            ),
            Net::Tcn(
                Tcn::new(
                    TcnConfig::new(i, 3, 2).levels(2).kernel(3),
                    Init::TorchUniform,
                    4,
                )
                .unwrap(),
            ),
            Net::Attention(
                Attention::new(
                    AttentionConfig::new(i, 4, 2).heads(2),
                    Init::TorchUniform,
                    5,
                )
                .unwrap(),
            ),
            Net::Tcn(
                Tcn::new(
                    TcnConfig::new(i, 3, 2).readout(Readout::PerStep),
                    Init::TorchUniform,
                    6,
                )
                .unwrap(),
            ),
        ];
        let x = input(t, i);
        for net in &nets {
            let s = input_sensitivity(net, &x, t).unwrap();
            let num = numeric(net, &x, t);
            assert_eq!(s.len(), t);
            for k in 0..t {
                let tol = 1e-7 + 1e-5 * num[k];
                assert!(
                    (s[k] - num[k]).abs() <= tol,
                    "{} k={k}: {} vs {}",
                    net.kind().label(),
                    s[k],
                    num[k]
                );
            }
        }
        if let Net::Recurrent(m) = &nets[0] {
            assert_eq!(
                recurrent_sensitivity(m, &x, t).unwrap(),
                input_sensitivity(&nets[0], &x, t).unwrap()
            );
        }
    }

    #[test]
    fn tcn_sensitivity_ends_exactly_at_the_receptive_field() {
        // tanh: a ReLU that happens to be off could cut the oldest path.
        let cfg = TcnConfig::new(2, 4, 1)
            .kernel(3)
            .levels(3)
            .activation(crate::seq::Activation::Tanh); // r = 1 + 2·7 = 15
        let r = cfg.receptive_field();
        assert_eq!(r, 15);
        let net = Net::Tcn(Tcn::<f64>::new(cfg, Init::TorchUniform, 1).unwrap());
        let s = input_sensitivity(&net, &input(24, 2), 24).unwrap();
        assert!(
            s[r - 1] > 0.0,
            "the oldest input inside the field reaches the output"
        );
        assert!(
            s[r..].iter().all(|&v| v == 0.0),
            "nothing beyond it does: {:?}",
            &s[r..]
        );
    }

    #[test]
    fn bad_inputs_are_refused() {
        let net = Net::Attention(
            Attention::<f64>::new(
                AttentionConfig::new(2, 4, 1)
                    .positions(crate::seq::Positions::Learned { max_len: 5 }),
                Init::Xavier,
                1,
            )
            .unwrap(),
        );
        assert!(input_sensitivity(&net, &input(5, 2), 5).is_ok());
        assert!(
            input_sensitivity(&net, &input(6, 2), 6).is_err(),
            "longer than the positions"
        );
        assert!(
            input_sensitivity(&net, &input(5, 2), 4).is_err(),
            "wrong length"
        );
        assert!(input_sensitivity(&net, &[], 0).is_err());
    }
}
