//! A `<canvas>` chart with an accessible name and a text summary, redrawn by an effect
//! whenever the signals its draw closure reads change. Its drawing buffer is the displayed
//! size × `devicePixelRatio` (sharp on HiDPI screens); PNG and SVG buttons export it.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use crate::charts::projection::css_to_canvas;
use crate::charts::surface::{buffer_size, Look, Surface, Target};
use crate::charts::ChartError;

/// Chart text size in presenter mode, relative to the normal size: the page's text grows
/// 1.375× (16 to 22 px), chart text more, as its 12–13 px is the smallest on a projector.
const PRESENTER_TEXT: f64 = 1.6;

/// Narrowest window (CSS px) presenter mode enlarges text in, as `style.css` does: on a phone
/// larger chart text left a 10-px plot under the legend.
const PRESENTER_MIN_WIDTH: f64 = 700.0;

/// The look for this screen: its pixel ratio and the presenter text factor.
fn screen_look() -> Look {
    let window = web_sys::window();
    let dpr = window.as_ref().map_or(1.0, |w| w.device_pixel_ratio());
    let wide = window
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w >= PRESENTER_MIN_WIDTH);
    let presenter = wide
        && use_context::<crate::state::AppState>()
            .is_some_and(|s| s.settings.with(|s| s.presenter));
    Look::new(dpr, if presenter { PRESENTER_TEXT } else { 1.0 })
}

/// A chart's nominal height for `look`: a quarter taller in presenter mode, where the larger
/// text (labels, legend rows) would otherwise leave a flat plot.
fn taller(height: u32, look: Look) -> u32 {
    if look.text > 1.0 {
        (f64::from(height) * 1.25).round() as u32
    } else {
        height
    }
}

/// The name of a chart's file: `gru-lens-<chart>-step<N>.<ext>`.
fn file_name(label: &str, ext: &str) -> String {
    let state = use_context::<crate::state::AppState>();
    let step = state.map_or(0, |s| {
        s.history
            .with_untracked(crate::components::exports::shown_step)
    });
    format!("gru-lens-{}-step{step}.{ext}", slug(label))
}

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
    /// The primary button is held (a drag).
    pub down: bool,
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

/// Downloads the chart's pixels (at the screen's density) as a PNG (`canvas.toBlob`).
fn save_png(canvas: Option<HtmlCanvasElement>, label: &'static str) {
    let Some(c) = canvas else { return };
    let state = use_context::<crate::state::AppState>();
    let name = file_name(label, "png");
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

/// Downloads the chart as an SVG: `draw` run again over an SVG string of the canvas's CSS
/// size, at pixel ratio 1 and the page's text factor.
fn save_svg(canvas: Option<HtmlCanvasElement>, label: &'static str, draw: &DrawFn) {
    let Some(c) = canvas else { return };
    let look = screen_look();
    let size = (
        (f64::from(c.width()) / look.px).round() as u32,
        (f64::from(c.height()) / look.px).round() as u32,
    );
    let svg = RefCell::new(String::new());
    let surface = Surface {
        target: Target::Svg(&svg, size),
        look: Look { px: 1.0, ..look },
    };
    let state = use_context::<crate::state::AppState>();
    // `draw` reads signals; this runs outside any effect, so nothing subscribes.
    let r = untrack(|| draw(&surface))
        .map_err(|e| format!("{label}: the SVG export failed: {e}"))
        .and_then(|()| {
            let text = crate::charts::surface::svg_font_sizes(&svg.borrow());
            crate::download::download_text(&file_name(label, "svg"), "image/svg+xml", &text)
        });
    if let (Err(e), Some(s)) = (r, state) {
        s.tell(e);
    }
}

/// A chart's paint function: draws on a surface, reading signals.
type DrawFn = dyn Fn(&Surface<'_>) -> Result<(), ChartError>;

/// A chart's paint function behind one pointer, so [`ChartCanvas`] (and the view code inside
/// it) is compiled once rather than once per chart's closure type. Any such closure converts.
#[derive(Clone)]
pub struct Draw(Rc<DrawFn>);

impl<F> From<F> for Draw
where
    F: Fn(&Surface<'_>) -> Result<(), ChartError> + 'static,
{
    fn from(f: F) -> Self {
        Draw(Rc::new(f))
    }
}

/// A chart canvas: `draw` paints it, `on_pointer` (optional) receives hovers and clicks.
#[component]
pub fn ChartCanvas(
    /// Accessible name (`aria-label`), also the panel heading.
    label: &'static str,
    /// Nominal width (CSS pixels before the page sizes it); with `height`, the aspect ratio.
    #[prop(default = 720)]
    width: u32,
    /// Nominal height.
    #[prop(default = 300)]
    height: u32,
    /// Paints the chart; reads signals, so it reruns when they change.
    #[prop(into)]
    draw: Draw,
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
    /// What the card shows under the chart (a sentence about its numbers), inside the card.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let draw = StoredValue::new_local(draw.0);
    let node = NodeRef::<leptos::html::Canvas>::new();
    // The drawing buffer follows the displayed size × devicePixelRatio, and the draw
    // functions scale by the same ratio, so text keeps its nominal CSS size and is sharp on
    // any screen. A window resize (also a zoom, which changes the ratio) redraws.
    let resized = RwSignal::new(0u32);
    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        resized.update(|n| *n = n.wrapping_add(1))
    });
    on_cleanup(move || on_resize.remove());
    Effect::new(move |_| {
        resized.track();
        if let Some(c) = node.get() {
            let look = screen_look();
            let css_w = c.client_width();
            if css_w > 0 {
                let (w, h) = buffer_size(f64::from(css_w), width, taller(height, look), look.px);
                if c.width() != w || c.height() != h {
                    c.set_width(w);
                    c.set_height(h);
                }
            }
            let surface = Surface {
                target: Target::Canvas(&c),
                look,
            };
            if let Err(e) = draw.with_value(|d| d(&surface)) {
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
        let down = ev.buttons() & 1 != 0;
        cb.run(Pointer {
            x,
            y,
            click,
            leave,
            down,
        });
    };
    let png = move |_| save_png(node.get_untracked(), label);
    let svg = move |_| draw.with_value(|d| save_svg(node.get_untracked(), label, &**d));
    view! {
        <figure class="panel">
            <figcaption>
                {label}
                <button class="png" title="Download this chart as a PNG image (its pixels as drawn)"
                    aria-label=format!("Download {label} as PNG") on:click=png>"PNG"</button>
                <button class="png" title="Download this chart as an SVG drawing (vector, for slides and papers)"
                    aria-label=format!("Download {label} as SVG") on:click=svg>"SVG"</button>
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
            {children.map(|c| c())}
            <p class="sr-only" aria-live="off">{move || summary.get()}</p>
        </figure>
    }
}
