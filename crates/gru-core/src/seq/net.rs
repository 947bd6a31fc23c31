//! One type for every sequence model the app compares, so a trainer, a benchmark or a chart
//! can hold a GRU, a TCN or an attention model alike: [`Net`] (the model) and [`NetCache`]
//! (its forward intermediates and gradients), dispatching by `match`.

use serde::{Deserialize, Serialize};

use super::attention::{self, Attention, AttentionCache, AttentionConfig};
use super::tcn::{self, Tcn, TcnCache, TcnConfig};
use super::{init, InputGrad};
use crate::cell::CellKind;
use crate::model::{self, BackwardOpts, Init, Mode, Model, ModelConfig, Readout, Workspace};
use crate::params::Layout;
use crate::{Error, Real};

/// Which kind of sequence model, with the shape of the non-recurrent ones. Input size, output
/// size and readout are the task's: [`ModelKind::build`] overwrites them.
/// Serialised externally tagged: `{"recurrent": "gru"}`, `{"tcn": {…}}`, `{"attention": {…}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// A recurrent network of this cell (its other settings come from the caller's
    /// [`ModelConfig`]).
    Recurrent(CellKind),
    /// A temporal convolutional network.
    Tcn(TcnConfig),
    /// One layer of causal self-attention.
    Attention(AttentionConfig),
}

impl ModelKind {
    /// Short label for the app: the cell's ("GRU", "LSTM", "RNN"), "TCN" or "Attention".
    pub fn label(&self) -> &'static str {
        match self {
            ModelKind::Recurrent(c) => c.label(),
            ModelKind::Tcn(_) => "TCN",
            ModelKind::Attention(_) => "Attention",
        }
    }

    /// This kind as [`Self::build`] makes it: a TCN's or attention model's input size,
    /// output size and readout are `recurrent`'s (a recurrent kind is unchanged).
    pub fn shaped(&self, recurrent: &ModelConfig) -> ModelKind {
        let (input, output, readout) = (recurrent.input, recurrent.output, recurrent.readout);
        match self {
            ModelKind::Recurrent(cell) => ModelKind::Recurrent(*cell),
            ModelKind::Tcn(c) => ModelKind::Tcn(TcnConfig {
                input,
                output,
                readout,
                ..c.clone()
            }),
            ModelKind::Attention(c) => ModelKind::Attention(AttentionConfig {
                input,
                output,
                readout,
                ..c.clone()
            }),
        }
    }

    /// How many parameters [`Self::build`] gives the model, its configuration checked as
    /// `build` checks it, without allocating or initialising them (a saved run's sizes are
    /// checked against this before any model is built).
    ///
    /// # Errors
    /// [`Error::Config`] when the configuration is invalid.
    pub fn n_params(&self, recurrent: &ModelConfig) -> Result<usize, Error> {
        Ok(match self.shaped(recurrent) {
            ModelKind::Recurrent(cell) => {
                let cfg = ModelConfig {
                    cell,
                    ..recurrent.clone()
                };
                cfg.validate()?;
                model::plan(&cfg).layout.len()
            }
            ModelKind::Tcn(c) => {
                c.validate()?;
                init::layout_of(&c.blocks()).len()
            }
            ModelKind::Attention(c) => {
                c.validate()?;
                init::layout_of(&c.blocks()).len()
            }
        })
    }

    /// Builds and initialises the model. `recurrent` gives the shape of a recurrent model
    /// (its `cell` is replaced by this kind's) and the input size, output size and readout
    /// of every kind ([`Self::shaped`]).
    ///
    /// # Errors
    /// [`Error::Config`] when the configuration is invalid.
    pub fn build<T: Real>(
        &self,
        recurrent: &ModelConfig,
        init: Init,
        seed: u64,
    ) -> Result<Net<T>, Error> {
        Ok(match self.shaped(recurrent) {
            ModelKind::Recurrent(cell) => {
                let cfg = ModelConfig {
                    cell,
                    ..recurrent.clone()
                };
                Net::Recurrent(Model::new(cfg, init, seed)?)
            }
            ModelKind::Tcn(c) => Net::Tcn(Tcn::new(c, init, seed)?),
            ModelKind::Attention(c) => Net::Attention(Attention::new(c, init, seed)?),
        })
    }
}

/// A sequence model of any kind. (One per run, so the variants' sizes do not matter.)
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Net<T> {
    /// Recurrent cells.
    Recurrent(Model<T>),
    /// Temporal convolutions.
    Tcn(Tcn<T>),
    /// Causal self-attention.
    Attention(Attention<T>),
}

/// The forward intermediates and gradients of a [`Net`] of the same kind.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum NetCache<T> {
    /// For [`Net::Recurrent`].
    Recurrent(Workspace<T>),
    /// For [`Net::Tcn`].
    Tcn(TcnCache<T>),
    /// For [`Net::Attention`].
    Attention(AttentionCache<T>),
}

impl<T: Default> Default for NetCache<T> {
    fn default() -> Self {
        NetCache::Recurrent(Workspace::default())
    }
}

impl<T: Real> Net<T> {
    /// The kind, with the shape of the non-recurrent models.
    pub fn kind(&self) -> ModelKind {
        match self {
            Net::Recurrent(m) => ModelKind::Recurrent(m.config.cell),
            Net::Tcn(m) => ModelKind::Tcn(m.config.clone()),
            Net::Attention(m) => ModelKind::Attention(m.config.clone()),
        }
    }
    /// Every parameter, flat.
    pub fn params(&self) -> &[T] {
        match self {
            Net::Recurrent(m) => &m.params,
            Net::Tcn(m) => &m.params,
            Net::Attention(m) => &m.params,
        }
    }
    /// Every parameter, flat, writable (the optimiser's view).
    pub fn params_mut(&mut self) -> &mut [T] {
        match self {
            Net::Recurrent(m) => &mut m.params,
            Net::Tcn(m) => &mut m.params,
            Net::Attention(m) => &mut m.params,
        }
    }
    /// Names and places of the parameter blocks.
    pub fn layout(&self) -> &Layout {
        match self {
            Net::Recurrent(m) => &m.layout,
            Net::Tcn(m) => &m.layout,
            Net::Attention(m) => &m.layout,
        }
    }
    /// Number of scalar parameters.
    pub fn n_params(&self) -> usize {
        self.params().len()
    }
    /// Input size `I`.
    pub fn input_size(&self) -> usize {
        match self {
            Net::Recurrent(m) => m.config.input,
            Net::Tcn(m) => m.config.input,
            Net::Attention(m) => m.config.input,
        }
    }
    /// Head outputs `O`.
    pub fn output_size(&self) -> usize {
        match self {
            Net::Recurrent(m) => m.config.output,
            Net::Tcn(m) => m.config.output,
            Net::Attention(m) => m.config.output,
        }
    }
    /// Where the head reads.
    pub fn readout(&self) -> Readout {
        match self {
            Net::Recurrent(m) => m.config.readout,
            Net::Tcn(m) => m.config.readout,
            Net::Attention(m) => m.config.readout,
        }
    }

    /// Checks that `x` holds `t ≥ 1` steps of `b ≥ 1` samples and that `t` fits the model.
    ///
    /// # Errors
    /// [`Error::Config`] naming what does not fit.
    pub fn check_input(&self, x: &[T], t: usize, b: usize) -> Result<(), Error> {
        if t == 0 || b == 0 || x.len() != t * b * self.input_size() {
            return Err(Error::Config(format!(
                "input: {} values are not {t} steps × {b} samples × {} channels (t, b ≥ 1)",
                x.len(),
                self.input_size()
            )));
        }
        match self {
            Net::Attention(m) => m.check_len(t),
            _ => Ok(()),
        }
    }

    /// Makes `cache` the right kind for this model (a fresh one when it was not).
    pub fn fit_cache(&self, cache: &mut NetCache<T>) {
        let ok = matches!(
            (self, &*cache),
            (Net::Recurrent(_), NetCache::Recurrent(_))
                | (Net::Tcn(_), NetCache::Tcn(_))
                | (Net::Attention(_), NetCache::Attention(_))
        );
        if !ok {
            *cache = match self {
                Net::Recurrent(_) => NetCache::Recurrent(Workspace::default()),
                Net::Tcn(_) => NetCache::Tcn(TcnCache::default()),
                Net::Attention(_) => NetCache::Attention(AttentionCache::default()),
            };
        }
    }

    /// Runs the model over `x (T, B, I)`; the head output is then [`NetCache::y`]. Only the
    /// recurrent model uses `mode` (dropout). The input must pass [`Net::check_input`].
    pub fn forward(&self, cache: &mut NetCache<T>, x: &[T], t: usize, b: usize, mode: Mode<'_>) {
        self.fit_cache(cache);
        match (self, cache) {
            (Net::Recurrent(m), NetCache::Recurrent(ws)) => model::forward(m, ws, x, t, b, mode),
            (Net::Tcn(m), NetCache::Tcn(c)) => tcn::forward(m, c, x, t, b),
            (Net::Attention(m), NetCache::Attention(c)) => attention::forward(m, c, x, t, b),
            _ => unreachable!("fit_cache made the kinds agree"),
        }
    }

    /// Gradients from dL/dy in [`NetCache::dy_mut`] into [`NetCache::grads`] (and dL/dx with
    /// `opts.input_grad`). `truncate` applies to the recurrent model only. Call after
    /// [`Net::forward`] on the same cache; a cache of another kind is left untouched.
    pub fn backward(&self, cache: &mut NetCache<T>, opts: BackwardOpts) {
        let want = if opts.input_grad {
            InputGrad::Want
        } else {
            InputGrad::Skip
        };
        match (self, cache) {
            (Net::Recurrent(m), NetCache::Recurrent(ws)) => model::backward(m, ws, opts),
            (Net::Tcn(m), NetCache::Tcn(c)) => tcn::backward(m, c, want),
            (Net::Attention(m), NetCache::Attention(c)) => attention::backward(m, c, want),
            _ => {}
        }
    }
}

impl<T: Real> NetCache<T> {
    /// Head output `(R, B, O)` of the last forward.
    pub fn y(&self) -> &[T] {
        match self {
            NetCache::Recurrent(ws) => &ws.y,
            NetCache::Tcn(c) => &c.y,
            NetCache::Attention(c) => &c.y,
        }
    }
    /// Head output and dL/dy `(R, B, O)`, for the loss to read one and write the other.
    pub fn y_dy(&mut self) -> (&[T], &mut [T]) {
        match self {
            NetCache::Recurrent(ws) => (&ws.y, &mut ws.dy),
            NetCache::Tcn(c) => (&c.y, &mut c.dy),
            NetCache::Attention(c) => (&c.y, &mut c.dy),
        }
    }
    /// dL/dy `(R, B, O)`, to be written before [`Net::backward`].
    pub fn dy_mut(&mut self) -> &mut [T] {
        self.y_dy().1
    }
    /// dL/dθ of the last backward.
    pub fn grads(&self) -> &[T] {
        match self {
            NetCache::Recurrent(ws) => &ws.grads,
            NetCache::Tcn(c) => &c.grads,
            NetCache::Attention(c) => &c.grads,
        }
    }
    /// dL/dθ, writable (clipping).
    pub fn grads_mut(&mut self) -> &mut [T] {
        match self {
            NetCache::Recurrent(ws) => &mut ws.grads,
            NetCache::Tcn(c) => &mut c.grads,
            NetCache::Attention(c) => &mut c.grads,
        }
    }
    /// dL/dx `(T, B, I)` of the last backward with an input gradient.
    pub fn dx(&self) -> &[T] {
        match self {
            NetCache::Recurrent(ws) => ws.d_inputs.first().map_or(&[], |v| &v[..]),
            NetCache::Tcn(c) => &c.dx,
            NetCache::Attention(c) => &c.dx,
        }
    }
}
