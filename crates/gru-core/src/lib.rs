//! # gru-core
//!
//! The model behind gru-lens: GRU, LSTM and tanh/ReLU RNN cells with exact backpropagation
//! through time, the Jacobians ∂h_t/∂h_{t−k} the app animates, optimisers, toy sequence tasks
//! and checkpoints. Pure Rust: no DOM, no UI, deterministic given a seed, no panics on user
//! data (fallible entry points return `Result`).
//!
//! The crate is generic over the scalar ([`Real`]): the app trains in `f32`, the reference
//! tests and `gru-trace` run in `f64`.

#![warn(missing_docs)]

pub mod bench;
pub mod cell;
pub mod checkpoint;
mod json;
pub mod kernels;
pub mod params;
mod real;

pub use real::{sigmoid, Real};
mod error;
pub mod loss;
pub mod model;
pub mod optim;
pub mod state_dict;
pub mod task;

pub use error::Error;
pub mod trainer;

pub use trainer::{Resume, StepStats, TrainConfig, Trainer};

pub mod analysis;
mod inspect;

pub use analysis::Progress;
pub use inspect::{AttentionMap, InspectWork, Inspection, Pick};
pub mod pca;
pub mod seq;
pub mod trace;
