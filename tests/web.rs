//! The app in a real headless Chromium (wasm-bindgen-test): mount the root component, let it
//! train for a few frames, and check the DOM and the loss canvas.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlCanvasElement, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

fn doc() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

fn status_text() -> String {
    doc().query_selector("[role=status]").ok().flatten().and_then(|e| e.text_content()).unwrap_or_default()
}

fn step_of(text: &str) -> u64 {
    text.strip_prefix("step ").and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(u64::MAX)
}

fn button(label: &str) -> HtmlElement {
    let list = doc().query_selector_all("button").expect("buttons");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .find(|b| b.text_content().as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no button {label}"))
}

#[wasm_bindgen_test]
async fn app_mounts_trains_and_responds_to_its_buttons() {
    let root = doc().create_element("div").unwrap();
    doc().body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone().unchecked_into(), gru_lens::App);

    sleep(1500).await;
    let text = status_text();
    let first = step_of(&text);
    assert!(first > 0 && first != u64::MAX, "training started on mount: {text}");
    assert!(text.contains(" · loss "), "status shows the loss: {text}");

    let canvas: HtmlCanvasElement = doc().query_selector("canvas[aria-label=Loss]").unwrap().expect("loss canvas").unchecked_into();
    assert_eq!(canvas.get_attribute("role").as_deref(), Some("img"));
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let px = ctx.get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64).unwrap().data();
    let inked = px.chunks(4).filter(|p| p[0] < 200 || p[1] < 200 || p[2] < 200).count();
    assert!(inked > 1000, "loss chart drawn ({inked} dark pixels)");

    button("Pause").click();
    sleep(100).await;
    let paused = step_of(&status_text());
    sleep(400).await;
    assert_eq!(step_of(&status_text()), paused, "no steps while paused");
    button("Step").click();
    sleep(100).await;
    assert_eq!(step_of(&status_text()), paused + 1, "Step trains exactly one step");
    button("Reset").click();
    sleep(100).await;
    assert_eq!(step_of(&status_text()), 0, "Reset starts over");
    drop(handle);
}
