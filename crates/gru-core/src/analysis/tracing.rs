//! [`CellTrace`] built a few steps at a time, so that a caller with other work (the app's
//! worker, which must answer the page) can spread a long analysis over many short slices:
//! at T = 1000, H = 128 a GRU's trace is ~4000 `H × H` singular-value problems, seconds of
//! work. [`cell_trace`](super::cell_trace) is this run to the end in one call, so both give
//! the same bits.
//!
//! One unit of work is one step of one stage: the one-step Jacobian `J_s` and its norms, one
//! more factor of the product `∂h_T/∂h_{T−k}` and its norms, or (GRU) the terms `A_s`, `B_s`,
//! `C_s` and their norms. Each is one to three `H × H` SVDs.

use super::anatomy::{anatomy, check_step, Anatomy, GruTermSteps};
use super::grad::{hidden_grad_norms, state_grads};
use super::jacobian::{
    check_sel, gates_in_order, one_step_jacobian, states_in_order, SlotSteps, StepJacobians,
};
use super::norms::{norms_of, Norms};
use super::products::LagProduct;
use super::sequence::{Backward, CellTrace};
use super::CellSel;
use crate::cell::{AnyCell, CellShape};
use crate::model::{Model, Workspace};
use crate::{Error, Real};

/// Whether a sliced computation has more work left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// More units remain.
    Unfinished,
    /// Everything is computed; `finish` only assembles.
    Finished,
}

/// Where a [`Tracing`] is: the next step of which stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// `J_s` and its norms for `s = next` (1..=T).
    Jacobians(usize),
    /// The product up to lag `k = next` (1..=T) and its norms.
    Flow(usize),
    /// The GRU's terms of step `next` (1..=T).
    Terms(usize),
    Done,
}

/// A [`CellTrace`] in the making, for one slot of one filled workspace. It borrows nothing:
/// every call takes the same `model` and `ws` it was made with (the caller keeps them
/// unchanged, e.g. a copy of a model that trains on meanwhile).
pub struct Tracing {
    sel: CellSel,
    matrices_at: Option<usize>,
    grads: Backward,
    slot: SlotSteps,
    stage: Stage,
    /// `(T, S, S)` filled step by step; its additive diagonals once all are known.
    j: StepJacobians,
    /// `(T, S)`: the additive diagonals so far, and whether the cell has them.
    additive: Vec<f64>,
    has_additive: bool,
    scratch: Vec<f64>,
    /// `(T)`: `‖J_s‖` of the `h → h` block so far.
    one_step: Vec<Norms>,
    /// `(T+1)` when done: `‖∂h_T/∂h_{T−k}‖` so far.
    flow: Vec<Norms>,
    /// `∂s_T/∂s_{T−k}` of the last lag done.
    product: LagProduct,
    /// GRU only: the three terms so far.
    terms: Option<GruTermSteps>,
}

impl Tracing {
    /// Starts the trace of slot `sel` of `ws` (filled by `forward`, and `backward` if
    /// `grads` says so), with the GRU's three matrices at step `matrices_at`.
    ///
    /// # Errors
    /// [`Error::Config`] when the selection or step does not fit the model/workspace.
    pub fn new<T: Real>(
        model: &Model<T>,
        ws: &Workspace<T>,
        sel: CellSel,
        matrices_at: Option<usize>,
        grads: Backward,
    ) -> Result<Self, Error> {
        let si = check_sel(model, ws, sel)?;
        check_step(matrices_at, ws.t)?;
        let cell = &model.slots[si].cell;
        let (t, h, s) = (ws.t, cell.hidden_size(), cell.state_size());
        let terms = matches!(cell, AnyCell::Gru(_) | AnyCell::GruTorch(_))
            .then(|| GruTermSteps::new(h, matrices_at));
        Ok(Self {
            sel,
            matrices_at,
            grads,
            slot: SlotSteps::new(model, ws, sel)?,
            stage: Stage::Jacobians(1),
            j: StepJacobians {
                steps: t,
                hidden: h,
                state: s,
                jac: vec![0.0; t * s * s],
                additive: None,
            },
            additive: vec![0.0; t * s],
            has_additive: true,
            scratch: vec![0.0; cell.jacobian_scratch_size()],
            one_step: Vec::with_capacity(t),
            flow: Vec::with_capacity(t + 1),
            product: LagProduct::identity(s), // lag 0
            terms,
        })
    }

    /// Units of work in the whole trace (what [`Tracing::advance`] counts down).
    pub fn units(&self) -> usize {
        let t = self.j.steps;
        t * if self.terms.is_some() { 3 } else { 2 }
    }

    /// Does at most `units` units of work (at least one, unless finished).
    pub fn advance<T: Real>(
        &mut self,
        model: &Model<T>,
        ws: &Workspace<T>,
        units: usize,
    ) -> Progress {
        let (t, s, h) = (self.j.steps, self.j.state, self.j.hidden);
        let cell = &model.slots[model.slot_index(self.sel.layer, self.sel.dir)].cell;
        for _ in 0..units.max(1) {
            self.stage = match self.stage {
                Stage::Jacobians(step) => {
                    let out = &mut self.j.jac[(step - 1) * s * s..step * s * s];
                    let diag = &mut self.additive[(step - 1) * s..step * s];
                    let scratch = &mut self.scratch;
                    let has = self.slot.with_step(model, ws, step, |v| {
                        one_step_jacobian(cell, v, out, diag, scratch)
                    });
                    self.has_additive &= has;
                    self.one_step.push(norms_of(self.j.step(step), h, h, s));
                    if step < t {
                        Stage::Jacobians(step + 1)
                    } else {
                        let additive = std::mem::take(&mut self.additive);
                        self.j.additive = self.has_additive.then_some(additive);
                        self.flow.push(norms_of(self.product.get(), h, h, s)); // the h → h block
                        Stage::Flow(1)
                    }
                }
                Stage::Flow(k) => {
                    self.product.extend(self.j.step(t - k + 1)); // P_k = P_{k−1} · J_{T−k+1}
                    self.flow.push(norms_of(self.product.get(), h, h, s)); // the h → h block
                    match (k < t, self.terms.is_some()) {
                        (true, _) => Stage::Flow(k + 1),
                        (false, true) => Stage::Terms(1),
                        (false, false) => Stage::Done,
                    }
                }
                Stage::Terms(step) => {
                    if let Some(terms) = self.terms.as_mut() {
                        self.slot
                            .with_step(model, ws, step, |v| terms.push(cell, step, v));
                    }
                    if step < t {
                        Stage::Terms(step + 1)
                    } else {
                        Stage::Done
                    }
                }
                Stage::Done => return Progress::Finished,
            };
        }
        match self.stage {
            Stage::Done => Progress::Finished,
            _ => Progress::Unfinished,
        }
    }

    /// Does the work left and assembles the trace (gates, states and `‖dL/dh_t‖` are cheap).
    ///
    /// # Errors
    /// [`Error::Config`] when `model`/`ws` are not those the trace was made with.
    pub fn finish<T: Real>(
        mut self,
        model: &Model<T>,
        ws: &Workspace<T>,
    ) -> Result<CellTrace, Error> {
        while self.advance(model, ws, usize::MAX) == Progress::Unfinished {}
        let sel = self.sel;
        let (h, s, steps) = (self.j.hidden, self.j.state, self.j.steps);
        if ws.t != steps {
            return Err(Error::Config("the trace is not of this workspace".into()));
        }
        let states = states_in_order(model, ws, sel)?; // (T+1, S)
        let column = |off: usize| -> Vec<f64> {
            states
                .chunks_exact(s)
                .flat_map(|r| r[off..off + h].iter().copied())
                .collect()
        };
        let grad_h = match self.grads {
            Backward::Ran => Some(hidden_grad_norms(
                &state_grads(model, ws, &self.j, sel)?,
                s,
                h,
            )),
            Backward::NotRun => None,
        };
        let anatomy = match self.terms {
            Some(terms) => Anatomy::Gru(terms.out),
            None => anatomy(model, ws, sel, self.matrices_at)?,
        };
        Ok(CellTrace {
            steps,
            hidden: h,
            gates: gates_in_order(model, ws, sel)?,
            h: column(0),
            c: (s > h).then(|| column(h)),
            one_step: self.one_step,
            flow: self.flow,
            grad_h,
            anatomy,
        })
    }
}
