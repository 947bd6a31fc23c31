//! The parameter table: every setting declared once — URL key (and any older key still
//! accepted), label, tooltip, range, whether it applies live — driving the URL codec, the
//! validation and the page's form.

use gru_core::cell::CellKind;
use gru_core::model::Direction;

use super::surgery::{BF, BZ, CUT, F, R, WSCALE, Z};
use super::{
    cell_id, Optimizer, Settings, Speed, CELLS, MAX_CELLS, MAX_HIDDEN, MAX_KNOB, PANELS, TASKS,
};

/// When a changed setting takes effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    /// At once, on the running models.
    Live,
    /// Only through an explicit "Apply and reset" (fresh runs).
    OnReset,
}

/// Where the form shows a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Task and difficulty.
    Task,
    /// The compared cells.
    Cells,
    /// Model shape and regularisation.
    Model,
    /// Optimiser, data and speed.
    Training,
    /// Gate surgery and initial gate biases.
    Surgery,
    /// How the page looks (classroom links); not in the settings form.
    Page,
}

/// The type, range and accessors of a setting.
#[derive(Clone, Copy)]
pub enum Field {
    /// A whole number in `min..=max`.
    Count {
        /// Smallest value.
        min: u64,
        /// Largest value.
        max: u64,
        /// Reads the value.
        get: fn(&Settings) -> u64,
        /// Writes a value already checked against the range.
        put: fn(&mut Settings, u64),
    },
    /// A real number in `min..=max`.
    Real {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
        /// Reads the value.
        get: fn(&Settings) -> f64,
        /// Writes a value already checked against the range.
        put: fn(&mut Settings, f64),
    },
    /// One of named options `(URL id, label)`.
    Choice {
        /// The options.
        options: &'static [(&'static str, &'static str)],
        /// Reads the URL id.
        get: fn(&Settings) -> &'static str,
        /// Writes one of the options' ids.
        put: fn(&mut Settings, &'static str),
    },
    /// A real number in `min..=max`, or none (written as the word `none`, or empty).
    Optional {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
        /// The URL word for "none" (`learned`, `init`).
        none: &'static str,
        /// Reads the value.
        get: fn(&Settings) -> Option<f64>,
        /// Writes a value already checked against the range.
        put: fn(&mut Settings, Option<f64>),
    },
    /// On or off, written `1` / `0`.
    Switch {
        /// Reads the value.
        get: fn(&Settings) -> bool,
        /// Writes the value.
        put: fn(&mut Settings, bool),
    },
    /// The compared cells, a comma-separated list of [`CELLS`] ids.
    Cells,
    /// Hidden page parts, a comma-separated list of [`PANELS`] ids.
    Panels,
    /// Training speed: `max`, or steps per second in `min..=max`.
    Rate {
        /// Slowest rate.
        min: f64,
        /// Fastest finite rate.
        max: f64,
    },
}

/// An older spelling of a setting that shared links may still carry.
#[derive(Clone, Copy)]
pub struct Legacy {
    /// The old URL key.
    pub key: &'static str,
    /// Turns an old value into the current URL text (or says why it cannot).
    pub convert: fn(&str) -> Result<String, String>,
}

/// One setting.
#[derive(Clone, Copy)]
pub struct Param {
    /// URL key.
    pub key: &'static str,
    /// An older key still accepted from links.
    pub legacy: Option<Legacy>,
    /// Visible label.
    pub label: &'static str,
    /// Tooltip in plain words.
    pub tip: &'static str,
    /// Type, range, accessors.
    pub field: Field,
    /// Live or on reset.
    pub applies: Applies,
    /// Where the form shows it.
    pub group: Group,
}

impl Param {
    /// The value as URL text.
    pub fn text(&self, s: &Settings) -> String {
        match self.field {
            Field::Count { get, .. } => get(s).to_string(),
            Field::Real { get, .. } => get(s).to_string(),
            Field::Optional { get, none, .. } => get(s).map_or(none.to_string(), |v| v.to_string()),
            Field::Choice { get, .. } => get(s).to_string(),
            Field::Switch { get, .. } => u8::from(get(s)).to_string(),
            Field::Cells => s
                .cells
                .iter()
                .map(|&c| cell_id(c))
                .collect::<Vec<_>>()
                .join(","),
            Field::Panels => s.hide.join(","),
            Field::Rate { .. } => match s.speed {
                Speed::Max => "max".into(),
                Speed::PerSecond(r) => r.to_string(),
            },
        }
    }

    /// Sets the value from URL text.
    ///
    /// # Errors
    /// One line naming the key and the accepted values; `s` is unchanged then.
    pub fn set(&self, s: &mut Settings, v: &str) -> Result<(), String> {
        let k = self.key;
        let shown = clip_for_message(v);
        match self.field {
            Field::Count { min, max, put, .. } => match v.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => put(s, n),
                _ => {
                    return Err(format!(
                        "{k}: '{shown}' is not a number from {min} to {max}"
                    ))
                }
            },
            Field::Real { min, max, put, .. } => match v.parse::<f64>() {
                Ok(n) if n.is_finite() && (min..=max).contains(&n) => put(s, n),
                _ => {
                    return Err(format!(
                        "{k}: '{shown}' is not a number from {min} to {max}"
                    ))
                }
            },
            Field::Optional {
                min,
                max,
                none,
                put,
                ..
            } => match v.parse::<f64>() {
                _ if v.is_empty() || v == none => put(s, None),
                Ok(n) if n.is_finite() && (min..=max).contains(&n) => put(s, Some(n)),
                _ => {
                    return Err(format!(
                        "{k}: '{shown}' is not '{none}' or a number from {min} to {max}"
                    ))
                }
            },
            Field::Choice { options, put, .. } => match options.iter().find(|o| o.0 == v) {
                Some(o) => put(s, o.0),
                None => {
                    let ids: Vec<&str> = options.iter().map(|o| o.0).collect();
                    return Err(format!(
                        "{k}: unknown '{shown}' (one of {})",
                        ids.join(", ")
                    ));
                }
            },
            Field::Switch { put, .. } => match v {
                "1" => put(s, true),
                "0" => put(s, false),
                _ => return Err(format!("{k}: '{shown}' is not 0 or 1")),
            },
            Field::Cells => s.cells = parse_cells(v)?,
            Field::Panels => {
                // Known names apply even when others are unknown; those are named.
                let (hide, unknown) = parse_panels(v);
                s.hide = hide;
                if !unknown.is_empty() {
                    let ids: Vec<&str> = PANELS.iter().map(|p| p.0).collect();
                    return Err(format!(
                        "{k}: unknown {} (known: {})",
                        unknown.join(", "),
                        ids.join(", ")
                    ));
                }
            }
            Field::Rate { min, max } => {
                s.speed = match v {
                    "max" => Speed::Max,
                    _ => match v.parse::<f64>() {
                        Ok(r) if r.is_finite() && (min..=max).contains(&r) => Speed::PerSecond(r),
                        _ => {
                            return Err(format!(
                                "{k}: '{shown}' is not 'max' or a rate from {min} to {max} steps/s"
                            ))
                        }
                    },
                }
            }
        }
        Ok(())
    }

    /// The `step` attribute of a number input for this setting.
    pub fn input_step(&self) -> &'static str {
        match self.field {
            Field::Count { .. } => "1",
            _ => "any",
        }
    }
}

/// At most 40 characters of a user's value, for messages: control, line-separator and bidi
/// characters are shown as `\u{…}`, so a message stays one line and reads as it is stored.
pub(crate) fn clip_for_message(v: &str) -> String {
    let mut shown = v.chars().flat_map(|c| {
        let hidden = c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}');
        match hidden {
            true => c.escape_unicode().collect::<Vec<_>>(),
            false => vec![c],
        }
    });
    let mut out: String = shown.by_ref().take(40).collect();
    if shown.next().is_some() {
        out.push('…');
    }
    out
}

fn parse_cells(v: &str) -> Result<Vec<CellKind>, String> {
    let mut cells = Vec::new();
    for id in v.split(',') {
        let Some(c) = CELLS.iter().find(|c| c.0 == id) else {
            let ids: Vec<&str> = CELLS.iter().map(|c| c.0).collect();
            return Err(format!(
                "cells: unknown cell '{}' ({})",
                clip_for_message(id),
                ids.join(", ")
            ));
        };
        if !cells.contains(&c.1) {
            cells.push(c.1);
        }
    }
    if cells.is_empty() || cells.len() > MAX_CELLS {
        return Err(format!("cells: name one to {MAX_CELLS} cells"));
    }
    Ok(cells)
}

/// The known panel ids in `v` (each once, in [`PANELS`] order) and the unknown ones quoted
/// (at most 40 characters each).
fn parse_panels(v: &str) -> (Vec<&'static str>, Vec<String>) {
    let names: Vec<&str> = v.split(',').filter(|n| !n.is_empty()).collect();
    let hide = PANELS
        .iter()
        .map(|p| p.0)
        .filter(|id| names.contains(id))
        .collect();
    let unknown = names
        .iter()
        .filter(|n| PANELS.iter().all(|p| p.0 != **n))
        .map(|n| format!("'{}'", clip_for_message(n)))
        .collect();
    (hide, unknown)
}

/// Links made before the worker redesign carried `speed` = milliseconds of training per
/// 60 Hz frame (1–14); the page trained ~7 steps/s per ms then, and 12 or more was full speed.
fn legacy_speed(v: &str) -> Result<String, String> {
    match v.parse::<f64>() {
        Ok(ms) if (1.0..=14.0).contains(&ms) => Ok(if ms >= 12.0 {
            "max".into()
        } else {
            (7.0 * ms).round().to_string()
        }),
        _ => Err(format!(
            "speed: '{}' is not a number from 1 to 14",
            clip_for_message(v)
        )),
    }
}

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

const OPTIMIZERS: &[(&str, &str)] = &[("adam", "Adam"), ("sgd", "SGD + momentum 0.9")];

/// Every setting, in form order.
pub const PARAMS: &[Param] = &[
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
        tip: "How far apart the things to remember are: longer is harder",
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
        tip: "One to three cells trained on the same data from the same seed",
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
    Param {
        key: "lr",
        legacy: None,
        label: "Learning rate",
        tip: "Step size of the optimiser; applies at once",
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
        tip: "Largest allowed gradient norm, 0 = no clipping; applies at once",
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
        tip: "Training steps per second: slow motion (0.5) to full speed (max); applies at once",
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

/// The setting with URL key (or legacy key) `key`.
pub fn param(key: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| p.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_every_default_is_accepted_by_its_own_field() {
        let d = Settings::default();
        for (i, p) in PARAMS.iter().enumerate() {
            assert!(
                PARAMS[i + 1..].iter().all(|q| q.key != p.key),
                "duplicate key {}",
                p.key
            );
            let mut s = d.clone();
            p.set(&mut s, &p.text(&d))
                .unwrap_or_else(|e| panic!("{}: {e}", p.key));
            assert_eq!(s, d, "{} round-trips its default", p.key);
        }
    }

    #[test]
    fn ranges_and_messages_name_the_key() {
        let mut s = Settings::default();
        let hidden = param("hidden").expect("hidden");
        assert_eq!(
            hidden.set(&mut s, "999").unwrap_err(),
            "hidden: '999' is not a number from 1 to 128"
        );
        let lr = param("lr").expect("lr");
        for bad in ["NaN", "inf", "1e309", "-0.1", "", "0x10"] {
            let e = lr.set(&mut s, bad).unwrap_err();
            assert!(e.starts_with("lr: '"), "{e}");
        }
        let long = "x".repeat(10_000);
        let e = param("task").expect("task").set(&mut s, &long).unwrap_err();
        assert!(
            e.len() < 200,
            "long values are clipped in messages: {}",
            e.len()
        );
        assert_eq!(s, Settings::default(), "nothing changed");
    }

    #[test]
    fn the_interview_question_round_trips_and_refuses_bad_values() {
        for (q, want) in [
            ("list", Some(0)),
            ("0", Some(0)),
            ("4", Some(4)),
            ("10", Some(10)),
        ] {
            let (s, e) = Settings::from_query(&format!("q={q}&T=20"));
            assert!(e.is_empty(), "{e:?}");
            assert_eq!(s.question, want);
            let again = Settings::from_query(&s.to_query()).0;
            assert_eq!(again, s, "q={q} survives a round trip as {}", s.to_query());
        }
        assert_eq!(Settings::from_query("q=4").0.to_query(), "q=4");
        assert_eq!(Settings::from_query("q=0").0.to_query(), "q=list");
        for bad in ["99", "<script>", "11", "-1", "1.5"] {
            let (s, e) = Settings::from_query(&format!("q={bad}&hidden=8"));
            assert_eq!(s.question, None, "{bad}");
            assert_eq!(s.hidden, 8, "the rest of the link still applies");
            assert_eq!(e.len(), 1);
            assert!(e[0].starts_with("q: unknown '"), "{}", e[0]);
            assert!(!e[0].contains('\n'));
        }
        assert!(!Settings::default().needs_reset(&Settings {
            question: Some(3),
            ..Settings::default()
        }));
    }

    #[test]
    fn old_speed_links_map_to_rates() {
        assert_eq!(legacy_speed("12").as_deref(), Ok("max"));
        assert_eq!(legacy_speed("4").as_deref(), Ok("28"));
        assert!(legacy_speed("40").is_err());
    }
}
