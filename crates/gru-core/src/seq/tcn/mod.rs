//! A temporal convolutional network (Bai, Kolter & Koltun 2018, simplified to one convolution
//! per level): a stack of causal dilated 1-D convolutions with residual connections and a
//! linear head, the same head as the recurrent [`Model`](crate::model::Model).
//!
//! Level `l = 0 … L−1` has dilation `d_l = 2^l` and maps `h_{l−1} (T, C_in)` to `h_l (T, C)`
//! (`h_{−1} = x`, `C_in = I` at level 0, `C` after):
//!
//! ```text
//! a_l[t] = b_l + Σ_{j=0}^{k−1} h_{l−1}[t − j·d_l] · W_l[j]      (zero for t − j·d_l < 0: causal)
//! h_l[t] = φ(a_l[t]) + res_l(h_{l−1}[t])                          res = identity, or
//!                                                                 h W_res + b_res when C_in ≠ C
//! y      = h_{L−1}[T−1] W_o + b_o    (or every step: y_t = h_{L−1}[t] W_o + b_o)
//! ```
//!
//! `h_l[t]` sees inputs `x[t − r + 1 … t]`, the receptive field `r = 1 + (k−1)·Σ d_l =
//! 1 + (k−1)(2^L − 1)`: every input inside it is at most `L` convolutions away from the output.
//!
//! **Deviations from Bai et al. / `pytorch-tcn`**: one convolution per level instead of two;
//! no weight normalisation and no dropout; the activation is applied *before* the residual sum
//! (`φ(a) + res`, not `φ(a + res)`), so the identity path from input to output is never gated.
//! **Parameter layout** (row vectors, `y = x W`): `l{n}.W (k·C_in, C)` with rows `j·C_in + c`
//! holding tap `j`, the tap that reads `x[t − j·d]` — PyTorch's `Conv1d.weight[o, c, k−1−j]`
//! with left padding `(k−1)·d`. Then `l{n}.b (C)`, and `l{n}.W_res (C_in, C)`, `l{n}.b_res (C)`
//! where `C_in ≠ C`; finally `head.W_o (C, O)`, `head.b_o (O)`.

mod pass;

pub use pass::{backward, forward, TcnCache};

use serde::{Deserialize, Serialize};

use super::init::{init_params, layout_of, SeqBlock, Start};
use super::Activation;
use crate::model::{Init, Readout};
use crate::params::Layout;
use crate::{Error, Real};

/// Most levels a TCN may have (dilation up to `2^11 = 2048`).
pub const MAX_LEVELS: usize = 12;

/// The shape of a TCN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TcnConfig {
    /// Input channels `I`.
    pub input: usize,
    /// Channels `C` of every level.
    pub channels: usize,
    /// Levels `L`; level `l` has dilation `2^l`.
    pub levels: usize,
    /// Kernel size `k` (taps per convolution).
    pub kernel: usize,
    /// `φ` of every level.
    pub activation: Activation,
    /// Head outputs `O`.
    pub output: usize,
    /// Where the head reads.
    pub readout: Readout,
}

impl TcnConfig {
    /// `I → C → O` with kernel 2, 4 levels (receptive field 16), ReLU, read at the last step.
    pub fn new(input: usize, channels: usize, output: usize) -> Self {
        Self {
            input,
            channels,
            levels: 4,
            kernel: 2,
            activation: Activation::Relu,
            output,
            readout: Readout::Final,
        }
    }
    /// Sets the kernel size.
    pub fn kernel(mut self, k: usize) -> Self {
        self.kernel = k;
        self
    }
    /// Sets the number of levels.
    pub fn levels(mut self, n: usize) -> Self {
        self.levels = n;
        self
    }
    /// Sets the activation.
    pub fn activation(mut self, a: Activation) -> Self {
        self.activation = a;
        self
    }
    /// Sets the readout.
    pub fn readout(mut self, r: Readout) -> Self {
        self.readout = r;
        self
    }
    /// Sets the fewest levels (at most [`MAX_LEVELS`]) whose receptive field covers `t` steps.
    pub fn covering(mut self, t: usize) -> Self {
        self.levels = 1;
        while self.levels < MAX_LEVELS && self.receptive_field() < t {
            self.levels += 1;
        }
        self
    }
    /// Dilation `2^l` of level `l`.
    pub fn dilation(level: usize) -> usize {
        1 << level
    }
    /// Input steps one output sees: `1 + (k − 1)·Σ_l 2^l = 1 + (k − 1)(2^L − 1)`.
    pub fn receptive_field(&self) -> usize {
        let sum: usize = (0..self.levels).map(Self::dilation).sum();
        1 + self.kernel.saturating_sub(1) * sum
    }
    /// Channels read by level `l` (`I` at level 0, `C` after).
    pub fn level_input(&self, level: usize) -> usize {
        if level == 0 {
            self.input
        } else {
            self.channels
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
        if !(1..=1024).contains(&self.channels) {
            return bad("channels", "must be between 1 and 1024");
        }
        if !(1..=MAX_LEVELS).contains(&self.levels) {
            return bad("levels", "must be between 1 and 12");
        }
        if !(2..=16).contains(&self.kernel) {
            return bad("kernel", "must be between 2 and 16");
        }
        if !(1..=4096).contains(&self.output) {
            return bad("output", "must be between 1 and 4096");
        }
        Ok(())
    }

    /// The parameter blocks, in storage order.
    pub(crate) fn blocks(&self) -> Vec<SeqBlock> {
        let (c, k) = (self.channels, self.kernel);
        let mut v = Vec::new();
        for l in 0..self.levels {
            let (cin, p) = (self.level_input(l), format!("l{l}"));
            let fan_in = k * cin;
            v.push(SeqBlock::new(
                &p,
                "W",
                k * cin,
                c,
                Start::Weight { fan_in, fan_out: c },
            ));
            v.push(SeqBlock::new(&p, "b", c, 1, Start::Bias { fan_in }));
            if cin != c {
                let w = Start::Weight {
                    fan_in: cin,
                    fan_out: c,
                };
                v.push(SeqBlock::new(&p, "W_res", cin, c, w));
                v.push(SeqBlock::new(
                    &p,
                    "b_res",
                    c,
                    1,
                    Start::Bias { fan_in: cin },
                ));
            }
        }
        let o = self.output;
        v.push(SeqBlock::new(
            "head",
            "W_o",
            c,
            o,
            Start::Weight {
                fan_in: c,
                fan_out: o,
            },
        ));
        v.push(SeqBlock::new(
            "head",
            "b_o",
            o,
            1,
            Start::Bias { fan_in: c },
        ));
        v
    }
}

/// Where one level's parameters sit in the flat vector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcnLevel {
    /// Dilation `2^l`.
    pub dilation: usize,
    /// Input channels `C_in`.
    pub input: usize,
    /// `W (k·C_in, C)`.
    pub w: std::ops::Range<usize>,
    /// `b (C)`.
    pub b: std::ops::Range<usize>,
    /// `(W_res (C_in, C), b_res (C))` when `C_in ≠ C`; `None` = identity residual.
    pub res: Option<(std::ops::Range<usize>, std::ops::Range<usize>)>,
}

/// A TCN and its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Tcn<T> {
    /// Shape.
    pub config: TcnConfig,
    /// Names and places of every block.
    pub layout: Layout,
    /// All parameters, flat, in `layout` order.
    pub params: Vec<T>,
    /// Per level, its parameter ranges.
    pub levels: Vec<TcnLevel>,
    /// `W_o (C, O)` and `b_o (O)`.
    pub head: (std::ops::Range<usize>, std::ops::Range<usize>),
}

impl<T: Real> Tcn<T> {
    /// A TCN with every parameter zero.
    ///
    /// # Errors
    /// [`Error::Config`] when the configuration is invalid.
    pub fn zeros(config: TcnConfig) -> Result<Self, Error> {
        config.validate()?;
        let layout = layout_of(&config.blocks());
        let range = |name: String| {
            layout
                .find(&name)
                .map(|b| b.range())
                .ok_or_else(|| Error::Config(format!("internal: no block {name}")))
        };
        let mut levels = Vec::with_capacity(config.levels);
        for l in 0..config.levels {
            let input = config.level_input(l);
            let res = if input != config.channels {
                Some((range(format!("l{l}.W_res"))?, range(format!("l{l}.b_res"))?))
            } else {
                None
            };
            levels.push(TcnLevel {
                dilation: TcnConfig::dilation(l),
                input,
                w: range(format!("l{l}.W"))?,
                b: range(format!("l{l}.b"))?,
                res,
            });
        }
        let head = (range("head.W_o".into())?, range("head.b_o".into())?);
        Ok(Self {
            params: vec![T::zero(); layout.len()],
            config,
            layout,
            levels,
            head,
        })
    }

    /// A TCN initialised from `seed` (see [`Init`]; nothing here is recurrent, so
    /// `XavierOrthogonal` is Xavier).
    ///
    /// # Errors
    /// [`Error::Config`] when the configuration is invalid.
    pub fn new(config: TcnConfig, init: Init, seed: u64) -> Result<Self, Error> {
        let mut m = Self::zeros(config)?;
        init_params(&m.config.blocks(), init, seed, &mut m.params);
        Ok(m)
    }

    /// Number of scalar parameters.
    pub fn n_params(&self) -> usize {
        self.params.len()
    }
}
