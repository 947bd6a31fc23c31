//! A section that folds away on a phone: a `<details>` whose `<summary>` button (keyboard
//! reachable, Enter/Space toggle it) shows only at ≤ 600 px. It starts closed there and open
//! elsewhere, and opens again when the window grows past a phone's width.

use leptos::prelude::*;

/// The widest window, in CSS pixels, that counts as a phone (matches style.css).
const PHONE_MAX: f64 = 600.0;

/// Whether the window is a phone's width now.
fn phone() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .is_some_and(|w| w <= PHONE_MAX)
}

/// `children` behind a "`label`" button on a phone.
#[component]
pub fn PhoneFold(
    /// The summary button's text, e.g. "Settings".
    label: &'static str,
    /// What folds away.
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Details>::new();
    let open = !phone();
    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        if let (false, Some(d)) = (phone(), node.get_untracked()) {
            d.set_open(true);
        }
    });
    on_cleanup(move || on_resize.remove());
    view! {
        <details class="fold" node_ref=node open=open>
            <summary>{label}</summary>
            {children()}
        </details>
    }
}
