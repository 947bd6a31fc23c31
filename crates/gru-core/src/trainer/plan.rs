//! What a [`Trainer`] of a config and model kind would be, checked as building it checks,
//! without building it: no weights allocated or initialised, no data drawn. A saved run's
//! checkpoint is compared with this before any run is built.

use crate::seq::ModelKind;
use crate::trainer::TrainConfig;
#[cfg(doc)]
use crate::trainer::Trainer;
use crate::Error;

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

impl Planned {
    /// The run [`Trainer::with_model`]`(config, kind)` builds, checked as it checks.
    ///
    /// # Errors
    /// As [`Trainer::with_model`]: [`Error::Config`] when any setting is out of range, or learned
    /// attention positions are shorter than the task's sequences.
    pub fn of(mut config: TrainConfig, kind: &ModelKind) -> Result<Planned, Error> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::CellKind;
    use crate::seq::{AttentionConfig, Positions, TcnConfig};
    use crate::task::TaskConfig;
    use crate::Trainer;

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
            let plan = Planned::of(config.clone(), &kind).expect("valid");
            let built = Trainer::<f32>::with_model(config.clone(), kind).expect("valid");
            assert_eq!(plan.config, built.config);
            assert_eq!(plan.kind, built.kind());
            assert_eq!(plan.n_params, built.net.params().len());
        }
        // Learned positions shorter than the task's sequences: refused by the plan too.
        let short = ModelKind::Attention(
            AttentionConfig::new(2, 6, 1).positions(Positions::Learned { max_len: 4 }),
        );
        let e = Planned::of(config, &short).expect_err("T = 12 > 4");
        assert!(
            e.to_string()
                .contains("longer than the learned positions (4)"),
            "{e}"
        );
    }
}
