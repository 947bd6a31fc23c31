//! # gru-lab
//!
//! The experiment gru-lens runs, as plain Rust: the [`settings`] (one parameter table driving
//! the URL codec, validation and the form), the [`lab::Lab`] of runs trained side by side, the
//! [`schedule::Scheduler`] that decides when to train, validate, inspect and publish (with an
//! injected clock), the [`engine::Engine`] the Web Worker drives, and the [`protocol`] of
//! messages between page and worker. The page-side [`history::History`] accumulates what the
//! worker publishes. No DOM here, so all of it is tested natively.

#![warn(missing_docs)]

pub mod cost;
pub mod curve;
pub mod engine;
pub mod export;
pub mod flow_map;
pub mod fmt;
pub mod history;
pub mod insight;
pub mod interview;
pub mod kernel_bench;
pub mod lab;
pub mod lab_inspection;
pub mod look;
pub mod model_cost;
pub mod protocol;
pub mod regrowth;
pub mod run;
pub mod sample;
pub mod save;
mod save_checks;
pub mod schedule;
pub mod sequence;
pub mod settings;
pub mod step_times;
pub mod strip;
pub mod sweep;
pub mod sweep_curves;
pub mod sweep_knob;
pub mod sweep_table;
pub mod sweep_time;
pub mod timeline;
#[cfg(test)]
mod tooltip_sum;
pub mod torch_export;
pub mod torch_import;
pub mod torch_parity;
pub mod travel;
pub mod views_lag;

pub use engine::Engine;
pub use protocol::{Command, Report, Snapshot};
pub use settings::{Settings, Speed};
#[cfg(test)]
mod pick_tests;
