//! What each cell's one-step Jacobian `J_s = ∂s_s/∂s_{s−1}` is made of, per step of one
//! sequence, named by the block it lives on:
//!
//! - **GRU** (both formulations, app convention), on `h → h`: `J_s = A_s + B_s + C_s` with
//!   `A_s = diag(1 − z_s)` (the carry path), `B_s = diag(z_s)·∂h̃_s/∂h_{s−1}` (through the
//!   candidate) and `C_s = diag(h̃_s − h_{s−1})·∂z_s/∂h_{s−1}` (through the update gate, the
//!   term the textbook `(1 − z) + z·∂h̃/∂h` leaves out).
//! - **LSTM**, on `c → c`: `∂c_s/∂c_{s−1} = diag(f_s)` exactly (no peepholes) — its additive
//!   path. It is not part of `h → h`, which carries `c` only through `o ⊙ tanh'(c)`.
//! - **RNN**, on `h → h`: `J_s = diag(act'(a_s))·(m ⊙ U)ᵀ`; `act'` is the only gate, and for
//!   tanh it is `1 − tanh²(a_s)`, near 0 where a unit saturates.
//!
//! Steps are in processing order (index `s − 1` = step `s`), as everywhere in [`super`].

use super::jacobian::{check_sel, for_each_step, StepView};
use super::norms::{diag_norms, norms_of, Norms};
use super::CellSel;
use crate::cell::{AnyCell, CellShape, JacobianTerms};
use crate::model::{Model, Workspace};
use crate::{Error, Real};

/// The parts of the one-step Jacobians of one sequence, by cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Anatomy {
    /// GRU (either formulation): the three terms of `h → h`.
    Gru(GruTerms),
    /// LSTM: the additive path `diag(f_s)`, the whole `c → c` block.
    Lstm(LstmCarry),
    /// Elman RNN: the activation slope that scales every column of `Uᵀ`.
    Rnn(RnnSlope),
}

/// `J_s = A_s + B_s + C_s` of a GRU on `h → h`, as norms per step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GruTerms {
    /// `(T)`: `‖A_s‖ = ‖diag(1 − z_s)‖` (spectral: `max |1 − z|`), the carry path.
    pub carry: Vec<Norms>,
    /// `(T)`: `‖B_s‖ = ‖diag(z_s)·∂h̃_s/∂h_{s−1}‖`, through the candidate.
    pub candidate: Vec<Norms>,
    /// `(T)`: `‖C_s‖ = ‖diag(h̃_s − h_{s−1})·∂z_s/∂h_{s−1}‖`, through the update gate.
    pub update_gate: Vec<Norms>,
    /// The three matrices at one chosen step, when asked for.
    pub matrices: Option<GruTermMatrices>,
}

/// The three terms of one step's `J_s` (GRU, `h → h`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GruTermMatrices {
    /// The step `s` (1..=T).
    pub step: usize,
    /// `(H)`: the diagonal `1 − z_s` of `A_s`.
    pub carry: Vec<f64>,
    /// `(H, H)`: `B_s`, row-major, `B[i][j]` = through `h̃_i` from `h_{s−1}[j]`.
    pub candidate: Vec<f64>,
    /// `(H, H)`: `C_s`, row-major.
    pub update_gate: Vec<f64>,
    /// `(H, H)`: `J_s = diag(carry) + candidate + update_gate`.
    pub jacobian: Vec<f64>,
}

/// The LSTM's additive path: `∂c_s/∂c_{s−1} = diag(f_s)`, the `c → c` block.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LstmCarry {
    /// `(T, H)`: `f_s`, the diagonal of `∂c_s/∂c_{s−1}`.
    pub forget: Vec<f64>,
    /// `(T)`: `‖diag(f_s)‖` (spectral: `max f`), the norms of the whole `c → c` block.
    pub norms: Vec<Norms>,
}

/// The RNN's activation slope: `J_s = diag(act'(a_s))·(m ⊙ U)ᵀ`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RnnSlope {
    /// `(T, H)`: `act'(a_s)` of the pre-activation `a_s`: tanh `1 − tanh²(a_s)` (1 where a
    /// unit is linear, → 0 where it saturates); ReLU 1 or 0.
    pub slope: Vec<f64>,
}

/// The [`Anatomy`] of slot `sel`'s one-step Jacobians over the sequence in `ws` (filled by
/// [`crate::model::forward`]); for a GRU with the three matrices at step `matrices_at`.
///
/// # Errors
/// [`Error::Config`] when `sel` is not a cell/sample of `model`/`ws`, or `matrices_at` is not
/// a step `1..=T`.
pub fn anatomy<T: Real>(
    model: &Model<T>,
    ws: &Workspace<T>,
    sel: CellSel,
    matrices_at: Option<usize>,
) -> Result<Anatomy, Error> {
    let si = check_sel(model, ws, sel)?;
    check_step(matrices_at, ws.t)?;
    let cell = &model.slots[si].cell;
    let (t, h) = (ws.t, cell.hidden_size());
    Ok(match cell {
        AnyCell::Gru(_) | AnyCell::GruTorch(_) => {
            Anatomy::Gru(gru_terms(model, ws, sel, cell, matrices_at)?)
        }
        AnyCell::Lstm(_) => {
            let mut forget = Vec::with_capacity(t * h);
            for_each_step(model, ws, sel, |_, v| {
                forget.extend_from_slice(&v.cache[h..2 * h])
            })?;
            let norms = forget.chunks_exact(h).map(diag_norms).collect();
            Anatomy::Lstm(LstmCarry { forget, norms })
        }
        AnyCell::Rnn(rnn) => {
            let mut slope = Vec::with_capacity(t * h);
            for_each_step(model, ws, sel, |_, v| {
                let (pre, out) = v.cache.split_at(h); // cache row [a_s, act(a_s)]
                slope.extend(
                    pre.iter()
                        .zip(out)
                        .map(|(&a, &o)| rnn.nonlinearity.derivative(a, o)),
                );
            })?;
            Anatomy::Rnn(RnnSlope { slope })
        }
    })
}

/// Checks that `matrices_at`, if any, is a step `1..=t`.
pub(crate) fn check_step(matrices_at: Option<usize>, t: usize) -> Result<(), Error> {
    match matrices_at.filter(|&s| s == 0 || s > t) {
        Some(s) => Err(Error::Config(format!(
            "step {s} is not a step of the sequence (1..={t})"
        ))),
        None => Ok(()),
    }
}

fn gru_terms<T: Real>(
    model: &Model<T>,
    ws: &Workspace<T>,
    sel: CellSel,
    cell: &AnyCell,
    matrices_at: Option<usize>,
) -> Result<GruTerms, Error> {
    let mut terms = GruTermSteps::new(cell.hidden_size(), matrices_at);
    for_each_step(model, ws, sel, |step, v| terms.push(cell, step, v))?;
    Ok(terms.out)
}

/// [`GruTerms`] built one step at a time: the scratch of one step's `A`, `B`, `C` and the
/// norms of the steps pushed so far.
pub(crate) struct GruTermSteps {
    /// `(H)`: `1 − z_s`.
    a: Vec<f64>,
    /// `(H, H)`: `B_s`.
    b: Vec<f64>,
    /// `(H, H)`: `C_s`.
    c: Vec<f64>,
    scratch: Vec<f64>,
    matrices_at: Option<usize>,
    /// The terms of the steps pushed so far.
    pub(crate) out: GruTerms,
}

impl GruTermSteps {
    /// Nothing pushed yet, for hidden size `h`; keeps the matrices of step `matrices_at`.
    pub(crate) fn new(h: usize, matrices_at: Option<usize>) -> Self {
        Self {
            a: vec![0.0; h],
            b: vec![0.0; h * h],
            c: vec![0.0; h * h],
            scratch: vec![0.0; 2 * h * h],
            matrices_at,
            out: GruTerms::default(),
        }
    }

    /// Adds step `step`'s norms (a GRU `cell`; other cells add nothing).
    pub(crate) fn push(&mut self, cell: &AnyCell, step: usize, v: &StepView<'_>) {
        let h = self.a.len();
        let terms = JacobianTerms {
            a: &mut self.a,
            b: &mut self.b,
            c: &mut self.c,
        };
        match cell {
            AnyCell::Gru(g) => {
                g.jacobian_terms(v.p, v.s_prev, v.mask, v.cache, terms, &mut self.scratch)
            }
            AnyCell::GruTorch(g) => g.jacobian_terms(v.p, v.s_prev, v.mask, v.cache, terms),
            AnyCell::Lstm(_) | AnyCell::Rnn(_) => return,
        }
        let (a, b, c) = (&self.a, &self.b, &self.c);
        self.out.carry.push(diag_norms(a));
        self.out.candidate.push(norms_of(b, h, h, h));
        self.out.update_gate.push(norms_of(c, h, h, h));
        if self.matrices_at == Some(step) {
            let mut jacobian: Vec<f64> = b.iter().zip(c).map(|(x, y)| x + y).collect();
            (0..h).for_each(|i| jacobian[i * h + i] += a[i]);
            self.out.matrices = Some(GruTermMatrices {
                step,
                carry: a.clone(),
                candidate: b.clone(),
                update_gate: c.clone(),
                jacobian,
            });
        }
    }
}
