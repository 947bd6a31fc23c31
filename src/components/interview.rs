//! Interview mode (`?q=list`, `?q=1` … `?q=10`): the ten questions as a numbered list, the
//! open question ([`QuestionView`]), the header's toggle, and the outline around the view the
//! question is about. The questions, judges and answers are `gru_lab::interview`'s.

use gru_lab::interview::{question, QUESTIONS};
use leptos::prelude::*;

use crate::components::interview_quiz::QuestionView;
use crate::state::AppState;

/// Class of the outlined view.
const SPOTLIGHT: &str = "spotlight";

/// The element with DOM id `id`, if the page has it.
fn element(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

/// Scrolls the view with DOM id `id` into sight (below the controls, sticky above 600 px, see
/// style.css).
pub fn show_view(id: &str) {
    if let Some(e) = element(id) {
        e.scroll_into_view();
    }
}

/// The link of question `n` (the list for 0), from the page's current settings.
fn link(n: usize) -> String {
    match question(n) {
        Some(q) => format!("?{}", q.link()),
        None => "?q=list".into(),
    }
}

/// The header's "Interview" button: opens the list, or closes the mode.
#[component]
pub fn InterviewToggle() -> impl IntoView {
    let state = expect_context::<AppState>();
    let open = move || state.settings.with(|s| s.question.is_some());
    view! {
        <button class="interview-toggle" aria-pressed=move || open().to_string()
            title="The ten classic GRU interview questions, each with a live experiment and a predict-then-reveal quiz"
            on:click=move |_| state.set_question(if open() { None } else { Some(0) })>
            {move || if open() { "Close interview" } else { "Interview" }}
        </button>
    }
}

/// The interview panel, shown while `q` is set.
#[component]
pub fn InterviewPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let current = Memo::new(move |_| state.settings.with(|s| s.question));
    // Outline the open question's view; take the outline off the one before.
    let lit = StoredValue::new(None::<&'static str>);
    Effect::new(move |_| {
        let want = current.get().and_then(question).map(|q| q.view);
        if let Some(e) = lit.get_value().and_then(element) {
            let _ = e.class_list().remove_1(SPOTLIGHT);
        }
        if let Some(e) = want.and_then(element) {
            let _ = e.class_list().add_1(SPOTLIGHT);
        }
        lit.set_value(want);
    });
    let go = move |ev: leptos::ev::MouseEvent, n: usize| {
        ev.prevent_default();
        state.set_question(Some(n));
    };
    let nav = move || {
        QUESTIONS
            .iter()
            .map(|q| {
                let n = q.n;
                view! {
                    <a href=link(n) title=q.title
                        aria-current=move || (current.get() == Some(n)).then_some("page")
                        on:click=move |ev| go(ev, n)>{n}</a>
                }
            })
            .collect_view()
    };
    let body = move || {
        match current.get() {
        Some(n) if n > 0 => view! { <QuestionView n=n/> }.into_any(),
        _ => view! {
            <p>"Pick a question. Each one opens with a prediction to commit to, an experiment that trains live, and an answer whose numbers come from that run."</p>
            <ol class="iv-list">
                {QUESTIONS.iter().map(|q| {
                    let n = q.n;
                    view! { <li><a href=link(n) on:click=move |ev| go(ev, n)>{q.title}</a></li> }
                }).collect_view()}
            </ol>
        }
        .into_any(),
    }
    };
    view! {
        <Show when=move || current.get().is_some()>
            <section class="interview" aria-labelledby="iv-title">
                <div class="iv-head">
                    <h2 id="iv-title">"Interview mode"</h2>
                    <nav aria-label="Interview questions">
                        <a href="?q=list" aria-current=move || (current.get() == Some(0)).then_some("page")
                            on:click=move |ev| go(ev, 0)>"all"</a>
                        {nav}
                    </nav>
                    <button class="dismiss" title="Close interview mode" aria-label="Close interview mode"
                        on:click=move |_| state.set_question(None)>"×"</button>
                </div>
                {body}
            </section>
        </Show>
    }
}
