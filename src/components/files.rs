//! "Save run" and "Load run" (file picker, or a file dropped anywhere on the page). The page
//! only moves bytes: the worker writes the file and checks the one loaded.

use gru_core::checkpoint::MAX_BYTES;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::download::read_file;
use crate::state::AppState;

/// Sends `file` to the engine unless it is too large to be a saved run or a state_dict.
fn load(state: AppState, file: web_sys::File) {
    let size = file.size();
    if size > MAX_BYTES as f64 {
        state.tell(format!(
            "Not loaded: {} is {:.1} MB; a saved run or state_dict is at most {} MB — the current run continues unchanged",
            file.name(),
            size / 1e6,
            MAX_BYTES / 1_000_000
        ));
        return;
    }
    read_file(file, move |r| match r {
        Ok(bytes) => state.load_run(bytes),
        Err(e) => state.tell(format!("Not loaded: {e}")),
    });
}

/// The save and load buttons; also accepts a file dropped on the page.
#[component]
pub fn SaveLoad() -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_over = window_event_listener(leptos::ev::dragover, |ev| ev.prevent_default());
    let on_drop = window_event_listener(leptos::ev::drop, move |ev| {
        ev.prevent_default();
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            load(state, file);
        }
    });
    on_cleanup(move || {
        on_over.remove();
        on_drop.remove();
    });
    let on_pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            load(state, file);
        }
        // Picking the same file again must fire `change` again.
        input.set_value("");
    };
    view! {
        <span class="files">
            <button on:click=move |_| state.save_run()
                title="Download every run (weights, optimiser state, settings) as a JSON file that Load run continues exactly, up to 52 MB (a past step of a big model, kept without its optimiser state, resumes with a fresh optimiser)">
                "Save run"
            </button>
            <label class="button" title="Continue a saved run from its JSON file, or bring a PyTorch nn.GRU / nn.LSTM / nn.RNN state_dict JSON (docs/FORMATS.md); or drop the file on the page">
                "Load run"
                <input type="file" accept=".json,application/json" class="visually-hidden" aria-label="Load run" on:change=on_pick/>
            </label>
        </span>
    }
}

/// Where the runs came from, when a PyTorch file was imported: its summary and parity line.
#[component]
pub fn Origin() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <Show when=move || state.origin.with(Option::is_some)>
            <p class="origin" role="status" aria-label="Imported model">
                <span class="origin-summary">{move || state.origin.with(|o| o.as_ref().map(|o| o.summary.clone()))}</span>
                <span class="origin-parity">{move || state.origin.with(|o| o.as_ref().and_then(|o| o.parity.clone()))}</span>
            </p>
        </Show>
    }
}
