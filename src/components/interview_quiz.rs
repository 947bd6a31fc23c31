//! One interview question: predict, run the experiment, reveal. The reveal refuses until a
//! prediction is picked, then locks it and checks it against the run's own numbers (the
//! judge's verdict updates live, so "not decided yet" turns into an outcome as training goes
//! on). The answer, with the live numbers, appears after the reveal.

use gru_lab::interview::{question, Facts, Verdict};
use gru_lab::settings::table::param;
use gru_lab::settings::{Group, Panel};
use leptos::prelude::*;

use crate::components::interview::show_view;
use crate::state::AppState;

/// Which page part (`hide=` id) holds each view a question points at.
fn panel_of(view: &str) -> Panel {
    match view {
        "v-loss" | "v-compare" | "v-sweep" => Panel::Loss,
        "v-flow" => Panel::Flow,
        "v-gates" => Panel::Gates,
        _ => Panel::Equations,
    }
}

/// What "Run this experiment" does from a page with settings `page`, said on its tooltip.
fn run_title(q: &gru_lab::interview::Question, page: &gru_lab::settings::Settings) -> String {
    if q.multi_seed() {
        let s = q.settings(page);
        format!(
            "Start fresh runs with {}, then train every model afresh with {} seeds for {} steps each (live training pauses meanwhile)",
            without_page_keys(q.preset),
            s.sweep_seeds,
            s.sweep_steps
        )
    } else if let Some(n) = q.quiz.steps {
        format!(
            "Start fresh runs with {} and train them {n} steps, then pause (Play trains on)",
            q.preset
        )
    } else {
        format!("Start fresh runs with {} and train", q.preset)
    }
}

/// `preset` without its page settings (the table's [`Group::Page`]: the sweep's seeds and
/// steps): the tooltip states the seeds and steps the run will really use (a shared link's
/// may differ from the preset's).
fn without_page_keys(preset: &str) -> String {
    preset
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            param(key).is_none_or(|p| p.group != Group::Page)
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Question `n`: prompt, options, the three steps and the answer.
#[component]
pub fn QuestionView(
    /// 1-based question number (an unknown one shows nothing).
    n: usize,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let Some(q) = question(n) else {
        return ().into_any();
    };
    let pick = RwSignal::new(None::<usize>);
    let revealed = RwSignal::new(false);
    let refused = RwSignal::new(false);
    let facts = Memo::new(move |_| {
        let s = state.settings.get();
        let f = state.history.with(|h| Facts::gather(&s, h));
        state.sweep.with(|w| f.with_sweep(&s, w.table.as_ref()))
    });
    let verdict = move || state.settings.with(|s| facts.with(|f| q.verdict(s, f)));
    let run = move |_| {
        let s = state.settings.with_untracked(|page| q.settings(page));
        let (len, steps, seeds) = (s.knob, s.sweep_steps, s.sweep_seeds);
        if state.sweep.with_untracked(|w| w.running) {
            // A fresh start: the sweep still running would refuse the new one and live play.
            state.cancel_sweep();
        }
        state.run_fresh(s, q.quiz.steps);
        if q.multi_seed() {
            // Question 10: the multi-seed comparison of these settings at their T.
            state.start_sweep(vec![len], steps, seeds);
        }
        show_view(q.view);
    };
    let reveal = move |_| match pick.get_untracked() {
        None => refused.set(true),
        Some(_) => {
            refused.set(false);
            revealed.set(true);
        }
    };
    let outcome = move || {
        if refused.get() {
            return "Make a prediction first: pick one of the options above, then reveal."
                .to_string();
        }
        match (revealed.get(), pick.get()) {
            (true, Some(p)) => verdict().check(p, q.quiz.options),
            _ => String::new(),
        }
    };
    let decided = move || revealed.get() && matches!(verdict(), Verdict::Decided { .. });
    let hidden_view = move || state.hides(panel_of(q.view));
    // The page's runs are another experiment (e.g. a bare `?q=1`): say so before the reader
    // predicts and looks at charts that answer another question.
    let elsewhere = move || !state.settings.with(|s| q.runs_on(s));
    let options = q
        .quiz
        .options
        .iter()
        .enumerate()
        .map(|(i, label)| {
            view! {
                <label class="inline">
                    <input type="radio" name=format!("iv-pick-{n}") prop:checked=move || pick.get() == Some(i)
                        prop:disabled=move || revealed.get()
                        on:change=move |_| { pick.set(Some(i)); refused.set(false); }/>
                    {*label}
                </label>
            }
        })
        .collect_view();
    let answer = move || {
        revealed.get().then(|| {
            let paras = facts.with(|f| (q.answer)(f));
            view! {
                <div class="iv-answer" aria-labelledby=format!("iv-answer-{n}")>
                    <h4 id=format!("iv-answer-{n}")>"Answer, with this run's numbers"</h4>
                    {paras.into_iter().map(|p| view! { <p>{whole_numbers(&p)}</p> }).collect_view()}
                </div>
            }
        })
    };
    view! {
        <div class="iv-question">
            <h3>{format!("Question {n}: {}", q.title)}</h3>
            <div class="iv-body">
                <div class="iv-quiz">
                    <fieldset class="quiz">
                        <legend>{format!("1. Predict: {}", q.quiz.prompt)}</legend>
                        {options}
                    </fieldset>
                    <p class="iv-actions">
                        <button class="primary" on:click=run
                            title=move || state.settings.with(|page| run_title(q, page))>"2. Run this experiment"</button>
                        <button on:click=reveal title="Check your prediction against what this run did">"3. Reveal"</button>
                    </p>
                    <Show when=elsewhere>
                        <p class="iv-elsewhere">"The runs on the page are not this experiment yet: “2. Run this experiment” starts it ("{without_page_keys(q.preset)}")."</p>
                    </Show>
                    <p class="iv-look">"Look at "
                        <a href=format!("#{}", q.view) on:click=move |ev: leptos::ev::MouseEvent| { ev.prevent_default(); show_view(q.view); }>{q.view_name}</a>
                        " (outlined)."
                        <Show when=hidden_view>" This link hides it (hide=); remove that to see it."</Show>
                        " Link to this question: "
                        <a class="iv-link" href=format!("?{}", q.link())>{query_text(&q.link())}</a>
                    </p>
                    <p class="iv-verdict" class:decided=decided role="status" aria-live="polite">{move || whole_numbers(&outcome())}</p>
                </div>
                {answer}
            </div>
        </div>
    }
    .into_any()
}

/// `text` with each number in scientific notation in a no-wrap span: a phone's narrow column
/// broke "4.69e-5" after its hyphen.
fn whole_numbers(text: &str) -> impl IntoView {
    use crate::format::{split_sci, Run};
    split_sci(text)
        .into_iter()
        .map(|run| match run {
            Run::Number(n) => view! { <span class="nowrap">{n.to_string()}</span> }.into_any(),
            Run::Plain(t) => t.to_string().into_any(),
        })
        .collect_view()
}

/// `?a=1&b=2` as text that may wrap only before each "&" (a `<wbr>`), so a long link breaks
/// between its settings, never inside one or after the "?".
fn query_text(link: &str) -> impl IntoView {
    let mut parts = link.split('&');
    // Each pair unbroken: `.iv-look`'s break-anywhere would otherwise leave a lone "?".
    let first = format!("?{}", parts.next().unwrap_or_default());
    let rest: Vec<_> = parts
        .map(|p| view! { <wbr/><span class="nowrap">{format!("&{p}")}</span> })
        .collect();
    view! { <span class="nowrap">{first}</span>{rest} }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tooltip_quotes_a_preset_without_its_page_settings() {
        assert_eq!(
            without_page_keys("cells=gru,lstm,rnn&seeds=3&sweep_steps=400"),
            "cells=gru,lstm,rnn"
        );
        assert_eq!(without_page_keys("T=20&hidden=8"), "T=20&hidden=8");
    }
}
