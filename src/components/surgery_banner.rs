//! The banner shown while a gate surgery (or a changed initial weight) is in force, naming it
//! for every compared cell it changes — so nobody mistakes an operated model for a normal one.
//! With the GRU's carry cut it also reads the live ‖∂h_T/∂h_0‖ off the flow map
//! ([`gru_lab::regrowth`]): it collapses at first, and training can grow a path through U.

use gru_core::cell::Carry;
use gru_lab::regrowth::cut_carry_sentence;
use leptos::prelude::*;

use crate::state::AppState;

/// The banner (absent when the runs are unaltered).
#[component]
pub fn SurgeryBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lines = move || {
        state
            .settings
            .with(|s| (s.surgery_in_force(), s.init_changes()))
    };
    let regrowth = move || {
        let (cut, reset) = state
            .settings
            .with(|s| (s.surgery.carry == Carry::Cut, s.surgery.reset));
        if cut {
            state.history.with(|h| cut_carry_sentence(h, reset))
        } else {
            None
        }
    };
    view! {
        <Show when=move || { let (a, b) = lines(); !a.is_empty() || !b.is_empty() }>
            <section class="surgery-banner" role="note" aria-label="Gate surgery in force">
                {move || {
                    let (ops, init) = lines();
                    view! {
                        {(!ops.is_empty()).then(|| view! {
                            <p><strong>"Gate surgery in force. "</strong>{ops.join(" · ")}
                                " — every chart shows the operated model, trained with exact gradients of the changed step."</p>
                        })}
                        {(!init.is_empty()).then(|| view! {
                            <p><strong>"Changed start. "</strong>{init.join(" · ")}</p>
                        })}
                        {move || regrowth().map(|line| view! { <p class="regrowth">{line}</p> })}
                    }
                }}
            </section>
        </Show>
    }
}
