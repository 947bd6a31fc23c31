//! Looking inside a [`Trainer`]'s model: one validation sample through one cell slot (layer,
//! direction), with the data under the gates (input, target, prediction, loss) and the
//! [`CellTrace`] (gates, states, Jacobian norms, gradient curve, anatomy). One forward and one
//! backward pass per inspection. Every model kind also gets the input-to-output sensitivity
//! over the lag; a TCN its receptive field, an attention model its attention weights (their
//! cell trace is empty).

mod sample;

use crate::analysis::{
    Anatomy, Backward, CellSel, CellTrace, GruTerms, LstmCarry, Progress, RnnSlope, Tracing,
};
use crate::cell::CellKind;
use crate::loss::{loss_and_grad, Targets};
use crate::model::{backward, forward, BackwardOpts, Mode, Model, Workspace};
use crate::seq::sensitivity::input_sensitivity;
use crate::seq::{Net, NetCache};
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

/// One validation sample as the model sees it, and one cell slot's trace of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Inspection {
    /// The cell of the model (for a TCN or attention model: the run config's cell, unused;
    /// see [`Trainer::kind`]).
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
    /// [`Inspection::input_row`]); recurrent models only (empty, `steps == 0`, otherwise).
    pub trace: CellTrace,
    /// `(T)`: `‖∂y_T/∂x_{T−1−k}‖_F` for lag `k = 0 … T−1`, every model
    /// ([`input_sensitivity`]).
    pub sensitivity: Vec<f64>,
    /// The attention weights, attention models only.
    pub attention: Option<AttentionMap>,
    /// Input steps one output sees, TCNs only.
    pub receptive_field: Option<usize>,
}

/// An [`Inspection`] whose cell trace is still being computed ([`Trainer::begin_inspect_on`]).
pub struct InspectWork<T: Real> {
    /// Everything but the trace (an empty trace until [`InspectWork::finish`]).
    inspection: Inspection,
    /// Recurrent models: the trace still to compute.
    pending: Option<Box<PendingTrace<T>>>,
}

/// A copy of the model (training goes on meanwhile), its workspace filled by this sample's
/// forward and backward pass, and the trace so far.
struct PendingTrace<T: Real> {
    model: Model<T>,
    ws: Workspace<T>,
    tracing: Tracing,
}

impl<T: Real> InspectWork<T> {
    /// Does at most `units` units of the trace's work ([`Tracing::advance`]).
    pub fn advance(&mut self, units: usize) -> Progress {
        match self.pending.as_deref_mut() {
            Some(p) => p.tracing.advance(&p.model, &p.ws, units),
            None => Progress::Finished,
        }
    }

    /// Does the work left and returns the inspection.
    ///
    /// # Errors
    /// [`Error::Config`] only if the trace does not fit its own copy of the model (a bug).
    pub fn finish(self) -> Result<Inspection, Error> {
        let mut inspection = self.inspection;
        if let Some(pending) = self.pending {
            let PendingTrace { model, ws, tracing } = *pending;
            inspection.trace = tracing.finish(&model, &ws)?;
        }
        Ok(inspection)
    }
}

/// The trace of a model without cells: no steps, the anatomy variant of `cell`, all empty.
fn empty_trace(cell: CellKind) -> CellTrace {
    let anatomy = match cell {
        CellKind::Gru | CellKind::GruTorch => Anatomy::Gru(GruTerms::default()),
        CellKind::Lstm => Anatomy::Lstm(LstmCarry::default()),
        _ => Anatomy::Rnn(RnnSlope::default()),
    };
    CellTrace {
        steps: 0,
        hidden: 0,
        gates: Vec::new(),
        h: Vec::new(),
        c: None,
        one_step: Vec::new(),
        flow: Vec::new(),
        grad_h: None,
        anatomy,
    }
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
    /// one backward pass) and traces cell slot (`pick.layer`, `pick.dir`); plus the
    /// input sensitivity (every kind), the TCN's receptive field or the attention weights.
    /// A TCN or attention model has only slot (0, 0) and ignores `pick.matrices_at`.
    ///
    /// # Errors
    /// [`Error::Config`] when the sample, layer, direction or step is out of range.
    pub fn inspect(&self, pick: Pick) -> Result<Inspection, Error> {
        self.inspect_on(self.validation(), pick)
    }

    /// [`Trainer::inspect`] on sample `pick.sample` of another batch of this task's shape
    /// (e.g. a sequence the user typed, `B` = 1).
    ///
    /// # Errors
    /// As [`Trainer::inspect`]; also [`Error::Config`] when `val`'s sizes do not fit the
    /// model (inputs per step, targets per sample).
    pub fn inspect_on(&self, val: &crate::task::Batch<T>, pick: Pick) -> Result<Inspection, Error> {
        self.begin_inspect_on(val, pick)?.finish()
    }

    /// [`Trainer::inspect_on`] in slices: everything but the cell trace's per-step analysis
    /// now (one forward and one backward pass, the sensitivity), the rest as
    /// [`InspectWork::advance`] is called. The work holds a copy of the model, so this
    /// trainer may train on meanwhile; the result is that of the weights now.
    ///
    /// # Errors
    /// As [`Trainer::inspect_on`].
    pub fn begin_inspect_on(
        &self,
        val: &crate::task::Batch<T>,
        pick: Pick,
    ) -> Result<InspectWork<T>, Error> {
        let (ni, rows_per) = (self.net.input_size(), sample::rows(&self.net, val.t));
        let targets_fit = match &val.targets {
            Targets::Values(v) => v.len() == rows_per * val.b * self.net.output_size(),
            Targets::Classes(c) => c.len() == rows_per * val.b,
        };
        let weights_fit = val
            .weights
            .as_ref()
            .is_none_or(|w| w.len() == rows_per * val.b);
        if val.x.len() != val.t * val.b * ni || !targets_fit || !weights_fit {
            return Err(Error::Config(format!(
                "sequence: its sizes do not fit this model ({} steps, {ni} inputs per step)",
                val.t
            )));
        }
        if pick.sample >= val.b {
            return Err(Error::Config(format!(
                "sample: {} is not below {}",
                pick.sample, val.b
            )));
        }
        let net = &self.net;
        let s = sample::sample_of(net, val, pick.sample);
        let kind = self.task.loss();
        let wide = |v: &[T]| v.iter().map(|x| x.f64()).collect::<Vec<f64>>();
        let (y, loss, pending, attention, receptive_field) = match net {
            Net::Recurrent(model) => {
                let mut ws = Workspace::default();
                forward(model, &mut ws, &s.x, val.t, 1, Mode::Eval);
                let o = model.config.output;
                let w = s.weights.as_deref();
                let stats = loss_and_grad(kind, &ws.y, o, &s.targets, w, &mut ws.dy);
                backward(model, &mut ws, BackwardOpts::analysis());
                let sel = CellSel {
                    layer: pick.layer,
                    dir: pick.dir,
                    sample: 0,
                };
                let tracing = Tracing::new(model, &ws, sel, pick.matrices_at, Backward::Ran)?;
                let y = wide(&ws.y);
                let pending = Some(Box::new(PendingTrace {
                    model: model.clone(),
                    ws,
                    tracing,
                }));
                (y, stats.loss, pending, None, None)
            }
            _ => {
                if pick.layer != 0 {
                    return Err(Error::Config(format!(
                        "layer: {} is not below 1 (a {} has one view)",
                        pick.layer,
                        net.kind().label()
                    )));
                }
                if pick.dir != 0 {
                    return Err(Error::Config(format!(
                        "direction: {} is not below 1 (a {} is causal)",
                        pick.dir,
                        net.kind().label()
                    )));
                }
                let mut cache = NetCache::default();
                net.forward(&mut cache, &s.x, val.t, 1, Mode::Eval);
                let o = net.output_size();
                let (y, dy) = cache.y_dy();
                let stats = loss_and_grad(kind, y, o, &s.targets, s.weights.as_deref(), dy);
                let y = wide(y);
                let (attention, receptive_field) = match (net, &cache) {
                    (Net::Tcn(m), _) => (None, Some(m.config.receptive_field())),
                    (Net::Attention(m), NetCache::Attention(c)) => (
                        Some(AttentionMap {
                            heads: m.config.heads,
                            steps: val.t,
                            weights: wide(c.weights(0).unwrap_or(&[])),
                        }),
                        None,
                    ),
                    _ => (None, None),
                };
                (y, stats.loss, None, attention, receptive_field)
            }
        };
        let sensitivity = input_sensitivity(net, &s.x, val.t)?;
        let rows = sample::rows(net, val.t);
        let inspection = Inspection {
            cell: self.config.cell,
            pick,
            input: net.input_size(),
            x: wide(&s.x),
            y,
            target: match s.targets {
                Targets::Values(v) => Targets::Values(wide(&v)),
                Targets::Classes(c) => Targets::Classes(c),
            },
            weights: s.weights.map_or(vec![1.0; rows], |w| wide(&w)),
            loss,
            trace: empty_trace(self.config.cell),
            sensitivity,
            attention,
            receptive_field,
        };
        Ok(InspectWork {
            inspection,
            pending,
        })
    }

    /// The loss of every validation sample under the current weights (no dropout), `(256)`.
    pub fn sample_losses(&self) -> Vec<f64> {
        sample::sample_losses(&self.net, self.task.loss(), self.validation())
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
