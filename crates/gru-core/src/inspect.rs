//! One validation sample through a [`Trainer`]'s model, with everything the app draws for it:
//! inputs, target, prediction, loss and the [`SequenceTrace`] (gates, states, gradient flow).

use crate::analysis::{run_and_trace, SequenceTrace, TraceOpts};
use crate::loss::{loss_and_grad, Targets};
use crate::model::{forward, Mode, Readout, Workspace};
use crate::trainer::Trainer;
use crate::{Error, Real};

/// A validation sample as the model sees it, plus its trace.
#[derive(Clone, Debug, PartialEq)]
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
    /// Gates, states, dL/dh_t and the Jacobian norms of layer 0 (forward direction).
    pub trace: SequenceTrace,
}

impl<T: Real> Trainer<T> {
    /// Runs validation sample `sample` through the model (no dropout) and traces it; with
    /// `lag_time` it also computes the full lag × time map (`T(T−1)/2` matrix products).
    ///
    /// # Errors
    /// [`Error::Config`] when `sample` is out of range.
    pub fn inspect(&self, sample: usize, lag_time: bool) -> Result<Inspection, Error> {
        let val = self.validation();
        let (t, b) = (val.t, val.b);
        if sample >= b {
            return Err(Error::Config(format!("sample: {sample} is not below {b}")));
        }
        let cfg = &self.model.config;
        let (i, o) = (cfg.input, cfg.output);
        let x: Vec<T> = (0..t)
            .flat_map(|s| {
                val.x[(s * b + sample) * i..(s * b + sample + 1) * i]
                    .iter()
                    .copied()
            })
            .collect();
        let rows = if cfg.readout == Readout::Final { 1 } else { t };
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
        let mut ws = Workspace::default();
        forward(&self.model, &mut ws, &x, t, 1, Mode::Eval);
        let mut dy = ws.y.clone();
        let stats = loss_and_grad(
            self.task.loss(),
            &ws.y,
            o,
            &target_t,
            weights.as_deref(),
            &mut dy,
        );
        let y = ws.y.iter().map(|v| v.f64()).collect();
        let opts = TraceOpts {
            lag_time,
            ..TraceOpts::default()
        };
        let (trace, _) = run_and_trace(&self.model, &x, Some(&dy), &opts)?;
        Ok(Inspection {
            sample,
            x: x.iter().map(|v| v.f64()).collect(),
            input: i,
            y,
            target,
            weights: weights.map_or(vec![1.0; rows], |w| w.iter().map(|v| v.f64()).collect()),
            loss: stats.loss,
            trace,
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
