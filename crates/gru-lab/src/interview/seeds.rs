//! Question 10's evidence: the multi-seed comparison (a length sweep of the current T alone,
//! [`crate::sweep_curves`]) as facts, the quiz's judge and the answer's paragraph. Only a
//! sweep of these settings counts: the same models, the same T, seeds from the current seed.

use super::facts::Facts;
use super::Verdict;
use crate::fmt::fmt_num;
use crate::settings::same_runs::SweepOptions;
use crate::settings::Settings;
use crate::sweep::SweepTable;
use crate::sweep_curves::{seed_ranking, SeedRanking};

/// What a finished (or cancelled) multi-seed run of the current settings found.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedFacts {
    /// Model labels, in the settings' order (cells, then TCN / attention).
    pub labels: Vec<String>,
    /// Seeds per model.
    pub seeds: u32,
    /// The first seed (the settings' seed).
    pub first_seed: u64,
    /// Training steps of every run.
    pub steps: u64,
    /// Per model, the final validation loss of each seed that ran, in seed order.
    pub finals: Vec<Vec<f64>>,
    /// Whether it was cancelled before every run finished.
    pub cancelled: bool,
}

/// Whether `table`'s runs trained with `settings` (hidden size, lr, clip, task, …); the sweep's
/// seeds and steps are the table's own, not the page's.
fn swept_with(settings: &Settings, table: &SweepTable) -> bool {
    let (s, errors) = Settings::from_query(&table.query);
    errors.is_empty() && s.trains_like(settings, SweepOptions::Ignored)
}

impl SeedFacts {
    /// The facts of `table` when it is a multi-seed run of `settings`' models at their T from
    /// their seed; `None` otherwise (no such run yet, or the settings changed since).
    pub fn of(settings: &Settings, table: &SweepTable) -> Option<Self> {
        let labels: Vec<String> = settings
            .cells
            .iter()
            .map(|c| c.label())
            .chain(settings.models.iter().map(|m| m.label()))
            .map(str::to_string)
            .collect();
        let first = table.points.iter().map(|p| p.seed).min();
        let ours = table.is_multi_seed()
            && table.lengths == [settings.knob]
            && table.cells == labels
            && first.is_none_or(|s| s == settings.seed)
            && swept_with(settings, table);
        ours.then(|| SeedFacts {
            labels,
            seeds: table.seeds,
            first_seed: settings.seed,
            steps: table.steps,
            finals: table.finals(),
            cancelled: table.cancelled,
        })
    }

    /// The ranking of the final losses, once every model has every seed (finite).
    pub fn ranking(&self) -> Option<SeedRanking> {
        seed_ranking(&self.finals, self.seeds as usize)
    }

    /// `"GRU 0.0123 [0.0100–0.0150], …"`: mean [lowest–highest] per model.
    fn figures(&self, r: &SeedRanking) -> String {
        self.labels
            .iter()
            .zip(&r.stats)
            .map(|(l, s)| format!("{l} {} [{}–{}]", fmt_num(s.0), fmt_num(s.1), fmt_num(s.2)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The sentence on whether the best model's range is clear of the others'.
    fn separation(&self, r: &SeedRanking) -> String {
        let best = &self.labels[r.best];
        if r.overlaps.is_empty() {
            format!(
                "Every seed of the {best} ends below every seed of the other models: with {} seeds the ranges do not overlap.",
                self.seeds
            )
        } else {
            let others: Vec<String> = r
                .overlaps
                .iter()
                .map(|&o| format!("the {}'s", self.labels[o]))
                .collect();
            format!(
                "The {best}'s range overlaps {}: with {} seeds this is not a difference you can claim.",
                others.join(" and "),
                self.seeds
            )
        }
    }

    /// What seed `k` alone ranks first (lowest final loss), if all its losses are finite.
    fn winner_of_seed(&self, k: usize) -> Option<usize> {
        let v: Option<Vec<f64>> = self
            .finals
            .iter()
            .map(|m| m.get(k).copied().filter(|x| x.is_finite()))
            .collect();
        let v = v?;
        (0..v.len()).min_by(|&a, &b| v[a].total_cmp(&v[b]))
    }
}

/// Q10's options, in order: the three cells, then "no clear winner".
pub const OPTIONS: &[&str] = &[
    "GRU",
    "LSTM",
    "RNN",
    "none clearly: the lowest mean's seed range overlaps another model's",
];

/// Q10: which model ends with the lowest mean final validation loss over the seeds, with its
/// range clear of every other model's (else option 3).
pub fn judge(f: &Facts) -> Verdict {
    let Some(s) = &f.seeds else {
        return Verdict::Undecided {
            needs: "this quiz is decided by the multi-seed run: press \"Run this experiment\" (every model trained with several seeds: 3, unless the link or the form asks for more) and let it finish".into(),
        };
    };
    let Some(r) = s.ranking() else {
        let done = s.finals.iter().flatten().filter(|x| x.is_finite()).count();
        let all = s.labels.len() * s.seeds as usize;
        let why = if s.cancelled {
            " (it was cancelled: run it again)"
        } else {
            ""
        };
        return Verdict::Undecided {
            needs: format!(
                "every model needs a finite final loss for each of its {} seeds; {done} of {all} runs have one{why}",
                s.seeds
            ),
        };
    };
    let option = if r.overlaps.is_empty() {
        match OPTIONS[..3].iter().position(|o| *o == s.labels[r.best]) {
            Some(i) => i,
            None => {
                return Verdict::Undecided {
                    needs: "this quiz compares GRU, LSTM and RNN; press \"Run this experiment\""
                        .into(),
                }
            }
        }
    } else {
        3
    };
    Verdict::Decided {
        option,
        because: format!(
            "Final validation loss over {} seeds ({} steps, T = {}), mean [lowest–highest]: {}. {}",
            s.seeds,
            s.steps,
            f.seq_len,
            s.figures(&r),
            s.separation(&r)
        ),
    }
}

/// The answer's multi-seed paragraph: the live mean and spread, whether the ranges overlap,
/// and whether a single seed would have misled.
pub fn paragraph(f: &Facts) -> String {
    let how = "The Length sweep under Learning, given this T alone, trains every compared model afresh with the current seed and the next ones (all models on the same data for a given seed) and draws each model's mean validation curve with its seeds' lowest–highest band.";
    let Some((s, r)) = f.seeds.as_ref().and_then(|s| Some((s, s.ranking()?))) else {
        return format!("One seed decides nothing. {how} Press \"Run this experiment\" and let it finish to see this run's spread.");
    };
    let seeds: Vec<(u64, usize)> = (0..s.seeds as usize)
        .filter_map(|k| Some((s.first_seed + k as u64, s.winner_of_seed(k)?)))
        .collect();
    let misled: Vec<String> = seeds
        .iter()
        .filter(|w| w.1 != r.best)
        .map(|(seed, w)| format!("seed {seed} alone ranks the {} first", s.labels[*w]))
        .collect();
    let single = if misled.is_empty() {
        format!(
            "Here every seed on its own also ranks the {} first, so one seed would not have misled this time, but only the other seeds show that.",
            s.labels[r.best]
        )
    } else {
        format!(
            "A single seed can mislead: {}, while the mean ranks the {} first.",
            misled.join(", "),
            s.labels[r.best]
        )
    };
    format!(
        "{how} Here, {} seeds of {} steps each at T = {}: final validation loss, mean [lowest–highest]: {}. The lowest mean is the {}'s. {} {single}",
        s.seeds,
        s.steps,
        f.seq_len,
        s.figures(&r),
        s.labels[r.best],
        s.separation(&r)
    )
}

#[cfg(test)]
#[path = "seeds_tests.rs"]
mod tests;
