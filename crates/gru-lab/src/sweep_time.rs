//! How the measured time per training step grows with T (copy memory: with the delay, T
//! quoted beside it) in a length sweep, beside how the
//! FLOPs formula says it should grow (attention's scores are `T × T`, so its FLOPs grow about
//! as T²; a recurrent cell or a TCN does the same work at every step, so about as T). The page
//! prints these ratios under the "ms per step vs T" chart, so its text is the numbers shown.

use crate::sweep::SweepTable;
use crate::sweep_knob::SweepKnob;

/// One model's growth between its shortest and longest swept length.
#[derive(Clone, Debug, PartialEq)]
pub struct Growth {
    /// The model's label.
    pub model: String,
    /// Shortest and longest length with a measured time.
    pub from: usize,
    /// See `from`.
    pub to: usize,
    /// Mean ms per step at `to` over mean ms per step at `from` (means over seeds).
    pub measured: f64,
    /// FLOPs per step at `to` over FLOPs per step at `from` (the cost formulas).
    pub formula: f64,
}

/// Per model with measured times at two or more lengths, its [`Growth`] (models in order).
pub fn growth(table: &SweepTable) -> Vec<Growth> {
    let times = table.curves_of(|p| p.ms_per_step);
    let flops = table.curves_of(|p| p.flops_per_step);
    times
        .iter()
        .zip(&flops)
        .zip(&table.cells)
        .filter_map(|((t, f), name)| {
            let (a, b) = (t.first()?, t.last()?);
            if a.len == b.len || a.mean <= 0.0 {
                return None;
            }
            let fl = |len| f.iter().find(|s| s.len == len).map(|s| s.mean);
            Some(Growth {
                model: name.clone(),
                from: a.len,
                to: b.len,
                measured: b.mean / a.mean,
                formula: fl(b.len)? / fl(a.len).filter(|&x| x > 0.0)?,
            })
        })
        .collect()
}

/// The sentence under the timing chart, e.g. "From T 20 to T 80 (×4) the time per step grew:
/// GRU ×3.9 measured (×4 by the FLOPs formula); Attention ×9.1 (×11.6)." Empty when no model
/// has times at two lengths.
pub fn timing_sentence(table: &SweepTable) -> String {
    let g = growth(table);
    let Some(first) = g.first() else {
        return String::new();
    };
    let k = table.knob.name();
    let same = g.iter().all(|x| (x.from, x.to) == (first.from, first.to));
    // Noise can make a step at the longer T measure faster.
    let verb = if g.iter().all(|x| x.measured >= 1.0) {
        "grew"
    } else {
        "changed"
    };
    let parts: Vec<String> = g
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let span = if same {
                String::new()
            } else {
                format!(" ({k} {} → {})", x.from, x.to)
            };
            let formula = if i == 0 {
                format!("×{} by the FLOPs formula", fmt_ratio(x.formula))
            } else {
                format!("×{}", fmt_ratio(x.formula))
            };
            format!(
                "{}{span} ×{} measured ({formula})",
                x.model,
                fmt_ratio(x.measured)
            )
        })
        .collect();
    let (from_t, to_t) = (table.knob.length(first.from), table.knob.length(first.to));
    let t_span = match table.knob {
        SweepKnob::Length => String::new(),
        SweepKnob::Delay { .. } => format!("T {from_t} → {to_t}, "),
    };
    let head = if same {
        format!(
            "From {k} {} to {k} {} ({t_span}×{}) the time per training step {verb}: ",
            first.from,
            first.to,
            fmt_ratio(to_t as f64 / from_t as f64)
        )
    } else {
        format!("The time per training step {verb}: ")
    };
    format!("{head}{}.", parts.join("; "))
}

/// A growth factor to one decimal ("3.9"), whole from 100 on, "—" when not finite.
fn fmt_ratio(r: f64) -> String {
    if !r.is_finite() {
        "—".into()
    } else if r >= 100.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
#[path = "sweep_time_tests.rs"]
mod tests;
