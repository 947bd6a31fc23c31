//! gru-lens: a Leptos (CSR) page that trains GRUs (and an RNN to compare) live in a Web Worker
//! and draws what happens inside them. `main.rs` mounts [`App`] on the page (browser tests mount
//! it too) and runs [`worker::run`] when the same module is loaded in the training worker.

pub mod app;
pub mod bridge;
pub mod charts;
pub mod components;
pub mod cursor;
pub mod download;
pub mod format;
#[cfg(feature = "in-page")]
pub mod in_page;
pub mod state;
pub mod worker;

pub use app::App;
