//! The multi-seed comparison: a sweep of one length trains every model with seeds `s, s+1, …`
//! on the same data per seed and the same step budget; per model and validation step, the
//! seeds' mean, lowest and highest validation loss ([`SeedBand`]). Also what such a result
//! says: which model ends lowest, and whether its seeds' range overlaps another model's.

use crate::sweep::SweepTable;

/// One model's validation loss at one step over the seeds (finite values only).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeedBand {
    /// The training step.
    pub step: u64,
    /// Mean over the seeds.
    pub mean: f64,
    /// Lowest seed.
    pub min: f64,
    /// Highest seed.
    pub max: f64,
    /// Seeds with a finite loss at this step.
    pub n: usize,
}

/// Mean, min, max and count of the finite values of `v` (`None` if there is none).
pub fn spread(v: impl IntoIterator<Item = f64>) -> Option<(f64, f64, f64, usize)> {
    let (mut sum, mut lo, mut hi, mut n) = (0.0, f64::INFINITY, f64::NEG_INFINITY, 0);
    for x in v.into_iter().filter(|x| x.is_finite()) {
        sum += x;
        lo = lo.min(x);
        hi = hi.max(x);
        n += 1;
    }
    (n > 0).then(|| (sum / n as f64, lo, hi, n))
}

impl SweepTable {
    /// Whether this is a multi-seed comparison: one length, two or more seeds.
    pub fn is_multi_seed(&self) -> bool {
        self.lengths.len() == 1 && self.seeds > 1
    }

    /// Per model, the seeds' band at every validation step some seed reached, steps
    /// ascending, over the points of the first length. A seed that diverged (non-finite
    /// final loss) is left out at every step, not only after it diverged, so the mean does
    /// not jump where it drops out ([`SweepTable::diverged_note`] names it).
    pub fn seed_bands(&self) -> Vec<Vec<SeedBand>> {
        let len = self.lengths.first().copied();
        (0..self.cells.len())
            .map(|c| {
                let runs: Vec<&Vec<(u64, f64)>> = self
                    .points
                    .iter()
                    .filter(|p| p.cell == c && Some(p.len) == len && p.val_loss.is_finite())
                    .map(|p| &p.curve)
                    .collect();
                let mut steps: Vec<u64> = runs.iter().flat_map(|r| r.iter().map(|q| q.0)).collect();
                steps.sort_unstable();
                steps.dedup();
                steps
                    .into_iter()
                    .filter_map(|step| {
                        let at = runs
                            .iter()
                            .filter_map(|r| r.iter().find(|q| q.0 == step).map(|q| q.1));
                        spread(at).map(|(mean, min, max, n)| SeedBand {
                            step,
                            mean,
                            min,
                            max,
                            n,
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// Per model, its final validation loss for each seed, in seed order (NaN for a run that
    /// failed), over the points of the first length.
    pub fn finals(&self) -> Vec<Vec<f64>> {
        let len = self.lengths.first().copied();
        (0..self.cells.len())
            .map(|c| {
                let mut v: Vec<(u64, f64)> = self
                    .points
                    .iter()
                    .filter(|p| p.cell == c && Some(p.len) == len)
                    .map(|p| (p.seed, p.val_loss))
                    .collect();
                v.sort_by_key(|p| p.0);
                v.into_iter().map(|p| p.1).collect()
            })
            .collect()
    }
}

impl SweepTable {
    /// Per model and knob value in run order, `(model, value, count)` of its runs that ended
    /// with a NaN/∞ loss: they have no point on the loss charts, whose means and bands are of
    /// the other seeds (the time chart keeps their measured ms per step).
    pub fn diverged(&self) -> Vec<(usize, usize, usize)> {
        let mut out: Vec<(usize, usize, usize)> = Vec::new();
        for p in self.points.iter().filter(|p| !p.val_loss.is_finite()) {
            match out.iter_mut().find(|d| (d.0, d.1) == (p.cell, p.len)) {
                Some(d) => d.2 += 1,
                None => out.push((p.cell, p.len, 1)),
            }
        }
        out
    }

    /// The sentence saying which runs diverged and are left out of the chart, e.g. "Left out:
    /// RNN at T 200 diverged in 1 of 3 seeds (NaN or ∞ loss); its mean and band are of the
    /// other 2." Empty when none did.
    pub fn diverged_note(&self) -> String {
        let k = self.knob.name();
        let parts: Vec<String> = self
            .diverged()
            .iter()
            .map(|&(c, len, n)| {
                let name = self.cells.get(c).map_or("?", String::as_str);
                let ran = self
                    .points
                    .iter()
                    .filter(|p| (p.cell, p.len) == (c, len))
                    .count();
                if ran <= n {
                    let all = if ran == 1 { "its run" } else { "every seed" };
                    format!("{name} at {k} {len}: {all} diverged (NaN or ∞ loss), so no point")
                } else {
                    format!(
                        "{name} at {k} {len} diverged in {n} of {ran} seeds (NaN or ∞ loss); its \
                         mean and range are of the other {}",
                        ran - n
                    )
                }
            })
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("Left out: {}.", parts.join("; "))
        }
    }
}

/// What the seeds say about the final validation losses `finals` (per model, per seed):
/// the model with the lowest mean, and whether its range `[min, max]` overlaps another
/// model's. `None` until every model has a finite loss for every seed of `seeds`.
pub fn seed_ranking(finals: &[Vec<f64>], seeds: usize) -> Option<SeedRanking> {
    let stats: Option<Vec<(f64, f64, f64, usize)>> = finals
        .iter()
        .map(|v| spread(v.iter().copied()).filter(|s| s.3 == seeds && v.len() == seeds))
        .collect();
    let stats = stats.filter(|s| s.len() >= 2)?;
    let best = (0..stats.len()).min_by(|&a, &b| stats[a].0.total_cmp(&stats[b].0))?;
    let overlaps = (0..stats.len())
        .filter(|&o| o != best && stats[o].1 <= stats[best].2)
        .collect();
    Some(SeedRanking {
        best,
        overlaps,
        stats: stats.iter().map(|s| (s.0, s.1, s.2)).collect(),
    })
}

/// The outcome of [`seed_ranking`].
#[derive(Clone, Debug, PartialEq)]
pub struct SeedRanking {
    /// Index of the model with the lowest mean final loss.
    pub best: usize,
    /// The other models whose lowest seed is at or below the best model's highest seed.
    pub overlaps: Vec<usize>,
    /// Per model `(mean, min, max)` of the final loss.
    pub stats: Vec<(f64, f64, f64)>,
}

#[cfg(test)]
#[path = "sweep_curves_tests.rs"]
mod tests;
