//! The memory the runs of a [`Settings`] keep, estimated before any is built, and the budget
//! that refuses what the worker could not hold: wasm32 addresses at most 4 GiB, and a run
//! that outgrows it ends the worker and every model in it.
//!
//! Per run the estimate is the activations BPTT keeps (the cost table's "memory", per
//! sequence) over one training batch plus the validation set, which is evaluated in one pass
//! of [`VALIDATION_SIZE`] sequences, times [`OVERHEAD`] for the workspaces beside the cache.

use gru_core::trainer::VALIDATION_SIZE;

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
    /// Estimated bytes every run of these settings keeps: its activations over one training
    /// batch and over the validation set, with [`OVERHEAD`].
    ///
    /// # Errors
    /// A message naming the setting when a run's config is invalid.
    pub fn memory_bytes(&self) -> Result<f64, String> {
        let per_batch = |activation_bytes: u64, batch: usize| {
            activation_bytes as f64 * (batch + VALIDATION_SIZE) as f64 / batch.max(1) as f64
        };
        let mut total = 0.0;
        for spec in self.run_specs() {
            let cfg = self.spec_config(&spec)?;
            total += per_batch(cost_of(&cfg)?.activation_bytes, cfg.batch);
        }
        for &m in &self.models {
            total += per_batch(model_cost(self, m)?.activation_bytes, self.batch);
        }
        Ok(total * OVERHEAD)
    }

    /// Refuses settings whose runs would keep more than [`MEMORY_BUDGET`].
    ///
    /// # Errors
    /// One line with the estimate and what lowers it.
    pub fn check_memory(&self) -> Result<(), String> {
        let bytes = self.memory_bytes()?;
        if bytes <= MEMORY_BUDGET {
            return Ok(());
        }
        Err(format!(
            "memory: these {} runs would keep about {} (T, hidden size, layers, batch and the {VALIDATION_SIZE} validation sequences); a page can hold {} — lower T, hidden, layers, batch or the number of cells",
            self.run_specs().len() + self.models.len(),
            fmt_si(bytes, "B"),
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
        // A link asking for it keeps what fits: the batch falls back first, and the message
        // says why.
        let (s, e) = Settings::from_query(&big.to_query());
        assert!(e.iter().any(|m| m.starts_with("memory: ")), "{e:?}");
        assert!(s.check_memory().is_ok());
        assert_eq!(s.task, "copy", "the task is kept");
    }
}
