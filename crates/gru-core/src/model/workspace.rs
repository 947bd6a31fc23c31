//! Reusable buffers for one forward/backward pass of a given batch size and length, so a
//! training step allocates nothing after the first.

use super::{Model, Readout};
use crate::cell::{Cell, CellShape};
use crate::Real;

/// Every intermediate of a pass over a batch of `b` sequences of `t` steps.
///
/// Per cell slot (layer × direction): `states (T+1, B, S)` and `caches (T, B, C)`. For the
/// forward direction state row `k` is the state after reading `x_0 … x_{k−1}` (row 0 = initial);
/// for the backward direction row `k` is the state after reading `x_{T−1} … x_k` (row `T` =
/// initial). `caches[t]` is the step that read `x_t` in both.
#[derive(Clone, Debug, Default)]
pub struct Workspace<T> {
    /// Steps `T`.
    pub t: usize,
    /// Batch size `B`.
    pub b: usize,
    /// Per slot: `(T+1, B, S)`.
    pub states: Vec<Vec<T>>,
    /// Per slot: `(T, B, C)`.
    pub caches: Vec<Vec<T>>,
    /// Per slot: initial state `(B, S)`, zero unless set.
    pub init: Vec<Vec<T>>,
    /// Per slot: recurrent-dropout mask `(B, H)`; empty when not training with dropout.
    pub rec_masks: Vec<Vec<T>>,
    /// Per layer: input-dropout mask `(B, I_l)`; empty when unused.
    pub in_masks: Vec<Vec<T>>,
    /// Per layer: the (masked) layer input `(T, B, I_l)`.
    pub inputs: Vec<Vec<T>>,
    /// Per layer: output `(T, B, D)`, `D = H · directions`, `[h_fwd, h_bwd]` per row.
    pub outs: Vec<Vec<T>>,
    /// Head input for [`Readout::Final`]: `(B, D)`.
    pub head_in: Vec<T>,
    /// Head output `(R, B, O)`, `R` = 1 (final) or `T` (per step).
    pub y: Vec<T>,
    /// dL/dy `(R, B, O)`, written by the loss.
    pub dy: Vec<T>,
    /// dL/dθ, same layout as the model's parameters.
    pub grads: Vec<T>,
    /// Per layer: dL/d(output) `(T, B, D)`.
    pub d_outs: Vec<Vec<T>>,
    /// Per layer: dL/d(layer input) `(T, B, I_l)` (layer 0 only when asked for).
    pub d_inputs: Vec<Vec<T>>,
    /// Per slot: dL/d(initial state) `(B, S)`.
    pub d_init: Vec<Vec<T>>,
    /// dL/ds_t carried backwards `(B, S)`, and its next value.
    pub(crate) ds: Vec<T>,
    pub(crate) ds_prev: Vec<T>,
    /// Cell scratch `(B, scratch)`.
    pub(crate) scratch: Vec<T>,
    /// Input projection `b + x W` of one slot for all steps `(T, B, G)`, for cells that have
    /// one (`G` the widest such cell's width or grad width), filled before its recurrence; reused
    /// by the backward pass for dL/dpre of every step `(T, B, G')`.
    pub(crate) proj: Vec<T>,
    /// The weights of one slot transposed ([`crate::cell::Cell::transpose_weights`]), sized
    /// for the slot with the most.
    pub(crate) wt: Vec<T>,
}

impl<T: Real> Workspace<T> {
    /// Resizes every buffer for `model`, `t` steps and batch `b` (no-op when unchanged).
    pub fn prepare(&mut self, model: &Model<T>, t: usize, b: usize) {
        let nl = model.config.layers;
        let d = model.top_width();
        let o = model.config.output;
        let r = match model.config.readout {
            Readout::Final => 1,
            Readout::PerStep => t,
        };
        let g = model
            .slots
            .iter()
            .filter_map(|s| Cell::<T>::input_projection(&s.cell).map(|q| q.width.max(q.grad_width)))
            .max()
            .unwrap_or(0);
        let wt = model
            .slots
            .iter()
            .map(|s| s.cell.transposed_size())
            .max()
            .unwrap_or(0);
        let same = self.proj.len() == t * b * g
            && self.t == t
            && self.b == b
            && self.states.len() == model.slots.len()
            && self.grads.len() == model.n_params()
            && self.y.len() == r * b * o
            && self.wt.len() == wt;
        if same {
            return;
        }
        self.t = t;
        self.b = b;
        let cells = &model.slots;
        let sz = |c: &crate::cell::AnyCell| c.state_size();
        self.states = cells
            .iter()
            .map(|s| vec![T::zero(); (t + 1) * b * sz(&s.cell)])
            .collect();
        self.caches = cells
            .iter()
            .map(|s| vec![T::zero(); t * b * s.cell.cache_size()])
            .collect();
        self.init = cells
            .iter()
            .map(|s| vec![T::zero(); b * sz(&s.cell)])
            .collect();
        self.d_init = self.init.clone();
        self.rec_masks = vec![Vec::new(); cells.len()];
        self.in_masks = vec![Vec::new(); nl];
        let widths: Vec<usize> = (0..nl)
            .map(|l| if l == 0 { model.config.input } else { d })
            .collect();
        self.inputs = widths.iter().map(|&w| vec![T::zero(); t * b * w]).collect();
        self.d_inputs = self.inputs.clone();
        self.outs = vec![vec![T::zero(); t * b * d]; nl];
        self.d_outs = self.outs.clone();
        self.head_in = vec![T::zero(); b * d];
        self.y = vec![T::zero(); r * b * o];
        self.dy = self.y.clone();
        self.grads = vec![T::zero(); model.n_params()];
        let smax = cells.iter().map(|s| sz(&s.cell)).max().unwrap_or(0);
        self.ds = vec![T::zero(); b * smax];
        self.ds_prev = self.ds.clone();
        let scratch = cells
            .iter()
            .map(|s| s.cell.scratch_size())
            .max()
            .unwrap_or(0);
        self.scratch = vec![T::zero(); b * scratch];
        self.proj = vec![T::zero(); t * b * g];
        self.wt = vec![T::zero(); wt];
    }

    /// State row `k` of slot `slot` as `(B, S)`.
    pub fn state(&self, slot: usize, k: usize) -> &[T] {
        let n = self.states[slot].len() / (self.t + 1);
        &self.states[slot][k * n..(k + 1) * n]
    }

    /// Cache of slot `slot` for the step that read `x_t`, as `(B, C)`.
    pub fn cache(&self, slot: usize, t: usize) -> &[T] {
        let n = self.caches[slot].len() / self.t.max(1);
        &self.caches[slot][t * n..(t + 1) * n]
    }
}
