//! Sequence models without recurrence, exact like the cells: a causal temporal convolutional
//! network ([`tcn`]) and a one-layer causal self-attention model ([`attention`]), each with a
//! hand-written backward beside its forward, plus what the app compares across all models:
//! the input-to-output sensitivity `‖∂y/∂x_{T−k}‖` over the lag ([`sensitivity`]) and the cost
//! of a training step as the sequence grows ([`cost`]).
//!
//! Both models read time-major batches `x (T, B, I)` like [`crate::model`], share its
//! [`Readout`](crate::model::Readout) and head `y = h W_o + b_o`, and keep every parameter in
//! one flat vector described by a [`Layout`](crate::params::Layout).

pub mod attention;
#[cfg(test)]
pub(crate) mod check;
pub mod cost;
mod init;
mod net;
pub(crate) mod ops;
pub mod sensitivity;
pub mod state_dict;
pub mod tcn;
#[cfg(test)]
mod tests;

pub use attention::{Attention, AttentionCache, AttentionConfig, Positions};
pub use net::{ModelKind, Net, NetCache};
pub use ops::LN_EPS;
pub use tcn::{Tcn, TcnCache, TcnConfig};

use serde::{Deserialize, Serialize};

use crate::Real;

/// The pointwise nonlinearity of a TCN level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// `max(0, a)`.
    #[default]
    Relu,
    /// `tanh(a)`.
    Tanh,
}

impl Activation {
    /// Applies `φ` to every element.
    pub fn apply_in_place<T: Real>(self, v: &mut [T]) {
        match self {
            Activation::Relu => v.iter_mut().for_each(|a| *a = a.max(T::zero())),
            Activation::Tanh => v.iter_mut().for_each(|a| *a = a.tanh()),
        }
    }
    /// `φ'(a)` from `f = φ(a)`: ReLU `1[f > 0]` (0 at `a = 0`, like PyTorch), tanh `1 − f²`.
    #[inline]
    pub fn derivative_from_output<T: Real>(self, f: T) -> T {
        match self {
            Activation::Relu => {
                if f > T::zero() {
                    T::one()
                } else {
                    T::zero()
                }
            }
            Activation::Tanh => T::one() - f * f,
        }
    }
    /// Label for the app ("ReLU", "tanh").
    pub fn label(self) -> &'static str {
        match self {
            Activation::Relu => "ReLU",
            Activation::Tanh => "tanh",
        }
    }
}

/// Whether a backward pass also computes dL/dx.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum InputGrad {
    /// Parameters only (training).
    #[default]
    Skip,
    /// Also dL/dx `(T, B, I)` (sensitivity, analysis).
    Want,
}
