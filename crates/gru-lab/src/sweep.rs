//! The length sweep ("breaking point"): for each sequence length `T` in a list, train every
//! compared cell from scratch for a fixed number of steps with each of `seeds` seeds, and
//! record the final validation loss and accuracy. Runs cooperatively: [`Sweep::advance`]
//! trains at most a given number of steps and returns, so the worker can answer the page
//! between slices; [`Sweep::cancel`] stops it. Jobs run in the order length, then seed, then
//! cell (so each length's comparison is complete before the next one starts).

use gru_core::{TrainConfig, Trainer};
use serde::{Deserialize, Serialize};

use crate::settings::Settings;

/// Most jobs (cells × lengths × seeds) one sweep may hold.
pub const MAX_JOBS: usize = 120;

/// One finished training run of the sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// Index into [`SweepTable::cells`].
    pub cell: usize,
    /// The sequence length (the task's knob).
    pub len: usize,
    /// The seed.
    pub seed: u64,
    /// Validation loss after the sweep's steps.
    pub val_loss: f64,
    /// Validation accuracy, for classification tasks.
    pub accuracy: Option<f64>,
    /// The task's baseline loss at this length.
    pub baseline: f64,
}

/// What a sweep found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SweepTable {
    /// Cell labels ("GRU", "LSTM", …), in the settings' order.
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
                            .filter(|p| p.cell == c && p.len == len && p.val_loss.is_finite())
                            .map(|p| p.val_loss)
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

/// A sweep in progress.
pub struct Sweep {
    /// The training config of every job, in run order.
    jobs: Vec<(usize, TrainConfig)>,
    /// The job being trained.
    current: Option<Trainer<f32>>,
    /// Jobs finished.
    done: usize,
    table: SweepTable,
    cancelled: bool,
}

impl Sweep {
    /// A sweep of `settings`' cells over `lengths`, `steps` steps per job, `seeds` seeds
    /// (`settings.seed`, `+1`, …).
    ///
    /// # Errors
    /// One line naming what is out of range (no lengths, a length the task refuses, zero
    /// steps or seeds, or more than [`MAX_JOBS`] jobs).
    pub fn new(
        settings: &Settings,
        lengths: &[usize],
        steps: u64,
        seeds: u32,
    ) -> Result<Self, String> {
        let n_jobs = lengths.len() * settings.cells.len() * seeds as usize;
        if lengths.is_empty() || steps == 0 || seeds == 0 {
            return Err("sweep: give at least one length, one step and one seed".into());
        }
        if n_jobs > MAX_JOBS {
            return Err(format!(
                "sweep: {n_jobs} runs (cells × lengths × seeds) is more than {MAX_JOBS}"
            ));
        }
        let mut jobs = Vec::with_capacity(n_jobs);
        for &len in lengths {
            for k in 0..u64::from(seeds) {
                for (c, &cell) in settings.cells.iter().enumerate() {
                    let s = Settings {
                        knob: len,
                        seed: settings.seed.wrapping_add(k),
                        ..settings.clone()
                    };
                    let cfg = s.train_config(cell).map_err(|e| format!("sweep: {e}"))?;
                    jobs.push((c, cfg));
                }
            }
        }
        Ok(Self {
            jobs,
            current: None,
            done: 0,
            table: SweepTable {
                cells: settings
                    .cells
                    .iter()
                    .map(|c| c.label().to_string())
                    .collect(),
                lengths: lengths.to_vec(),
                steps,
                seeds,
                points: Vec::new(),
                cancelled: false,
            },
            cancelled: false,
        })
    }

    /// Trains at most `max_steps` steps of the remaining jobs; returns `true` when the sweep is
    /// finished (or cancelled). A job whose loss turns NaN/∞ ends at once with that loss.
    pub fn advance(&mut self, max_steps: u64) -> bool {
        let mut left = max_steps;
        while left > 0 && !self.finished() {
            let steps = self.table.steps;
            if self.current.is_none() {
                let cfg = self.jobs[self.done].1.clone();
                match Trainer::new(cfg) {
                    Ok(t) => self.current = Some(t),
                    Err(_) => {
                        // Configs were checked in `new`; record a failed job if one still fails.
                        self.finish(f64::NAN, None, f64::NAN);
                        continue;
                    }
                }
            }
            let Some(tr) = self.current.as_mut() else {
                break;
            };
            let mut failed = false;
            while left > 0 && tr.step_idx() < steps {
                left -= 1;
                if tr.train_step().is_err() {
                    failed = true;
                    break;
                }
            }
            if failed || tr.step_idx() >= steps {
                let base = tr.task.baseline().loss;
                let (loss, acc) = if failed {
                    (f64::NAN, None)
                } else {
                    let s = tr.evaluate();
                    (s.loss, s.accuracy())
                };
                self.finish(loss, acc, base);
            }
        }
        self.finished()
    }

    fn finish(&mut self, val_loss: f64, accuracy: Option<f64>, baseline: f64) {
        let (cell, cfg) = &self.jobs[self.done];
        self.table.points.push(SweepPoint {
            cell: *cell,
            len: cfg.task.knob(),
            seed: cfg.seed,
            val_loss,
            accuracy,
            baseline,
        });
        self.current = None;
        self.done += 1;
    }

    /// Stops the sweep; the points so far stay in the table.
    pub fn cancel(&mut self) {
        self.cancelled = true;
        self.table.cancelled = !self.table.points.len().eq(&self.jobs.len());
        self.current = None;
    }

    /// Whether every job has run or the sweep was cancelled.
    pub fn finished(&self) -> bool {
        self.cancelled || self.done == self.jobs.len()
    }

    /// Whether [`Self::cancel`] stopped it.
    pub fn cancelled(&self) -> bool {
        self.cancelled
    }

    /// `(steps trained, steps in all)` over every job.
    pub fn progress(&self) -> (usize, usize) {
        let steps = self.table.steps as usize;
        let current = self.current.as_ref().map_or(0, |t| t.step_idx() as usize);
        (self.done * steps + current, self.jobs.len() * steps)
    }

    /// The results so far.
    pub fn table(&self) -> &SweepTable {
        &self.table
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gru_core::cell::CellKind;

    fn settings() -> Settings {
        Settings {
            cells: vec![CellKind::Gru, CellKind::RnnTanh],
            hidden: 8,
            batch: 8,
            ..Settings::default()
        }
    }

    #[test]
    fn jobs_run_length_then_seed_then_cell_and_equal_a_plain_trainer() {
        let s = settings();
        let mut sw = Sweep::new(&s, &[5, 12], 7, 2).expect("valid");
        assert_eq!(sw.progress(), (0, 8 * 7));
        let mut slices = 0;
        while !sw.advance(3) {
            slices += 1;
            assert!(slices < 100);
        }
        assert_eq!(sw.progress(), (56, 56));
        let order: Vec<(usize, usize, u64)> = sw
            .table()
            .points
            .iter()
            .map(|p| (p.len, p.cell, p.seed))
            .collect();
        assert_eq!(
            order,
            vec![
                (5, 0, 1),
                (5, 1, 1),
                (5, 0, 2),
                (5, 1, 2),
                (12, 0, 1),
                (12, 1, 1),
                (12, 0, 2),
                (12, 1, 2)
            ]
        );
        // Every point is what a plain Trainer gives for that config after 7 steps.
        for p in &sw.table().points {
            let cfg = Settings {
                knob: p.len,
                seed: p.seed,
                ..s.clone()
            }
            .train_config(s.cells[p.cell])
            .expect("valid");
            let mut tr = Trainer::<f32>::new(cfg).expect("valid");
            for _ in 0..7 {
                tr.train_step().expect("finite");
            }
            let e = tr.evaluate();
            assert_eq!((p.val_loss, p.accuracy), (e.loss, e.accuracy()), "{p:?}");
            assert_eq!(p.baseline, tr.task.baseline().loss);
        }
        assert_eq!(sw.table().cells, vec!["GRU", "RNN"]);
    }

    #[test]
    fn curves_give_mean_and_spread_per_cell_and_length() {
        let pt = |cell, len, val_loss| SweepPoint {
            cell,
            len,
            seed: 0,
            val_loss,
            accuracy: None,
            baseline: 1.0,
        };
        let t = SweepTable {
            cells: vec!["GRU".into(), "RNN".into()],
            lengths: vec![20, 10],
            points: vec![
                pt(0, 20, 0.5),
                pt(0, 20, 0.1),
                pt(1, 20, f64::NAN),
                pt(0, 10, 0.3),
                pt(1, 10, 0.4),
            ],
            ..SweepTable::default()
        };
        let c = t.curves();
        assert_eq!(c[0].len(), 2);
        assert_eq!((c[0][0].len, c[0][0].mean, c[0][0].n), (10, 0.3, 1));
        let s = c[0][1];
        assert_eq!((s.len, s.min, s.max, s.n), (20, 0.1, 0.5, 2));
        assert!((s.mean - 0.3).abs() < 1e-12);
        assert_eq!(c[1].len(), 1, "a NaN run leaves its length out");
    }

    #[test]
    fn a_cancelled_sweep_stops_and_keeps_what_it_finished() {
        let mut sw = Sweep::new(&settings(), &[5, 6, 7], 4, 1).expect("valid");
        assert!(!sw.advance(9)); // two jobs done, the third one step in
        assert_eq!(sw.table().points.len(), 2);
        assert_eq!(sw.progress(), (9, 24));
        sw.cancel();
        assert!(sw.finished() && sw.cancelled());
        assert!(sw.advance(100));
        assert_eq!(sw.table().points.len(), 2, "nothing trains after a cancel");
    }

    #[test]
    fn lengths_parse_from_commas_or_spaces() {
        assert_eq!(parse_lengths(" 20, 40 80,"), Ok(vec![20, 40, 80]));
        assert!(parse_lengths("20, x").unwrap_err().contains("'x'"));
        assert!(parse_lengths(" , ").is_err());
    }

    #[test]
    fn bad_sweeps_are_refused_by_name() {
        let s = settings();
        assert!(Sweep::new(&s, &[], 5, 1)
            .err()
            .unwrap_or_default()
            .starts_with("sweep:"));
        assert!(Sweep::new(&s, &[5], 0, 1).is_err());
        assert!(Sweep::new(&s, &[5], 5, 0).is_err());
        let e = Sweep::new(&s, &[1], 5, 1)
            .err()
            .expect("T = 1 is too short");
        assert!(e.starts_with("sweep: T: 1"), "{e}");
        let many: Vec<usize> = (2..80).collect();
        assert!(Sweep::new(&s, &many, 5, 1)
            .err()
            .unwrap_or_default()
            .contains("more than"));
    }
}
