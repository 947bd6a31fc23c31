//! Play/Pause, Step, Reset, the status line and the notice.

use gru_lab::history::History;
use gru_lab::protocol::Rates;
use gru_lab::settings::Panel;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::exports::Exports;
use crate::components::files::{Origin, SaveLoad};
use crate::format::fmt_num;
use crate::state::AppState;

/// The status text: `step 1234 · GRU loss 0.0421 · RNN loss 0.16 · 850 steps/s`. The rate is
/// wall-clock lock-steps per second — what the user actually gets. A big model whose views lag
/// its curves says so (`views_lag`).
pub fn status_text(h: &History) -> String {
    let Some(first) = h.runs.first() else {
        return if h.started {
            "no run".into()
        } else {
            "starting…".into()
        };
    };
    let mut text = format!("step {}", first.status.step);
    for r in &h.runs {
        let name = if h.runs.len() > 1 {
            format!("{} ", r.status.label)
        } else {
            String::new()
        };
        text.push_str(&format!(" · {name}loss {}", fmt_num(r.status.loss)));
    }
    if !h.playing {
        text.push_str(" · paused");
    } else if h.rates.wall_steps_per_s > 0.0 {
        text.push_str(&format!(" · {:.0} steps/s", h.rates.wall_steps_per_s));
    }
    if let Some(lag) = gru_lab::views_lag::views_lag(h) {
        text.push_str(&lag);
    }
    text
}

/// What the worker spends besides training, for the status line's tooltip:
/// `training 835 steps/s · last inspection 12 ms · last validation 3 ms`.
pub fn worker_costs(r: &Rates) -> String {
    format!(
        "training {:.0} steps/s of training time · last inspection {:.0} ms · last validation {:.0} ms",
        r.train_steps_per_s, r.inspect_ms, r.validate_ms
    )
}

/// Copies `text` to the clipboard; `Err` when the browser has no clipboard or refuses.
async fn copy_to_clipboard(text: &str) -> Result<(), ()> {
    let window = web_sys::window().ok_or(())?;
    let nav = js_sys::Reflect::get(&window, &"navigator".into()).map_err(|_| ())?;
    let clip = js_sys::Reflect::get(&nav, &"clipboard".into()).map_err(|_| ())?;
    let write = js_sys::Reflect::get(&clip, &"writeText".into()).map_err(|_| ())?;
    let write: js_sys::Function = write.dyn_into().map_err(|_| ())?;
    let promise = write.call1(&clip, &text.into()).map_err(|_| ())?;
    let promise: js_sys::Promise = promise.dyn_into().map_err(|_| ())?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|_| ())
}

/// "Copy link": the page's URL (which holds every setting) to the clipboard, or, where the
/// browser does not allow that, into a selected text field to copy by hand.
#[component]
fn CopyLink() -> impl IntoView {
    let state = expect_context::<AppState>();
    let fallback = RwSignal::new(None::<String>);
    let copy = move |_| {
        let href = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            match copy_to_clipboard(&href).await {
                Ok(()) => {
                    fallback.set(None);
                    state.tell("Link copied: it opens this page with these settings.".into());
                }
                Err(()) => fallback.set(Some(href)),
            }
        });
    };
    let field = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let (Some(link), Some(f)) = (fallback.get(), field.get()) {
            // Value first: setting it later would move the caret and drop the selection.
            f.set_value(&link);
            let _ = f.focus();
            f.select();
        }
    });
    view! {
        <button on:click=copy title="Copy a link that opens this page with these settings">"Copy link"</button>
        <Show when=move || fallback.with(Option::is_some)>
            <label class="link-field">"Copy this link: "
                <input node_ref=field readonly=true aria-label="Link to this page" prop:value=move || fallback.get().unwrap_or_default()/>
            </label>
        </Show>
    }
}

/// The transport buttons and status.
#[component]
pub fn Controls() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="controls" aria-label="Training controls">
            <button class="primary" on:click=move |_| state.toggle() title="Start or pause training (Space)">
                {move || if state.playing() { "Pause" } else { "Play" }}
            </button>
            <button on:click=move |_| state.step_once() title="Train exactly one step on every model (→)">"Step"</button>
            <button on:click=move |_| state.reset() title="Start again from fresh random weights (same seed, same data)">"Reset"</button>
            <span class="files" hidden=move || state.hides(Panel::Files)>
                <SaveLoad/>
                <Exports/>
            </span>
            <CopyLink/>
            <p class="status" role="status" aria-live="polite"
                title=move || state.history.with(|h| worker_costs(&h.rates))
                data-train-rate=move || state.history.with(|h| format!("{:.1}", h.rates.train_steps_per_s))
                data-inspect-ms=move || state.history.with(|h| format!("{:.1}", h.rates.inspect_ms))>{move || state.history.with(status_text)}</p>
        </section>
        <Show when=move || state.notice.with(Option::is_some)>
            <p class="notice" role="alert">
                {move || state.notice.get().unwrap_or_default()}
                <button class="dismiss" title="Hide this message" on:click=move |_| state.notice.set(None)>"×"</button>
            </p>
        </Show>
        <Origin/>
    }
}
