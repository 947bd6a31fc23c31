//! The one wasm module of the app, page and worker alike: on the page it installs the panic
//! hook and mounts the app; loaded by `assets/worker-loader.js` inside the training Web Worker
//! (same glue and wasm files, so the browser fetches and caches them once) it runs the engine
//! ([`gru_lens::worker::run`]).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

fn main() {
    console_error_panic_hook::set_once();
    if js_sys::global().dyn_ref::<web_sys::Window>().is_some() {
        leptos::mount::mount_to_body(|| view! { <gru_lens::App/> });
    } else {
        gru_lens::worker::run();
    }
}
