//! "Your sequence": an input sequence the learner types (or draws on the strip), in the task's
//! own terms, read strictly into a one-sample batch the trained model can be inspected on.
//!
//! One text form per task, `T` steps each (numbers or symbols separated by spaces or commas):
//!
//! | task | form | target (the task's own rule) |
//! |---|---|---|
//! | adding | `V1 … VT \| A B`: values in 0…1, then the two marked steps | `V_A + V_B` |
//! | parity | `b1 … bT`: bits 0 or 1 | even/odd of the number of ones |
//! | latch | `C \| N2 … NT`: the cue −1 or 1, then `T − 1` noise values in −1…1 | the cue's class |
//! | sine | `X1 … XT`: values in −1…1 | each step's next value; the last step has none |
//! | lookahead | `X1 … XT`: values in −1…1 | each step's value `d` steps ahead; the last `d` have none |
//! | temporal order | `T` symbols of `a b c d X Y B E` | the order of the two X/Y (`XX` … `YY`), only when there are exactly two |
//! | copy memory | `T` symbols: `A`… (the `K` symbols), `.` blank, `go` | the first `n` steps' symbols in the recall window, only when they are all symbols |
//!
//! Where the rule gives no target the batch scores nothing (row weights 0): the views show the
//! prediction only and say so. In a link the sequence travels as `seq=` with commas for
//! spaces and `;` for `|` ([`url_value`]), only while `T ≤` [`URL_MAX_STEPS`].

mod draw;
mod parse;

pub use parse::parse;

use gru_core::loss::Targets;
use gru_core::task::{Batch, TaskConfig};

/// The URL key.
pub const KEY: &str = "seq";
/// Longest sequence written into a link.
pub const URL_MAX_STEPS: usize = 60;
/// Longest text read (a value is at most a few characters; this bounds the work on bad input).
pub const MAX_CHARS: usize = 40_000;
/// Temporal order's one-hot channels, in channel order (gru-core's `temporal_order`).
pub const TEMPORAL_SYMBOLS: [&str; 8] = ["a", "b", "c", "d", "X", "Y", "B", "E"];

/// The steps of a sequence, in the task's terms (time order).
#[derive(Clone, Debug, PartialEq)]
pub enum Steps {
    /// Adding: `(T)` values in 0…1 and the two marked steps, 1-based, increasing.
    Adding {
        /// `(T)` the value channel.
        values: Vec<f32>,
        /// The marked steps.
        marks: [usize; 2],
    },
    /// Parity: `(T)` bits.
    Bits(Vec<u8>),
    /// Latch: the cue at step 1 (−1 or 1) and `(T − 1)` noise values in −1…1 at steps 2…T.
    Latch {
        /// −1 or 1.
        cue: f32,
        /// `(T − 1)`.
        noise: Vec<f32>,
    },
    /// Sine or lookahead: `(T)` values in −1…1.
    Wave(Vec<f32>),
    /// Temporal order or copy memory: `(T)` one-hot channel indices ([`symbols`]).
    Symbols(Vec<usize>),
}

/// A sequence the learner typed or drew, checked against the task.
#[derive(Clone, Debug, PartialEq)]
pub struct Yours {
    /// The task it was checked against.
    pub task: TaskConfig,
    /// Steps `T`.
    pub t: usize,
    /// What each step holds.
    pub steps: Steps,
}

/// The names of a symbol task's channels (index = channel): temporal order's
/// [`TEMPORAL_SYMBOLS`]; copy memory's `A`… (one per symbol), `.` (blank), `go`. Empty for
/// the other tasks.
pub fn symbols(task: &TaskConfig) -> Vec<String> {
    match *task {
        TaskConfig::TemporalOrder { .. } => TEMPORAL_SYMBOLS.iter().map(|s| (*s).into()).collect(),
        TaskConfig::CopyMemory { alphabet, .. } => (0..alphabet)
            .map(letter)
            .chain([".".into(), "go".into()])
            .collect(),
        _ => Vec::new(),
    }
}

/// Copy memory's name of symbol `i`: `A` … `Z`, then `A2` … (alphabets up to 64).
fn letter(i: usize) -> String {
    let c = char::from(b'A' + (i % 26) as u8);
    match i / 26 {
        0 => c.to_string(),
        k => format!("{c}{}", k + 1),
    }
}

impl Yours {
    /// Input channels `I` per step.
    pub fn channels(&self) -> usize {
        match &self.task {
            TaskConfig::Adding { .. } | TaskConfig::Latch { .. } => 2,
            TaskConfig::Parity { .. } | TaskConfig::Sine { .. } | TaskConfig::Lookahead { .. } => 1,
            TaskConfig::TemporalOrder { .. } => TEMPORAL_SYMBOLS.len(),
            TaskConfig::CopyMemory { alphabet, .. } => alphabet + 2,
        }
    }

    /// `(T, I)` the inputs in time order, as the task's generator lays them out.
    pub fn inputs(&self) -> Vec<f32> {
        let (t, i) = (self.t, self.channels());
        let mut x = vec![0.0; t * i];
        match &self.steps {
            Steps::Adding { values, marks } => {
                for (s, &v) in values.iter().enumerate() {
                    x[s * 2] = v;
                }
                for &m in marks {
                    x[(m - 1) * 2 + 1] = 1.0;
                }
            }
            Steps::Bits(b) => x.iter_mut().zip(b).for_each(|(a, &b)| *a = f32::from(b)),
            Steps::Latch { cue, noise } => {
                x[0] = *cue;
                for (s, &n) in noise.iter().enumerate() {
                    x[(s + 1) * 2 + 1] = n;
                }
            }
            Steps::Wave(v) => x.copy_from_slice(v),
            Steps::Symbols(k) => {
                for (s, &k) in k.iter().enumerate() {
                    x[s * i + k] = 1.0;
                }
            }
        }
        x
    }

    /// The targets and row weights the task's rule gives, `None` where it gives none.
    fn targets(&self) -> Option<(Targets<f32>, Option<Vec<f32>>)> {
        let t = self.t;
        match (&self.steps, &self.task) {
            (Steps::Adding { values, marks }, _) => Some((
                Targets::Values(vec![values[marks[0] - 1] + values[marks[1] - 1]]),
                None,
            )),
            (Steps::Bits(b), _) => {
                let ones: usize = b.iter().map(|&b| usize::from(b)).sum();
                Some((Targets::Classes(vec![ones % 2]), None))
            }
            (Steps::Latch { cue, .. }, _) => {
                Some((Targets::Classes(vec![usize::from(*cue > 0.0)]), None))
            }
            (Steps::Wave(v), &TaskConfig::Lookahead { ahead, .. }) => {
                // Row s (0-based) reports step s + d's value; the last d rows have none.
                let mut y = vec![0.0; t];
                let mut w = vec![0.0; t];
                for s in 0..t.saturating_sub(ahead) {
                    y[s] = v[s + ahead];
                    w[s] = 1.0;
                }
                Some((Targets::Values(y), Some(w)))
            }
            (Steps::Wave(v), _) => {
                // Row s (0-based) predicts step s + 1's value; the last row has none.
                let mut y: Vec<f32> = v[1..].to_vec();
                y.push(0.0);
                let mut w = vec![1.0; t];
                w[t - 1] = 0.0;
                Some((Targets::Values(y), Some(w)))
            }
            (Steps::Symbols(k), TaskConfig::TemporalOrder { .. }) => {
                // Class = 2·[first is Y] + [second is Y], X = channel 4, Y = 5.
                let xy: Vec<usize> = k
                    .iter()
                    .filter(|&&c| c == 4 || c == 5)
                    .map(|c| c - 4)
                    .collect();
                (xy.len() == 2).then(|| (Targets::Classes(vec![2 * xy[0] + xy[1]]), None))
            }
            (
                Steps::Symbols(k),
                &TaskConfig::CopyMemory {
                    symbols: n,
                    delay,
                    alphabet,
                },
            ) => {
                // Recall rows n + delay + 1 … T − 1 (0-based) score the first n symbols.
                let first = k.get(..n)?;
                if first.iter().any(|&c| c >= alphabet) {
                    return None;
                }
                let recall = n + delay + 1;
                let mut y = vec![0; t];
                let mut w = vec![0.0; t];
                for (j, &c) in first.iter().enumerate() {
                    y[recall + j] = c;
                    w[recall + j] = 1.0;
                }
                Some((Targets::Classes(y), Some(w)))
            }
            (Steps::Symbols(_), _) => None,
        }
    }

    /// The one-sample batch the model reads: `x (T, 1, I)`, the targets the task's rule gives,
    /// or, where it gives none, placeholder targets with every row weight 0 (nothing scored).
    pub fn batch(&self) -> Batch<f32> {
        let mut b = Batch::empty();
        b.t = self.t;
        b.b = 1;
        b.x = self.inputs();
        let per_step = matches!(
            self.task,
            TaskConfig::Sine { .. } | TaskConfig::Lookahead { .. } | TaskConfig::CopyMemory { .. }
        );
        let rows = if per_step { self.t } else { 1 };
        (b.targets, b.weights) = self.targets().unwrap_or_else(|| {
            let zeros = if matches!(
                self.task,
                TaskConfig::Sine { .. } | TaskConfig::Lookahead { .. } | TaskConfig::Adding { .. }
            ) {
                Targets::Values(vec![0.0; rows])
            } else {
                Targets::Classes(vec![0; rows])
            };
            (zeros, Some(vec![0.0; rows]))
        });
        b
    }
}

/// The canonical text of `y` (`sep` between steps: `" "` on the page, `","` in a link).
pub fn to_text(y: &Yours, sep: &str) -> String {
    let mid = if sep == "," { ";" } else { " | " };
    let nums = |v: &[f32]| {
        v.iter()
            .map(|v| format!("{v}"))
            .collect::<Vec<_>>()
            .join(sep)
    };
    match &y.steps {
        Steps::Adding { values, marks } => {
            format!("{}{mid}{}{sep}{}", nums(values), marks[0], marks[1])
        }
        Steps::Bits(b) => b.iter().map(u8::to_string).collect::<Vec<_>>().join(sep),
        Steps::Latch { cue, noise } => format!("{cue}{mid}{}", nums(noise)),
        Steps::Wave(v) => nums(v),
        Steps::Symbols(k) => {
            let names = symbols(&y.task);
            k.iter()
                .map(|&c| names.get(c).map_or("?", String::as_str))
                .collect::<Vec<_>>()
                .join(sep)
        }
    }
}

/// The link value for `y`, `None` when it is too long for a link.
pub fn url_value(y: &Yours) -> Option<String> {
    (y.t <= URL_MAX_STEPS).then(|| to_text(y, ","))
}

#[cfg(test)]
mod tests;
