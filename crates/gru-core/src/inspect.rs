//! One validation sample through a [`Trainer`]'s model, with everything the app draws for it:
//! inputs, target, prediction, loss, the input-to-output sensitivity over the lag, and per
//! kind the [`SequenceTrace`] (recurrent: gates, states, gradient flow), the attention weights
//! or the TCN's receptive field.

use crate::analysis::{run_and_trace, SequenceTrace, TraceOpts};
use crate::loss::{loss_and_grad, Targets};
use crate::model::{Mode, Readout};
use crate::seq::sensitivity::input_sensitivity;
use crate::seq::{Net, NetCache};
use crate::trainer::Trainer;
use crate::{Error, Real};

/// The attention weights of one sample.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttentionMap {
    /// Heads `n_h`.
    pub heads: usize,
    /// Positions `T`.
    pub steps: usize,
    /// `(n_h, T, T)`: `P[h][i][j]`, how much query position `i` reads position `j`
    /// (zero for `j > i`; each row sums to 1).
    pub weights: Vec<f64>,
}

/// A validation sample as the model sees it, plus its trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inspection {
    /// Index of the sample in the validation set.
    pub sample: usize,
    /// Inputs `(T, I)`.
    pub x: Vec<f64>,
    /// Input size `I`.
    pub input: usize,
    /// Head outputs `(R, O)`.
    pub y: Vec<f64>,
    /// Targets: values `(R, O)` for regression, class indices `(R)` as f64 for classification.
    pub target: Vec<f64>,
    /// Row weights `(R)` (1 where a row is scored).
    pub weights: Vec<f64>,
    /// The sample's loss.
    pub loss: f64,
    /// Gates, states, dL/dh_t and the Jacobian norms of layer 0 (forward direction);
    /// recurrent models only (empty, `steps == 0`, otherwise).
    pub trace: SequenceTrace,
    /// `(T)`: `‖∂y_T/∂x_{T−1−k}‖_F` for lag `k = 0 … T−1`, every model
    /// ([`input_sensitivity`]).
    pub sensitivity: Vec<f64>,
    /// The attention weights, attention models only.
    pub attention: Option<AttentionMap>,
    /// Input steps one output sees, TCNs only.
    pub receptive_field: Option<usize>,
}

impl<T: Real> Trainer<T> {
    /// Runs validation sample `sample` through the model (no dropout) and traces it; with
    /// `lag_time` a recurrent model also gets the full lag × time map (`T(T−1)/2` matrix
    /// products).
    ///
    /// # Errors
    /// [`Error::Config`] when `sample` is out of range.
    pub fn inspect(&self, sample: usize, lag_time: bool) -> Result<Inspection, Error> {
        let val = self.validation();
        let (t, b) = (val.t, val.b);
        if sample >= b {
            return Err(Error::Config(format!("sample: {sample} is not below {b}")));
        }
        let (i, o) = (self.net.input_size(), self.net.output_size());
        let x: Vec<T> = (0..t)
            .flat_map(|s| {
                val.x[(s * b + sample) * i..(s * b + sample + 1) * i]
                    .iter()
                    .copied()
            })
            .collect();
        let rows = if self.net.readout() == Readout::Final {
            1
        } else {
            t
        };
        let (target_t, target) = match &val.targets {
            Targets::Values(v) => {
                let tv: Vec<T> = (0..rows)
                    .flat_map(|r| {
                        v[(r * b + sample) * o..(r * b + sample + 1) * o]
                            .iter()
                            .copied()
                    })
                    .collect();
                let f = tv.iter().map(|v| v.f64()).collect();
                (Targets::Values(tv), f)
            }
            Targets::Classes(c) => {
                let tc: Vec<usize> = (0..rows).map(|r| c[r * b + sample]).collect();
                let f = tc.iter().map(|&c| c as f64).collect();
                (Targets::Classes(tc), f)
            }
        };
        let weights: Option<Vec<T>> = val
            .weights
            .as_ref()
            .map(|w| (0..rows).map(|r| w[r * b + sample]).collect());
        // Forward once for y and dL/dy, then trace with the gradient.
        let mut cache = NetCache::default();
        self.net.forward(&mut cache, &x, t, 1, Mode::Eval);
        let (y, dy) = cache.y_dy();
        let stats = loss_and_grad(self.task.loss(), y, o, &target_t, weights.as_deref(), dy);
        let y = y.iter().map(|v| v.f64()).collect();
        let dy = dy.to_vec();
        let (mut trace, mut attention, mut receptive_field) =
            (SequenceTrace::default(), None, None);
        match (&self.net, &cache) {
            (Net::Recurrent(m), _) => {
                let opts = TraceOpts {
                    lag_time,
                    ..TraceOpts::default()
                };
                trace = run_and_trace(m, &x, Some(&dy), &opts)?.0;
            }
            (Net::Tcn(m), _) => receptive_field = Some(m.config.receptive_field()),
            (Net::Attention(m), NetCache::Attention(c)) => {
                attention = Some(AttentionMap {
                    heads: m.config.heads,
                    steps: t,
                    weights: c
                        .weights(0)
                        .unwrap_or(&[])
                        .iter()
                        .map(|v| v.f64())
                        .collect(),
                })
            }
            (Net::Attention(_), _) => {}
        }
        let sensitivity = input_sensitivity(&self.net, &x, t)?;
        Ok(Inspection {
            sample,
            x: x.iter().map(|v| v.f64()).collect(),
            input: i,
            y,
            target,
            weights: weights.map_or(vec![1.0; rows], |w| w.iter().map(|v| v.f64()).collect()),
            loss: stats.loss,
            trace,
            sensitivity,
            attention,
            receptive_field,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::task::TaskConfig;
    use crate::{TrainConfig, Trainer};

    #[test]
    fn inspection_matches_the_validation_sample_and_shows_gru_memory() {
        let mut tr = Trainer::<f64>::new(TrainConfig {
            task: TaskConfig::Adding { len: 20 },
            hidden: 8,
            ..TrainConfig::default()
        })
        .unwrap();
        for _ in 0..20 {
            tr.train_step().unwrap();
        }
        let ins = tr.inspect(3, true).unwrap();
        assert_eq!(ins.x.len(), 20 * 2);
        let marks: Vec<usize> = (0..20).filter(|&s| ins.x[s * 2 + 1] == 1.0).collect();
        assert_eq!(marks.len(), 2, "exactly two marked steps");
        let want = ins.x[marks[0] * 2] + ins.x[marks[1] * 2];
        assert!(
            (ins.target[0] - want).abs() < 1e-6,
            "target is the sum of the marked values"
        );
        assert!((ins.loss - (ins.y[0] - ins.target[0]).powi(2)).abs() < 1e-12);
        assert_eq!(ins.trace.gates[0].0, "z");
        assert_eq!(ins.trace.jac_fro_at_target.len(), 21);
        assert!(ins.trace.lag_time.is_some());
        assert!(tr.inspect(256, false).is_err());
    }
}
