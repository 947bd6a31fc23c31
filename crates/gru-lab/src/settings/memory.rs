//! The memory the runs of a [`Settings`] keep, estimated before any is built, and the budget
//! that refuses what the worker could not hold: wasm32 addresses at most 4 GiB, and a run
//! that outgrows it ends the worker and every model in it.
//!
//! Per run the estimate is the activations BPTT keeps (the cost table's "memory", per
//! sequence) over one training batch plus the validation set, which is evaluated in one pass
//! of [`VALIDATION_SIZE`] sequences, times [`OVERHEAD`] for the workspaces beside the cache.

use gru_core::trainer::VALIDATION_SIZE;

use gru_core::model::Direction;

use super::Settings;
use crate::cost::cost_of;
use crate::fmt::fmt_si;
use crate::model_cost::model_cost;

/// Most bytes the runs of one lab may be estimated to keep (3 GiB of wasm32's 4).
pub const MEMORY_BUDGET: f64 = (3u64 << 30) as f64;

/// Measured peak memory over the activation formula: the input projections, gradient buffers
/// and output rows beside the cache (1.22 measured natively: a 4-layer bidirectional LSTM,
/// T = 100, H = 128, batch 256, after `Lab::new` and after its first step).
const OVERHEAD: f64 = 1.25;

impl Settings {
    /// Estimated bytes each run of these settings keeps, in run order: its activations over
    /// one training batch and over the validation set, with [`OVERHEAD`], plus its fixed
    /// training set (`train_n` sequences) when it has one.
    ///
    /// # Errors
    /// A message naming the setting when a run's config is invalid.
    pub fn run_memory_bytes(&self) -> Result<Vec<f64>, String> {
        let task = self.task_config()?.build().map_err(|e| e.to_string())?;
        // Inputs and targets of every step of the fixed set, f32.
        let fixed =
            (self.train_n * task.seq_len() * (task.input_size() + task.output_size()) * 4) as f64;
        let per_batch = |activation_bytes: u64, batch: usize| {
            let seqs = (batch + VALIDATION_SIZE) as f64 / batch.max(1) as f64;
            activation_bytes as f64 * seqs * OVERHEAD + fixed
        };
        let mut runs = Vec::new();
        for spec in self.run_specs() {
            let cfg = self.spec_config(&spec)?;
            runs.push(per_batch(cost_of(&cfg)?.activation_bytes, cfg.batch));
        }
        for &m in &self.models {
            runs.push(per_batch(model_cost(self, m)?.activation_bytes, self.batch));
        }
        Ok(runs)
    }

    /// Estimated bytes all runs of these settings keep together.
    ///
    /// # Errors
    /// As [`Self::run_memory_bytes`].
    pub fn memory_bytes(&self) -> Result<f64, String> {
        Ok(self.run_memory_bytes()?.iter().sum())
    }

    /// Refuses settings whose runs would keep more than [`MEMORY_BUDGET`].
    ///
    /// # Errors
    /// One line with the estimate and the budget (the caller says what to do).
    pub fn check_memory(&self) -> Result<(), String> {
        let bytes = self.memory_bytes()?;
        if bytes <= MEMORY_BUDGET {
            return Ok(());
        }
        Err(format!(
            "memory: these {} runs would keep about {} (a batch and the {VALIDATION_SIZE} validation sequences); a page can hold {}",
            self.run_specs().len() + self.models.len(),
            fmt_si(bytes, "B"),
            fmt_si(MEMORY_BUDGET, "B"),
        ))
    }

    /// [`Self::check_memory`], with what lowers the figure.
    ///
    /// # Errors
    /// As [`Self::check_memory`].
    pub fn check_memory_to_apply(&self) -> Result<(), String> {
        self.check_memory()
            .map_err(|e| format!("{e}: lower T, hidden, layers, batch or the cells"))
    }

    /// Shrinks the runs until they fit the budget — halves the batch, then drops layers, then
    /// halves the hidden size, then trains one way; the cells last — and says what it
    /// changed. A head count that no longer divides the width, or an attention model over
    /// its limit, falls back as in a link.
    pub fn shrink_to_fit(&mut self) -> String {
        let before = (
            self.batch,
            self.layers,
            self.hidden,
            self.direction,
            self.cells.clone(),
        );
        while self.check_memory().is_err() {
            if self.batch > 1 {
                self.batch /= 2;
            } else if self.layers > 1 {
                self.layers -= 1;
            } else if self.hidden > 1 {
                self.hidden /= 2;
            } else if self.direction == Direction::Bidirectional {
                (self.direction, self.oneway_twin) = (Direction::Forward, false);
            } else {
                let page = Settings::default().with_page_from(self);
                *self = page;
                break;
            }
        }
        if self.check_heads().is_err() {
            self.heads = Settings::default().heads;
        }
        if self.check_models().is_err() {
            self.models.clear();
        }
        let mut changed = Vec::new();
        for (key, was, now) in [
            ("batch", before.0, self.batch),
            ("layers", before.1, self.layers),
            ("hidden", before.2, self.hidden),
        ] {
            if was != now {
                changed.push(format!("{key} {now}"));
            }
        }
        if before.3 != self.direction {
            changed.push("one-way".into());
        }
        if before.4 != self.cells {
            changed.push("the default cells".into());
        }
        format!("it fits with {}", changed.join(", "))
    }

    /// Refuses a sweep whose longest runs would not fit beside the page's own runs, which
    /// stay in memory while one sweep run at a time trains.
    ///
    /// # Errors
    /// One line with both figures and the budget.
    pub fn check_sweep_memory(&self, longest: &Settings) -> Result<(), String> {
        let lab = self.memory_bytes()?;
        let job = longest.run_memory_bytes()?.into_iter().fold(0.0, f64::max);
        if lab + job <= MEMORY_BUDGET {
            return Ok(());
        }
        Err(format!(
            "memory: a run at this length keeps about {} beside the page's runs' {}; a page can hold {}: use shorter lengths",
            fmt_si(job, "B"),
            fmt_si(lab, "B"),
            fmt_si(MEMORY_BUDGET, "B"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use gru_core::cell::CellKind;
    use gru_core::model::Direction;

    use super::*;

    #[test]
    fn the_largest_single_runs_fit_and_a_hostile_combination_is_refused() {
        // The biggest live configuration, with the default cells (GRU and RNN).
        let (s, e) = Settings::from_query("T=1000&hidden=128&batch=1");
        assert!(e.is_empty(), "{e:?}");
        let fits = s.memory_bytes().expect("valid");
        assert!(fits < MEMORY_BUDGET, "{}", fits / 1e9);
        // README: all three cells at that size fit too.
        let (three, e) = Settings::from_query("T=1000&hidden=128&batch=1&cells=gru,lstm,rnn");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(three.cells.len(), 3);
        // One GRU, T = 1000, H = 128: about 3 MB of activations per sequence, 257 sequences.
        let (gru, _) = Settings::from_query("T=1000&hidden=128&batch=1&cells=gru");
        let b = gru.memory_bytes().expect("valid") / OVERHEAD;
        assert!((0.75e9..0.85e9).contains(&b), "{b}");
        // Every setting in range, together about 70 GB: refused by name, in one line.
        let big = Settings {
            task: "copy",
            knob: 1000,
            cells: vec![CellKind::Lstm, CellKind::Gru, CellKind::GruTorch],
            hidden: 128,
            layers: 4,
            direction: Direction::Bidirectional,
            oneway_twin: true,
            batch: 256,
            ..Settings::default()
        };
        let e = big.check_memory().expect_err("too big");
        assert!(
            e.starts_with("memory: these 6 runs would keep about "),
            "{e}"
        );
        assert!(e.contains("a page can hold 3.22 GB"), "{e}");
        assert!(!e.contains('\n'));
        // A link asking for it keeps what fits: the batch shrinks first, and the message
        // says to what.
        let (s, e) = Settings::from_query(&big.to_query());
        assert!(e.iter().any(|m| m.starts_with("memory: ")), "{e:?}");
        assert!(s.check_memory().is_ok());
        assert_eq!(s.task, "copy", "the task is kept");
    }

    #[test]
    fn a_link_too_big_shrinks_only_as_far_as_it_must_and_stays_valid() {
        // README's three cells fit at one layer: only the second layer goes.
        let (s, e) = Settings::from_query("T=1000&hidden=128&batch=1&cells=gru,lstm,rnn&layers=2");
        assert_eq!((s.batch, s.layers, s.hidden), (1, 1, 128));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].ends_with("; it fits with layers 1"), "{e:?}");
        // Shrinking never raises a setting, and leaves the attention model and its heads valid.
        for q in [
            "cells=gru,attn&T=1000&hidden=128&batch=16",
            "T=500&cells=gru,lstm,gru_torch,attn&hidden=120&heads=3&batch=16&layers=4",
            "task=copy&T=1000&cells=lstm,gru,gru_torch&hidden=128&layers=4&bi=1&oneway=1&batch=256",
        ] {
            let asked = |key: &str, default: usize| {
                q.split('&')
                    .find_map(|p| p.strip_prefix(&format!("{key}=")))
                    .map_or(default, |v| v.parse().expect("a number"))
            };
            let d = Settings::default();
            let (s, e) = Settings::from_query(q);
            assert!(e.iter().any(|m| m.starts_with("memory: ")), "{q}: {e:?}");
            assert!(s.batch <= asked("batch", d.batch), "{q}");
            assert!(s.hidden <= asked("hidden", d.hidden), "{q}");
            assert!(s.check_memory().is_ok(), "{q}");
            assert!(s.check_heads().is_ok() && s.check_models().is_ok(), "{q}");
            assert!(s.train_config(s.cells[0]).is_ok(), "{q}");
        }
    }

    #[test]
    fn a_sweep_counts_the_page_runs_beside_its_own() {
        // The page's three cells at T=1000 H=128 B=1 fill most of the budget: a sweep run of
        // the same size does not fit beside them, a short one does.
        let (page, _) = Settings::from_query("T=1000&hidden=128&batch=1&cells=gru,lstm,rnn");
        let at = |knob| Settings {
            knob,
            ..page.clone()
        };
        let e = page.check_sweep_memory(&at(1000)).expect_err("too big");
        assert!(e.ends_with("use shorter lengths"), "{e}");
        assert!(page.check_sweep_memory(&at(50)).is_ok());
    }
}
