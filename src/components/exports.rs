//! "Loss CSV" and "Sample JSON": the numbers behind the charts as files (docs/FORMATS.md),
//! written by `gru_lab::export` from what the page holds.

use gru_lab::export::{loss_csv, sample_json};
use gru_lab::history::History;
use leptos::prelude::*;

use crate::download::download_text;
use crate::state::AppState;

/// The training step shown, for file names.
pub fn shown_step(h: &History) -> u64 {
    h.runs.first().map_or(0, |r| r.status.step)
}

/// The two data downloads.
#[component]
pub fn Exports() -> impl IntoView {
    let state = expect_context::<AppState>();
    let csv = move |_| {
        let (text, step) = state
            .history
            .with_untracked(|h| (loss_csv(h), shown_step(h)));
        if let Err(e) = download_text(&format!("gru-lens-loss-step{step}.csv"), "text/csv", &text) {
            state.tell(e);
        }
    };
    let json = move |_| {
        // The step of the model inspected: the viewed snapshot's while time travelling.
        let (doc, sample, step) = state.history.with_untracked(|h| {
            let sample = if h.inspected.yours {
                "-yours".to_string()
            } else {
                h.inspected.sample.to_string()
            };
            (
                sample_json(h),
                sample,
                h.inspected.at.unwrap_or_else(|| shown_step(h)),
            )
        });
        let r = doc.and_then(|d| {
            download_text(
                &format!("gru-lens-sample{sample}-step{step}.json"),
                "application/json",
                &d,
            )
        });
        if let Err(e) = r {
            state.tell(format!("Sample not exported: {e}"));
        }
    };
    let torch = move |_| {
        let cells = state.settings.with_untracked(|s| s.cells.clone());
        let runs: Vec<usize> = (0..cells.len())
            .filter(|&i| cells[i] != gru_core::cell::CellKind::Gru)
            .collect();
        if runs.is_empty() {
            state.tell("Not exported: this page's GRU applies the reset gate before U_h, torch.nn.GRU after it, so no weights map exactly; add \"GRU (PyTorch)\" to the cells to export a torch.nn.GRU.".into());
        }
        runs.into_iter().for_each(|i| state.export_torch(i));
    };
    view! {
        <span class="files">
            <button on:click=csv title="Download the loss curves (step, run, train loss, validation loss, gradient norm) as CSV">"Loss CSV"</button>
            <button on:click=json title="Download the inspected sample of every run (gates, hidden states, gradient norms) as JSON">"Sample JSON"</button>
            <button on:click=torch title="Download the weights of every run PyTorch can load (GRU (PyTorch), LSTM, RNN) as a state_dict JSON">"PyTorch JSON"</button>
        </span>
    }
}
