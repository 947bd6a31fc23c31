//! The experiment: the same task, data and seed trained at once on one to three cells (a GRU
//! against a tanh RNN by default), stepped in lock-step, and the inspection of one validation
//! sample per run. No DOM, no clock: [`crate::engine::Engine`] decides when each happens.

use gru_core::model::Direction;
use gru_core::seq::ModelKind;
use gru_core::trainer::Planned;
use gru_core::TrainConfig;

use crate::protocol::{InspectPick, Inspected, RunStatus, SamplePick};
use crate::run::TrainingRun;
use crate::settings::Settings;
use crate::travel::Travel;
use serde::{Deserialize, Serialize};

/// The runs of one experiment.
pub struct Lab {
    /// The settings every run was built from (live ones updated as they change).
    pub settings: Settings,
    /// One run per compared cell, in the order of `settings.cells`, then per `settings.models`.
    pub runs: Vec<TrainingRun>,
    /// What is looked inside (the sample resolved to an index).
    pub pick: Inspected,
    /// The kept snapshots, the step viewed, your sequence ([`crate::travel`]).
    pub travel: Travel,
    /// From which step the runs trained with which learning rate and clip (a new span at
    /// the first step trained after a live change), oldest first.
    pub trained_with: Vec<LiveSpan>,
}

/// The learning rate and clip the runs trained with from step `from_step` on.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveSpan {
    /// The first step trained with these.
    pub from_step: u64,
    /// Learning rate.
    pub lr: f64,
    /// Gradient clip, 0 = off.
    pub clip: f64,
}

/// One run of a lab, known before it is built ([`Lab::plan`]).
pub struct RunPlan {
    /// Its name on the page ("GRU", "GRU one-way", "TCN", …).
    pub label: String,
    /// Its config, model kind and parameter count, as its trainer will have them.
    pub planned: Planned,
}

/// What the page says when a run stopped on NaN/∞: which run, then its error (what happened
/// and what to change, [`crate::run::TrainingRun::error`]).
pub fn stop_notice(label: &str, error: &str) -> String {
    format!("{label} stopped: {error}.")
}

impl Lab {
    /// Builds one run per entry of [`Settings::run_specs`] (each compared cell, then any
    /// one-way twins), then one per model in `settings.models` (TCN, attention).
    ///
    /// # Errors
    /// A one-line message naming the setting that is out of range.
    pub fn new(settings: Settings) -> Result<Self, String> {
        let plans = Self::plan(&settings)?;
        Self::from_plans(settings, plans)
    }

    /// Builds the runs `plans` describes, [`Self::plan`]`(&settings)` already checked (a
    /// saved run's checks planned them).
    ///
    /// # Errors
    /// As [`Self::new`]: building a planned run checks its config again.
    pub(crate) fn from_plans(settings: Settings, plans: Vec<RunPlan>) -> Result<Self, String> {
        let runs = plans
            .into_iter()
            .map(|p| {
                let mut run = TrainingRun::with_model(p.planned.config, p.planned.kind)
                    .map_err(|e| e.to_string())?;
                run.label = p.label;
                Ok::<_, String>(run)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut lab = Self {
            trained_with: Vec::new(),
            settings,
            travel: Travel::for_runs(&runs),
            runs,
            pick: Inspected::default(),
        };
        lab.travel.record(&lab.runs);
        lab.pick.layers = lab.settings.layers;
        lab.pick.dirs = match lab.settings.direction {
            Direction::Forward => 1,
            Direction::Bidirectional => 2,
        };
        lab.pick.samples = lab.samples();
        Ok(lab)
    }

    /// The runs [`Self::new`] builds from `settings`, in run order, checked as it checks
    /// (the memory budget first, then each run's config and model) without building any: no
    /// weights, no data. A saved run is compared with these before its lab is built.
    ///
    /// # Errors
    /// As [`Self::new`].
    pub fn plan(settings: &Settings) -> Result<Vec<RunPlan>, String> {
        // Before anything is allocated: a run outgrowing wasm32 would end the worker.
        settings.check_memory_to_apply()?;
        let plan = |label: String, cfg: TrainConfig, kind: ModelKind| {
            let planned = Planned::of(cfg, &kind).map_err(|e| e.to_string())?;
            Ok::<_, String>(RunPlan { label, planned })
        };
        let mut runs = Vec::with_capacity(settings.n_runs());
        for spec in settings.run_specs() {
            let cfg = settings.spec_config(&spec)?;
            runs.push(plan(spec.label(), cfg, ModelKind::Recurrent(spec.cell))?);
        }
        for &m in &settings.models {
            let (cfg, kind) = settings.model_train_config(m)?;
            runs.push(plan(m.label().to_string(), cfg, kind)?);
        }
        Ok(runs)
    }

    /// Looks inside `pick` from now on; a worst-sample pick is resolved now.
    ///
    /// # Errors
    /// A one-line message naming what does not exist; the old pick stays.
    pub fn set_pick(&mut self, pick: InspectPick) -> Result<(), String> {
        let p = &self.pick;
        let bad = |what: &str, v: usize, n: usize| Err(format!("{what}: {v} is not below {n}"));
        if pick.run >= self.runs.len() {
            return bad("run", pick.run, self.runs.len());
        }
        if pick.layer >= p.layers {
            return bad("layer", pick.layer, p.layers);
        }
        // A one-way twin has one direction even when the others have two.
        let dirs = p
            .dirs
            .min(self.runs[pick.run].trainer.config.direction.count());
        if pick.dir >= dirs {
            return bad("direction", pick.dir, dirs);
        }
        let (sample, worst_at) = match pick.sample {
            SamplePick::Index(i) if i >= p.samples => return bad("sample", i, p.samples),
            SamplePick::Index(i) => (i, None),
            SamplePick::Yours if self.travel.yours.is_none() => {
                return Err("your sequence: none entered yet".into())
            }
            SamplePick::Yours => (p.sample, p.worst_at),
            SamplePick::Worst => {
                let tr = &self.runs[pick.run].trainer;
                (gru_hot::worst_sample(tr), Some(tr.step_idx()))
            }
        };
        self.pick = Inspected {
            run: pick.run,
            layer: pick.layer,
            dir: pick.dir,
            sample,
            worst_at,
            yours: pick.sample == SamplePick::Yours,
            ..self.pick.clone()
        };
        Ok(())
    }

    /// Carries the pick over from the lab this one replaces, where it still fits.
    pub fn keep_pick(&mut self, old: &Inspected) {
        let p = InspectPick {
            run: old.run,
            layer: old.layer,
            dir: old.dir,
            sample: SamplePick::Index(old.sample),
        };
        if self.set_pick(p).is_err() {
            let first = InspectPick {
                sample: SamplePick::Index(old.sample.min(self.pick.samples.saturating_sub(1))),
                ..InspectPick::default()
            };
            // Run, layer and direction 0 always exist; the sample is clamped into range.
            let _ = self.set_pick(first);
        }
    }

    /// Steps every run once; `false` when a run is stopped by NaN/∞ (no run steps then, so
    /// the runs stay in lock-step).
    pub fn step(&mut self) -> bool {
        self.step_timed(&|| 0.0)
    }

    /// [`Self::step`], each run's step timed on `clock` (ms) for its own ms per step.
    pub fn step_timed(&mut self, clock: &dyn Fn() -> f64) -> bool {
        if self.stopped().is_some() {
            return false;
        }
        let next = self.steps() + 1;
        let mut ok = true;
        for r in &mut self.runs {
            ok &= r.step_timed(clock);
        }
        if ok {
            self.travel.record(&self.runs);
            let (lr, clip) = (self.settings.lr, self.settings.clip);
            if self
                .trained_with
                .last()
                .is_none_or(|s| (s.lr, s.clip) != (lr, clip))
            {
                self.trained_with.push(LiveSpan {
                    from_step: next,
                    lr,
                    clip,
                });
            }
        }
        ok
    }

    /// The first step the runs trained with a learning rate or clip other than the settings'
    /// now (a live change, even one set back since, or a reset made while one was in force):
    /// from there they are not the runs these settings train. `None` when every step was
    /// trained with today's values.
    pub fn retuned_at(&self) -> Option<u64> {
        let now = (self.settings.lr, self.settings.clip);
        self.trained_with
            .iter()
            .find(|s| (s.lr, s.clip) != now)
            .map(|s| s.from_step)
    }

    /// Steps trained (every run has the same count).
    pub fn steps(&self) -> u64 {
        self.runs.first().map_or(0, |r| r.trainer.step_idx())
    }

    /// The first run's stop message, if any run stopped: what happened and what to change.
    pub fn stopped(&self) -> Option<String> {
        self.runs
            .iter()
            .find_map(|r| r.error().map(|e| stop_notice(&r.label, e)))
    }

    /// Clears NaN/∞ stops so training can resume.
    pub fn clear_errors(&mut self) {
        self.runs.iter_mut().for_each(TrainingRun::clear_error);
    }

    /// Measures every run's validation loss (where it is not already current).
    pub fn validate(&mut self) {
        self.runs.iter_mut().for_each(TrainingRun::validate);
    }

    /// Applies the live settings (learning rate, clipping) to every run.
    ///
    /// # Errors
    /// A one-line message when the settings table refuses a value (so a saved run's link
    /// always reads back); no run is changed then.
    pub fn set_live(&mut self, lr: f64, clip: f64) -> Result<(), String> {
        let next = self.settings.with_live_values(lr, clip)?;
        // lr and clip do not depend on the cell: one check covers every run, before any changes.
        next.train_config(next.cells[0])?
            .validate()
            .map_err(|e| e.to_string())?;
        for r in &mut self.runs {
            r.trainer.set_lr(lr).map_err(|e| e.to_string())?;
            r.trainer
                .set_clip(next.clip_limit())
                .map_err(|e| e.to_string())?;
        }
        self.settings = next;
        Ok(())
    }

    /// Every run's status; hands over the losses gathered since the last call.
    pub fn take_statuses(&mut self) -> Vec<RunStatus> {
        self.runs.iter_mut().map(TrainingRun::take_status).collect()
    }

    /// Sequences in the validation set.
    pub fn samples(&self) -> usize {
        self.runs.first().map_or(0, |r| r.trainer.validation().b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_step_in_lock_step_and_a_bad_live_setting_changes_nothing() {
        let mut lab = Lab::new(Settings::default()).expect("default");
        for _ in 0..5 {
            assert!(lab.step());
        }
        assert!(lab.runs.iter().all(|r| r.trainer.step_idx() == 5));
        assert!(lab.set_live(-1.0, 1.0).is_err());
        // Within gru-core's limits but not the table's (a link could not carry them back).
        for (lr, clip) in [(5.0, 1.0), (0.01, -3.0), (0.01, f64::NAN), (f64::NAN, 1.0)] {
            let e = lab.set_live(lr, clip).expect_err("refused");
            assert!(e.starts_with("lr: ") || e.starts_with("clip: "), "{e}");
        }
        assert_eq!(lab.settings, Settings::default(), "nothing changed");
        lab.set_live(0.003, 0.0).expect("valid");
        assert_eq!(lab.runs[1].trainer.config.clip, None);
        let (ins, col) = lab.inspect().expect("sample 0");
        assert_eq!(ins.len(), 2);
        assert_eq!(ins[1].label(), "RNN");
        let col = col.expect("column");
        assert_eq!((col.step, col.log_norms.len()), (5, 41));
        assert_eq!(col.log_norms[0], 0.0, "‖∂h_T/∂h_T‖ = ‖I‖ = 1");
    }

    #[test]
    fn a_diverging_run_stops_every_run_and_says_what_to_change() {
        let mut s = Settings {
            lr: 1.0,
            clip: 0.0,
            optimizer: crate::settings::Optimizer::Sgd,
            cells: vec![gru_core::cell::CellKind::RnnTanh],
            ..Settings::default()
        };
        s.knob = 100;
        let mut lab = Lab::new(s).expect("valid settings");
        let mut n = 0;
        while lab.step() && n < 5000 {
            n += 1;
        }
        let msg = lab.stopped().expect("lr 1 without clipping diverges");
        assert!(msg.contains("learning rate"), "{msg}");
        let steps = lab.steps();
        assert!(!lab.step(), "no step while stopped");
        assert_eq!(lab.steps(), steps);
        lab.clear_errors();
        assert!(lab.stopped().is_none());
    }

    /// `‖∂h_T/∂h_0‖₂` of each run (GRU, RNN) after `n` steps of `query`, from the real analysis.
    fn far_flow(query: &str, n: usize) -> Vec<f64> {
        let (s, e) = Settings::from_query(query);
        assert!(e.is_empty(), "{e:?}");
        let mut lab = Lab::new(s).expect("valid");
        (0..n).for_each(|_| assert!(lab.step()));
        let (ins, _) = lab.inspect().expect("sample 0");
        ins.iter()
            .map(|i| *i.flow.last().expect("T+1 norms"))
            .collect()
    }

    #[test]
    fn cutting_the_carry_collapses_the_grus_gradient_flow_to_the_rnns() {
        // Adding problem, T = 40, after 150 steps. Measured: GRU 1.3, RNN 3·10⁻⁹, the cut
        // GRU 2·10⁻¹⁴ (at step 0: 6·10⁻⁵, 1·10⁻², 3·10⁻¹²).
        let kept = far_flow("cells=gru,rnn", 150);
        let cut = far_flow("cells=gru,rnn&cut=1", 150);
        assert_eq!(kept[1], cut[1], "the RNN is untouched by GRU surgery");
        let (gru, rnn, gru_cut) = (kept[0], kept[1], cut[0]);
        assert!(
            gru > 1e4 * rnn,
            "the intact GRU carries the gradient: {gru} vs {rnn}"
        );
        assert!(
            gru_cut < 10.0 * rnn,
            "cut, it dies like the RNN's: {gru_cut} vs {rnn}"
        );
        assert!(gru > 1e6 * gru_cut, "{gru} vs {gru_cut}");
    }
}
