//! The banner shown while a gate surgery (or a changed initial weight) is in force, naming it
//! for every compared cell it changes — so nobody mistakes an operated model for a normal one.

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
                    }
                }}
            </section>
        </Show>
    }
}
