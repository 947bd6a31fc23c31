//! The user's settings as one typed table, with a URL query-string round trip (Playground's
//! `state.ts`): every run the page shows can be shared as a link. Parsing never fails as a
//! whole: a bad parameter keeps its default and yields a message naming it.

use gru_core::cell::CellKind;
use gru_core::model::{Direction, Init};
use gru_core::optim::OptimizerConfig;
use gru_core::task::TaskConfig;
use gru_core::TrainConfig;

/// Longest sequence (or delay) the page offers: the analysis redraws live, so keep it snappy.
pub const MAX_KNOB: usize = 200;

/// The tasks the page offers: URL id, and a builder from the knob.
pub const TASKS: &[(&str, &str)] = &[
    ("adding", "Adding problem"),
    ("copy", "Copy memory"),
    ("order", "Temporal order"),
    ("latch", "Latch (delayed recall)"),
    ("parity", "Parity"),
    ("sine", "Sine prediction"),
];

/// The cells the page offers: URL id and kind.
pub const CELLS: &[(&str, CellKind)] = &[
    ("gru", CellKind::Gru),
    ("rnn", CellKind::RnnTanh),
    ("lstm", CellKind::Lstm),
    ("gru_torch", CellKind::GruTorch),
];

/// Which optimiser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opt {
    /// Adam.
    Adam,
    /// SGD with momentum 0.9.
    Sgd,
}

/// Everything the user can set.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Task URL id (one of [`TASKS`]).
    pub task: &'static str,
    /// The task's difficulty knob (sequence length or delay).
    pub knob: usize,
    /// Cells trained side by side on the same data and seed; the first is the one inspected.
    pub cells: Vec<CellKind>,
    /// Hidden units.
    pub hidden: usize,
    /// Stacked layers.
    pub layers: usize,
    /// Bidirectional layers.
    pub bidirectional: bool,
    /// Learning rate (applies live).
    pub lr: f64,
    /// Optimiser.
    pub opt: Opt,
    /// Gradient-norm clip, 0 = off (applies live).
    pub clip: f64,
    /// Sequences per step.
    pub batch: usize,
    /// Seed of weights, data and dropout.
    pub seed: u64,
    /// Input dropout probability.
    pub dropout: f64,
    /// Recurrent dropout probability.
    pub rdropout: f64,
    /// Training time per frame in ms (applies live).
    pub speed: f64,
}

impl Default for Settings {
    /// The opening preset: GRU against a tanh RNN on the adding problem at T = 40, where the
    /// RNN's gradient visibly vanishes and the GRU's does not.
    fn default() -> Self {
        Self {
            task: "adding",
            knob: 40,
            cells: vec![CellKind::Gru, CellKind::RnnTanh],
            hidden: 16,
            layers: 1,
            bidirectional: false,
            lr: 0.01,
            opt: Opt::Adam,
            clip: 1.0,
            batch: 32,
            seed: 1,
            dropout: 0.0,
            rdropout: 0.0,
            speed: 12.0,
        }
    }
}

/// The task config of URL id `id` at knob `n`.
pub fn task_config(id: &str, n: usize) -> Option<TaskConfig> {
    Some(match id {
        "adding" => TaskConfig::Adding { len: n },
        "copy" => TaskConfig::copy_memory(n),
        "order" => TaskConfig::TemporalOrder { len: n },
        "latch" => TaskConfig::Latch { len: n },
        "parity" => TaskConfig::Parity { len: n },
        "sine" => TaskConfig::sine(n),
        _ => return None,
    })
}

fn cell_id(kind: CellKind) -> &'static str {
    CELLS.iter().find(|c| c.1 == kind).map_or("gru", |c| c.0)
}

impl Settings {
    /// The training config of one of the compared cells.
    pub fn train_config(&self, cell: CellKind) -> TrainConfig {
        let task = task_config(self.task, self.knob).unwrap_or(TaskConfig::Adding { len: 40 });
        TrainConfig {
            task,
            cell,
            hidden: self.hidden,
            layers: self.layers,
            direction: if self.bidirectional {
                Direction::Bidirectional
            } else {
                Direction::Forward
            },
            input_dropout: self.dropout,
            recurrent_dropout: self.rdropout,
            batch: self.batch,
            optimizer: match self.opt {
                Opt::Adam => OptimizerConfig::adam(self.lr),
                Opt::Sgd => OptimizerConfig::sgd(self.lr, 0.9),
            },
            clip: (self.clip > 0.0).then_some(self.clip),
            truncate: None,
            init: Init::XavierOrthogonal,
            seed: self.seed,
        }
    }

    /// True when going from `self` to `next` needs a fresh run (anything but lr, clip, speed).
    pub fn needs_reset(&self, next: &Settings) -> bool {
        let live = Settings {
            lr: self.lr,
            clip: self.clip,
            speed: self.speed,
            ..next.clone()
        };
        live != *self
    }

    /// The settings as a query string (without `?`), listing only what differs from the default.
    pub fn to_query(&self) -> String {
        let d = Settings::default();
        let mut out = Vec::new();
        let mut put = |k: &str, v: String, dv: String| {
            if v != dv {
                out.push(format!("{k}={v}"));
            }
        };
        let cells = |s: &Settings| {
            s.cells
                .iter()
                .map(|&c| cell_id(c))
                .collect::<Vec<_>>()
                .join(",")
        };
        put("task", self.task.into(), d.task.into());
        put("T", self.knob.to_string(), d.knob.to_string());
        put("cells", cells(self), cells(&d));
        put("hidden", self.hidden.to_string(), d.hidden.to_string());
        put("layers", self.layers.to_string(), d.layers.to_string());
        put(
            "bi",
            u8::from(self.bidirectional).to_string(),
            u8::from(d.bidirectional).to_string(),
        );
        put("lr", self.lr.to_string(), d.lr.to_string());
        let opt = |o: Opt| if o == Opt::Adam { "adam" } else { "sgd" }.to_string();
        put("opt", opt(self.opt), opt(d.opt));
        put("clip", self.clip.to_string(), d.clip.to_string());
        put("batch", self.batch.to_string(), d.batch.to_string());
        put("seed", self.seed.to_string(), d.seed.to_string());
        put("dropout", self.dropout.to_string(), d.dropout.to_string());
        put(
            "rdropout",
            self.rdropout.to_string(),
            d.rdropout.to_string(),
        );
        put("speed", self.speed.to_string(), d.speed.to_string());
        out.join("&")
    }

    /// Parses a query string (with or without `?`). Returns the settings (defaults where a
    /// parameter is missing or bad) and one message per bad parameter.
    pub fn from_query(query: &str) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let mut errors = Vec::new();
        for pair in query
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = decode(v);
            if let Err(e) = s.set(k, &v) {
                errors.push(e);
            }
        }
        // The knob must fit the task it ended up with.
        if let Err(e) = s.check_knob() {
            errors.push(e);
            s.knob = Settings::default().knob;
            if s.check_knob().is_err() {
                s.task = Settings::default().task;
            }
        }
        (s, errors)
    }

    fn check_knob(&self) -> Result<(), String> {
        let cfg = task_config(self.task, self.knob)
            .ok_or_else(|| format!("task: unknown '{}'", self.task))?;
        let range = cfg.knob_range();
        let max = (*range.end()).min(MAX_KNOB);
        if self.knob < *range.start() || self.knob > max {
            return Err(format!(
                "T: {} must be between {} and {max} for {}",
                self.knob,
                range.start(),
                cfg.label()
            ));
        }
        Ok(())
    }

    /// Sets one parameter from its URL text.
    ///
    /// # Errors
    /// A message naming the parameter and the accepted values; `self` is unchanged then.
    pub fn set(&mut self, key: &str, v: &str) -> Result<(), String> {
        fn num<N: std::str::FromStr + PartialOrd + std::fmt::Display + Copy>(
            k: &str,
            v: &str,
            lo: N,
            hi: N,
        ) -> Result<N, String> {
            match v.parse::<N>() {
                Ok(n) if n >= lo && n <= hi => Ok(n),
                _ => Err(format!("{k}: '{v}' is not a number from {lo} to {hi}")),
            }
        }
        match key {
            "task" => {
                self.task = TASKS
                    .iter()
                    .find(|t| t.0 == v)
                    .map(|t| t.0)
                    .ok_or_else(|| {
                        format!(
                            "task: unknown '{v}' (one of {})",
                            TASKS.iter().map(|t| t.0).collect::<Vec<_>>().join(", ")
                        )
                    })?
            }
            "T" => self.knob = num(key, v, 0, MAX_KNOB)?,
            "cells" => {
                let mut cells = Vec::new();
                for id in v.split(',') {
                    let c = CELLS.iter().find(|c| c.0 == id).ok_or_else(|| {
                        format!("cells: unknown cell '{id}' (gru, rnn, lstm, gru_torch)")
                    })?;
                    if !cells.contains(&c.1) {
                        cells.push(c.1);
                    }
                }
                if cells.is_empty() || cells.len() > 3 {
                    return Err("cells: name one to three cells".into());
                }
                self.cells = cells;
            }
            "hidden" => self.hidden = num(key, v, 1, 64)?,
            "layers" => self.layers = num(key, v, 1, 4)?,
            "bi" => self.bidirectional = num::<u8>(key, v, 0, 1)? == 1,
            "lr" => self.lr = num(key, v, 1e-5, 1.0)?,
            "opt" => {
                self.opt = match v {
                    "adam" => Opt::Adam,
                    "sgd" => Opt::Sgd,
                    _ => return Err(format!("opt: unknown '{v}' (adam or sgd)")),
                }
            }
            "clip" => self.clip = num(key, v, 0.0, 100.0)?,
            "batch" => self.batch = num(key, v, 1, 256)?,
            "seed" => self.seed = num(key, v, 0, u64::from(u32::MAX))?,
            "dropout" => self.dropout = num(key, v, 0.0, 0.9)?,
            "rdropout" => self.rdropout = num(key, v, 0.0, 0.9)?,
            "speed" => self.speed = num(key, v, 1.0, 14.0)?,
            _ => return Err(format!("unknown parameter '{key}'")),
        }
        Ok(())
    }
}

/// Percent-decodes a query value (`+` is a space); invalid escapes are kept as they are.
fn decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn default_is_an_empty_query_and_round_trips() {
        assert_eq!(Settings::default().to_query(), "");
        let (s, e) = Settings::from_query("");
        assert!(e.is_empty());
        assert_eq!(s, Settings::default());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn every_parameter_round_trips() {
        let s = Settings {
            task: "copy",
            knob: 20,
            cells: vec![CellKind::Lstm, CellKind::Gru],
            hidden: 24,
            layers: 2,
            bidirectional: true,
            lr: 0.003,
            opt: Opt::Sgd,
            clip: 0.0,
            batch: 8,
            seed: 77,
            dropout: 0.1,
            rdropout: 0.25,
            speed: 4.0,
        };
        let q = s.to_query();
        let (back, e) = Settings::from_query(&format!("?{q}"));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(back, s, "{q}");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn bad_parameters_keep_their_defaults_and_are_named() {
        let (s, e) = Settings::from_query(
            "hidden=9999&lr=abc&cells=gru,transformer&task=adding&T=1&zzz=1&seed=5",
        );
        assert_eq!(s.hidden, 16);
        assert_eq!(s.lr, 0.01);
        assert_eq!(s.cells, Settings::default().cells);
        assert_eq!(s.knob, 40, "a knob out of the task's range falls back");
        assert_eq!(s.seed, 5, "good parameters still apply");
        let joined = e.join("\n");
        for name in ["hidden", "lr", "cells", "T:", "zzz"] {
            assert!(joined.contains(name), "{name} missing from {joined}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn decoding_handles_escapes_and_garbage() {
        assert_eq!(decode("gru%2Crnn"), "gru,rnn");
        assert_eq!(decode("a+b"), "a b");
        assert_eq!(decode("%zz%"), "%zz%");
        assert_eq!(decode("%4"), "%4");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn only_lr_clip_and_speed_apply_live() {
        let a = Settings::default();
        assert!(!a.needs_reset(&Settings {
            lr: 0.1,
            clip: 0.0,
            speed: 3.0,
            ..a.clone()
        }));
        assert!(a.needs_reset(&Settings {
            hidden: 8,
            ..a.clone()
        }));
        assert!(a.needs_reset(&Settings {
            seed: 2,
            ..a.clone()
        }));
    }
}
