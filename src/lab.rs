//! The experiment the page runs: the same task, data and seed trained at once on one to three
//! cells (GRU against a tanh RNN by default), stepped in lock-step, plus the inspection of one
//! validation sample per run turned into plain numbers for the charts. No DOM here.

use gru_core::cell::CellKind;
use gru_core::pca::pca2;
use gru_core::{Error, Inspection};

use crate::run::{Snapshot, TrainingRun};
use crate::settings::Settings;

/// Columns kept in the lag × training-step map.
pub const FLOW_HISTORY: usize = 120;

/// One run's inspected sample as plain numbers (f64), ready for the charts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Insight {
    /// "GRU", "RNN", …
    pub label: &'static str,
    /// The cell.
    pub kind: Option<CellKind>,
    /// Steps `T`.
    pub steps: usize,
    /// Hidden size `H`.
    pub hidden: usize,
    /// Gates `(name, (T, H))`, row `s − 1` = step `s`, app convention.
    pub gates: Vec<(String, Vec<f64>)>,
    /// Hidden states `(T+1, H)`.
    pub h: Vec<f64>,
    /// `(t, pc1, pc2)` for t = 0..=T.
    pub pca: Vec<(f64, f64, f64)>,
    /// Variance explained by PC1, PC2.
    pub explained: (f64, f64),
    /// `(k, ‖∂h_T/∂h_{T−k}‖₂)` for k = 0..=T.
    pub flow: Vec<(f64, f64)>,
    /// `(t, ‖∂L/∂h_t‖₂)` for t = 0..=T.
    pub grad_h: Vec<(f64, f64)>,
    /// `(s, ‖diag(1 − z_s)‖₂)` (GRU) / `‖diag(f_s)‖₂` (LSTM), empty for the RNN.
    pub additive: Vec<(f64, f64)>,
    /// `(s, ‖J_s − additive‖₂)`.
    pub remainder: Vec<(f64, f64)>,
    /// `(s, ‖J_s‖₂)`: the whole one-step Jacobian.
    pub one_step: Vec<(f64, f64)>,
}

impl Insight {
    /// Gate `name` at step `s` (1-based) and unit `j`.
    pub fn gate(&self, name: &str, s: usize, j: usize) -> Option<f64> {
        let g = self.gates.iter().find(|g| g.0 == name)?;
        (s >= 1)
            .then(|| g.1.get((s - 1) * self.hidden + j).copied())
            .flatten()
    }
    /// h_t[j] for t = 0..=T.
    pub fn h_at(&self, t: usize, j: usize) -> Option<f64> {
        self.h.get(t * self.hidden + j).copied()
    }

    fn from_inspection(label: &'static str, kind: CellKind, ins: Inspection) -> Self {
        let tr = ins.trace;
        let (steps, hidden) = (tr.steps, tr.hidden);
        let p = pca2(&tr.h, steps + 1, hidden);
        let pca = (0..=steps)
            .map(|t| (t as f64, p.coords[t * 2], p.coords[t * 2 + 1]))
            .collect();
        let indexed = |v: &[f64], first: usize| {
            v.iter()
                .enumerate()
                .map(|(i, &n)| ((i + first) as f64, n))
                .collect::<Vec<_>>()
        };
        Self {
            label,
            kind: Some(kind),
            steps,
            hidden,
            pca,
            explained: (p.explained[0], p.explained[1]),
            flow: indexed(&tr.jac_spec_at_target, 0),
            grad_h: tr
                .grad_h_norm
                .as_deref()
                .map(|g| indexed(g, 0))
                .unwrap_or_default(),
            additive: indexed(&tr.additive_spec, 1),
            remainder: indexed(&tr.remainder_spec, 1),
            one_step: indexed(&tr.jac_spec, 1),
            gates: tr.gates,
            h: tr.h,
        }
    }
}

/// The runs of one experiment.
pub struct Lab {
    /// The settings every run was built from.
    pub settings: Settings,
    /// One run per compared cell, primary first.
    pub runs: Vec<TrainingRun>,
    /// First run: `(training step, log10 ‖∂h_T/∂h_{T−k}‖₂ for k = 0..=T)`, oldest first.
    pub flow_history: Vec<(u64, Vec<f64>)>,
    /// Validation sample that is inspected.
    pub sample: usize,
    /// Running average of one lock-step's cost in ms.
    step_ms: f64,
}

impl Lab {
    /// Builds one run per cell in `settings.cells`.
    ///
    /// # Errors
    /// [`Error::Config`] when a setting is out of range.
    pub fn new(settings: Settings) -> Result<Self, Error> {
        let runs = settings
            .cells
            .iter()
            .map(|&c| TrainingRun::new(settings.train_config(c)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            settings,
            runs,
            flow_history: Vec::new(),
            sample: 0,
            step_ms: 0.0,
        })
    }

    /// Steps every run once, in lock-step; `false` when a run hit NaN/∞ (it then stays put).
    pub fn step(&mut self) -> bool {
        let mut ok = true;
        for r in &mut self.runs {
            ok &= r.step();
        }
        ok
    }

    /// Trains in lock-step while another step is expected to fit in `budget_ms` (at least one
    /// step); returns steps per run. The expected cost of a step is a running average, so a
    /// frame's budget is not overrun by the step that crosses it.
    pub fn train_for(&mut self, budget_ms: f64, clock: impl Fn() -> f64) -> u64 {
        let t0 = clock();
        let mut n = 0;
        let mut last = t0;
        while self.runs.iter().all(|r| !r.failed()) {
            if !self.step() {
                break;
            }
            n += 1;
            let now = clock();
            let cost = now - last;
            last = now;
            self.step_ms = if self.step_ms > 0.0 {
                0.8 * self.step_ms + 0.2 * cost
            } else {
                cost
            };
            if now - t0 + self.step_ms > budget_ms {
                break;
            }
        }
        let t1 = clock();
        for r in &mut self.runs {
            r.note_time(n, t1 - t0);
        }
        n
    }

    /// The training snapshots, one per run.
    pub fn snapshots(&self) -> Vec<Snapshot> {
        self.runs.iter().map(TrainingRun::snapshot).collect()
    }

    /// Measures every run's validation loss (skipped where it is already current).
    pub fn validate(&mut self) {
        for r in &mut self.runs {
            if r.validated_step() != r.trainer.step_idx() {
                r.validate();
            }
        }
    }

    /// Inspects the current sample on every run and records the first run's gradient-flow
    /// column.
    pub fn inspect(&mut self) -> Vec<Insight> {
        let mut out = Vec::with_capacity(self.runs.len());
        for r in &self.runs {
            let kind = r.trainer.config.cell;
            match r.trainer.inspect(self.sample, false) {
                Ok(ins) => out.push(Insight::from_inspection(kind.label(), kind, ins)),
                Err(e) => leptos::logging::warn!("inspect: {e}"),
            }
        }
        if let (Some(first), Some(run)) = (out.first(), self.runs.first()) {
            let step = run.trainer.step_idx();
            if self.flow_history.last().is_none_or(|l| l.0 != step) {
                let col = first.flow.iter().map(|p| p.1.max(1e-30).log10()).collect();
                self.flow_history.push((step, col));
                if self.flow_history.len() > FLOW_HISTORY {
                    self.flow_history.remove(0);
                }
            }
        }
        out
    }

    /// The lag × training-step map of the first run: `(steps, values (lags, cols), lags)`,
    /// row `k` = lag `k`, one column per recorded training step.
    pub fn flow_map(&self) -> (Vec<u64>, Vec<f64>, usize) {
        let h = &self.flow_history;
        let lags = h.last().map_or(0, |c| c.1.len());
        let steps = h.iter().map(|c| c.0).collect();
        let vals = (0..lags)
            .flat_map(|k| {
                h.iter()
                    .map(move |c| c.1.get(k).copied().unwrap_or(f64::NAN))
            })
            .collect();
        (steps, vals, lags)
    }
}
