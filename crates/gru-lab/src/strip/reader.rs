//! [`Reader`]: reads an inspection's input channels, targets and predictions as lanes on the
//! strip's columns (processing order), and the loss of predicting 0 everywhere.

use gru_core::loss::{loss_and_grad, LossKind, Targets};
use gru_core::Inspection;

use super::Lane;

fn argmax(v: &[f64]) -> usize {
    (0..v.len())
        .max_by(|&a, &b| v[a].total_cmp(&v[b]).then(b.cmp(&a)))
        .unwrap_or(0)
}

/// The loss of predicting 0 at every scored row of `ins` (`o` outputs per row), by the loss
/// the model trains on.
pub(super) fn zero_loss(ins: &Inspection, o: usize) -> f64 {
    let zeros = vec![0.0; ins.y.len()];
    let mut dy = vec![0.0; ins.y.len()];
    loss_and_grad(
        LossKind::Mse,
        &zeros,
        o,
        &ins.target,
        Some(&ins.weights),
        &mut dy,
    )
    .loss
}

/// Builds lanes from an inspection; `task` says how to read the channels.
pub(super) struct Reader<'a> {
    pub(super) ins: &'a Inspection,
    /// Steps `T`.
    pub(super) t: usize,
    /// Output rows `R` (1 = read at the end, `T` = every step).
    pub(super) r: usize,
    /// Outputs per row `O`.
    pub(super) o: usize,
}

impl Reader<'_> {
    /// Input row read at column `col` (processing order).
    fn row(&self, col: usize) -> usize {
        self.ins.input_row(col + 1)
    }
    /// Lane of input channel `ch` over the columns.
    pub(super) fn channel(&self, ch: usize) -> Vec<f32> {
        let i = self.ins.input;
        (0..self.t)
            .map(|c| {
                self.ins
                    .x
                    .get(self.row(c) * i + ch)
                    .map_or(f32::NAN, |&v| v as f32)
            })
            .collect()
    }
    /// Lane of one-hot symbol indices (NaN where `keep` rejects the symbol).
    pub(super) fn symbols(&self, keep: impl Fn(usize) -> bool) -> Vec<f32> {
        let i = self.ins.input;
        (0..self.t)
            .map(|c| {
                let r = self.row(c);
                let k = self.ins.x.get(r * i..(r + 1) * i).map_or(0, argmax);
                if keep(k) {
                    k as f32
                } else {
                    f32::NAN
                }
            })
            .collect()
    }
    /// Places per-row values on the columns: every step (`R = T`, in processing order, NaN
    /// where a row is not scored) or the last column (`R = 1`).
    /// With `every`, unscored rows are placed too (the prediction of a sequence without a
    /// target).
    fn place_rows(&self, per_row: impl Fn(usize) -> f64, every: bool) -> Vec<f32> {
        let mut out = vec![f32::NAN; self.t];
        let scored = |row: usize| every || self.ins.weights.get(row).is_some_and(|&w| w > 0.0);
        if self.r == 1 {
            if let Some(last) = out.last_mut().filter(|_| scored(0)) {
                *last = per_row(0) as f32;
            }
        } else {
            for (c, v) in out.iter_mut().enumerate() {
                let row = self.row(c);
                if scored(row) {
                    *v = per_row(row) as f32;
                }
            }
        }
        out
    }
    /// [`Self::place_rows`] on the scored rows.
    pub(super) fn place(&self, per_row: impl Fn(usize) -> f64) -> Vec<f32> {
        self.place_rows(per_row, false)
    }
    /// Whether no row is scored: the sequence has no target (a learner's sequence the task's
    /// rule gives none for).
    pub(super) fn untargeted(&self) -> bool {
        self.ins.weights.iter().all(|&w| w <= 0.0)
    }
    /// Target (value, or class index) of row `row`, output 0.
    pub(super) fn target(&self, row: usize) -> f64 {
        match &self.ins.target {
            Targets::Values(v) => v.get(row * self.o).copied().unwrap_or(f64::NAN),
            Targets::Classes(c) => c.get(row).map_or(f64::NAN, |&k| k as f64),
        }
    }
    /// Prediction of row `row`: output 0, or the class with the largest logit.
    pub(super) fn predicted(&self, row: usize) -> f64 {
        let y = self
            .ins
            .y
            .get(row * self.o..(row + 1) * self.o)
            .unwrap_or(&[]);
        match self.ins.target {
            Targets::Values(_) => y.first().copied().unwrap_or(f64::NAN),
            Targets::Classes(_) => argmax(y) as f64,
        }
    }
    /// The names (in `classes`) of row 0's target and predicted class: what the caption
    /// says was asked and what the model answered.
    pub(super) fn said(&self, classes: &[String]) -> (String, String) {
        let name = |k: f64| classes.get(k as usize).cloned().unwrap_or_default();
        (name(self.target(0)), name(self.predicted(0)))
    }
    /// Scored rows whose predicted class is the target, and the scored rows.
    pub(super) fn right(&self) -> (usize, usize) {
        let scored: Vec<usize> = (0..self.r)
            .filter(|&r| self.ins.weights.get(r).is_some_and(|&w| w > 0.0))
            .collect();
        let ok = scored
            .iter()
            .filter(|&&r| self.predicted(r) == self.target(r))
            .count();
        (ok, scored.len())
    }
    /// Target and prediction lanes.
    pub(super) fn answer(&self, lo: f32, hi: f32, symbols: &[String]) -> [Lane; 2] {
        let lane = |name: &str, values| Lane {
            name: name.into(),
            values,
            lo,
            hi,
            symbols: symbols.to_vec(),
        };
        [
            lane("target", self.place(|r| self.target(r))),
            lane(
                "predict",
                self.place_rows(|r| self.predicted(r), self.untargeted()),
            ),
        ]
    }
}
