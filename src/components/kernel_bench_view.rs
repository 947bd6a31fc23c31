//! `?bench=kernels`: the kernel report measured in this browser's worker (wasm simd128), one
//! table row per product shape of a GRU training step, with the 128-bit peak measured the same
//! way. Each row carries its raw figure in `data-gflops`, which `e2e/bench/kernels.mjs` reads.

use gru_lab::kernel_bench::KernelBench;
use leptos::prelude::*;

use crate::state::AppState;

/// The kernel benchmark section, shown only in `bench=kernels` mode.
#[component]
pub fn KernelBenchView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let on = move || state.settings.with(|s| s.bench_kernels);
    let body = move || {
        match state.kernels.get() {
        KernelBench::Idle => view! { <p class="note">"Waiting for the worker to start…"</p> }.into_any(),
        KernelBench::Running => view! {
            <p class="note" aria-live="polite">"Measuring in the worker; the table appears when every shape is timed."</p>
        }
        .into_any(),
        KernelBench::Done(rows) => {
            let rows = rows
                .into_iter()
                .map(|r| {
                    let (name, hidden, gflops) = (r.name.clone(), r.hidden.clone(), r.gflops.to_string());
                    view! {
                        <tr data-name=name data-hidden=hidden data-gflops=gflops>
                            <th scope="row">{r.name}</th>
                            <td>{r.hidden}</td>
                            <td>{r.shape}</td>
                            <td class="num">{r.figure}</td>
                            <td class="num">{r.of_peak}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="kernels" aria-label="Kernel report">
                    <thead><tr>
                        <th scope="col">"product (kernel)"</th>
                        <th scope="col" title="Hidden size of the step the shape comes from">"H"</th>
                        <th scope="col" title="Output rows × reduction length × output columns">"m × k × n"</th>
                        <th scope="col" title="Fastest of five timed runs; f32, a multiply-add counted as 2 FLOP">"speed"</th>
                        <th scope="col" title="Share of the peak row, measured in this worker the same way">"of peak"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }
    }
    };
    view! {
        <Show when=on>
            <section id="v-kernels" class="group kernel-bench" aria-labelledby="g-kernels">
                <h2 id="g-kernels">"Kernel benchmark (this browser)"</h2>
                <p class="note">
                    "Every matrix product of one f32 GRU training step (T = 50, B = 32, I = 2; H = 32 and 128) and the two gate activations, timed in the training worker, next to the 128-bit peak measured there the same way. Training starts paused in this mode so it does not share the worker."
                </p>
                {body}
            </section>
        </Show>
    }
}
