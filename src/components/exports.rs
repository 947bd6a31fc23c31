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
        // The step of the model inspected (the viewed snapshot's while time travelling; a big
        // model's views can lag training), as the JSON's own `step` says.
        let (doc, sample, step) = state.history.with_untracked(|h| {
            let sample = if h.inspected.yours {
                "-yours".to_string()
            } else {
                h.inspected.sample.to_string()
            };
            (sample_json(h), sample, h.inspected.step)
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
        // Every run but this page's GRU (gru_lab::torch_export), one file each.
        let e = state
            .settings
            .with_untracked(gru_lab::torch_export::exportable);
        if let Some(m) = e.none {
            state.tell(m);
        }
        e.runs.into_iter().for_each(|i| state.export_torch(i));
    };
    view! {
        <span class="files">
            <button on:click=csv title="Download the loss curves (step, run, train loss, validation loss, gradient norm) as CSV">"Loss CSV"</button>
            <button on:click=json title="Download the inspected sample of every run (gates, hidden states, gradient norms) as JSON">"Sample JSON"</button>
            <button on:click=torch title="Download each run's weights as a PyTorch state_dict JSON, one file per run: GRU (PyTorch), LSTM and RNN for torch.nn.GRU/LSTM/RNN, TCN and Attention for the Tcn/Attn modules in the repository's scripts/seq_models.py (this page's GRU has no torch twin)">"PyTorch JSON"</button>
        </span>
    }
}
