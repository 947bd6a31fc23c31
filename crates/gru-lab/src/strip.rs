//! "The data under the gates": the inspected sample's input channels, target and prediction as
//! lanes on the gate heatmaps' time axis (column `s − 1` = step `s` in the picked direction's
//! processing order), in the task's own terms, plus one sentence saying what the sample asks.

use gru_core::loss::{loss_and_grad, LossKind, Targets};
use gru_core::task::TaskConfig;
use gru_core::Inspection;
use serde::{Deserialize, Serialize};

/// One row of the strip.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Lane {
    /// Short name (≤ 7 characters, it sits in the axis margin): "value", "marker", "target", …
    pub name: String,
    /// `(T)`: the value at each step in processing order; NaN = nothing at that step.
    pub values: Vec<f32>,
    /// The lane's value range, bottom to top.
    pub lo: f32,
    /// Top of the range.
    pub hi: f32,
    /// When non-empty the values are indices into these names (drawn as text, not a curve).
    pub symbols: Vec<String>,
}

/// The strip of one inspected sample.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Strip {
    /// Lanes top to bottom: inputs first, then target and prediction.
    pub lanes: Vec<Lane>,
    /// What this sample asks and how the model answered, in the task's words.
    pub caption: String,
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_string()).collect()
}

fn argmax(v: &[f64]) -> usize {
    (0..v.len())
        .max_by(|&a, &b| v[a].total_cmp(&v[b]).then(b.cmp(&a)))
        .unwrap_or(0)
}

/// The loss of predicting 0 at every scored row of `ins` (`o` outputs per row), by the loss
/// the model trains on.
fn zero_loss(ins: &Inspection, o: usize) -> f64 {
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
struct Reader<'a> {
    ins: &'a Inspection,
    /// Steps `T`.
    t: usize,
    /// Output rows `R` (1 = read at the end, `T` = every step).
    r: usize,
    /// Outputs per row `O`.
    o: usize,
}

impl Reader<'_> {
    /// Input row read at column `col` (processing order).
    fn row(&self, col: usize) -> usize {
        self.ins.input_row(col + 1)
    }
    /// Lane of input channel `ch` over the columns.
    fn channel(&self, ch: usize) -> Vec<f32> {
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
    fn symbols(&self, keep: impl Fn(usize) -> bool) -> Vec<f32> {
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
    fn place(&self, per_row: impl Fn(usize) -> f64) -> Vec<f32> {
        self.place_rows(per_row, false)
    }
    /// Whether no row is scored: the sequence has no target (a learner's sequence the task's
    /// rule gives none for).
    fn untargeted(&self) -> bool {
        self.ins.weights.iter().all(|&w| w <= 0.0)
    }
    /// Target (value, or class index) of row `row`, output 0.
    fn target(&self, row: usize) -> f64 {
        match &self.ins.target {
            Targets::Values(v) => v.get(row * self.o).copied().unwrap_or(f64::NAN),
            Targets::Classes(c) => c.get(row).map_or(f64::NAN, |&k| k as f64),
        }
    }
    /// Prediction of row `row`: output 0, or the class with the largest logit.
    fn predicted(&self, row: usize) -> f64 {
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
    /// Scored rows whose predicted class is the target, and the scored rows.
    fn right(&self) -> (usize, usize) {
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
    fn answer(&self, lo: f32, hi: f32, symbols: &[String]) -> [Lane; 2] {
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

fn line(name: &str, values: Vec<f32>, lo: f32, hi: f32) -> Lane {
    Lane {
        name: name.into(),
        values,
        lo,
        hi,
        symbols: Vec::new(),
    }
}

/// Steps (1-based, processing order) where `lane` holds a value.
fn steps_with(lane: &[f32], pred: impl Fn(f32) -> bool) -> Vec<usize> {
    (0..lane.len())
        .filter(|&c| pred(lane[c]))
        .map(|c| c + 1)
        .collect()
}

/// The strip of `ins` (a recurrent model's inspection of `task`); empty lanes when the
/// inspection holds no steps.
pub fn strip(task: &TaskConfig, ins: &Inspection) -> Strip {
    let mut s = strip_of(task, ins);
    let rows = ins.weights.len().max(1);
    let outs = ins.y.len() / rows;
    let rd = Reader {
        ins,
        t: ins.trace.steps,
        r: rows,
        o: outs.max(1),
    };
    if !s.lanes.is_empty() && rd.untargeted() {
        s.caption = untargeted_caption(task, &rd);
    }
    s
}

/// The caption of a sequence without a target: why there is none, and what the model says.
fn untargeted_caption(task: &TaskConfig, rd: &Reader<'_>) -> String {
    let why = match task {
        TaskConfig::TemporalOrder { .. } => "the order is asked of exactly two X/Y symbols",
        TaskConfig::CopyMemory { symbols, .. } => {
            return format!(
                "No target: the first {symbols} steps must all be symbols to copy; the prediction only (the model's symbol at every step)."
            )
        }
        _ => "the task's rule gives none for this sequence",
    };
    let classes = names(&["XX", "XY", "YX", "YY"]);
    let said = match task {
        TaskConfig::TemporalOrder { .. } => classes
            .get(rd.predicted(0) as usize)
            .cloned()
            .unwrap_or_default(),
        _ => format!("{:.3}", rd.predicted(0)),
    };
    format!("No target: {why}; the prediction only: the model says {said}.")
}

/// The strip as the task reads it (targets as given).
fn strip_of(task: &TaskConfig, ins: &Inspection) -> Strip {
    let t = ins.trace.steps;
    let rows = ins.weights.len().max(1);
    let outs = ins.y.len() / rows;
    let rd = Reader {
        ins,
        t,
        r: rows,
        o: outs.max(1),
    };
    if t == 0 || ins.x.len() < t * ins.input {
        return Strip::default();
    }
    let cls = |names: &[String]| (0.0, names.len().saturating_sub(1) as f32);
    match task {
        TaskConfig::Adding { .. } => {
            let (value, marker) = (rd.channel(0), rd.channel(1));
            let marked = steps_with(&marker, |m| m > 0.5);
            let at: Vec<String> = marked
                .iter()
                .map(|&s| format!("step {s} ({:.3})", value[s - 1]))
                .collect();
            let (tg, pr) = (rd.target(0), rd.predicted(0));
            let mut lanes = vec![
                line("value", value, 0.0, 1.0),
                line("marker", marker, 0.0, 1.0),
            ];
            lanes.extend(rd.answer(0.0, 2.0, &[]));
            Strip {
                lanes,
                caption: format!(
                    "Marked: {}. Target: their sum {tg:.3}; the model predicts {pr:.3} at the last step.",
                    at.join(" and ")
                ),
            }
        }
        TaskConfig::CopyMemory { alphabet, .. } => {
            let k = *alphabet;
            let mut sym: Vec<String> = (0..k)
                .map(|i| char::from(b'A' + (i % 26) as u8).to_string())
                .collect();
            let shown = rd.symbols(|s| s < k || s == k + 1);
            sym.push("·".into());
            sym.push("go".into());
            let recall = steps_with(&rd.place(|r| rd.target(r)), |v| !v.is_nan());
            let (ok, n) = rd.right();
            let mut lanes = vec![Lane {
                name: "input".into(),
                values: shown,
                lo: 0.0,
                hi: (k + 1) as f32,
                symbols: sym.clone(),
            }];
            lanes.extend(rd.answer(0.0, (k + 1) as f32, &sym));
            let window = match (recall.first(), recall.last()) {
                (Some(a), Some(b)) => format!("steps {a}–{b}"),
                _ => "none".into(),
            };
            Strip {
                lanes,
                caption: format!("Recall window {window}: {ok} of {n} symbols copied right."),
            }
        }
        TaskConfig::TemporalOrder { .. } => {
            let sym = names(&["a", "b", "c", "d", "X", "Y", "B", "E"]);
            let classes = names(&["XX", "XY", "YX", "YY"]);
            let input = rd.symbols(|_| true);
            let relevant = steps_with(&input, |v| v == 4.0 || v == 5.0);
            let mut lanes = vec![Lane {
                name: "input".into(),
                values: input,
                lo: 0.0,
                hi: 7.0,
                symbols: sym,
            }];
            let (lo, hi) = cls(&classes);
            lanes.extend(rd.answer(lo, hi, &classes));
            let say = |k: f64| classes.get(k as usize).cloned().unwrap_or_default();
            Strip {
                lanes,
                caption: format!(
                    "X/Y at steps {:?}. Answer {}; the model says {}.",
                    relevant,
                    say(rd.target(0)),
                    say(rd.predicted(0))
                ),
            }
        }
        TaskConfig::Latch { .. } => {
            let classes = names(&["−1", "+1"]);
            let cue = rd.channel(0);
            let mut lanes = vec![
                line("cue", cue, -1.0, 1.0),
                line("noise", rd.channel(1), -1.0, 1.0),
            ];
            let (lo, hi) = cls(&classes);
            lanes.extend(rd.answer(lo, hi, &classes));
            let say = |k: f64| classes.get(k as usize).cloned().unwrap_or_default();
            Strip {
                lanes,
                caption: format!(
                    "The bit shown at the first input step is {}; the model reports {} at the end.",
                    say(rd.target(0)),
                    say(rd.predicted(0))
                ),
            }
        }
        TaskConfig::Parity { .. } => {
            let bits = names(&["0", "1"]);
            let classes = names(&["even", "odd"]);
            let input = rd
                .channel(0)
                .into_iter()
                .map(|b| b.round())
                .collect::<Vec<f32>>();
            let ones = input.iter().filter(|&&b| b == 1.0).count();
            let mut lanes = vec![Lane {
                name: "bit".into(),
                values: input,
                lo: 0.0,
                hi: 1.0,
                symbols: bits,
            }];
            lanes.extend(rd.answer(0.0, 1.0, &classes));
            let say = |k: f64| classes.get(k as usize).cloned().unwrap_or_default();
            Strip {
                lanes,
                caption: format!(
                    "{ones} ones among {t} bits: {}; the model says {}.",
                    say(rd.target(0)),
                    say(rd.predicted(0))
                ),
            }
        }
        TaskConfig::Sine { .. } => {
            let mut lanes = vec![line("input", rd.channel(0), -1.0, 1.0)];
            lanes.extend(rd.answer(-1.0, 1.0, &[]));
            Strip {
                lanes,
                caption: format!(
                    "Each step's target is the next input value; the sample's loss is {:.4}.",
                    ins.loss
                ),
            }
        }
        TaskConfig::Lookahead { ahead, .. } => {
            let mut lanes = vec![line("input", rd.channel(0), -1.0, 1.0)];
            lanes.extend(rd.answer(-1.0, 1.0, &[]));
            Strip {
                lanes,
                caption: format!(
                    "Each step's target is the input {ahead} steps later (the last {ahead} are \
                     not scored); the sample's loss is {:.4}. Predicting 0 everywhere, the best \
                     a model that cannot see ahead does on random inputs (0.3333 on average), \
                     scores {:.4} on this sample.",
                    ins.loss,
                    zero_loss(ins, rd.o)
                ),
            }
        }
    }
}

#[cfg(test)]
#[path = "strip_tests.rs"]
mod tests;
