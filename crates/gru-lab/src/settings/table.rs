//! The parameter table: every setting declared once — URL key (and any older key still
//! accepted), label, tooltip, range, whether it applies live — driving the URL codec, the
//! validation and the page's form. The types are in [`super::param`].

use gru_core::model::Direction;

use super::legacy::legacy_speed;
use super::models::{HEADS, POSITIONS, TCN_KERNEL, TCN_LEVELS};
use super::param::{Applies, Field, Group, Legacy, Param};
use super::surgery::{BF, BZ, CUT, F, R, WSCALE, Z};
use crate::sweep::{MAX_SWEEP_SEEDS, MAX_SWEEP_STEPS};

use super::{Budget, Optimizer, MAX_HIDDEN, MAX_KNOB, TASKS};

/// The values of `q`: closed, the list (`list` or `0`, written `list`), or question 1–10
/// (index `n + 2` holds question `n`).
const QUESTION_IDS: &[(&str, &str)] = &[
    ("off", "closed"),
    ("list", "the list of questions"),
    ("0", "the list of questions"),
    ("1", "question 1"),
    ("2", "question 2"),
    ("3", "question 3"),
    ("4", "question 4"),
    ("5", "question 5"),
    ("6", "question 6"),
    ("7", "question 7"),
    ("8", "question 8"),
    ("9", "question 9"),
    ("10", "question 10"),
];

const BUDGETS: &[(&str, &str)] = &[("off", "off: one H"), ("gru", "the GRU's params")];

const OPTIMIZERS: &[(&str, &str)] = &[("adam", "Adam"), ("sgd", "SGD + momentum 0.9")];

/// Every setting, in form order.
pub static PARAMS: &[Param] = &[
    Param {
        key: "task",
        legacy: None,
        label: "Task",
        tip: "The toy problem the networks learn",
        field: Field::Choice {
            options: TASKS,
            get: |s| s.task,
            put: |s, v| s.task = v,
        },
        applies: Applies::OnReset,
        group: Group::Task,
    },
    Param {
        key: "T",
        legacy: None,
        label: "Sequence length",
        tip: "The task's length: steps per sequence (copy memory: the delay; parity: the bits) — longer is harder to carry across",
        field: Field::Count {
            min: 0,
            max: MAX_KNOB as u64,
            get: |s| s.knob as u64,
            put: |s, v| s.knob = v as usize,
        },
        applies: Applies::OnReset,
        group: Group::Task,
    },
    Param {
        key: "cells",
        legacy: None,
        label: "Cells, trained side by side",
        tip: "One to three cells trained on the same data from the same seed, and beside them a TCN or one-layer attention model",
        field: Field::Cells,
        applies: Applies::OnReset,
        group: Group::Cells,
    },
    Param {
        key: "hidden",
        legacy: None,
        label: "Hidden units",
        tip: "Units per layer (1–128)",
        field: Field::Count {
            min: 1,
            max: MAX_HIDDEN as u64,
            get: |s| s.hidden as u64,
            put: |s, v| s.hidden = v as usize,
        },
        applies: Applies::OnReset,
        group: Group::Model,
    },
    Param {
        key: "budget",
        legacy: None,
        label: "Parameter budget",
        tip: "off: every compared cell has the hidden size above. gru: give every other compared cell the largest hidden size (up to 128) whose parameters are at most the GRU's at this hidden size; the Compare table shows each H",
        field: Field::Choice {
            options: BUDGETS,
            get: |s| match s.budget {
                Budget::Off => "off",
                Budget::Gru => "gru",
            },
            put: |s, v| {
                s.budget = if v == "gru" { Budget::Gru } else { Budget::Off }
            },
        },
        applies: Applies::OnReset,
        group: Group::Model,
    },
    Param {
        key: "layers",
        legacy: None,
        label: "Layers",
        tip: "Stacked recurrent layers (1–4); pick the one to look inside above the gate maps",
        field: Field::Count {
            min: 1,
            max: 4,
            get: |s| s.layers as u64,
            put: |s, v| s.layers = v as usize,
        },
        applies: Applies::OnReset,
        group: Group::Model,
    },
    Param {
        key: "bi",
        legacy: None,
        label: "bidirectional",
        tip: "Run every layer forwards and backwards in time",
        field: Field::Switch {
            get: |s| s.direction == Direction::Bidirectional,
            put: |s, on| {
                s.direction = if on {
                    Direction::Bidirectional
                } else {
                    Direction::Forward
                }
            },
        },
        applies: Applies::OnReset,
        group: Group::Model,
    },
    Param {
        key: "oneway",
        legacy: None,
        label: "also one-way",
        tip: "With bidirectional on: also train a one-way twin of every cell (same hidden size, data and seed) to see what the backward direction adds",
        field: Field::Switch {
            get: |s| s.oneway_twin,
            put: |s, on| s.oneway_twin = on,
        },
        applies: Applies::OnReset,
        group: Group::Model,
    },
    Param {
        key: "dropout",
        legacy: None,
        label: "Input dropout",
        tip: "Chance of zeroing each input while training (0–0.9)",
        field: Field::Real {
            min: 0.0,
            max: 0.9,
            get: |s| s.input_dropout,
            put: |s, v| s.input_dropout = v,
        },
        applies: Applies::OnReset,
        group: Group::Model,
    },
    Param {
        key: "rdropout",
        legacy: None,
        label: "Recurrent dropout",
        tip: "Chance of zeroing each unit of h(t−1) on its way into the recurrent weights, one mask per sequence (0–0.9)",
        field: Field::Real {
            min: 0.0,
            max: 0.9,
            get: |s| s.recurrent_dropout,
            put: |s, v| s.recurrent_dropout = v,
        },
        applies: Applies::OnReset,
        group: Group::Model,
    },
    WSCALE,
    TCN_LEVELS,
    TCN_KERNEL,
    HEADS,
    POSITIONS,
    Param {
        key: "lr",
        legacy: None,
        label: "Learning rate",
        tip: "Step size of the optimiser; applies at once (unless other changes wait for Apply and reset: then with them)",
        field: Field::Real {
            min: 1e-5,
            max: 1.0,
            get: |s| s.lr,
            put: |s, v| s.lr = v,
        },
        applies: Applies::Live,
        group: Group::Training,
    },
    Param {
        key: "opt",
        legacy: None,
        label: "Optimizer",
        tip: "Adam adapts the step per weight; SGD uses momentum 0.9",
        field: Field::Choice {
            options: OPTIMIZERS,
            get: |s| match s.optimizer {
                Optimizer::Adam => "adam",
                Optimizer::Sgd => "sgd",
            },
            put: |s, v| {
                s.optimizer = if v == "sgd" {
                    Optimizer::Sgd
                } else {
                    Optimizer::Adam
                }
            },
        },
        applies: Applies::OnReset,
        group: Group::Training,
    },
    Param {
        key: "clip",
        legacy: None,
        label: "Gradient clip",
        tip: "Largest allowed gradient norm, 0 = no clipping; applies at once (unless other changes wait for Apply and reset: then with them)",
        field: Field::Real {
            min: 0.0,
            max: 100.0,
            get: |s| s.clip,
            put: |s, v| s.clip = v,
        },
        applies: Applies::Live,
        group: Group::Training,
    },
    Param {
        key: "batch",
        legacy: None,
        label: "Batch size",
        tip: "Sequences per training step (1–256)",
        field: Field::Count {
            min: 1,
            max: 256,
            get: |s| s.batch as u64,
            put: |s, v| s.batch = v as usize,
        },
        applies: Applies::OnReset,
        group: Group::Training,
    },
    Param {
        key: "train_n",
        legacy: None,
        label: "Training set size",
        tip: "0 = fresh sequences every step; 8–4096 = a fixed set of that many sequences, cycled in minibatches, so over-fitting shows as training loss below validation loss",
        field: Field::Count {
            min: 0,
            max: 4096,
            get: |s| s.train_n as u64,
            put: |s, v| s.train_n = v as usize,
        },
        applies: Applies::OnReset,
        group: Group::Training,
    },
    Param {
        key: "seed",
        legacy: None,
        label: "Seed",
        tip: "Fixes the initial weights, the data and dropout: same seed, same run",
        field: Field::Count {
            min: 0,
            max: u32::MAX as u64,
            get: |s| s.seed,
            put: |s, v| s.seed = v,
        },
        applies: Applies::OnReset,
        group: Group::Training,
    },
    Param {
        key: "sps",
        legacy: Some(Legacy {
            key: "speed",
            convert: legacy_speed,
        }),
        label: "Speed (steps/s)",
        tip: "Training steps per second: slow motion (0.5) to full speed (max); applies at once (unless other changes wait for Apply and reset: then with them)",
        field: Field::Rate {
            min: 0.5,
            max: 1000.0,
        },
        applies: Applies::Live,
        group: Group::Training,
    },
    Z,
    R,
    CUT,
    F,
    BZ,
    BF,
    Param {
        key: "seeds",
        legacy: None,
        label: "Sweep seeds",
        tip: "Seeds per model in the length sweep (seed, seed+1, …); with one length it compares the models' validation curves over the seeds",
        field: Field::Count {
            min: 1,
            max: MAX_SWEEP_SEEDS as u64,
            get: |s| u64::from(s.sweep_seeds),
            put: |s, v| s.sweep_seeds = v as u32,
        },
        applies: Applies::Live,
        group: Group::Page,
    },
    Param {
        key: "sweep_steps",
        legacy: None,
        label: "Sweep steps",
        tip: "Training steps of every run in the length sweep (each starts from fresh weights)",
        field: Field::Count {
            min: 1,
            max: MAX_SWEEP_STEPS,
            get: |s| s.sweep_steps,
            put: |s, v| s.sweep_steps = v,
        },
        applies: Applies::Live,
        group: Group::Page,
    },
    Param {
        key: "hide",
        legacy: None,
        label: "Hidden parts",
        tip: "Page parts a classroom link hides, e.g. hide=settings,loss",
        field: Field::Panels,
        applies: Applies::Live,
        group: Group::Page,
    },
    Param {
        key: "q",
        legacy: None,
        label: "Interview question",
        tip: "Opens interview mode: q=list (or 0) the ten questions, q=1 … q=10 one of them",
        field: Field::Choice {
            options: QUESTION_IDS,
            get: |s| match s.question {
                None => "off",
                Some(0) => "list",
                Some(n) => QUESTION_IDS.get(n + 2).map_or("list", |o| o.0),
            },
            put: |s, v| {
                s.question = match v {
                    "off" => None,
                    "list" | "0" => Some(0),
                    n => n.parse::<usize>().ok(),
                }
            },
        },
        applies: Applies::Live,
        group: Group::Page,
    },
    Param {
        key: "bench",
        legacy: None,
        label: "Benchmark",
        tip: "bench=kernels measures the training step's kernels in this browser (GFLOP/s per shape)",
        field: Field::Choice {
            options: &[("off", "no benchmark"), ("kernels", "the kernel report")],
            get: |s| if s.bench_kernels { "kernels" } else { "off" },
            put: |s, v| s.bench_kernels = v == "kernels",
        },
        applies: Applies::Live,
        group: Group::Page,
    },
    Param {
        key: "presenter",
        legacy: None,
        label: "Presenter",
        tip: "Larger page text for projectors",
        field: Field::Switch {
            get: |s| s.presenter,
            put: |s, v| s.presenter = v,
        },
        applies: Applies::Live,
        group: Group::Page,
    },
];

/// The setting with URL key `key` (an older key is converted by the query parser, not here).
pub fn param(key: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| p.key == key)
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
