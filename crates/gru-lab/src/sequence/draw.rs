//! Making a [`Yours`] from a sample's inputs, and changing it step by step as the pointer
//! draws on the strip: the same sequence the text box reads ([`super::to_text`] writes it back
//! into the box), so drawing and typing are one path.

use gru_core::task::TaskConfig;

use super::{symbols, Steps, Yours};

/// `v` rounded to 0.01 (what the text box shows).
fn cent(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// Index of the largest of `v` (the first on ties).
fn argmax(v: &[f32]) -> usize {
    (0..v.len()).fold(0, |a, j| if v[j] > v[a] { j } else { a })
}

impl Yours {
    /// The sequence whose inputs are `x` `(T, I)` in time order (e.g. the inspected sample's),
    /// values rounded to 0.01 and clamped into the task's ranges.
    ///
    /// # Errors
    /// A one-line message when `x` does not have `T · I` values for `task`, or (adding) does
    /// not mark exactly two steps.
    pub fn from_inputs(task: &TaskConfig, x: &[f32]) -> Result<Self, String> {
        let t = task.build().map_err(|e| e.to_string())?.seq_len();
        let mut y = Yours {
            task: task.clone(),
            t,
            steps: Steps::Bits(Vec::new()),
        };
        let i = y.channels();
        if x.len() != t * i {
            return Err(format!(
                "the sample has {} inputs; this task takes {t} steps × {i} channels",
                x.len()
            ));
        }
        let ch = |c: usize| (0..t).map(move |s| x[s * i + c]);
        y.steps = match task {
            TaskConfig::Adding { .. } => {
                let marked: Vec<usize> = (1..=t).filter(|&s| x[(s - 1) * 2 + 1] > 0.5).collect();
                let [a, b] = marked[..] else {
                    return Err(format!("the sample marks {} steps, not 2", marked.len()));
                };
                Steps::Adding {
                    values: ch(0).map(|v| cent(v).clamp(0.0, 1.0)).collect(),
                    marks: [a, b],
                }
            }
            TaskConfig::Parity { .. } => Steps::Bits(ch(0).map(|v| u8::from(v > 0.5)).collect()),
            TaskConfig::Latch { .. } => Steps::Latch {
                cue: if x[0] > 0.0 { 1.0 } else { -1.0 },
                noise: ch(1).skip(1).map(|v| cent(v).clamp(-1.0, 1.0)).collect(),
            },
            TaskConfig::Sine { .. } | TaskConfig::Lookahead { .. } => {
                Steps::Wave(ch(0).map(|v| cent(v).clamp(-1.0, 1.0)).collect())
            }
            TaskConfig::TemporalOrder { .. } | TaskConfig::CopyMemory { .. } => {
                Steps::Symbols(x.chunks_exact(i).map(argmax).collect())
            }
        };
        Ok(y)
    }

    /// Sets step `s` (0-based, time order) from a pointer height `frac` (0 = the bottom of the
    /// input lane, 1 = its top): adding's value (0…1), parity's bit (top half = 1), the latch's
    /// cue at step 1 (top half = 1, else −1) and noise after it (−1…1), sine's value (−1…1),
    /// a symbol task's symbol (the lane's symbols bottom to top, [`symbols`] order). Values are
    /// rounded to 0.01. Out-of-range steps change nothing.
    pub fn draw(&mut self, s: usize, frac: f32) {
        let f = if frac.is_finite() {
            frac.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let signed = cent(2.0 * f - 1.0);
        let n = symbols(&self.task).len();
        match &mut self.steps {
            Steps::Adding { values, .. } => {
                if let Some(v) = values.get_mut(s) {
                    *v = cent(f);
                }
            }
            Steps::Bits(b) => {
                if let Some(v) = b.get_mut(s) {
                    *v = u8::from(f >= 0.5);
                }
            }
            Steps::Latch { cue, noise } => match s {
                0 => *cue = if f >= 0.5 { 1.0 } else { -1.0 },
                _ => {
                    if let Some(v) = noise.get_mut(s - 1) {
                        *v = signed;
                    }
                }
            },
            Steps::Wave(w) => {
                if let Some(v) = w.get_mut(s) {
                    *v = signed;
                }
            }
            Steps::Symbols(k) => {
                if let Some(v) = k.get_mut(s) {
                    *v = ((f * (n.max(1) - 1) as f32).round() as usize).min(n.saturating_sub(1));
                }
            }
        }
    }

    /// A click on step `s` (0-based) of a lane drawn as symbols: parity's bit flips, a symbol
    /// task's step takes the next symbol ([`symbols`] order, wrapping). `false` for the other
    /// tasks (their lanes are curves: drag instead).
    pub fn cycle(&mut self, s: usize) -> bool {
        let n = symbols(&self.task).len().max(1);
        match &mut self.steps {
            Steps::Bits(b) => {
                if let Some(v) = b.get_mut(s) {
                    *v = 1 - *v;
                }
                true
            }
            Steps::Symbols(k) => {
                if let Some(v) = k.get_mut(s) {
                    *v = (*v + 1) % n;
                }
                true
            }
            _ => false,
        }
    }

    /// A click on step `s` (0-based) of the marker lane: the adding problem moves its nearer
    /// mark there (it always marks exactly two steps; a click on a marked step does nothing);
    /// `false` for tasks without markers.
    pub fn toggle_mark(&mut self, s: usize) -> bool {
        let Steps::Adding { marks, .. } = &mut self.steps else {
            return false;
        };
        let step = s + 1;
        if step > self.t || marks.contains(&step) {
            return true;
        }
        let near = usize::from(step.abs_diff(marks[1]) < step.abs_diff(marks[0]));
        marks[near] = step;
        marks.sort_unstable();
        true
    }
}
