//! A `<canvas>` chart with an accessible name and a text summary, redrawn by an effect
//! whenever the signals its draw closure reads change.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use crate::charts::projection::css_to_canvas;
use crate::charts::ChartError;

/// A pointer event on a chart, in canvas drawing-buffer pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pointer {
    /// x in canvas pixels.
    pub x: f64,
    /// y in canvas pixels.
    pub y: f64,
    /// A click (or pointer down) rather than a hover.
    pub click: bool,
    /// The pointer left the canvas.
    pub leave: bool,
}

/// `label` as a file name part: lower case, runs of other characters as one `-`.
pub fn slug(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Downloads the chart's pixels as `gru-lens-<chart>-step<N>.png` (`canvas.toBlob`).
fn save_png(canvas: Option<HtmlCanvasElement>, label: &'static str) {
    let Some(c) = canvas else { return };
    let state = use_context::<crate::state::AppState>();
    let step = state.map_or(0, |s| {
        s.history
            .with_untracked(crate::components::exports::shown_step)
    });
    let name = format!("gru-lens-{}-step{step}.png", slug(label));
    let done = Closure::once_into_js(move |blob: Option<web_sys::Blob>| {
        let r = match blob {
            Some(b) => crate::download::download_blob(&name, &b),
            None => Err(format!("{name}: the browser made no image")),
        };
        if let (Err(e), Some(s)) = (r, state) {
            s.tell(e);
        }
    });
    if let Err(e) = c.to_blob(done.unchecked_ref()) {
        leptos::logging::warn!("{label}: PNG export failed: {e:?}");
    }
}

/// A chart canvas: `draw` paints it, `on_pointer` (optional) receives hovers and clicks.
#[component]
pub fn ChartCanvas<F>(
    /// Accessible name (`aria-label`), also the panel heading.
    label: &'static str,
    /// Drawing-buffer width in pixels.
    #[prop(default = 720)]
    width: u32,
    /// Drawing-buffer height in pixels.
    #[prop(default = 300)]
    height: u32,
    /// Paints the chart; reads signals, so it reruns when they change.
    draw: F,
    /// A one-sentence text summary for screen readers.
    #[prop(into)]
    summary: Signal<String>,
    /// Receives pointer moves and clicks over the canvas.
    #[prop(optional)]
    on_pointer: Option<Callback<Pointer>>,
    /// Receives key presses while the canvas has focus (it is then focusable, `tabindex=0`);
    /// returns `true` when it used the key (its default action and the page's shortcuts are
    /// then skipped).
    #[prop(optional)]
    on_key: Option<Callback<String, bool>>,
    /// Visible help text under the heading.
    #[prop(optional)]
    hint: &'static str,
) -> impl IntoView
where
    F: Fn(&HtmlCanvasElement) -> Result<(), ChartError> + 'static,
{
    let node = NodeRef::<leptos::html::Canvas>::new();
    // The drawing buffer follows the displayed size, so text stays at its nominal pixel size
    // on any screen; a window resize redraws.
    let resized = RwSignal::new(0u32);
    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        resized.update(|n| *n = n.wrapping_add(1))
    });
    on_cleanup(move || on_resize.remove());
    Effect::new(move |_| {
        resized.track();
        if let Some(c) = node.get() {
            let css_w = c.client_width();
            if css_w > 0 {
                let w = (css_w as u32).clamp(240, 1600);
                let h = (f64::from(w) * f64::from(height) / f64::from(width))
                    .round()
                    .max(220.0) as u32;
                if c.width() != w || c.height() != h {
                    c.set_width(w);
                    c.set_height(h);
                }
            }
            if let Err(e) = draw(&c) {
                leptos::logging::warn!("{label}: {e}");
            }
        }
    });
    let send = move |ev: web_sys::MouseEvent, click: bool, leave: bool| {
        let (Some(cb), Some(c)) = (on_pointer, node.get_untracked()) else {
            return;
        };
        let (x, y) = css_to_canvas(
            f64::from(ev.offset_x()),
            f64::from(ev.offset_y()),
            f64::from(c.width()),
            f64::from(c.height()),
            f64::from(c.client_width()),
            f64::from(c.client_height()),
        );
        cb.run(Pointer { x, y, click, leave });
    };
    let png = move |_| save_png(node.get_untracked(), label);
    view! {
        <figure class="panel">
            <figcaption>
                {label}
                <button class="png" title="Download this chart as a PNG image (its pixels as drawn)"
                    aria-label=format!("Download {label} as PNG") on:click=png>"PNG"</button>
            </figcaption>
            {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
            <canvas
                node_ref=node
                width=width
                height=height
                role="img"
                aria-label=label
                class:interactive=on_pointer.is_some()
                tabindex=on_key.map(|_| "0")
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if on_key.is_some_and(|cb| cb.run(ev.key())) {
                        ev.prevent_default();
                        ev.stop_propagation();
                    }
                }
                on:mousemove=move |ev| send(ev, false, false)
                on:click=move |ev| send(ev, true, false)
                on:mouseleave=move |ev| send(ev, false, true)
            ></canvas>
            <p class="sr-only" aria-live="off">{move || summary.get()}</p>
        </figure>
    }
}
