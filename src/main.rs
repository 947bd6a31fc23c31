//! Browser entry point: install the panic hook and mount the app (training runs in the worker,
//! `bin/worker.rs`).

use leptos::prelude::*;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(|| view! { <gru_lens::App/> });
}
