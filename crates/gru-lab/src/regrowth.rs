//! What a cut carry does to the gradient over training, read off the flow map.
//!
//! With the GRU's carry cut (`h_t = h̃_t`, z fixed at 1), the only way from `h_0` to `h_T`
//! runs through the candidate's `U_h (r ⊙ h)` and the reset gate's `U_r` (with r held, through
//! `U_h` alone; held at 0, through nothing), as in a tanh RNN:
//! `∂h_t/∂h_{t−1} = diag(1 − h̃_t²) · U_h · (diag(r_t) + diag(h_{t−1} ⊙ r_t ⊙ (1 − r_t)) · U_r)`.
//! At first `‖∂h_T/∂h_0‖` collapses; a run that needs memory can later grow such a path (seen
//! here: about 1e-12 up to step 330, then 0.47 at step 620 on the adding problem at T = 50).
//! The sentence below reports what the live run's flow map shows, never a canned number.

use gru_core::cell::GateMode;

use crate::fmt::fmt_num;
use crate::history::History;

/// `‖∂h_T/∂h_0‖` grows back by at least this factor above its low for the sentence to say a
/// path has grown.
pub const GROWN_FACTOR: f64 = 1e3;

/// A low below this counts as a collapsed path.
pub const COLLAPSED_BELOW: f64 = 1e-3;

/// One reading of `‖∂h_T/∂h_0‖₂` on the flow map: (training step, value).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reading {
    /// Training step of the inspection.
    pub step: u64,
    /// `‖∂h_T/∂h_0‖₂`.
    pub norm: f64,
}

/// The lowest and the latest `‖∂h_T/∂h_0‖₂` on the flow map (the first run's), if any.
pub fn low_and_latest(h: &History) -> Option<(Reading, Reading)> {
    let readings = h
        .flow_steps
        .iter()
        .zip(&h.flow_columns)
        .filter_map(|(&step, col)| {
            // −∞ is a norm of exactly 0; NaN (a diverged inspection) is no reading.
            let v = f64::from(*col.last()?);
            (!v.is_nan()).then(|| Reading {
                step,
                norm: 10f64.powf(v),
            })
        });
    let mut low: Option<Reading> = None;
    let mut latest = None;
    for r in readings {
        if low.is_none_or(|l| r.norm < l.norm) {
            low = Some(r);
        }
        latest = Some(r);
    }
    low.zip(latest)
}

/// The plain-words line shown while the GRU's carry is cut, true for the flow map's numbers
/// and for the reset gate `reset` (held, only `U_h` is on the path; held at 0, none is);
/// `None` until the first run (which must be a GRU) has been inspected.
pub fn cut_carry_sentence(h: &History, reset: GateMode) -> Option<String> {
    if h.insights.first()?.cell != gru_core::cell::CellKind::Gru {
        return None;
    }
    let (low, now) = low_and_latest(h)?;
    let through = match reset {
        GateMode::Learned => "U_h and U_r",
        GateMode::Fixed(_) => "U_h",
    };
    if reset == GateMode::Fixed(0.0) {
        return Some(format!(
            "With the carry cut and r held at 0, h_t = h̃_t never reads h_(t−1): the GRU's \
             ‖∂h_T/∂h_0‖ is {} at step {}, and no training can grow a path back to h_0.",
            fmt_num(now.norm),
            now.step
        ));
    }
    let collapsed = low.norm < COLLAPSED_BELOW;
    // A norm of exactly 0 (the f64 product underflowed) grows back by any positive amount;
    // 0 now has not grown at all.
    let grown = collapsed && now.norm > 0.0 && now.norm >= GROWN_FACTOR * low.norm;
    let up = if low.norm > 0.0 {
        format!("{}× its low", fmt_num(now.norm / low.norm))
    } else {
        "up from 0".to_string()
    };
    Some(if grown && now.norm >= COLLAPSED_BELOW {
        format!(
            "With the carry cut, the GRU's ‖∂h_T/∂h_0‖ fell to {} (step {}) and is {} now (step {}): \
             training has grown a recurrent path through {through}, so a change to h_0 reaches \
             h_T again without the additive carry.",
            fmt_num(low.norm),
            low.step,
            fmt_num(now.norm),
            now.step
        )
    } else if grown {
        format!(
            "With the carry cut, the GRU's ‖∂h_T/∂h_0‖ fell to {} (step {}) and is {} now (step {}): \
             {up}, but a change to h_0 still barely reaches h_T. Training is growing a path \
             through {through}, as in a tanh RNN — watch this number.",
            fmt_num(low.norm),
            low.step,
            fmt_num(now.norm),
            now.step,
        )
    } else {
        let low_part = if low.step == now.step {
            ", the lowest on the flow map so far".to_string()
        } else {
            format!(
                " (lowest on the flow map: {}, step {})",
                fmt_num(low.norm),
                low.step
            )
        };
        format!(
            "With the carry cut, the GRU's ‖∂h_T/∂h_0‖ is {} at step {}{low_part}. The only way \
             back to h_0 runs through {through}, as in a tanh RNN; training can grow such a path \
             later — watch this number.",
            fmt_num(now.norm),
            now.step,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::Insight;

    /// A history whose first run is `cell`, with flow-map columns ending in the given
    /// `log10 ‖∂h_T/∂h_0‖` values.
    fn history(cell: gru_core::cell::CellKind, ends: &[(u64, f32)]) -> History {
        use gru_core::task::TaskConfig;
        use gru_core::{TrainConfig, Trainer};
        let task = TaskConfig::Adding { len: 6 };
        let tr = Trainer::<f32>::new(TrainConfig {
            task: task.clone(),
            hidden: 3,
            ..TrainConfig::default()
        })
        .expect("config");
        let ins = Insight::new(
            cell,
            &task,
            tr.inspect(gru_core::Pick::sample(0)).expect("sample"),
        );
        History {
            insights: vec![ins],
            flow_steps: ends.iter().map(|e| e.0).collect(),
            flow_columns: ends.iter().map(|e| vec![0.0, -0.5, e.1]).collect(),
            ..History::default()
        }
    }

    #[test]
    fn a_path_that_grew_back_is_named_with_its_low_and_its_latest_value() {
        use gru_core::cell::CellKind;
        let h = history(CellKind::Gru, &[(10, -3.0), (330, -12.0), (620, -0.33)]);
        let (low, now) = low_and_latest(&h).expect("readings");
        assert_eq!((low.step, now.step), (330, 620));
        assert!((low.norm - 1e-12).abs() < 1e-15 && (now.norm - 0.4677).abs() < 1e-3);
        let s = cut_carry_sentence(&h, GateMode::Learned).expect("a sentence");
        assert!(s.contains("fell to 1.00e-12 (step 330)"), "{s}");
        assert!(s.contains("is 0.4677 now (step 620)"), "{s}");
        assert!(s.contains("has grown a recurrent path"), "{s}");
    }

    #[test]
    fn a_collapsed_path_is_not_said_to_have_grown() {
        use gru_core::cell::CellKind;
        // Still collapsed: up from 1e-12 to 1e-10 is not a path.
        let h = history(CellKind::Gru, &[(10, -3.0), (330, -12.0), (400, -10.0)]);
        let s = cut_carry_sentence(&h, GateMode::Learned).expect("a sentence");
        assert!(!s.contains("has grown"), "{s}");
        assert!(s.contains("is 1.00e-10 at step 400"), "{s}");
        assert!(
            s.contains("lowest on the flow map: 1.00e-12, step 330"),
            "{s}"
        );
        // Up ×1000 from 1e-12, but 1e-9 still does not reach h_T: growing, not grown.
        let h = history(CellKind::Gru, &[(10, -3.0), (330, -12.0), (500, -9.0)]);
        let s = cut_carry_sentence(&h, GateMode::Learned).expect("a sentence");
        assert!(
            !s.contains("has grown") && !s.contains("reaches h_T again"),
            "{s}"
        );
        assert!(
            s.contains("is 1.00e-9 now (step 500)") && s.contains("still barely reaches"),
            "{s}"
        );
        // Never collapsed: a healthy norm does not count as grown back either.
        let h = history(CellKind::Gru, &[(10, -2.0), (20, -0.5)]);
        let s = cut_carry_sentence(&h, GateMode::Learned).expect("a sentence");
        assert!(!s.contains("has grown"), "{s}");
        // Falling still: the latest is the lowest, said once.
        let h = history(CellKind::Gru, &[(10, -2.0), (20, -5.0)]);
        let s = cut_carry_sentence(&h, GateMode::Learned).expect("a sentence");
        assert!(
            s.contains("is 1.00e-5 at step 20, the lowest on the flow map so far."),
            "{s}"
        );
    }

    #[test]
    fn nothing_is_said_before_an_inspection_or_about_another_cell() {
        use gru_core::cell::CellKind;
        assert_eq!(
            cut_carry_sentence(&History::default(), GateMode::Learned),
            None
        );
        assert_eq!(
            cut_carry_sentence(&history(CellKind::Gru, &[]), GateMode::Learned),
            None
        );
        let h = history(CellKind::RnnTanh, &[(10, -12.0), (20, -0.1)]);
        assert_eq!(cut_carry_sentence(&h, GateMode::Learned), None);
    }

    #[test]
    fn tiny_and_zero_norms_are_quoted_as_they_are_and_nan_is_no_reading() {
        use gru_core::cell::CellKind;
        // 1e-80 is not "1e-30" (the map clamps colours, not values); a NaN column is skipped.
        let h = history(
            CellKind::Gru,
            &[(10, -3.0), (330, -80.0), (400, f32::NAN), (500, -79.0)],
        );
        let s = cut_carry_sentence(&h, GateMode::Learned).expect("a sentence");
        assert!(s.contains("is 1.00e-79 at step 500"), "{s}");
        assert!(
            s.contains("lowest on the flow map: 1.00e-80, step 330"),
            "{s}"
        );
        // A norm of exactly 0 (log −∞: the product underflowed) is a reading of 0, and 0 now
        // has not grown back (0 ≥ 1000 × 0 must not read as growth).
        let h = history(CellKind::Gru, &[(10, -3.0), (20, f32::NEG_INFINITY)]);
        let (low, _) = low_and_latest(&h).expect("readings");
        assert_eq!((low.step, low.norm), (20, 0.0));
        let s = cut_carry_sentence(&h, GateMode::Learned).expect("a sentence");
        assert!(
            !s.contains("grow") || s.contains("can grow such a path later"),
            "{s}"
        );
        assert!(s.contains("is 0 at step 20, the lowest"), "{s}");
        // Up from exactly 0 to 1e-9: growing, said without a ratio to 0.
        let h = history(CellKind::Gru, &[(20, f32::NEG_INFINITY), (30, -9.0)]);
        let s = cut_carry_sentence(&h, GateMode::Learned).expect("a sentence");
        assert!(s.contains("up from 0, but") && !s.contains("—×"), "{s}");
    }

    #[test]
    fn a_held_reset_gate_leaves_only_u_h_on_the_path_and_at_0_no_path() {
        use gru_core::cell::CellKind;
        let h = history(CellKind::Gru, &[(10, -3.0), (330, -12.0), (620, -0.33)]);
        let s = cut_carry_sentence(&h, GateMode::Fixed(1.0)).expect("a sentence");
        assert!(
            s.contains("path through U_h, so") && !s.contains("U_r"),
            "{s}"
        );
        let h = history(CellKind::Gru, &[(10, f32::NEG_INFINITY)]);
        let s = cut_carry_sentence(&h, GateMode::Fixed(0.0)).expect("a sentence");
        assert!(
            s.contains("r held at 0") && s.contains("is 0 at step 10"),
            "{s}"
        );
    }
}
