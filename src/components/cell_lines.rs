//! The picked cell's one-step numbers over t, each named with the block it lives on: the
//! LSTM's additive path ‖diag(f_t)‖ on c → c, and the tanh RNN's one-step Jacobian norm
//! ‖∂h_t/∂h_(t−1)‖ on h → h — the factor its gradient is multiplied by at every step.

use leptos::prelude::*;

use crate::charts::lines::{self, Corner, LinesData, Series, YAxis};
use crate::charts::palette;
use crate::components::canvas::ChartCanvas;
use crate::components::gates_view::step_axis;
use crate::format::fmt_num;
use crate::state::AppState;
use gru_lab::insight::{decimate, indexed};

/// Most points drawn per line.
const MAX_LINE_POINTS: usize = 1200;

/// `log10` of the product of `v` (the per-step factors): −∞ when one is 0 (a held gate at 0
/// cuts the path), NaN when one is not finite or there is none.
fn log10_product(v: &[f64]) -> f64 {
    if v.is_empty() || v.iter().any(|x| !x.is_finite() || *x < 0.0) {
        return f64::NAN;
    }
    v.iter().map(|x| x.log10()).sum()
}

/// Geometric mean of the per-step factors `v` (the typical factor of their product): 0 when
/// one is 0, NaN when there is none or one is not finite.
fn geo_mean(v: &[f64]) -> f64 {
    10f64.powf(log10_product(v) / v.len().max(1) as f64)
}

/// `10^l` as text, also beyond f64's range ("3.16e-420"), "0" for −∞.
fn fmt_pow10(l: f64) -> String {
    if l == f64::NEG_INFINITY {
        "0".into()
    } else if !l.is_finite() {
        "—".into()
    } else if l.abs() < 300.0 {
        fmt_num(10f64.powf(l))
    } else {
        let (mut m, mut e) = (10f64.powf(l - l.floor()), l.floor());
        // 9.996 would print as "10.00": carry into the exponent.
        if (m * 100.0).round() >= 1000.0 {
            m /= 10.0;
            e += 1.0;
        }
        format!("{m:.2}e{e}")
    }
}

/// One line of the picked run over t = 1..=T, with a text summary.
#[component]
fn StepLine(
    label: &'static str,
    hint: &'static str,
    y_desc: &'static str,
    /// The dashed line at 1 and its legend text: where the gradient neither shrinks nor grows.
    reference: &'static str,
    pick: fn(&gru_lab::insight::Insight) -> &[f64],
    say: fn(&str, &[f64]) -> String,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let draw = move |c: &crate::charts::surface::Surface<'_>| {
        let cursor = state.cursor.at.get() as f64;
        state.with_inspection(|h| {
            let pts = h
                .picked()
                .map(|x| decimate(&indexed(pick(x), 1), MAX_LINE_POINTS))
                .unwrap_or_default();
            // The curve has no legend entry (the y axis names it); the reference line has.
            let series = if pts.is_empty() {
                Vec::new()
            } else {
                vec![Series::new("", &pts, palette::GREEN)]
            };
            // A gate held at 0 makes every value 0, which a log axis cannot place: say so
            // instead of leaving bare axes.
            let all_zero = !pts.is_empty() && pts.iter().all(|p| p.1 == 0.0);
            lines::draw(
                c,
                &LinesData {
                    series,
                    x_desc: if all_zero {
                        "every step's value is 0 (a log axis has no 0)"
                    } else {
                        step_axis(h.inspected.dir)
                    },
                    y_desc,
                    y: YAxis::Log,
                    reference: Some((1.0, reference)),
                    cursor: Some(cursor),
                    x_range: None,
                    legend: Corner::LowerRight,
                },
            )
        })
    };
    let summary = move || {
        state.history.with(|h| {
            h.picked()
                .map_or(String::new(), |x| say(x.label(), pick(x)))
        })
    };
    view! {
        <ChartCanvas label=label draw=draw summary=Signal::derive(summary) hint=hint/>
    }
}

/// "Additive path of the LSTM": ‖diag(f_t)‖₂ = max f_t, on c → c.
#[component]
pub fn LstmCarry() -> impl IntoView {
    view! {
        <StepLine label="Additive path of the LSTM"
            hint="The direct c → c part of ∂c_t/∂c_(t−1) is diag(f_t): along the cell state the forget gate alone scales the gradient at each step (routes through h_(t−1), which feeds every gate, add further terms) — unlike the GRU's diag(1 − z_t), it is not tied to how much is written (i). At most 1 (10⁰)."
            y_desc="max f_t (log)"
            reference="f = 1: kept whole (f ≤ 1)"
            pick=|x| &x.forget_path
            say=|cell, v| format!("{cell}: ‖diag(f_t)‖ on the c→c path has a typical (geometric-mean) value of {} per step.", fmt_num(geo_mean(v)))/>
    }
}

/// "One-step Jacobian norm" of the RNN on h → h.
#[component]
pub fn RnnJacobian() -> impl IntoView {
    view! {
        <StepLine label="One-step Jacobian norm"
            hint="‖∂h_t/∂h_(t−1)‖ = ‖diag(act′(a_t))·U‖ (tanh: act′ = 1 − tanh²). Below 1 (10⁰) at every step, the gradient must shrink as it travels back and vanishes over many steps. Above 1 it can vanish all the same: ∏‖J_t‖ only bounds ‖∂h_T/∂h_0‖ from above (the Compare table has the real one)."
            y_desc="‖∂h_t/∂h_(t−1)‖₂ (log)"
            reference="1: no gain, no loss"
            pick=|x| &x.one_step
            say=|cell, v| {
                format!(
                    "{cell}: the one-step Jacobian's norm has a typical (geometric-mean) value of {} per step; the product over all {} steps, an upper bound on ‖∂h_T/∂h_0‖, is {}.",
                    fmt_num(geo_mean(v)),
                    v.len(),
                    fmt_pow10(log10_product(v))
                )
            }/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn a_zero_factor_makes_the_typical_factor_and_the_product_zero() {
        // A forget gate held at 0: every step's factor is 0, and so is their product.
        assert_eq!(geo_mean(&[0.0, 0.0, 0.0]), 0.0);
        assert_eq!(geo_mean(&[0.5, 0.0, 2.0]), 0.0);
        assert_eq!(fmt_pow10(log10_product(&[0.5, 0.0])), "0");
        assert!((geo_mean(&[0.25, 4.0, 1.0]) - 1.0).abs() < 1e-12);
        assert!(geo_mean(&[]).is_nan());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_product_beyond_f64_is_printed_from_its_logarithm() {
        // 2000 steps at 0.5: 0.5^2000 = 10^-602.06 underflows f64 to 0.
        let v = vec![0.5; 2000];
        assert_eq!(fmt_pow10(log10_product(&v)), "8.71e-603");
        assert_eq!(fmt_pow10(log10_product(&[3.0; 1000])), "1.32e477");
        assert_eq!(fmt_pow10(log10_product(&[0.5, 0.5])), fmt_num(0.25));
        assert_eq!(fmt_pow10(log10_product(&[f64::NAN])), "—");
        // A mantissa that rounds to 10 carries into the exponent.
        assert_eq!(fmt_pow10(-602.0001), "1.00e-602");
    }
}
