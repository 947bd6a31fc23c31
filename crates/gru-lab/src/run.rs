//! One live training run in the worker: a [`Trainer`] plus what the page has not been sent
//! yet (the losses since the last snapshot). No history is kept here: the page accumulates it.

use gru_core::seq::{ModelKind, Net};
use gru_core::{Error, Resume, TrainConfig, Trainer};

use crate::protocol::{RunStatus, TrainPoint, ValPoint};
use crate::step_times::StepTimes;

/// A live training run.
pub struct TrainingRun {
    /// The trainer (model, optimiser, data).
    pub trainer: Trainer<f32>,
    /// The run's name on the page: the cell's label, or e.g. "GRU one-way" for a twin.
    pub label: String,
    /// Smoothed training loss (exponential moving average).
    ema: Option<f64>,
    /// The steps trained since the last snapshot.
    new_train: Vec<TrainPoint>,
    /// The validations since the last snapshot.
    new_val: Vec<ValPoint>,
    /// The latest validation.
    last_val: Option<Validated>,
    /// Why training stopped, if it did.
    error: Option<String>,
    /// Milliseconds spent in this run's training steps since it started (its own clock).
    train_ms: f64,
    /// The durations of its latest timed steps (ms).
    step_times: StepTimes,
    /// The latest sane weights: taken every [`SANE_EVERY`] steps while the loss is under
    /// [`SANE_FACTOR`] × the task's baseline loss; put back on a NaN/∞ stop.
    sane: SaneWeights,
}

/// A validation as the run keeps it.
#[derive(Clone, Copy)]
struct Validated {
    /// Steps trained when it was measured.
    step: u64,
    /// Validation loss (may be NaN/∞: shown as such, never plotted).
    loss: f64,
    /// Validation accuracy, where the task defines one.
    accuracy: Option<f64>,
}

/// The weights a NaN/∞ stop goes back to.
struct SaneWeights {
    /// The step they are of.
    step: u64,
    /// `(P)`: the flat parameters.
    params: Vec<f32>,
}

/// How often (in steps) the sane weights are copied.
const SANE_EVERY: u64 = 10;
/// A step is sane while its loss is under this many times the baseline (predicting the mean).
const SANE_FACTOR: f64 = 10.0;

impl TrainingRun {
    /// Starts a run from `config` and measures its initial validation loss.
    ///
    /// # Errors
    /// [`Error::Config`] when a setting is out of range.
    pub fn new(config: TrainConfig) -> Result<Self, Error> {
        let kind = ModelKind::Recurrent(config.cell);
        Self::with_model(config, kind)
    }

    /// Starts a run of any model (`kind`) on `config`'s task, data, seed and optimiser.
    ///
    /// # Errors
    /// [`Error::Config`] when a setting is out of range.
    pub fn with_model(config: TrainConfig, kind: ModelKind) -> Result<Self, Error> {
        let trainer = Trainer::with_model(config, kind)?;
        let sane = SaneWeights {
            step: 0,
            params: trainer.net.params().to_vec(),
        };
        let mut run = Self {
            label: model_label(&trainer.net).to_string(),
            trainer,
            sane,
            ema: None,
            new_train: Vec::new(),
            new_val: Vec::new(),
            last_val: None,
            error: None,
            train_ms: 0.0,
            step_times: StepTimes::default(),
        };
        run.validate();
        Ok(run)
    }

    /// Measures the validation loss now (skipped when it is already current).
    pub fn validate(&mut self) {
        let step = self.trainer.step_idx();
        if self.last_val.is_some_and(|v| v.step == step) {
            return;
        }
        let s = gru_hot::evaluate(&mut self.trainer);
        if s.loss.is_finite() {
            self.new_val.push(ValPoint {
                step,
                loss: s.loss,
                seconds: self.train_ms / 1000.0,
            });
        }
        self.last_val = Some(Validated {
            step,
            loss: s.loss,
            accuracy: s.accuracy(),
        });
    }

    /// One training step. On NaN/∞ it records the error (weights stay at the last good step)
    /// and returns `false`; a stopped run does not step until [`Self::clear_error`].
    pub fn step(&mut self) -> bool {
        if self.error.is_some() {
            return false;
        }
        match gru_hot::train_step(&mut self.trainer) {
            Ok(s) => {
                if s.step % SANE_EVERY == 0
                    && s.loss < SANE_FACTOR * self.trainer.task.baseline().loss
                {
                    self.sane.step = s.step;
                    self.sane.params.copy_from_slice(self.trainer.net.params());
                }
                self.ema = Some(self.ema.map_or(s.loss, |e| 0.95 * e + 0.05 * s.loss));
                self.new_train.push(TrainPoint {
                    step: s.step,
                    loss: s.loss,
                    grad_norm: s.grad_norm,
                    clipped: s.clipped(),
                    // The time at this step; `step_timed` adds the step's own duration.
                    seconds: self.train_ms / 1000.0,
                });
                true
            }
            Err(e) => {
                // The last good step's weights may already be huge (a blow-up grows over
                // several steps), so resuming from them would fail again: go back to the
                // latest sane weights, with fresh optimiser moments.
                let (clip, knob) = (
                    self.trainer.config.clip,
                    self.trainer.config.task.knob_name(),
                );
                self.error = Some(match (&e, self.trainer.rewind(&self.sane.params)) {
                    (Error::NonFinite { step, what }, Ok(())) => format!(
                        "at step {step} the {what} became NaN or infinite; the weights are back to \
                         those of step {} (the last with a sane loss; the step count stays at {}) \
                         and the optimiser's moments are cleared. The charts show the last good \
                         step. {}",
                        self.sane.step,
                        step.saturating_sub(1),
                        stop_advice(what, clip, knob)
                    ),
                    (Error::NonFinite { step, what }, Err(r)) => format!(
                        "at step {step} the {what} became NaN or infinite, and the last sane \
                         weights could not be put back ({r}). Change the settings and Apply and reset"
                    ),
                    (e, _) => e.to_string(),
                });
                false
            }
        }
    }

    /// One training step timed on `clock` (ms): the duration goes into this run's own
    /// training time and its recent step durations. Same numbers as [`Self::step`].
    pub fn step_timed(&mut self, clock: &dyn Fn() -> f64) -> bool {
        let start = clock();
        let ok = self.step();
        if ok {
            let ms = (clock() - start).max(0.0);
            self.train_ms += ms;
            self.step_times.push(ms);
            if let Some(last) = self.new_train.last_mut() {
                last.seconds = self.train_ms / 1000.0;
            }
        }
        ok
    }

    /// Clears a NaN/∞ stop so training can resume (after, e.g., lowering the learning rate).
    pub fn clear_error(&mut self) {
        self.error = None;
    }

    /// Why training stopped, if it did.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Smoothed training loss, `None` before the first step (saved with the run).
    pub fn loss_ema(&self) -> Option<f64> {
        self.ema
    }

    /// Continues a saved run (weights, optimiser, data position, smoothed loss) and measures
    /// its validation loss; nothing changes on an error.
    ///
    /// # Errors
    /// As [`Trainer::resume`].
    pub fn resume(
        &mut self,
        params: &[f32],
        state: Resume<f32>,
        loss_ema: Option<f64>,
    ) -> Result<(), Error> {
        self.trainer.resume(params, state)?;
        // A NaN stop must rewind to these weights, not to the ones they replaced.
        self.sane.step = self.trainer.step_idx();
        self.sane.params.copy_from_slice(params);
        self.ema = loss_ema.filter(|l| l.is_finite());
        self.new_train.clear();
        self.new_val.clear();
        self.last_val = None;
        self.error = None;
        self.validate();
        Ok(())
    }

    /// What the page shows of this run now; hands over the losses gathered since the last call.
    pub fn take_status(&mut self) -> RunStatus {
        RunStatus {
            label: self.label.clone(),
            step: self.trainer.step_idx(),
            loss: self.ema.unwrap_or(f64::NAN),
            val_loss: self.last_val.map(|v| v.loss),
            val_accuracy: self.last_val.and_then(|v| v.accuracy),
            baseline: self.trainer.task.baseline().loss,
            new_train: std::mem::take(&mut self.new_train),
            new_val: std::mem::take(&mut self.new_val),
            error: self.error.clone(),
            clip: self.trainer.config.clip,
            step_ms: self.step_times.median().unwrap_or(f64::NAN),
            train_seconds: self.train_ms / 1000.0,
        }
    }
}

/// What to change after `what` ("loss", "gradient" or "weights") became NaN/∞, true for the
/// run's clipping: clipping rescales a finite gradient, so it cannot rescue one that is
/// already infinite: float32 overflowed in the backward pass (an exploding gradient, which a
/// GRU's additive path does not rule out: at T=1000 H=128 B=1, the defaults' clipped run goes
/// from a norm of ~1 to 6·10³ to ∞ in two steps near step 1500).
/// `knob` names the task's difficulty setting as the form does ("Sequence length", "Delay"),
/// which applies on reset, while the learning rate and clipping apply live.
fn stop_advice(what: &str, clip: Option<f64>, knob: &str) -> String {
    match (what, clip) {
        ("gradient", Some(c)) => format!(
            "Clipping (at {c}) cannot help here: it rescales a finite gradient, and this one \
             overflowed float32 in the backward pass (an exploding gradient). Lower the \
             learning rate and press Play, or set a smaller “{knob}” and Apply and reset"
        ),
        (_, Some(_)) => "Lower the learning rate, then press Play".into(),
        (_, None) => "Lower the learning rate or turn on gradient clipping, then press Play".into(),
    }
}

/// A model's own label: the cell's ("GRU", "RNN", …), "TCN" or "Attention".
fn model_label<T: gru_core::Real>(net: &Net<T>) -> &'static str {
    match net {
        Net::Recurrent(m) => m.config.cell.label(),
        Net::Tcn(_) => "TCN",
        Net::Attention(_) => "Attention",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The advice is true for the run's settings: "turn on clipping" only when it is off, and
    /// with clipping on an infinite gradient is explained rather than blamed on clipping.
    #[test]
    fn the_stop_advice_fits_the_run_clipping() {
        let off = stop_advice("gradient", None, "Sequence length");
        assert_eq!(
            off,
            "Lower the learning rate or turn on gradient clipping, then press Play"
        );
        let on = stop_advice("gradient", Some(0.5), "Delay");
        assert!(on.starts_with("Clipping (at 0.5) cannot help here"), "{on}");
        assert!(
            on.contains("overflowed float32") && !on.contains("turn on"),
            "{on}"
        );
        assert!(
            on.ends_with("set a smaller “Delay” and Apply and reset"),
            "{on}"
        );
        for what in ["loss", "weights"] {
            assert_eq!(
                stop_advice(what, Some(1.0), "Bits"),
                "Lower the learning rate, then press Play"
            );
        }
    }

    #[test]
    fn a_blow_up_puts_back_sane_weights_so_a_lower_rate_trains_again() {
        let mut config = TrainConfig {
            cell: gru_core::cell::CellKind::RnnTanh,
            optimizer: gru_core::optim::OptimizerConfig::sgd(1.0, 0.9),
            clip: None,
            ..TrainConfig::default()
        };
        config.task = gru_core::task::TaskConfig::Adding { len: 100 };
        let mut run = TrainingRun::new(config).expect("valid");
        let mut n = 0;
        while run.step() && n < 5000 {
            n += 1;
        }
        let msg = run
            .error()
            .expect("lr 1, SGD, no clipping diverges")
            .to_string();
        assert!(
            msg.contains("NaN or infinite") && msg.contains("weights are back"),
            "{msg}"
        );
        assert!(run.trainer.net.params().iter().all(|p| p.is_finite()));
        let stopped_at = run.trainer.step_idx();
        run.trainer.set_lr(0.001).expect("valid lr");
        run.clear_error();
        for _ in 0..50 {
            assert!(run.step(), "trains again after the fix: {:?}", run.error());
        }
        assert_eq!(
            run.trainer.step_idx(),
            stopped_at + 50,
            "the step count goes on"
        );
    }

    #[test]
    fn a_run_trains_and_hands_over_its_losses_once() {
        let mut run = TrainingRun::new(TrainConfig::default()).expect("default config");
        for _ in 0..60 {
            assert!(run.step());
        }
        run.validate();
        run.validate();
        let s = run.take_status();
        assert_eq!(s.step, 60);
        assert_eq!(s.new_train.len(), 60);
        assert_eq!(s.new_train[59].step, 60);
        assert!(
            s.new_train.iter().all(|p| p.grad_norm > 0.0),
            "gradient norms recorded"
        );
        assert_eq!(s.new_val.len(), 2, "step 0 and step 60, once each");
        assert!(s.loss.is_finite() && (s.baseline - 1.0 / 6.0).abs() < 1e-12);
        let again = run.take_status();
        assert!(again.new_train.is_empty() && again.new_val.is_empty());
    }
}
