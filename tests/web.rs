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

/// The app with its engine on this thread: the test runner's page serves no worker script.
fn in_page_app() -> impl leptos::IntoView {
    use leptos::prelude::*;
    view! { <gru_lens::App training=gru_lens::bridge::Training::InPage/> }
}

fn doc() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

fn status_text(root: &web_sys::Element) -> String {
    root.query_selector("[role=status]")
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn step_of(text: &str) -> u64 {
    text.strip_prefix("step ")
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

fn find_button(root: &web_sys::Element, label: &str) -> Option<HtmlElement> {
    let list = root.query_selector_all("button").expect("buttons");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .find(|b| b.text_content().as_deref() == Some(label))
}

fn button(root: &web_sys::Element, label: &str) -> HtmlElement {
    find_button(root, label).unwrap_or_else(|| panic!("no button {label}"))
}

#[wasm_bindgen_test]
async fn app_mounts_trains_and_responds_to_its_buttons() {
    let root = doc().create_element("div").unwrap();
    doc().body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone().unchecked_into(), in_page_app);

    // Training starts on mount; wait (up to 30 s on a busy machine) until both losses are
    // below 1, which the adding problem reaches within a few dozen steps.
    let mut text = String::new();
    for _ in 0..300 {
        sleep(100).await;
        text = status_text(&root);
        if text.contains("GRU loss 0.") && text.contains("RNN loss 0.") {
            break;
        }
    }
    let first = step_of(&text);
    assert!(
        first > 0 && first != u64::MAX,
        "training started on mount: {text}"
    );
    assert!(
        text.contains("GRU loss 0.") && text.contains("RNN loss 0."),
        "status shows each run's loss: {text}"
    );

    let canvas: HtmlCanvasElement = root
        .query_selector("canvas[aria-label=Loss]")
        .unwrap()
        .expect("loss canvas")
        .unchecked_into();
    assert_eq!(canvas.get_attribute("role").as_deref(), Some("img"));
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let px = ctx
        .get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64)
        .unwrap()
        .data();
    let inked = px
        .chunks(4)
        .filter(|p| p[0] < 200 || p[1] < 200 || p[2] < 200)
        .count();
    assert!(inked > 1000, "loss chart drawn ({inked} dark pixels)");

    button(&root, "Pause").click();
    sleep(100).await;
    let paused = step_of(&status_text(&root));
    sleep(400).await;
    assert_eq!(
        step_of(&status_text(&root)),
        paused,
        "no steps while paused"
    );
    button(&root, "Step").click();
    sleep(100).await;
    assert_eq!(
        step_of(&status_text(&root)),
        paused + 1,
        "Step trains exactly one step"
    );
    button(&root, "Reset").click();
    sleep(100).await;
    assert_eq!(step_of(&status_text(&root)), 0, "Reset starts over");
    drop(handle);
    root.remove();
}

fn dd(root: &web_sys::Element, field: &str) -> f64 {
    let sel = format!(".drilldown dd[data-field={field}]");
    root.query_selector(&sel)
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .and_then(|t| t.parse().ok())
        .unwrap_or(f64::NAN)
}

#[wasm_bindgen_test]
async fn the_drilldown_shows_the_numbers_gru_core_computes_for_the_same_seed_and_step() {
    use gru_core::cell::CellKind;
    use gru_lab::Settings;

    let root = doc().create_element("div").unwrap();
    doc().body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone().unchecked_into(), in_page_app);
    // Training starts once the engine is ready (the Play button turns into Pause); on a busy
    // machine or a slower browser that can take a while.
    for _ in 0..300 {
        if find_button(&root, "Pause").is_some() {
            break;
        }
        sleep(100).await;
    }
    button(&root, "Pause").click();
    button(&root, "Reset").click();
    for _ in 0..3 {
        button(&root, "Step").click();
    }
    sleep(200).await;
    assert_eq!(step_of(&status_text(&root)), 3);

    // Hover the middle of the update-gate heatmap.
    let canvas: HtmlElement = root
        .query_selector("canvas[aria-label='Update gate z']")
        .unwrap()
        .expect("z heatmap")
        .unchecked_into();
    let rect = canvas.get_bounding_client_rect();
    let init = web_sys::MouseEventInit::new();
    init.set_client_x((rect.left() + rect.width() * 0.5) as i32);
    init.set_client_y((rect.top() + rect.height() * 0.4) as i32);
    init.set_bubbles(true);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("mousemove", &init).unwrap();
    canvas.dispatch_event(&ev).unwrap();
    sleep(100).await;
    let (unit, t) = (dd(&root, "unit") as usize, dd(&root, "t") as usize);
    assert!(t >= 1, "a cell is selected");

    // The same run, computed by gru-core directly.
    let mut trainer =
        gru_core::Trainer::<f32>::new(Settings::default().train_config(CellKind::Gru).unwrap())
            .unwrap();
    for _ in 0..3 {
        trainer.train_step().unwrap();
    }
    let ins = trainer.inspect(gru_core::Pick::sample(0)).unwrap();
    let h = ins.trace.hidden;
    let gate =
        |name: &str| ins.trace.gates.iter().find(|g| g.0 == name).unwrap().1[(t - 1) * h + unit];
    let want = [
        ("z", gate("z")),
        ("r", gate("r")),
        ("h_tilde", gate("h_tilde")),
        ("h_prev", ins.trace.h[(t - 1) * h + unit]),
        ("h", ins.trace.h[t * h + unit]),
    ];
    for (field, v) in want {
        let shown = dd(&root, field);
        assert!(
            (shown - v).abs() <= 5e-5 + 5e-4 * v.abs(),
            "{field} at unit {unit}, t {t}: shown {shown}, gru-core {v}"
        );
    }
    drop(handle);
    root.remove();
}

/// gru-core's f32 σ and tanh as this browser runs them (wasm simd128: its own `pow2i` and
/// opaque constants, untested by the native suite) stay within 2 ulp of the correctly rounded
/// value over [−40, 40], and keep the limits and NaN.
#[wasm_bindgen_test]
fn wasm_sigmoid_and_tanh_are_within_two_ulp_of_the_rounded_truth() {
    let ulps = |a: f32, b: f32| (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs();
    let xs: Vec<f32> = (0..=80_000).map(|i| (i as f32 - 40_000.0) * 1e-3).collect();
    let (mut s, mut t) = (xs.clone(), xs.clone());
    gru_core::kernels::act::sigmoid_in_place(&mut s);
    gru_core::kernels::act::tanh_in_place(&mut t);
    for ((&x, &gs), &gt) in xs.iter().zip(&s).zip(&t) {
        let ws = (1.0 / (1.0 + (-f64::from(x)).exp())) as f32;
        let wt = f64::from(x).tanh() as f32;
        assert!(ulps(gs, ws) <= 2, "sigmoid({x}) = {gs:e}, want {ws:e}");
        assert!(ulps(gt, wt) <= 2, "tanh({x}) = {gt:e}, want {wt:e}");
    }
    let mut v = [f32::INFINITY, f32::NEG_INFINITY, f32::NAN, -100.0, 100.0];
    gru_core::kernels::act::sigmoid_in_place(&mut v);
    assert!(
        v[0] == 1.0 && v[1] < 1e-37 && v[2].is_nan() && v[3] < 1e-37 && v[4] == 1.0,
        "{v:?}"
    );
    let mut v = [f32::INFINITY, f32::NEG_INFINITY, f32::NAN, -100.0, 100.0];
    gru_core::kernels::act::tanh_in_place(&mut v);
    assert!(
        v[0] == 1.0 && v[1] == -1.0 && v[2].is_nan() && v[3] == -1.0 && v[4] == 1.0,
        "{v:?}"
    );
}
