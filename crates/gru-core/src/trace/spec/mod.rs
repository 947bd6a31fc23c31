//! A `gru-trace` spec (TRACE_FORMAT.md, version 1): its checked form [`Spec`], [`parse`] and
//! [`Spec::to_json`]. Every error is one line naming the field, e.g.
//! `weights.W_z: expected 4 rows of 3, got 3 rows`. Memory follows the document's size: specs
//! over [`MAX_BYTES`] are refused, and a spec whose trace would exceed [`MAX_NUMBERS`] is
//! refused before anything of its length is allocated.

mod parts;
mod raw;
mod read;
mod write;

use super::cells::CellType;

/// The largest spec read, in bytes: 256 MiB (a 1024-unit LSTM's weights take about 170 MB).
pub const MAX_BYTES: usize = 256 << 20;

/// The largest trace `gru-trace` computes, in numbers: `T × (S² + I + O)` with `S` the state
/// size (`H`, or `2H` for the LSTM), since every one-step Jacobian `S × S` is kept. 2²⁴
/// numbers are 128 MiB of `f64` and about 350 MB of result JSON.
pub const MAX_NUMBERS: u64 = 1 << 24;

/// A checked spec: every array has its declared shape and every number is finite.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    /// Cell and formulation.
    pub cell: CellType,
    /// Input size `I`.
    pub input: usize,
    /// Hidden size `H`.
    pub hidden: usize,
    /// Steps `T ≥ 1`.
    pub steps: usize,
    /// Every weight of the cell in canonical order, spec-shaped (`[H][I]`, `[H][H]` or `[H]`,
    /// row-major); missing biases are zeros.
    pub weights: Vec<(&'static str, Vec<f64>)>,
    /// `(T, I)`.
    pub x: Vec<f64>,
    /// `(H)`, zeros by default.
    pub h0: Vec<f64>,
    /// `(H)` for the LSTM (zeros by default), empty otherwise.
    pub c0: Vec<f64>,
    /// The optional linear head.
    pub head: Option<Head>,
    /// The optional loss.
    pub loss: Option<Loss>,
    /// Which Jacobian products to report, `None` = none.
    pub jacobians: Option<JacobianSpec>,
    /// How much of the one-step Jacobians to report.
    pub one_step: OneStep,
}

/// `y_t = W_o h_t + b_o`.
#[derive(Clone, Debug, PartialEq)]
pub struct Head {
    /// Output size `O`.
    pub out: usize,
    /// `W_o (O, H)`.
    pub w: Vec<f64>,
    /// `b_o (O)`, zeros when missing.
    pub b: Vec<f64>,
}

/// Which per-step loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossType {
    /// Mean over `O` of `(y_t − y*)²`.
    Mse,
    /// `logsumexp(y_t) − y_t[c]`.
    CrossEntropy,
    /// `g · h_t` (no head involved).
    Dot,
}

/// The loss and its targets, one row per step.
#[derive(Clone, Debug, PartialEq)]
pub struct Loss {
    /// The per-step term.
    pub kind: LossType,
    /// `"per_step"` (all steps) rather than `"final"` (step `T` only).
    pub per_step: bool,
    /// `"sum"` rather than `"mean"` over steps (per step only).
    pub sum: bool,
    /// `(T, W)` values (`W = O` for mse, `H` for dot; a single row is broadcast) or `(T)`
    /// class indices; for `"final"` only the last row is used.
    pub target: Target,
}

/// Targets, already broadcast to one row per step.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// `(T, W)`.
    Values(Vec<f64>),
    /// `(T)` class indices `< O`.
    Classes(Vec<usize>),
}

/// The Jacobian products `∂h_t/∂h_{t−k}` to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JacobianSpec {
    /// `t`, 0..=T (default `T`).
    pub target: usize,
    /// Lags, ascending, unique, each `≤ t` (default all).
    pub ks: Vec<usize>,
    /// Include the matrices (default true).
    pub matrices: bool,
}

/// `one_step`: off, norms only, or norms and matrices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OneStep {
    /// `false` / `null`.
    Off,
    /// `"norms"`.
    Norms,
    /// `true` (default).
    Full,
}

/// Parses and checks a spec from JSON text.
///
/// # Errors
/// A one-line message naming the offending field.
pub fn parse(text: &str) -> Result<Spec, String> {
    read::spec(text).map_err(|m| crate::json::one_line(&m))
}
