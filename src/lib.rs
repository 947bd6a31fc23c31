//! gru-lens: a Leptos (CSR) page that trains a GRU from `gru-core` live and draws what happens
//! inside it. `main.rs` only mounts [`App`]; browser tests mount it too.

pub mod app;
pub mod charts;
pub mod run;

pub use app::App;
