//! gru-lens: a Leptos (CSR) page that trains GRUs (and an RNN to compare) from `gru-core` live
//! and draws what happens inside them. `main.rs` only mounts [`App`]; browser tests mount it too.

pub mod app;
pub mod charts;
pub mod components;
pub mod format;
pub mod lab;
pub mod run;
pub mod settings;
pub mod state;

pub use app::App;
