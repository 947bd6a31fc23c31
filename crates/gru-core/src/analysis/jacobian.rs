//! The one-step Jacobians `J_s = ∂s_s/∂s_{s−1}` of one cell slot and one sample, read off a
//! filled [`Workspace`], plus the states and gates in processing order.

use super::CellSel;
use crate::cell::{AnyCell, Cell, CellShape, StepIn};
use crate::model::{Model, Workspace};
use crate::{Error, Real};

/// The one-step Jacobians of a sequence, in `f64`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepJacobians {
    /// Steps `T`.
    pub steps: usize,
    /// Hidden size `H`.
    pub hidden: usize,
    /// State size `S` (`H`, or `2H` for the LSTM's `[h, c]`).
    pub state: usize,
    /// `(T, S, S)`: block `s − 1` is `J_s`, `J_s[i][j] = ∂s_s[i]/∂s_{s−1}[j]`.
    pub jac: Vec<f64>,
    /// `(T, S)`: row `s − 1` is the additive-path diagonal of `J_s` (GRU `1 − z_s`, LSTM
    /// `[0…0, f_s]`); `None` for cells without one (RNN).
    pub additive: Option<Vec<f64>>,
}

impl StepJacobians {
    /// `J_s` as `(S, S)`, for `s` in `1..=T` (panics outside that range).
    pub fn step(&self, s: usize) -> &[f64] {
        let n = self.state * self.state;
        &self.jac[(s - 1) * n..s * n]
    }
    /// The additive diagonal of `J_s` as `(S)`, for `s` in `1..=T`.
    pub fn additive_step(&self, s: usize) -> Option<&[f64]> {
        let n = self.state;
        self.additive.as_ref().map(|a| &a[(s - 1) * n..s * n])
    }
}

/// `(x / cache index, row of s_{s−1}, row of s_s)` in the workspace for step `s` (1..=T) of
/// direction `dir` (see [`Workspace`] for the two directions' row conventions).
pub(crate) fn step_rows(dir: usize, t: usize, s: usize) -> (usize, usize, usize) {
    if dir == 0 {
        (s - 1, s - 1, s)
    } else {
        (t - s, t - s + 1, t - s)
    }
}

/// Checks `sel` against `model` and `ws` (filled for this model) and returns the slot index.
pub(crate) fn check_sel<T: Real>(
    model: &Model<T>,
    ws: &Workspace<T>,
    sel: CellSel,
) -> Result<usize, Error> {
    let cfg = &model.config;
    if sel.layer >= cfg.layers || sel.dir >= cfg.direction.count() {
        return Err(Error::Config(format!(
            "cell (layer {}, direction {}) is not in the model",
            sel.layer, sel.dir
        )));
    }
    let si = model.slot_index(sel.layer, sel.dir);
    let s = model.slots[si].cell.state_size();
    if ws.t == 0
        || ws.states.len() != model.slots.len()
        || ws.states[si].len() != (ws.t + 1) * ws.b * s
    {
        return Err(Error::Config(
            "the workspace was not filled by forward for this model".into(),
        ));
    }
    if sel.sample >= ws.b {
        return Err(Error::Config(format!(
            "sample {} is outside the batch of {}",
            sel.sample, ws.b
        )));
    }
    Ok(si)
}

/// One step of one sample of a slot, widened to `f64`: what a cell's Jacobian needs.
pub(crate) struct StepView<'a> {
    /// The cell's parameters.
    pub p: &'a [f64],
    /// `x (I)` the step read (after input dropout).
    pub x: &'a [f64],
    /// `s_{s−1} (S)`.
    pub s_prev: &'a [f64],
    /// The recurrent-dropout mask `(H)`, if one was drawn.
    pub mask: Option<&'a [f64]>,
    /// The step's cache row `(C)`.
    pub cache: &'a [f64],
}

/// A slot's data for one sample that every step shares, widened to `f64` once (its
/// parameters and recurrent-dropout mask), so that any step can be viewed on its own.
pub(crate) struct SlotSteps {
    si: usize,
    sel: CellSel,
    /// The cell's parameters.
    p: Vec<f64>,
    /// `(H)`: the sample's recurrent-dropout mask, if one was drawn.
    mask: Option<Vec<f64>>,
    /// Inputs per step of the slot's layer.
    width: usize,
}

impl SlotSteps {
    /// Checks `sel` against `model` and `ws` (filled for this model).
    ///
    /// # Errors
    /// [`Error::Config`] when `sel` is not a cell/sample of `model`/`ws`.
    pub(crate) fn new<T: Real>(
        model: &Model<T>,
        ws: &Workspace<T>,
        sel: CellSel,
    ) -> Result<Self, Error> {
        let si = check_sel(model, ws, sel)?;
        let slot = &model.slots[si];
        let h = slot.cell.hidden_size();
        let wide = |v: &[T]| v.iter().map(|x| x.f64()).collect::<Vec<f64>>();
        Ok(Self {
            si,
            sel,
            p: wide(&model.params[slot.range.clone()]),
            mask: (!ws.rec_masks[si].is_empty())
                .then(|| wide(&ws.rec_masks[si][sel.sample * h..(sel.sample + 1) * h])),
            width: ws.inputs[sel.layer].len() / (ws.t * ws.b),
        })
    }

    /// `f(view)` of step `s` (1..=T) of the same `model` and `ws` as [`SlotSteps::new`].
    pub(crate) fn with_step<T: Real, R>(
        &self,
        model: &Model<T>,
        ws: &Workspace<T>,
        step: usize,
        f: impl FnOnce(&StepView<'_>) -> R,
    ) -> R {
        let (t, b, sample) = (ws.t, ws.b, self.sel.sample);
        let (s, c) = {
            let cell = &model.slots[self.si].cell;
            (cell.state_size(), cell.cache_size())
        };
        let wide = |v: &[T]| v.iter().map(|x| x.f64()).collect::<Vec<f64>>();
        let row = |k: usize, n: usize| (k * b + sample) * n..(k * b + sample + 1) * n;
        let (xi, prev, _) = step_rows(self.sel.dir, t, step);
        let x = wide(&ws.inputs[self.sel.layer][row(xi, self.width)]);
        let s_prev = wide(&ws.states[self.si][row(prev, s)]);
        let cache = wide(&ws.caches[self.si][row(xi, c)]);
        f(&StepView {
            p: &self.p,
            x: &x,
            s_prev: &s_prev,
            mask: self.mask.as_deref(),
            cache: &cache,
        })
    }
}

/// Calls `f(s, view)` for every step `s = 1..=T` of slot `sel` in processing order.
///
/// # Errors
/// [`Error::Config`] when `sel` is not a cell/sample of `model`/`ws`.
pub(crate) fn for_each_step<T: Real>(
    model: &Model<T>,
    ws: &Workspace<T>,
    sel: CellSel,
    mut f: impl FnMut(usize, &StepView<'_>),
) -> Result<(), Error> {
    let steps = SlotSteps::new(model, ws, sel)?;
    for step in 1..=ws.t {
        steps.with_step(model, ws, step, |v| f(step, v));
    }
    Ok(())
}

/// `J_s (S, S)` of one step into `out` and its additive diagonal `(S)` into `diag`; false
/// when the cell has no additive path (`diag` is then unspecified).
pub(crate) fn one_step_jacobian(
    cell: &AnyCell,
    v: &StepView<'_>,
    out: &mut [f64],
    diag: &mut [f64],
    scratch: &mut [f64],
) -> bool {
    let a = StepIn {
        p: v.p,
        b: 1,
        x: v.x,
        s_prev: v.s_prev,
        mask: v.mask,
    };
    cell.jacobian(a, v.cache, out, scratch);
    cell.additive_diag(v.cache, diag)
}

/// The one-step Jacobians of slot `sel` for every step of the sequence in `ws` (filled by
/// [`crate::model::forward`]), including the recurrent-dropout mask if one was drawn and the
/// model's gate surgery (it is part of each cell).
///
/// # Errors
/// [`Error::Config`] when `sel` is not a cell/sample of `model`/`ws`.
pub fn step_jacobians<T: Real>(
    model: &Model<T>,
    ws: &Workspace<T>,
    sel: CellSel,
) -> Result<StepJacobians, Error> {
    let si = check_sel(model, ws, sel)?;
    let cell = &model.slots[si].cell;
    let t = ws.t;
    let (s, h) = (cell.state_size(), cell.hidden_size());
    let mut scratch = vec![0.0; cell.jacobian_scratch_size()];
    let mut jac = vec![0.0; t * s * s];
    let mut additive = vec![0.0; t * s];
    let mut has_additive = true;
    for_each_step(model, ws, sel, |step, v| {
        let out = &mut jac[(step - 1) * s * s..step * s * s];
        let diag = &mut additive[(step - 1) * s..step * s];
        has_additive &= one_step_jacobian(cell, v, out, diag, &mut scratch);
    })?;
    Ok(StepJacobians {
        steps: t,
        hidden: h,
        state: s,
        jac,
        additive: has_additive.then_some(additive),
    })
}

/// The states of slot `sel` in processing order, `(T+1, S)`: row 0 is the initial state, row
/// `s` the state after step `s`.
///
/// # Errors
/// [`Error::Config`] when `sel` is not a cell/sample of `model`/`ws`.
pub fn states_in_order<T: Real>(
    model: &Model<T>,
    ws: &Workspace<T>,
    sel: CellSel,
) -> Result<Vec<f64>, Error> {
    let si = check_sel(model, ws, sel)?;
    let (t, b) = (ws.t, ws.b);
    let s = model.slots[si].cell.state_size();
    let mut out = Vec::with_capacity((t + 1) * s);
    for k in 0..=t {
        let row = if sel.dir == 0 { k } else { t - k };
        out.extend(
            ws.states[si][(row * b + sel.sample) * s..(row * b + sel.sample + 1) * s]
                .iter()
                .map(|v| v.f64()),
        );
    }
    Ok(out)
}

/// The gate vectors the cell caches ([`Cell::gate_names`], e.g. GRU `z r h_tilde`) of slot
/// `sel` in processing order: one `(name, (T, H))` per gate, row `s − 1` = step `s`.
///
/// # Errors
/// [`Error::Config`] when `sel` is not a cell/sample of `model`/`ws`.
pub fn gates_in_order<T: Real>(
    model: &Model<T>,
    ws: &Workspace<T>,
    sel: CellSel,
) -> Result<Vec<(String, Vec<f64>)>, Error> {
    let si = check_sel(model, ws, sel)?;
    let cell = &model.slots[si].cell;
    let (t, b) = (ws.t, ws.b);
    let (h, c) = (cell.hidden_size(), cell.cache_size());
    let names = cell.gate_names();
    let mut gates: Vec<(String, Vec<f64>)> = names
        .iter()
        .map(|n| (n.to_string(), Vec::with_capacity(t * h)))
        .collect();
    for step in 1..=t {
        let (xi, _, _) = step_rows(sel.dir, t, step);
        let row = &ws.caches[si][(xi * b + sel.sample) * c..(xi * b + sel.sample + 1) * c];
        for (g, (_, v)) in gates.iter_mut().enumerate() {
            v.extend(row[g * h..(g + 1) * h].iter().map(|x| x.f64()));
        }
    }
    Ok(gates)
}
