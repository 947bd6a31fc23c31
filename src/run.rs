//! The training loop of the page in one place (Playground's `Player → oneStep → updateUI`):
//! a [`TrainingRun`] owns the trainer and its history, steps it, validates it, and hands
//! out plain-number snapshots for the charts ([`crate::lab::Lab`] schedules the steps). No DOM here.

use gru_core::{Error, TrainConfig, Trainer};

/// Most points a loss curve keeps before older ones are merged pairwise.
const MAX_POINTS: usize = 800;

/// A loss curve that stays at most [`MAX_POINTS`] long by averaging neighbours as it grows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Curve {
    /// `(step, value)` points, step ascending.
    pub points: Vec<(f64, f64)>,
    /// Raw values folded into each point so far (a power of two).
    stride: usize,
    pending: (f64, f64, usize),
}

impl Curve {
    /// Adds one raw `(step, value)` sample.
    pub fn push(&mut self, step: f64, value: f64) {
        let stride = self.stride.max(1);
        let (s, v, n) = self.pending;
        self.pending = (s + step, v + value, n + 1);
        if self.pending.2 >= stride {
            let (s, v, n) = self.pending;
            self.points.push((s / n as f64, v / n as f64));
            self.pending = (0.0, 0.0, 0);
        }
        if self.points.len() >= MAX_POINTS {
            self.points = self
                .points
                .chunks(2)
                .map(|c| {
                    let n = c.len() as f64;
                    (
                        c.iter().map(|p| p.0).sum::<f64>() / n,
                        c.iter().map(|p| p.1).sum::<f64>() / n,
                    )
                })
                .collect();
            self.stride = stride * 2;
        }
    }
    /// The latest point.
    pub fn last(&self) -> Option<(f64, f64)> {
        self.points.last().copied()
    }
}

/// What the page shows of a run at one moment: plain numbers only.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// Steps trained.
    pub step: u64,
    /// Smoothed training loss (exponential moving average).
    pub loss: f64,
    /// Latest validation loss.
    pub val_loss: Option<f64>,
    /// Latest validation accuracy, where the task defines one.
    pub val_accuracy: Option<f64>,
    /// Training throughput over the last second of running.
    pub steps_per_s: f64,
    /// Training-loss curve.
    pub train: Vec<(f64, f64)>,
    /// Validation-loss curve.
    pub val: Vec<(f64, f64)>,
    /// Loss of the best constant prediction.
    pub baseline: f64,
    /// Why training stopped, if it did.
    pub error: Option<String>,
}

/// A live training run with its history.
pub struct TrainingRun {
    /// The trainer (model, optimiser, data).
    pub trainer: Trainer<f32>,
    train: Curve,
    val: Curve,
    ema: Option<f64>,
    last_val: Option<(f64, Option<f64>)>,
    rate: (f64, u64, f64),
    error: Option<String>,
}

impl TrainingRun {
    /// Starts a run from `config`.
    ///
    /// # Errors
    /// [`Error::Config`] when a setting is out of range.
    pub fn new(config: TrainConfig) -> Result<Self, Error> {
        let mut run = Self {
            trainer: Trainer::new(config)?,
            train: Curve::default(),
            val: Curve::default(),
            ema: None,
            last_val: None,
            rate: (0.0, 0, 0.0),
            error: None,
        };
        run.validate();
        Ok(run)
    }

    /// Measures the validation loss now and adds it to the validation curve (the page calls
    /// this on its inspection frames, so a costly validation never lands inside a training frame).
    pub fn validate(&mut self) {
        let s = self.trainer.evaluate();
        let step = self.trainer.step_idx() as f64;
        if s.loss.is_finite() {
            self.val.push(step, s.loss);
        }
        self.last_val = Some((s.loss, s.accuracy()));
    }

    /// One training step. On a NaN/∞ it records the error (weights stay at the last good step)
    /// and returns `false`.
    pub fn step(&mut self) -> bool {
        match self.trainer.train_step() {
            Ok(s) => {
                let ema = self.ema.map_or(s.loss, |e| 0.95 * e + 0.05 * s.loss);
                self.ema = Some(ema);
                self.train.push(s.step as f64, s.loss);
                true
            }
            Err(e) => {
                self.error = Some(e.to_string());
                false
            }
        }
    }

    /// Folds `n` steps that took `ms` milliseconds into the steps/s figure.
    pub fn note_time(&mut self, n: u64, ms: f64) {
        let (busy, steps, shown) = self.rate;
        let (busy, steps) = (busy + ms, steps + n);
        self.rate = if busy >= 1000.0 {
            (0.0, 0, steps as f64 * 1000.0 / busy)
        } else {
            (busy, steps, shown)
        };
        if self.rate.2 == 0.0 && busy > 50.0 {
            self.rate.2 = steps as f64 * 1000.0 / busy;
        }
    }

    /// Training step of the latest validation point.
    pub fn validated_step(&self) -> u64 {
        self.val.last().map_or(u64::MAX, |p| p.0 as u64)
    }

    /// Clears a NaN/∞ stop so training can resume (after, e.g., lowering the learning rate).
    pub fn clear_error(&mut self) {
        self.error = None;
    }

    /// Whether training is stopped by an error.
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// The numbers the page shows now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            step: self.trainer.step_idx(),
            loss: self.ema.unwrap_or(f64::NAN),
            val_loss: self.last_val.map(|v| v.0),
            val_accuracy: self.last_val.and_then(|v| v.1),
            steps_per_s: self.rate.2,
            train: self.train.points.clone(),
            val: self.val.points.clone(),
            baseline: self.trainer.task.baseline().loss,
            error: self.error.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn curve_stays_bounded_and_keeps_the_mean() {
        let mut c = Curve::default();
        for k in 0..10_000 {
            c.push(k as f64, 1.0 + (k % 2) as f64);
        }
        assert!(c.points.len() <= MAX_POINTS);
        let mean = c.points.iter().map(|p| p.1).sum::<f64>() / c.points.len() as f64;
        assert!((mean - 1.5).abs() < 1e-9);
        assert!(c.points.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_run_trains_and_reports_progress() {
        let mut run = TrainingRun::new(TrainConfig::default()).unwrap();
        for _ in 0..60 {
            assert!(run.step());
        }
        run.validate();
        let s = run.snapshot();
        assert_eq!(s.step, 60);
        assert!(s.loss.is_finite() && s.val.len() == 2);
        assert!((s.baseline - 1.0 / 6.0).abs() < 1e-12);
    }
}
