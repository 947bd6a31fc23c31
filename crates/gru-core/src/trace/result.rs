//! The RESULT JSON of TRACE_FORMAT.md as serde structs (field names and order as there), and
//! the builders of its Jacobian sections. Every number is checked finite on the way in.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde::Serialize as DeriveSerialize;

use crate::analysis::{block, diag_norms, frobenius, spectral_norm, StepJacobians};

/// A JSON object whose keys keep their insertion order.
#[derive(Clone, Debug, PartialEq)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A matrix (nested rows) or a vector.
#[derive(Clone, Debug, PartialEq, DeriveSerialize)]
#[serde(untagged)]
pub enum Array {
    /// `[rows][cols]`.
    Matrix(Vec<Vec<f64>>),
    /// `[n]`.
    Vector(Vec<f64>),
}

/// The whole result.
#[derive(Clone, Debug, PartialEq, DeriveSerialize)]
pub struct TraceResult {
    /// `"gru"`, `"lstm"` or `"rnn"`.
    pub cell: &'static str,
    /// GRU formulation, else `null`.
    pub variant: Option<&'static str>,
    /// RNN activation, else `null`.
    pub nonlinearity: Option<&'static str>,
    /// Steps `T`.
    #[serde(rename = "T")]
    pub steps: usize,
    /// `I`.
    pub input_size: usize,
    /// `H`.
    pub hidden_size: usize,
    /// `O`, `null` without a head.
    pub output_size: Option<usize>,
    /// `[T+1][H]`.
    pub h: Vec<Vec<f64>>,
    /// `[T+1][H]`, LSTM only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub c: Option<Vec<Vec<f64>>>,
    /// Each `[T][H]`.
    pub gates: Ordered<Vec<Vec<f64>>>,
    /// `[T][O]`, with a head only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Vec<Vec<f64>>>,
    /// `L`, `null` without a loss.
    pub loss: Option<f64>,
    /// `[T]`: `ℓ_t`, per-step losses only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loss_terms: Option<Vec<f64>>,
    /// dL/dθ and friends, `null` without a loss.
    pub grads: Option<Grads>,
    /// `[T+1][H]`: dL/dh_t.
    pub grad_h: Option<Vec<Vec<f64>>>,
    /// `[T+1]`: ‖dL/dh_t‖₂.
    pub grad_h_norm: Option<Vec<f64>>,
    /// LSTM only (`null` without a loss): `[T+1][H]` BPTT δc_t (includes `c_t → h_t`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grad_c: Option<Option<Vec<Vec<f64>>>>,
    /// LSTM only: `[T+1]`: ‖δc_t‖₂.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grad_c_norm: Option<Option<Vec<f64>>>,
    /// Products `∂h_t/∂h_{t−k}` at the target step, `null` when not asked for.
    pub jacobians: Option<Jacobians>,
    /// One-step Jacobians `[T]`, `null` when not asked for.
    pub one_step: Option<Vec<OneStepEntry>>,
}

/// `grads`.
#[derive(Clone, Debug, PartialEq, DeriveSerialize)]
pub struct Grads {
    /// Every spec weight (missing biases included), spec-shaped.
    pub weights: Ordered<Array>,
    /// `[H]`.
    pub h0: Vec<f64>,
    /// `[H]`, LSTM only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub c0: Option<Vec<f64>>,
    /// `[T][I]`.
    pub x: Vec<Vec<f64>>,
    /// With a head only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head: Option<HeadGrads>,
}

/// `grads.head`.
#[derive(Clone, Debug, PartialEq, DeriveSerialize)]
pub struct HeadGrads {
    /// `[O][H]`.
    #[serde(rename = "W_o")]
    pub w_o: Vec<Vec<f64>>,
    /// `[O]`.
    pub b_o: Vec<f64>,
}

/// `jacobians`.
#[derive(Clone, Debug, PartialEq, DeriveSerialize)]
pub struct Jacobians {
    /// `t`.
    pub target_step: usize,
    /// One per requested lag, ascending.
    pub blocks: Vec<JacBlock>,
}

/// Norms (and optionally the matrix) of one `H × H` map.
#[derive(Clone, Debug, PartialEq, DeriveSerialize)]
pub struct MatNorms {
    /// Frobenius norm.
    pub fro: f64,
    /// Spectral norm.
    pub spec: f64,
    /// `[H][H]`, unless matrices are off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matrix: Option<Vec<Vec<f64>>>,
}

/// Norms only (the LSTM's whole-state map).
#[derive(Clone, Copy, Debug, PartialEq, DeriveSerialize)]
pub struct NormPair {
    /// Frobenius norm.
    pub fro: f64,
    /// Spectral norm.
    pub spec: f64,
}

/// A diagonal map: its diagonal and norms.
#[derive(Clone, Debug, PartialEq, DeriveSerialize)]
pub struct DiagNorms {
    /// `[H]`.
    pub diag: Vec<f64>,
    /// Frobenius norm.
    pub fro: f64,
    /// Spectral norm (`max |diag|`).
    pub spec: f64,
}

/// The `h`/`c` blocks of a state map (the LSTM has all four, the others only `dh_dh`).
#[derive(Clone, Debug, PartialEq, DeriveSerialize)]
pub struct StateBlocks {
    /// `∂h/∂h`.
    pub dh_dh: MatNorms,
    /// `∂h/∂c`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dh_dc: Option<MatNorms>,
    /// `∂c/∂h`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dc_dh: Option<MatNorms>,
    /// `∂c/∂c`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dc_dc: Option<MatNorms>,
    /// The whole `2H × 2H` map of `[h; c]`, norms only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<NormPair>,
}

/// One block of `jacobians.blocks`: `∂state_t/∂state_{t−k}`.
#[derive(Clone, Debug, PartialEq, DeriveSerialize)]
pub struct JacBlock {
    /// Lag `k`.
    pub k: usize,
    /// `t − k`.
    pub from_step: usize,
    /// The blocks of the map.
    #[serde(flatten)]
    pub blocks: StateBlocks,
}

/// One entry of `one_step`: `J(s) = ∂state_s/∂state_{s−1}` and its additive split.
#[derive(Clone, Debug, PartialEq, DeriveSerialize)]
pub struct OneStepEntry {
    /// `s`.
    pub step: usize,
    /// The blocks of `J(s)`.
    #[serde(flatten)]
    pub blocks: StateBlocks,
    /// GRU: `diag(1 − z_s)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additive: Option<DiagNorms>,
    /// GRU: `J − diag(1 − z_s)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remainder: Option<MatNorms>,
    /// LSTM: `diag(f_s)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additive_c: Option<DiagNorms>,
    /// LSTM: `dc_dc − diag(f_s)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remainder_c: Option<MatNorms>,
}

/// `(n, cols)` row-major as nested rows.
pub fn rows(v: &[f64], cols: usize) -> Vec<Vec<f64>> {
    v.chunks(cols.max(1)).map(<[f64]>::to_vec).collect()
}

/// `Err` naming `field` when `v` holds a NaN or infinity.
pub fn finite(field: &str, v: &[f64]) -> Result<(), String> {
    match v.iter().all(|x| x.is_finite()) {
        true => Ok(()),
        false => Err(format!(
            "{field}: the result is not finite (the inputs are too large)"
        )),
    }
}

/// Norms of the `(n, n)` matrix `m` (and the matrix itself when `keep`).
fn mat_norms(field: &str, m: &[f64], n: usize, keep: bool) -> Result<MatNorms, String> {
    let (fro, spec) = (frobenius(m, n, n, n), spectral_norm(m, n, n, n));
    finite(field, &[fro, spec])?;
    finite(field, m)?;
    Ok(MatNorms {
        fro,
        spec,
        matrix: keep.then(|| rows(m, n)),
    })
}

/// The `h`/`c` blocks of the `(S, S)` state map `m` (`S = H` or `2H`).
pub fn state_blocks(
    field: &str,
    m: &[f64],
    h: usize,
    s: usize,
    keep: bool,
) -> Result<StateBlocks, String> {
    let part = |r0: usize, c0: usize| mat_norms(field, &block(m, s, r0, c0, h), h, keep);
    let lstm = s > h;
    let whole = if lstm {
        let (fro, spec) = (frobenius(m, s, s, s), spectral_norm(m, s, s, s));
        finite(field, &[fro, spec])?;
        Some(NormPair { fro, spec })
    } else {
        None
    };
    Ok(StateBlocks {
        dh_dh: part(0, 0)?,
        dh_dc: lstm.then(|| part(0, h)).transpose()?,
        dc_dh: lstm.then(|| part(h, 0)).transpose()?,
        dc_dc: lstm.then(|| part(h, h)).transpose()?,
        state: whole,
    })
}

/// `one_step`: every `J(s)`, its blocks and the additive / remainder split on the block where
/// the additive path lives (GRU `h → h`, LSTM `c → c`; none for the RNN).
pub fn one_step(j: &StepJacobians, keep: bool) -> Result<Vec<OneStepEntry>, String> {
    let (h, s) = (j.hidden, j.state);
    let mut out = Vec::with_capacity(j.steps);
    for step in 1..=j.steps {
        let field = format!("one_step[{}]", step - 1);
        let m = j.step(step);
        let blocks = state_blocks(&field, m, h, s, keep)?;
        let mut entry = OneStepEntry {
            step,
            blocks,
            additive: None,
            remainder: None,
            additive_c: None,
            remainder_c: None,
        };
        if let Some(d) = j.additive_step(step) {
            let off = s - h; // 0 for the GRU's h block, H for the LSTM's c block
            let diag = d[off..off + h].to_vec();
            let mut rem = block(m, s, off, off, h);
            for i in 0..h {
                rem[i * h + i] -= diag[i];
            }
            let n = diag_norms(&diag);
            finite(&field, &[n.fro, n.spec])?;
            let add = DiagNorms {
                diag,
                fro: n.fro,
                spec: n.spec,
            };
            let rem = mat_norms(&field, &rem, h, keep)?;
            if s > h {
                (entry.additive_c, entry.remainder_c) = (Some(add), Some(rem));
            } else {
                (entry.additive, entry.remainder) = (Some(add), Some(rem));
            }
        }
        out.push(entry);
    }
    Ok(out)
}
