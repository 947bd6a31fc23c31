//! The quiz judges: each reads the run's real numbers ([`Facts`]) and says which option
//! happened, or what the run still has to do before it can tell. Thresholds (a step count, a
//! margin inside which two results count as a tie) are stated in the verdict.

use gru_core::cell::CellKind;
use gru_core::trainer::VALIDATION_SIZE;

use super::facts::{CellFacts, Facts};
use super::Verdict;
use crate::fmt::fmt_num;

/// The two cells a question compares, or what is missing.
fn pair(f: &Facts, a: CellKind, b: CellKind) -> Result<(&CellFacts, &CellFacts), Verdict> {
    match (f.cell(a), f.cell(b)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(Verdict::Undecided {
            needs: format!(
                "this quiz compares the {} and the {}; press \"Run this experiment\" to train both",
                a.label(),
                b.label()
            ),
        }),
    }
}

/// Undecided until every run has trained `min` steps.
fn trained(f: &Facts, min: u64) -> Result<(), Verdict> {
    let at = f.step();
    if at < min {
        return Err(Verdict::Undecided {
            needs: format!("the runs are compared at step {min} or later (now at step {at})"),
        });
    }
    Ok(())
}

/// The step of the model the views analysed, once it is `min` or later: numbers read off the
/// views (`far`, `terms`, `mean_z`) are of that step, which can lag training.
fn inspected(f: &Facts, min: u64) -> Result<u64, Verdict> {
    match f.views_step {
        Some(at) if at >= min => Ok(at),
        Some(at) => Err(Verdict::Undecided {
            needs: format!(
                "the views show the model at step {at}; this quiz reads them at step {min} or later (the next analysis brings them)"
            ),
        }),
        None => Err(Verdict::Undecided {
            needs: "the runs need an inspection first (the views)".into(),
        }),
    }
}

/// The step of the oldest of `cells`' latest validations, once it is `min` or later: a
/// validation metric is of that step, not of the step training has reached.
fn validated(cells: &[&CellFacts], min: u64, what: &str) -> Result<u64, Verdict> {
    let at = cells
        .iter()
        .map(|c| c.val_step.unwrap_or(0))
        .min()
        .unwrap_or(0);
    if at < min {
        return Err(Verdict::Undecided {
            needs: format!(
                "the latest {what} is from step {at}; the runs are compared on one at step {min} or later (it comes with the next validation)"
            ),
        });
    }
    Ok(at)
}

/// Which of `x`, `y` has the lower `metric` (options: x, y, "within `tol` of each other",
/// relative to the larger value), once both runs have trained `min` steps.
fn lower(
    f: &Facts,
    (x, y): (&CellFacts, &CellFacts),
    min: u64,
    what: &str,
    metric: fn(&CellFacts) -> Option<f64>,
    tol: f64,
) -> Verdict {
    if let Err(v) = trained(f, min) {
        return v;
    }
    let (Some(a), Some(b)) = (metric(x), metric(y)) else {
        return Verdict::Undecided {
            needs: format!("both runs need a {what} first (it comes with the next validation)"),
        };
    };
    let at = match validated(&[x, y], min, what) {
        Ok(at) => at,
        Err(v) => return v,
    };
    let option = if (a - b).abs() <= tol * a.max(b) {
        2
    } else if a < b {
        0
    } else {
        1
    };
    Verdict::Decided {
        option,
        because: format!(
            "At step {}: {what} {} {}, {} {} (a tie means within {:.0} %).",
            at,
            x.label,
            fmt_num(a),
            y.label,
            fmt_num(b),
            100.0 * tol
        ),
    }
}

/// Q1: lower validation loss from step 400 on (the latest validation), GRU or LSTM.
pub fn gru_vs_lstm(f: &Facts) -> Verdict {
    match pair(f, CellKind::Gru, CellKind::Lstm) {
        Ok(p) => lower(f, p, 400, "validation loss", |c| c.val_loss, 0.1),
        Err(v) => v,
    }
}

/// Q2: does the trained GRU mostly keep its state (mean z < 0.5) or take the candidate?
pub fn keeps_or_writes(f: &Facts) -> Verdict {
    if let Err(v) = trained(f, 300) {
        return v;
    }
    let at = match inspected(f, 300) {
        Ok(at) => at,
        Err(v) => return v,
    };
    let Some(z) = f.cell(CellKind::Gru).and_then(|c| c.mean_z) else {
        return Verdict::Undecided {
            needs: "look inside the page's GRU (choose “GRU” in the cell picker above the gate maps): its z values decide".into(),
        };
    };
    if (z - 0.5).abs() < 0.02 {
        return Verdict::Undecided {
            needs: format!("the GRU's mean z is {}, too close to 0.5 to call; it decides once it moves 0.02 away", fmt_num(z)),
        };
    }
    Verdict::Decided {
        option: usize::from(z > 0.5),
        because: format!(
            "At step {at} (the inspection), the page's GRU has mean z = {} over this sample's steps and units, so on average it takes {:.0} % of the old state and {:.0} % of the candidate.",
            fmt_num(z),
            100.0 * (1.0 - z),
            100.0 * z
        ),
    }
}

/// Q3 and Q9: whose ‖∂h_T/∂h_0‖ is higher, GRU or RNN (a tie = within a factor of 10).
pub fn far_gradient(f: &Facts) -> Verdict {
    let (x, y) = match pair(f, CellKind::Gru, CellKind::RnnTanh) {
        Ok(p) => p,
        Err(v) => return v,
    };
    if let Err(v) = trained(f, 300) {
        return v;
    }
    let at = match inspected(f, 300) {
        Ok(at) => at,
        Err(v) => return v,
    };
    let (Some(a), Some(b)) = (x.far, y.far) else {
        return Verdict::Undecided {
            needs: "both runs need an inspection first (the Compare table's last column)".into(),
        };
    };
    let ratio = a / b;
    let option = if (0.1..=10.0).contains(&ratio) {
        2
    } else if ratio > 10.0 {
        0
    } else {
        1
    };
    Verdict::Decided {
        option,
        because: format!(
            "At step {at} (the inspection): ‖∂h_T/∂h_0‖ GRU {}, RNN {} (a tie means within a factor of 10).",
            fmt_num(a),
            fmt_num(b)
        ),
    }
}

/// The latest step `b ≥ a` whose crossing ties one at step `a` under Q4's rule
/// `|a − b| ≤ ⌊max(a, b)/10⌋`, i.e. the largest `b` with `b − ⌊b/10⌋ ≤ a`.
pub(crate) fn last_tie(a: u64) -> u64 {
    let mut b = a.saturating_mul(10) / 9 + 1;
    while b - b / 10 > a {
        b -= 1;
    }
    b
}

/// Q4: which brings the validation loss below half the baseline in fewer steps.
pub fn fewer_steps(f: &Facts) -> Verdict {
    let (x, y) = match pair(f, CellKind::Gru, CellKind::Lstm) {
        Ok(p) => p,
        Err(v) => return v,
    };
    let at = |c: &CellFacts| {
        c.half_baseline_at
            .map_or("not yet".into(), |s| format!("step {s}"))
    };
    let because = format!(
        "Validation loss below half the baseline: GRU {}, LSTM {} (now at step {}).",
        at(x),
        at(y),
        f.step()
    );
    // One run crossed at step `a`; the other, not below half the baseline up to its latest
    // validation, still crosses later than that validation, so it can tie (the rule below)
    // until that validation reaches the last tying step.
    let first = |a: u64, other: &CellFacts, option: usize| {
        let tie_until = last_tie(a);
        if other.val_step.unwrap_or(0) >= tie_until {
            Verdict::Decided {
                option,
                because: because.clone(),
            }
        } else {
            Verdict::Undecided {
                needs: format!(
                    "the {} crossed at step {a}; the {} could still tie (within 10 %) until its validation reaches step {tie_until}",
                    if option == 0 { &x.label } else { &y.label },
                    other.label
                ),
            }
        }
    };
    match (x.half_baseline_at, y.half_baseline_at) {
        (Some(a), Some(b)) if a.abs_diff(b) <= (a.max(b) / 10) => {
            Verdict::Decided { option: 2, because }
        }
        (Some(a), Some(b)) => Verdict::Decided {
            option: usize::from(b < a),
            because,
        },
        (Some(a), None) => first(a, y, 0),
        (None, Some(b)) => first(b, x, 1),
        (None, None) => Verdict::Undecided {
            needs: "it decides when one of them brings the validation loss below half the baseline"
                .into(),
        },
    }
}

/// Q5: small model, short sequences: lower validation loss from step 500 on.
pub fn small_budget(f: &Facts) -> Verdict {
    match pair(f, CellKind::Gru, CellKind::Lstm) {
        Ok(p) => lower(f, p, 500, "validation loss", |c| c.val_loss, 0.1),
        Err(v) => v,
    }
}

/// Q6: higher validation accuracy from step 600 on (a tie = within 2 points, or both within
/// chance: neither has learnt parity).
pub fn accuracy(f: &Facts) -> Verdict {
    let (x, y) = match pair(f, CellKind::Gru, CellKind::Lstm) {
        Ok(p) => p,
        Err(v) => return v,
    };
    if let Err(v) = trained(f, 600) {
        return v;
    }
    let (Some(a), Some(b)) = (x.val_accuracy, y.val_accuracy) else {
        return Verdict::Undecided {
            needs: "both runs need a validation accuracy first".into(),
        };
    };
    let at = match validated(&[x, y], 600, "validation accuracy") {
        Ok(at) => at,
        Err(v) => return v,
    };
    // Chance is 50 %; on the validation set's sequences one accuracy scatters by
    // √(¼ / n) about it, so two runs that have learnt nothing differ by a few points.
    let chance = 2.0 * (0.25 / VALIDATION_SIZE as f64).sqrt();
    let guessing = |acc: f64| (acc - 0.5).abs() <= chance;
    let both_guess = guessing(a) && guessing(b);
    let option = if (a - b).abs() <= 0.02 || both_guess {
        2
    } else {
        usize::from(b > a)
    };
    let why = if both_guess {
        format!(
            "both within chance, 50 % ± {:.2} points on {VALIDATION_SIZE} validation sequences: neither has learnt parity yet, so they count as equal",
            100.0 * chance
        )
    } else {
        "a tie means within 2 points".into()
    };
    Verdict::Decided {
        option,
        because: format!(
            "At step {at}: validation accuracy GRU {:.1} %, LSTM {:.1} % ({why}).",
            100.0 * a,
            100.0 * b
        ),
    }
}

/// Q7: with recurrent dropout, training loss (dropout on) above or below validation (off)?
pub fn dropout_gap(f: &Facts) -> Verdict {
    let Some(c) = f.cells.first() else {
        return Verdict::Undecided {
            needs: "press \"Run this experiment\"".into(),
        };
    };
    if let Err(v) = trained(f, 300) {
        return v;
    }
    let (Some(t), Some(v)) = (c.loss, c.val_loss) else {
        return Verdict::Undecided {
            needs: "the run needs a validation loss first".into(),
        };
    };
    let at = match validated(&[c], 300, "validation loss") {
        Ok(at) => at,
        Err(v) => return v,
    };
    // 20 %: the smoothed training loss lags a falling curve; without dropout the two differ by
    // up to ~7 % at step 300, so a closer tie would judge the smoothing, not the dropout.
    let option = if (t - v).abs() <= 0.2 * t.max(v) {
        2
    } else {
        usize::from(t < v)
    };
    Verdict::Decided {
        option,
        because: format!(
            "{} with input dropout {} and recurrent dropout {}: training loss {} (smoothed, step {}), validation loss {} (step {at}) (a tie means within 20 %: the smoothed training loss lags a falling curve by several per cent even without dropout).",
            c.label,
            f.input_dropout,
            f.recurrent_dropout,
            fmt_num(t),
            f.step(),
            fmt_num(v)
        ),
    }
}

/// Q8: on the lookahead task (target `x_{t+d}`), which ends lower on validation after 300
/// steps: the bidirectional GRU or its one-way twin (same hidden size, data and seed)? The
/// verdict also places both against the one-way limit (the baseline `1/3`).
pub fn future_context(f: &Facts) -> Verdict {
    let (Some(bi), Some(one)) = (f.cell(CellKind::Gru), f.twin(CellKind::Gru)) else {
        return Verdict::Undecided {
            needs: "this quiz compares a bidirectional GRU with its one-way twin on the lookahead task; press \"Run this experiment\"".into(),
        };
    };
    if !f.lookahead || f.dirs != 2 {
        return Verdict::Undecided {
            needs: "this quiz needs the lookahead task with bidirectional on; press \"Run this experiment\"".into(),
        };
    }
    let verdict = lower(f, (bi, one), 300, "validation loss", |c| c.val_loss, 0.1);
    match (verdict, bi.baseline) {
        (Verdict::Decided { option, because }, Some(base)) => Verdict::Decided {
            option,
            because: format!(
                "{because} The one-way limit (the best prediction without the future) is {}.",
                fmt_num(base)
            ),
        },
        (v, _) => v,
    }
}

/// Q9: on long sequences, does the GRU's ‖∂h_T/∂h_0‖ stay above 10⁻³ after 100 steps?
pub fn long_gradient(f: &Facts) -> Verdict {
    let Some(c) = f.cell(CellKind::Gru) else {
        return Verdict::Undecided {
            needs: "this quiz needs the page's GRU; press \"Run this experiment\"".into(),
        };
    };
    if let Err(v) = trained(f, 100) {
        return v;
    }
    let at = match inspected(f, 100) {
        Ok(at) => at,
        Err(v) => return v,
    };
    let Some(far) = c.far else {
        return Verdict::Undecided {
            needs: "the GRU needs an inspection first (the Compare table's last column)".into(),
        };
    };
    Verdict::Decided {
        option: usize::from(far < 1e-3),
        because: format!(
            "At step {at} (the inspection), T = {}: the GRU's ‖∂h_T/∂h_0‖ is {}.",
            f.seq_len,
            fmt_num(far)
        ),
    }
}
