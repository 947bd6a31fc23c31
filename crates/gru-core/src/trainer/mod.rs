//! The training loop in one place: a task, a model, an optimiser and their buffers. The app
//! calls [`Trainer::train_step`] and reads snapshots; nothing here knows about the UI.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::loss::{loss_and_grad, LossStats};
use crate::model::{BackwardOpts, Mode, Model};
use crate::optim::{clip_grad_norm, Optimizer, OptimizerConfig};
use crate::seq::{ModelKind, Net, NetCache};
use crate::task::{Batch, FixedSet, Task};
use crate::{Error, Real};

mod config;
mod plan;
mod resume;

pub use config::TrainConfig;
pub use plan::Planned;
pub use resume::{Resume, MAX_STEP};

/// Sequences in the fixed validation set.
pub const VALIDATION_SIZE: usize = 256;

/// What one training step did.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct StepStats {
    /// Steps completed, this one included.
    pub step: u64,
    /// Training loss of the batch (before the update).
    pub loss: f64,
    /// Batch accuracy, where the task defines it.
    pub accuracy: Option<f64>,
    /// Global gradient norm `‖dL/dθ‖₂` before clipping (what clipping compares to `clip`).
    pub grad_norm: f64,
    /// The clipping limit in force for this step (`None` = off); the gradient was scaled
    /// down to it when `grad_norm` exceeded it.
    pub clip: Option<f64>,
}

impl StepStats {
    /// Whether clipping scaled this step's gradient down.
    pub fn clipped(&self) -> bool {
        self.clip
            .is_some_and(|c| crate::optim::clips(self.grad_norm, c))
    }
}

/// A training run.
#[derive(Clone, Debug)]
pub struct Trainer<T> {
    /// The run's settings.
    pub config: TrainConfig,
    /// The data generator.
    pub task: Task,
    /// The model being trained: recurrent (the config's cell), a TCN or an attention model.
    pub net: Net<T>,
    opt: Optimizer<T>,
    ws: NetCache<T>,
    batch: Batch<T>,
    val: Batch<T>,
    val_ws: NetCache<T>,
    data_rng: ChaCha8Rng,
    dropout_rng: ChaCha8Rng,
    backup: Vec<T>,
    step: u64,
    /// The fixed training set, when `config.train_set` asks for one.
    fixed: Option<FixedSet<T>>,
}

impl<T: Real> Trainer<T> {
    /// Builds a run of the recurrent model `config` describes: model initialised from
    /// `config.seed`, validation set drawn from its own stream.
    ///
    /// # Errors
    /// [`Error::Config`] when any setting is out of range.
    pub fn new(config: TrainConfig) -> Result<Self, Error> {
        let kind = ModelKind::Recurrent(config.cell);
        Self::with_model(config, kind)
    }

    /// Builds a run of any model on the task, seeds, optimiser and schedule of `config`, so
    /// runs that differ only in `kind` see the same data. A recurrent `kind` sets
    /// `config.cell`; a TCN or attention model ignores the recurrent settings (cell, hidden,
    /// layers, direction, dropout, truncation) and takes input, output and readout from the
    /// task.
    ///
    /// # Errors
    /// [`Error::Config`] when any setting is out of range, or learned attention positions are
    /// shorter than the task's sequences.
    pub fn with_model(config: TrainConfig, kind: ModelKind) -> Result<Self, Error> {
        // Every check first ([`Planned::of`]), then what costs: weights, data.
        let Planned { config, kind, .. } = Planned::of(config, &kind)?;
        let task = config.task.build()?;
        let net = kind.build(&config.model_config(&task), config.init, config.seed)?;
        let mut val = Batch::empty();
        task.fill(
            &mut ChaCha8Rng::seed_from_u64(config.seed ^ 0x7A11_DA7E),
            VALIDATION_SIZE,
            &mut val,
        );
        let fixed = config
            .train_set
            .map(|n| FixedSet::new(&task, n, config.seed ^ 0xF10E_D5E7))
            .transpose()?;
        Ok(Self {
            fixed,
            opt: Optimizer::new(config.optimizer),
            data_rng: ChaCha8Rng::seed_from_u64(config.seed.wrapping_add(1)),
            dropout_rng: ChaCha8Rng::seed_from_u64(config.seed.wrapping_add(2)),
            ws: NetCache::default(),
            batch: Batch::empty(),
            val_ws: NetCache::default(),
            backup: net.params().to_vec(),
            val,
            task,
            net,
            config,
            step: 0,
        })
    }

    /// The recurrent model, when this run trains one.
    pub fn model(&self) -> Option<&Model<T>> {
        match &self.net {
            Net::Recurrent(m) => Some(m),
            _ => None,
        }
    }

    /// What this run trains, with the TCN's or attention model's shape.
    pub fn kind(&self) -> ModelKind {
        self.net.kind()
    }

    /// Steps completed.
    pub fn step_idx(&self) -> u64 {
        self.step
    }

    /// Changes the learning rate live (keeps the optimiser's moments).
    ///
    /// # Errors
    /// [`Error::Config`] when `lr` is not in (0, 10].
    pub fn set_lr(&mut self, lr: f64) -> Result<(), Error> {
        let mut c = self.config.optimizer;
        match &mut c {
            OptimizerConfig::Adam { lr: l, .. } | OptimizerConfig::Sgd { lr: l, .. } => *l = lr,
        }
        c.validate()?;
        self.config.optimizer = c;
        self.opt.config = c;
        Ok(())
    }

    /// Puts back weights saved at an earlier step (`params`, a copy of `net.params()`) and
    /// clears the optimiser's moments (after a blow-up they hold the diverging updates); the
    /// step count goes on. Used to resume after a NaN/∞ stop from weights that were still sane.
    ///
    /// # Errors
    /// [`Error::Config`] when `params` is not as long as the model's parameters.
    pub fn rewind(&mut self, params: &[T]) -> Result<(), Error> {
        if params.len() != self.net.params().len() {
            return Err(Error::Config(format!(
                "rewind: {} saved weights for a model of {}",
                params.len(),
                self.net.params().len()
            )));
        }
        self.net.params_mut().copy_from_slice(params);
        self.opt = Optimizer::new(self.config.optimizer);
        Ok(())
    }

    /// Changes gradient clipping live.
    ///
    /// # Errors
    /// [`Error::Config`] when the limit is not positive.
    pub fn set_clip(&mut self, clip: Option<f64>) -> Result<(), Error> {
        let c = TrainConfig {
            clip,
            ..self.config.clone()
        };
        c.validate()?;
        self.config.clip = clip;
        Ok(())
    }

    /// One step: a fresh batch, forward, loss, BPTT, clipping, update.
    ///
    /// # Errors
    /// [`Error::NonFinite`] when the loss or gradient is NaN/∞ (or the update made a weight
    /// non-finite); the weights are then those of the last good step and the step is not counted.
    pub fn train_step(&mut self) -> Result<StepStats, Error> {
        let b = self.config.batch;
        match &self.fixed {
            Some(set) => set.fill(self.step, b, &mut self.batch),
            None => self.task.fill(&mut self.data_rng, b, &mut self.batch),
        }
        let t = self.batch.t;
        let mode = Mode::Train(&mut self.dropout_rng);
        self.net.forward(&mut self.ws, &self.batch.x, t, b, mode);
        let o = self.net.output_size();
        let (y, dy) = self.ws.y_dy();
        let stats = loss_and_grad(
            self.task.loss(),
            y,
            o,
            &self.batch.targets,
            self.batch.weights.as_deref(),
            dy,
        );
        let fail = |what| Error::NonFinite {
            step: self.step + 1,
            what,
        };
        if !stats.loss.is_finite() {
            return Err(fail("loss"));
        }
        let opts = BackwardOpts {
            truncate: self.config.truncate,
            input_grad: false,
            ..BackwardOpts::default()
        };
        self.net.backward(&mut self.ws, opts);
        let grad_norm = match self.config.clip {
            Some(c) => clip_grad_norm(self.ws.grads_mut(), c),
            None => self
                .ws
                .grads()
                .iter()
                .map(|g| g.f64() * g.f64())
                .sum::<f64>()
                .sqrt(),
        };
        if !grad_norm.is_finite() {
            return Err(fail("gradient"));
        }
        self.backup.copy_from_slice(self.net.params());
        self.opt.step(self.net.params_mut(), self.ws.grads());
        if self.net.params().iter().any(|p| !p.is_finite()) {
            self.net.params_mut().copy_from_slice(&self.backup);
            return Err(fail("weights"));
        }
        self.step += 1;
        Ok(StepStats {
            step: self.step,
            loss: stats.loss,
            accuracy: stats.accuracy(),
            grad_norm,
            clip: self.config.clip,
        })
    }

    /// Loss (and accuracy) on the fixed validation set, without dropout.
    pub fn evaluate(&mut self) -> LossStats {
        let (t, b) = (self.val.t, self.val.b);
        self.net
            .forward(&mut self.val_ws, &self.val.x, t, b, Mode::Eval);
        let o = self.net.output_size();
        let (y, dy) = self.val_ws.y_dy();
        loss_and_grad(
            self.task.loss(),
            y,
            o,
            &self.val.targets,
            self.val.weights.as_deref(),
            dy,
        )
    }

    /// The validation batch (the app draws its "current sample" from it).
    pub fn validation(&self) -> &Batch<T> {
        &self.val
    }
}

#[cfg(test)]
mod tests;
