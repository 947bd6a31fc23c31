//! One layer of causal self-attention with a linear head: the smallest Transformer that still
//! shows why every output is one hop from every input.
//!
//! A pre-LN block (Xiong et al. 2020; GPT-2), exactly `nn.TransformerEncoderLayer(d_model,
//! nhead, dim_feedforward, dropout=0, activation="relu", norm_first=True)` with a causal mask,
//! between an input projection and a final layer norm + head. Rows are positions `t` of one
//! sequence (`D = d_model`, `n_h` heads of `d_h = D / n_h`, `F` feed-forward units):
//!
//! ```text
//! e_t  = x_t W_in + b_in + pos_t                       pos: learned P[t] or sinusoidal
//! a    = LN1(e)                                        LN(v) = (v − μ)/√(σ² + 1e−5) ⊙ γ + β
//! q, k, v = a W_q + b_q,  a W_k + b_k,  a W_v + b_v    split into heads of d_h columns
//! P_h  = softmax(q_h k_hᵀ / √d_h + M)                  M_ij = −∞ for j > i (causal), (T, T)
//! r1   = e + [P_1 v_1 | … | P_nh v_nh] W_ao + b_ao
//! r2   = r1 + relu(LN2(r1) W_1 + b_1) W_2 + b_2
//! y    = LN_f(r2_{T−1}) W_o + b_o                      (or every position, per step)
//! ```
//!
//! **Parameter layout** (row vectors, `y = x W`, so every `W` is PyTorch's `weight.T`):
//! `in.W (I, D)`, `in.b`, `pos.P (max_len, D)` (learned positions only), `ln1.g`, `ln1.b`,
//! `attn.W_q`, `attn.W_k`, `attn.W_v (D, D)` (PyTorch's `in_proj_weight` rows `[q; k; v]`),
//! `attn.b_q`, `attn.b_k`, `attn.b_v`, `attn.W_o (D, D)` and `attn.b_o` (`out_proj`),
//! `ln2.g`, `ln2.b`, `ff.W_1 (D, F)`, `ff.b_1`, `ff.W_2 (F, D)`, `ff.b_2`, `ln_f.g`, `ln_f.b`,
//! `head.W_o (D, O)`, `head.b_o`.
//! **Deviations from PyTorch**: no dropout; the input projection, positions, final layer norm
//! and head are ours (PyTorch's layer has none of them); initialisation follows [`Init`], not
//! `MultiheadAttention`'s Xavier-with-zero-bias.

mod cache;
mod heads;
mod pass;

pub use cache::AttentionCache;
pub use pass::{backward, forward};

use serde::{Deserialize, Serialize};

use super::init::{init_params, layout_of, SeqBlock, Start};
use crate::model::{Init, Readout};
use crate::params::Layout;
use crate::{Error, Real};

/// Where the model learns the order of its inputs from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Positions {
    /// A learned vector per position `P (max_len, D)`; sequences may not be longer.
    Learned {
        /// Longest sequence.
        max_len: usize,
    },
    /// The fixed table of Vaswani et al.: `sin(t / 10000^{2i/D})`, `cos(…)` in alternate
    /// columns; no parameters, any length.
    Sinusoidal,
}

/// The shape of a one-layer attention model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttentionConfig {
    /// Input size `I`.
    pub input: usize,
    /// Model width `D`.
    pub d_model: usize,
    /// Heads `n_h` (must divide `D`).
    pub heads: usize,
    /// Feed-forward width `F`.
    pub ffn: usize,
    /// Position information.
    pub positions: Positions,
    /// Head outputs `O`.
    pub output: usize,
    /// Where the head reads.
    pub readout: Readout,
}

impl AttentionConfig {
    /// `I → D → O` with one head, `F = 2D`, sinusoidal positions, read at the last position.
    pub fn new(input: usize, d_model: usize, output: usize) -> Self {
        Self {
            input,
            d_model,
            heads: 1,
            ffn: 2 * d_model,
            positions: Positions::Sinusoidal,
            output,
            readout: Readout::Final,
        }
    }
    /// Sets the number of heads.
    pub fn heads(mut self, n: usize) -> Self {
        self.heads = n;
        self
    }
    /// Sets the feed-forward width.
    pub fn ffn(mut self, f: usize) -> Self {
        self.ffn = f;
        self
    }
    /// Sets the positions.
    pub fn positions(mut self, p: Positions) -> Self {
        self.positions = p;
        self
    }
    /// Sets the readout.
    pub fn readout(mut self, r: Readout) -> Self {
        self.readout = r;
        self
    }
    /// Width of one head `d_h = D / n_h`.
    pub fn head_dim(&self) -> usize {
        self.d_model / self.heads.max(1)
    }
    /// Longest sequence the model accepts (`None` = any).
    pub fn max_len(&self) -> Option<usize> {
        match self.positions {
            Positions::Learned { max_len } => Some(max_len),
            Positions::Sinusoidal => None,
        }
    }

    /// Checks every size.
    ///
    /// # Errors
    /// [`Error::Config`] naming the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |f: &str, why: &str| Err(Error::Config(format!("{f}: {why}")));
        if !(1..=4096).contains(&self.input) {
            return bad("input", "must be between 1 and 4096");
        }
        if !(1..=1024).contains(&self.d_model) {
            return bad("d_model", "must be between 1 and 1024");
        }
        if self.heads == 0 || !self.d_model.is_multiple_of(self.heads) {
            return bad("heads", "must be at least 1 and divide d_model");
        }
        if !(1..=4096).contains(&self.ffn) {
            return bad("ffn", "must be between 1 and 4096");
        }
        if let Positions::Learned { max_len } = self.positions {
            if !(1..=4096).contains(&max_len) {
                return bad("max_len", "must be between 1 and 4096");
            }
        }
        if !(1..=4096).contains(&self.output) {
            return bad("output", "must be between 1 and 4096");
        }
        Ok(())
    }

    /// The parameter blocks, in storage order.
    pub(crate) fn blocks(&self) -> Vec<SeqBlock> {
        let (i, d, f, o) = (self.input, self.d_model, self.ffn, self.output);
        let w = |fan_in, fan_out| Start::Weight { fan_in, fan_out };
        let bias = |fan_in| Start::Bias { fan_in };
        let mut v = vec![
            SeqBlock::new("in", "W", i, d, w(i, d)),
            SeqBlock::new("in", "b", d, 1, bias(i)),
        ];
        if let Positions::Learned { max_len } = self.positions {
            v.push(SeqBlock::new("pos", "P", max_len, d, Start::Positions));
        }
        let ln = |p: &str| {
            [
                SeqBlock::new(p, "g", d, 1, Start::Ones),
                SeqBlock::new(p, "b", d, 1, Start::Zeros),
            ]
        };
        v.extend(ln("ln1"));
        for name in ["W_q", "W_k", "W_v"] {
            v.push(SeqBlock::new("attn", name, d, d, w(d, d)));
        }
        for name in ["b_q", "b_k", "b_v"] {
            v.push(SeqBlock::new("attn", name, d, 1, bias(d)));
        }
        v.push(SeqBlock::new("attn", "W_o", d, d, w(d, d)));
        v.push(SeqBlock::new("attn", "b_o", d, 1, bias(d)));
        v.extend(ln("ln2"));
        v.push(SeqBlock::new("ff", "W_1", d, f, w(d, f)));
        v.push(SeqBlock::new("ff", "b_1", f, 1, bias(d)));
        v.push(SeqBlock::new("ff", "W_2", f, d, w(f, d)));
        v.push(SeqBlock::new("ff", "b_2", d, 1, bias(f)));
        v.extend(ln("ln_f"));
        v.push(SeqBlock::new("head", "W_o", d, o, w(d, o)));
        v.push(SeqBlock::new("head", "b_o", o, 1, bias(d)));
        v
    }
}

type R = std::ops::Range<usize>;

/// Where each block sits in the flat parameter vector.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct AttentionParams {
    pub w_in: R,
    pub b_in: R,
    /// `None` for sinusoidal positions.
    pub pos: Option<R>,
    pub ln1: (R, R),
    /// `W_q, W_k, W_v`.
    pub w_qkv: [R; 3],
    /// `b_q, b_k, b_v`.
    pub b_qkv: [R; 3],
    pub w_ao: R,
    pub b_ao: R,
    pub ln2: (R, R),
    pub w_1: R,
    pub b_1: R,
    pub w_2: R,
    pub b_2: R,
    pub ln_f: (R, R),
    pub w_head: R,
    pub b_head: R,
}

impl AttentionParams {
    fn of(layout: &Layout, positions: Positions) -> Result<Self, Error> {
        let r = |name: &str| {
            layout
                .find(name)
                .map(|b| b.range())
                .ok_or_else(|| Error::Config(format!("internal: no block {name}")))
        };
        Ok(Self {
            w_in: r("in.W")?,
            b_in: r("in.b")?,
            pos: match positions {
                Positions::Learned { .. } => Some(r("pos.P")?),
                Positions::Sinusoidal => None,
            },
            ln1: (r("ln1.g")?, r("ln1.b")?),
            w_qkv: [r("attn.W_q")?, r("attn.W_k")?, r("attn.W_v")?],
            b_qkv: [r("attn.b_q")?, r("attn.b_k")?, r("attn.b_v")?],
            w_ao: r("attn.W_o")?,
            b_ao: r("attn.b_o")?,
            ln2: (r("ln2.g")?, r("ln2.b")?),
            w_1: r("ff.W_1")?,
            b_1: r("ff.b_1")?,
            w_2: r("ff.W_2")?,
            b_2: r("ff.b_2")?,
            ln_f: (r("ln_f.g")?, r("ln_f.b")?),
            w_head: r("head.W_o")?,
            b_head: r("head.b_o")?,
        })
    }
}

/// A one-layer causal attention model and its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Attention<T> {
    /// Shape.
    pub config: AttentionConfig,
    /// Names and places of every block.
    pub layout: Layout,
    /// All parameters, flat, in `layout` order.
    pub params: Vec<T>,
    /// Ranges of the blocks.
    pub at: AttentionParams,
}

impl<T: Real> Attention<T> {
    /// A model with every parameter zero (layer-norm gains too).
    ///
    /// # Errors
    /// [`Error::Config`] when the configuration is invalid.
    pub fn zeros(config: AttentionConfig) -> Result<Self, Error> {
        config.validate()?;
        let layout = layout_of(&config.blocks());
        let at = AttentionParams::of(&layout, config.positions)?;
        Ok(Self {
            params: vec![T::zero(); layout.len()],
            config,
            layout,
            at,
        })
    }

    /// A model initialised from `seed` (see [`Init`]; layer norms start at `γ = 1`, `β = 0`).
    ///
    /// # Errors
    /// [`Error::Config`] when the configuration is invalid.
    pub fn new(config: AttentionConfig, init: Init, seed: u64) -> Result<Self, Error> {
        let mut m = Self::zeros(config)?;
        init_params(&m.config.blocks(), init, seed, &mut m.params);
        Ok(m)
    }

    /// Number of scalar parameters.
    pub fn n_params(&self) -> usize {
        self.params.len()
    }

    /// Checks that a sequence of `t` steps fits the positions.
    ///
    /// # Errors
    /// [`Error::Config`] when `t` is 0 or longer than the learned positions.
    pub fn check_len(&self, t: usize) -> Result<(), Error> {
        self.config.check_len(t)
    }
}

impl AttentionConfig {
    /// Checks that a sequence of `t` steps fits the positions (before any model is built).
    ///
    /// # Errors
    /// [`Error::Config`] when `t` is 0 or longer than the learned positions.
    pub fn check_len(&self, t: usize) -> Result<(), Error> {
        match self.max_len() {
            _ if t == 0 => Err(Error::Config("sequence length: must be at least 1".into())),
            Some(m) if t > m => Err(Error::Config(format!(
                "sequence length: {t} is longer than the learned positions ({m})"
            ))),
            _ => Ok(()),
        }
    }
}
