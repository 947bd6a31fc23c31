//! The spec's per-gate weights (column-vector convention, `W` is `[H][I]`, `y = W x`) and
//! where each lives in the cells' row-vector parameter blocks (transposed, gates side by side).

use crate::cell::CellKind;
use crate::cell::Nonlinearity;

/// Which cell a spec describes, with its formulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellType {
    /// `"gru"`, `"variant": "reset_before"` (the app's GRU).
    GruResetBefore,
    /// `"gru"`, `"variant": "pytorch"` (`torch.nn.GRU`).
    GruTorch,
    /// `"lstm"` (`torch.nn.LSTM`).
    Lstm,
    /// `"rnn"` with its activation (`torch.nn.RNN`).
    Rnn(Nonlinearity),
}

impl CellType {
    /// The crate's cell kind.
    pub fn kind(self) -> CellKind {
        match self {
            CellType::GruResetBefore => CellKind::Gru,
            CellType::GruTorch => CellKind::GruTorch,
            CellType::Lstm => CellKind::Lstm,
            CellType::Rnn(Nonlinearity::Tanh) => CellKind::RnnTanh,
            CellType::Rnn(Nonlinearity::Relu) => CellKind::RnnRelu,
        }
    }
    /// `cell` as written in the spec and result.
    pub fn name(self) -> &'static str {
        match self {
            CellType::GruResetBefore | CellType::GruTorch => "gru",
            CellType::Lstm => "lstm",
            CellType::Rnn(_) => "rnn",
        }
    }
    /// `variant` of the result (`null` except for the GRU).
    pub fn variant(self) -> Option<&'static str> {
        match self {
            CellType::GruResetBefore => Some("reset_before"),
            CellType::GruTorch => Some("pytorch"),
            _ => None,
        }
    }
    /// `nonlinearity` of the result (`null` except for the RNN).
    pub fn nonlinearity(self) -> Option<&'static str> {
        match self {
            CellType::Rnn(Nonlinearity::Tanh) => Some("tanh"),
            CellType::Rnn(Nonlinearity::Relu) => Some("relu"),
            _ => None,
        }
    }
    /// The LSTM carries `c` in its state.
    pub fn has_c(self) -> bool {
        self == CellType::Lstm
    }
    /// The spec's weights of this cell, in canonical (output) order.
    pub fn weights(self) -> &'static [WeightDef] {
        match self {
            CellType::GruResetBefore => GRU_RESET_BEFORE,
            CellType::GruTorch => GRU_TORCH,
            CellType::Lstm => LSTM,
            CellType::Rnn(_) => RNN,
        }
    }
}

/// Shape of a spec weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `[H][I]`, acts on `x`.
    Input,
    /// `[H][H]`, acts on `h`.
    Recurrent,
    /// `[H]`; zero when missing.
    Bias,
}

/// One spec weight and its place: gate `gate` (columns `gate·H .. (gate+1)·H`) of the cell's
/// parameter block number `block` (in [`crate::cell::Cell::blocks`] order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WeightDef {
    /// Name in the spec, e.g. `"W_z"`.
    pub name: &'static str,
    /// Its shape.
    pub shape: Shape,
    /// Index of the cell block it lives in.
    pub block: usize,
    /// Gate (column group of width `H`) within that block.
    pub gate: usize,
}

const fn w(name: &'static str, shape: Shape, block: usize, gate: usize) -> WeightDef {
    WeightDef {
        name,
        shape,
        block,
        gate,
    }
}

use Shape::{Bias as B, Input as I, Recurrent as R};

/// Blocks `W (I,3H) = [W_z W_r W_h]ᵀ`, `U_zr (H,2H) = [U_z U_r]ᵀ`, `U_h (H,H)`, `b (3H)`.
const GRU_RESET_BEFORE: &[WeightDef] = &[
    w("W_z", I, 0, 0),
    w("U_z", R, 1, 0),
    w("b_z", B, 3, 0),
    w("W_r", I, 0, 1),
    w("U_r", R, 1, 1),
    w("b_r", B, 3, 1),
    w("W_h", I, 0, 2),
    w("U_h", R, 2, 0),
    w("b_h", B, 3, 2),
];

/// Blocks `W (I,3H) = [W_ir W_iz W_in]ᵀ`, `U (H,3H) = [W_hr W_hz W_hn]ᵀ`, `b_i`, `b_h (3H)`.
const GRU_TORCH: &[WeightDef] = &[
    w("W_ir", I, 0, 0),
    w("W_iz", I, 0, 1),
    w("W_in", I, 0, 2),
    w("W_hr", R, 1, 0),
    w("W_hz", R, 1, 1),
    w("W_hn", R, 1, 2),
    w("b_ir", B, 2, 0),
    w("b_iz", B, 2, 1),
    w("b_in", B, 2, 2),
    w("b_hr", B, 3, 0),
    w("b_hz", B, 3, 1),
    w("b_hn", B, 3, 2),
];

/// Blocks `W (I,4H) = [W_ii W_if W_ig W_io]ᵀ`, `U (H,4H)`, `b_i`, `b_h (4H)`.
const LSTM: &[WeightDef] = &[
    w("W_ii", I, 0, 0),
    w("W_if", I, 0, 1),
    w("W_ig", I, 0, 2),
    w("W_io", I, 0, 3),
    w("W_hi", R, 1, 0),
    w("W_hf", R, 1, 1),
    w("W_hg", R, 1, 2),
    w("W_ho", R, 1, 3),
    w("b_ii", B, 2, 0),
    w("b_if", B, 2, 1),
    w("b_ig", B, 2, 2),
    w("b_io", B, 2, 3),
    w("b_hi", B, 3, 0),
    w("b_hf", B, 3, 1),
    w("b_hg", B, 3, 2),
    w("b_ho", B, 3, 3),
];

/// Blocks `W (I,H) = W_ihᵀ`, `U (H,H) = W_hhᵀ`, `b_i = b_ih`, `b_h = b_hh`.
const RNN: &[WeightDef] = &[
    w("W_ih", I, 0, 0),
    w("W_hh", R, 1, 0),
    w("b_ih", B, 2, 0),
    w("b_hh", B, 3, 0),
];

/// Writes spec weight `v` (`[H][n]` row-major, or `[H]` for a bias) into the model block at
/// `offset` with `cols` columns: `block[r][gate·H + i] = v[i][r]` (the transpose).
pub fn place(
    def: &WeightDef,
    v: &[f64],
    hidden: usize,
    params: &mut [f64],
    offset: usize,
    cols: usize,
) {
    let col0 = def.gate * hidden;
    match def.shape {
        Shape::Bias => params[offset + col0..offset + col0 + hidden].copy_from_slice(&v[..hidden]),
        Shape::Input | Shape::Recurrent => {
            let n = v.len() / hidden;
            for i in 0..hidden {
                for r in 0..n {
                    params[offset + r * cols + col0 + i] = v[i * n + r];
                }
            }
        }
    }
}

/// The inverse of [`place`] for a gradient: returns the spec-shaped `[H][n]` (or `[H]`) values.
pub fn take(
    def: &WeightDef,
    n: usize,
    hidden: usize,
    grads: &[f64],
    offset: usize,
    cols: usize,
) -> Vec<f64> {
    let col0 = def.gate * hidden;
    match def.shape {
        Shape::Bias => grads[offset + col0..offset + col0 + hidden].to_vec(),
        Shape::Input | Shape::Recurrent => (0..hidden)
            .flat_map(|i| (0..n).map(move |r| grads[offset + r * cols + col0 + i]))
            .collect(),
    }
}
