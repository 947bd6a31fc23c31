//! Looking inside a [`Trainer`]'s model: one validation sample through one cell slot (layer,
//! direction), with the data under the gates (input, target, prediction, loss) and the
//! [`CellTrace`] (gates, states, Jacobian norms, gradient curve, anatomy). One forward and one
//! backward pass per inspection.

mod sample;

use crate::analysis::{cell_trace, Backward, CellSel, CellTrace};
use crate::cell::CellKind;
use crate::loss::{loss_and_grad, Targets};
use crate::model::{backward, forward, BackwardOpts, Mode, Workspace};
use crate::trainer::Trainer;
use crate::{Error, Real};

/// What to look inside.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pick {
    /// Layer (0 reads the input).
    pub layer: usize,
    /// Direction: 0 forward, 1 backward (bidirectional models only).
    pub dir: usize,
    /// Index in the validation set.
    pub sample: usize,
    /// Step `s` (1..=T) whose GRU Jacobian terms are returned as matrices, if any.
    pub matrices_at: Option<usize>,
}

impl Pick {
    /// Layer 0, forward direction, validation sample `sample`, no matrices.
    pub fn sample(sample: usize) -> Self {
        Self {
            sample,
            ..Self::default()
        }
    }
}

/// One validation sample as the model sees it, and one cell slot's trace of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Inspection {
    /// The cell of the model.
    pub cell: CellKind,
    /// What was picked.
    pub pick: Pick,
    /// Input size `I`.
    pub input: usize,
    /// `(T, I)`: the sample's input sequence in time order, `x_0 … x_{T−1}`.
    pub x: Vec<f64>,
    /// `(R, O)`: the model's prediction, `R` = 1 (read at the end) or `T` (every step).
    pub y: Vec<f64>,
    /// The target: values `(R, O)` or class indices `(R)`.
    pub target: Targets<f64>,
    /// `(R)`: row weights, 0 where a row is not scored (e.g. outside copy memory's recall).
    pub weights: Vec<f64>,
    /// The sample's loss (weighted mean over its scored rows).
    pub loss: f64,
    /// The picked cell slot over this sample, in its processing order (see
    /// [`Inspection::input_row`]).
    pub trace: CellTrace,
}

impl Inspection {
    /// The row of [`Inspection::x`] that step `s` (1..=T) of the trace read: `s − 1` for the
    /// forward direction, `T − s` for the backward one.
    pub fn input_row(&self, step: usize) -> usize {
        match self.pick.dir {
            0 => step.saturating_sub(1),
            _ => self.trace.steps.saturating_sub(step),
        }
    }
}

impl<T: Real> Trainer<T> {
    /// Runs validation sample `pick.sample` through the model (no dropout; one forward and
    /// one backward pass) and traces cell slot (`pick.layer`, `pick.dir`).
    ///
    /// # Errors
    /// [`Error::Config`] when the sample, layer, direction or step is out of range.
    pub fn inspect(&self, pick: Pick) -> Result<Inspection, Error> {
        let val = self.validation();
        if pick.sample >= val.b {
            return Err(Error::Config(format!(
                "sample: {} is not below {}",
                pick.sample, val.b
            )));
        }
        let model = &self.model;
        let s = sample::sample_of(model, val, pick.sample);
        let mut ws = Workspace::default();
        forward(model, &mut ws, &s.x, val.t, 1, Mode::Eval);
        let o = model.config.output;
        let kind = self.task.loss();
        let stats = loss_and_grad(kind, &ws.y, o, &s.targets, s.weights.as_deref(), &mut ws.dy);
        backward(model, &mut ws, BackwardOpts::default());
        let sel = CellSel {
            layer: pick.layer,
            dir: pick.dir,
            sample: 0,
        };
        let trace = cell_trace(model, &ws, sel, pick.matrices_at, Backward::Ran)?;
        let wide = |v: &[T]| v.iter().map(|x| x.f64()).collect::<Vec<f64>>();
        let rows = sample::rows(model, val.t);
        Ok(Inspection {
            cell: model.config.cell,
            pick,
            input: model.config.input,
            x: wide(&s.x),
            y: wide(&ws.y),
            target: match s.targets {
                Targets::Values(v) => Targets::Values(wide(&v)),
                Targets::Classes(c) => Targets::Classes(c),
            },
            weights: s.weights.map_or(vec![1.0; rows], |w| wide(&w)),
            loss: stats.loss,
            trace,
        })
    }

    /// The loss of every validation sample under the current weights (no dropout), `(256)`.
    pub fn sample_losses(&self) -> Vec<f64> {
        sample::sample_losses(&self.model, self.task.loss(), self.validation())
    }

    /// The validation sample the model gets most wrong (largest loss; a NaN loss counts as
    /// the worst; 0 for an empty set).
    pub fn worst_sample(&self) -> usize {
        let losses: Vec<f64> = self
            .sample_losses()
            .into_iter()
            .map(|l| if l.is_nan() { f64::INFINITY } else { l })
            .collect();
        (0..losses.len())
            .max_by(|&a, &b| losses[a].total_cmp(&losses[b]).then(b.cmp(&a))) // ties: first
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests;
