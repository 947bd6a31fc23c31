//! What a [`Trainer`] of a config and model kind would be, checked as building it checks,
//! without building it: no weights allocated or initialised, no data drawn. A saved run's
//! checkpoint is compared with this before any run is built.

use crate::optim::Optimizer;
use crate::seq::ModelKind;
use crate::trainer::{Resume, TrainConfig, Trainer, MAX_STEP};
use crate::{Error, Real};

/// A run as [`Trainer::with_model`] builds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    /// The config the trainer keeps (a recurrent kind's cell written into it).
    pub config: TrainConfig,
    /// The model kind the trainer reports ([`Trainer::kind`]): a TCN's or attention model's
    /// input, output and readout are the task's.
    pub kind: ModelKind,
    /// The length of the flat parameter vector.
    pub n_params: usize,
}

impl<T: Real> Trainer<T> {
    /// The run [`Self::with_model`]`(config, kind)` builds, checked as it checks.
    ///
    /// # Errors
    /// As [`Self::with_model`]: [`Error::Config`] when any setting is out of range, or learned
    /// attention positions are shorter than the task's sequences.
    pub fn plan(mut config: TrainConfig, kind: &ModelKind) -> Result<Planned, Error> {
        if let ModelKind::Recurrent(cell) = *kind {
            config.cell = cell;
        }
        config.validate()?;
        let task = config.task.build()?;
        let recurrent = config.model_config(&task);
        let n_params = kind.n_params(&recurrent)?;
        let kind = kind.shaped(&recurrent);
        if let ModelKind::Attention(c) = &kind {
            c.check_len(task.seq_len())?;
        }
        Ok(Planned {
            config,
            kind,
            n_params,
        })
    }
}

impl<T: Real> Resume<T> {
    /// Whether [`Trainer::resume`] takes this state with `params` into a model of `n`
    /// parameters, checked before any trainer is built: the step at most [`MAX_STEP`], no
    /// more optimiser updates than steps, `n` finite weights, and the optimiser's moments
    /// ([`Optimizer::check_state`]).
    ///
    /// # Errors
    /// [`Error::Format`] naming the field (`step`, `optimizer.t`, `weights`, `optimizer.m`).
    pub fn check(&self, params: &[T], n: usize) -> Result<(), Error> {
        if self.step > MAX_STEP {
            return Err(Error::Format(format!(
                "step: {} is more than {MAX_STEP} (2^53)",
                self.step
            )));
        }
        // One optimiser update per step; a NaN rewind starts the count again.
        if self.opt_t > self.step {
            return Err(Error::Format(format!(
                "optimizer.t: {} updates, but only {} steps were trained",
                self.opt_t, self.step
            )));
        }
        if params.len() != n {
            return Err(Error::Format(format!(
                "weights: expected {n} parameters, got {}",
                params.len()
            )));
        }
        if params.iter().any(|p| !p.is_finite()) {
            return Err(Error::Format("weights: not all finite".into()));
        }
        Optimizer::check_state(n, &self.opt_m, &self.opt_v, self.opt_t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::CellKind;
    use crate::seq::{AttentionConfig, Positions, TcnConfig};
    use crate::task::TaskConfig;

    /// The plan is what building gives: the trainer's config, kind and parameter count, for
    /// every kind (a TCN's and attention model's input/output filled in from the task, which
    /// the caller's deliberately wrong sizes here do not match).
    #[test]
    fn a_plan_is_what_the_built_trainer_has() {
        let config = TrainConfig {
            task: TaskConfig::Adding { len: 12 },
            hidden: 5,
            ..TrainConfig::default()
        };
        let kinds = [
            ModelKind::Recurrent(CellKind::Lstm),
            ModelKind::Tcn(TcnConfig::new(9, 4, 9).kernel(3).levels(2)),
            ModelKind::Attention(AttentionConfig::new(9, 6, 9).heads(2)),
        ];
        for kind in kinds {
            let plan = Trainer::<f32>::plan(config.clone(), &kind).expect("valid");
            let built = Trainer::<f32>::with_model(config.clone(), kind).expect("valid");
            assert_eq!(plan.config, built.config);
            assert_eq!(plan.kind, built.kind());
            assert_eq!(plan.n_params, built.net.params().len());
        }
        // Learned positions shorter than the task's sequences: refused by the plan too.
        let short = ModelKind::Attention(
            AttentionConfig::new(2, 6, 1).positions(Positions::Learned { max_len: 4 }),
        );
        let e = Trainer::<f32>::plan(config, &short).expect_err("T = 12 > 4");
        assert!(
            e.to_string()
                .contains("longer than the learned positions (4)"),
            "{e}"
        );
    }

    /// What resuming refuses, found without a trainer, each message naming its field.
    #[test]
    fn a_resume_state_is_checked_against_the_planned_size() {
        let ok = Resume::<f32> {
            step: 3,
            opt_m: vec![0.0; 4],
            opt_v: vec![0.0; 4],
            opt_t: 3,
            data_word_pos: 0,
            dropout_word_pos: 0,
        };
        let w = [0.5f32; 4];
        assert!(ok.check(&w, 4).is_ok());
        let msg = |s: &Resume<f32>, w: &[f32]| s.check(w, 4).expect_err("refused").to_string();
        assert!(msg(&ok, &w[..3]).contains("weights: expected 4 parameters, got 3"));
        assert!(msg(&ok, &[0.0, f32::NAN, 0.0, 0.0]).contains("weights: not all finite"));
        let t = Resume {
            opt_t: 4,
            ..ok.clone()
        };
        assert!(msg(&t, &w).contains("optimizer.t: 4 updates, but only 3 steps"));
        let v = Resume {
            opt_v: vec![0.0; 5],
            ..ok.clone()
        };
        assert!(msg(&v, &w).contains("optimizer.v: expected 4 values, got 5"));
        let big = Resume {
            step: MAX_STEP + 1,
            ..ok
        };
        assert!(msg(&big, &w).contains("is more than"));
    }
}
