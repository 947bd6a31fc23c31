//! "Look inside": which run (each compared cell), layer, direction and validation sample the
//! inside views show, and the heading that names what the last inspection actually holds.

use gru_lab::history::History;
use gru_lab::protocol::{InspectPick, Inspected, SamplePick};
use leptos::prelude::*;

use crate::state::AppState;

/// The pick that the last inspection shows, as a request.
fn current(p: &Inspected) -> InspectPick {
    InspectPick {
        run: p.run,
        layer: p.layer,
        dir: p.dir,
        sample: if p.yours {
            SamplePick::Yours
        } else {
            SamplePick::Index(p.sample)
        },
    }
}

/// "LSTM · layer 2 of 2 · backward · validation sample 17 (the worst at step 400)".
pub fn pick_text(h: &History) -> String {
    let p = &h.inspected;
    let Some(x) = h.picked() else {
        return String::new();
    };
    let mut s = x.label().to_string();
    if p.layers > 1 {
        s.push_str(&format!(" · layer {} of {}", p.layer + 1, p.layers));
    }
    if p.dirs > 1 {
        s.push_str(if p.dir == 0 {
            " · forward"
        } else {
            " · backward"
        });
    }
    if p.yours {
        s.push_str(" · your sequence");
    } else {
        s.push_str(&format!(" · validation sample {}", p.sample));
        if let Some(step) = p.worst_at {
            s.push_str(&format!(" (the worst at step {step})"));
        }
    }
    if let Some(at) = p.at {
        s.push_str(&format!(" · the model of training step {at}"));
    }
    s
}

/// The section heading: "Inside the LSTM, on one validation sequence".
pub fn inside_heading(h: &History) -> String {
    let on = if h.inspected.yours {
        "your sequence"
    } else {
        "one validation sequence"
    };
    match h.picked() {
        Some(x) => format!("Inside the {}, on {on}", x.label()),
        None => "Inside a cell, on one validation sequence".into(),
    }
}

/// The picker controls.
#[component]
pub fn InsidePicker() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Memos: the options are rebuilt only when the pick or the runs change, not per snapshot.
    let got = Memo::new(move |_| state.history.with(|h| h.inspected.clone()));
    // The last pick asked for: two quick changes (layer, then direction) build on each other
    // before the first answer arrives; every answer resets it to what was actually shown.
    let want = StoredValue::new(InspectPick::default());
    Effect::new(move |_| want.set_value(current(&got.get())));
    let send = move |f: &dyn Fn(&mut InspectPick)| {
        let mut p = want.get_value();
        f(&mut p);
        want.set_value(p);
        state.inspect(p);
    };
    let runs = Memo::new(move |_| {
        state.history.with(|h| {
            h.runs
                .iter()
                .enumerate()
                .map(|(i, r)| (i, r.status.label.clone()))
                .collect::<Vec<_>>()
        })
    });
    // The sample index a pick stands for (a worst-sample pick: the one it resolved to).
    let index = move |s: SamplePick| match s {
        SamplePick::Index(i) => i,
        SamplePick::Worst | SamplePick::Yours => got.get_untracked().sample,
    };
    let num = |ev: &leptos::ev::Event| event_target_value(ev).parse::<usize>().ok();
    view! {
        <div class="picker" role="group" aria-label="Look inside">
            <label title="The compared cell to look inside">"cell "
                <select aria-label="Cell to look inside"
                    on:change=move |ev| if let Some(v) = num(&ev) { send(&|p| p.run = v) }>
                    {move || runs.get().into_iter().map(|(i, name)| view! {
                        <option value=i.to_string() prop:selected=move || got.get().run == i>{name}</option>
                    }).collect_view()}
                </select>
            </label>
            <Show when=move || { got.get().layers > 1 }>
                <label title="Which stacked layer (1 reads the input)">"layer "
                    <select aria-label="Layer"
                        on:change=move |ev| if let Some(v) = num(&ev) { send(&|p| p.layer = v) }>
                        {move || (0..got.get().layers).map(|l| view! {
                            <option value=l.to_string() prop:selected=move || got.get().layer == l>{(l + 1).to_string()}</option>
                        }).collect_view()}
                    </select>
                </label>
            </Show>
            <Show when=move || { got.get().dirs > 1 }>
                <label title="A bidirectional layer reads the sequence both ways">"direction "
                    <select aria-label="Direction"
                        on:change=move |ev| if let Some(v) = num(&ev) { send(&|p| p.dir = v) }>
                        <option value="0" prop:selected=move || got.get().dir == 0>"forward"</option>
                        <option value="1" prop:selected=move || got.get().dir == 1>"backward"</option>
                    </select>
                </label>
            </Show>
            <span class="sample-nav">
                <button title="The previous validation sequence" aria-label="Previous sample"
                    on:click=move |_| {
                        let n = got.get_untracked().samples.max(1);
                        send(&|p| p.sample = SamplePick::Index((index(p.sample) + n - 1) % n))
                    }>"◀"</button>
                <span class="sample-no">{move || if got.get().yours { "your sequence".to_string() } else { format!("sample {}", got.get().sample) }}</span>
                <button title="The next validation sequence" aria-label="Next sample"
                    on:click=move |_| {
                        let n = got.get_untracked().samples.max(1);
                        send(&|p| p.sample = SamplePick::Index((index(p.sample) + 1) % n))
                    }>"▶"</button>
                <button title="The validation sequence this cell currently gets most wrong (largest loss)"
                    on:click=move |_| send(&|p| p.sample = SamplePick::Worst)>"a sample it gets wrong"</button>
            </span>
            <p class="pick" data-pick="">{move || state.history.with(pick_text)}</p>
        </div>
    }
}
