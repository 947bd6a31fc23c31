//! What a length sweep found ([`SweepTable`]: one [`SweepPoint`] per finished run, with
//! per-length statistics), when its runs are validated ([`curve_steps`]), and the lengths
//! field's parser.

use serde::{Deserialize, Serialize};

use crate::sweep_knob::SweepKnob;

/// One finished training run of the sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// Index into [`SweepTable::cells`].
    pub cell: usize,
    /// The task's knob: the sequence length, or copy memory's delay ([`SweepKnob`]).
    pub len: usize,
    /// The seed.
    pub seed: u64,
    /// Validation loss after the sweep's steps.
    pub val_loss: f64,
    /// Validation accuracy, for classification tasks.
    pub accuracy: Option<f64>,
    /// The task's baseline loss at this length.
    pub baseline: f64,
    /// `(step, validation loss)` at each of [`curve_steps`] reached (the last is `val_loss`;
    /// a run that failed stops early).
    pub curve: Vec<(u64, f64)>,

    /// Mean wall-clock milliseconds of one training step of this job (forward, backward and
    /// update only, timed on the clock given to [`Sweep::advance`]) after its first, which
    /// sizes the buffers (the first alone when it is the only one); NaN when no step ran.
    #[serde(default = "nan")]
    pub ms_per_step: f64,
    /// FLOPs of one training step from the cost formulas (`cost::cost_of`,
    /// `model_cost::model_cost`) at this length and batch.
    #[serde(default = "nan")]
    pub flops_per_step: f64,
}

/// Validation points per curve.
pub const CURVE_POINTS: u64 = 20;

/// The steps at which a job of `steps` steps is validated: `⌈k·steps/20⌉` for k = 1…20,
/// without repeats, so the last is `steps` itself.
pub fn curve_steps(steps: u64) -> Vec<u64> {
    let mut v: Vec<u64> = (1..=CURVE_POINTS)
        .map(|k| (k * steps).div_ceil(CURVE_POINTS))
        .collect();
    v.dedup();
    v
}

fn nan() -> f64 {
    f64::NAN
}

/// What a sweep found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SweepTable {
    /// Model labels ("GRU", "LSTM", …, then "TCN", "Attention"), in the settings' order.
    pub cells: Vec<String>,
    /// The lengths, in the order given.
    pub lengths: Vec<usize>,
    /// Training steps of every job.
    pub steps: u64,
    /// Seeds per cell and length (`seed`, `seed + 1`, …).
    pub seeds: u32,
    /// One point per finished job, in the order run.
    pub points: Vec<SweepPoint>,
    /// Whether the sweep was cancelled before every job ran.
    pub cancelled: bool,
    /// What the lengths set: `T`, or copy memory's delay.
    #[serde(default)]
    pub knob: SweepKnob,
    /// The settings the runs trained with (a link's query, live lr and clip as they were).
    #[serde(default)]
    pub query: String,
}

/// Parses a list of lengths as typed, e.g. `20, 40 80` (commas or spaces).
///
/// # Errors
/// One line quoting what is not a whole number (the task checks the range).
pub fn parse_lengths(text: &str) -> Result<Vec<usize>, String> {
    let v = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.parse::<usize>().map_err(|_| {
                format!(
                    "sweep lengths: '{}' is not a whole number",
                    crate::settings::param::clip_for_message(w)
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if v.is_empty() {
        return Err("sweep lengths: give at least one, e.g. 20, 40, 80".into());
    }
    Ok(v)
}

/// One cell's result at one length over its seeds (finite losses only).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepStat {
    /// The length.
    pub len: usize,
    /// Mean final validation loss.
    pub mean: f64,
    /// Lowest.
    pub min: f64,
    /// Highest.
    pub max: f64,
    /// Seeds whose loss was finite.
    pub n: usize,
}

impl SweepTable {
    /// Per cell, one [`SweepStat`] per length that has a finite point, lengths ascending.
    pub fn curves(&self) -> Vec<Vec<SweepStat>> {
        self.curves_of(|p| p.val_loss)
    }

    /// [`Self::curves`] of any per-point figure `f` (e.g. the measured ms per step).
    pub fn curves_of(&self, f: impl Fn(&SweepPoint) -> f64) -> Vec<Vec<SweepStat>> {
        let mut lens = self.lengths.clone();
        lens.sort_unstable();
        lens.dedup();
        (0..self.cells.len())
            .map(|c| {
                lens.iter()
                    .filter_map(|&len| {
                        let v: Vec<f64> = self
                            .points
                            .iter()
                            .filter(|p| p.cell == c && p.len == len && f(p).is_finite())
                            .map(&f)
                            .collect();
                        (!v.is_empty()).then(|| SweepStat {
                            len,
                            mean: v.iter().sum::<f64>() / v.len() as f64,
                            min: v.iter().copied().fold(f64::INFINITY, f64::min),
                            max: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                            n: v.len(),
                        })
                    })
                    .collect()
            })
            .collect()
    }
}
