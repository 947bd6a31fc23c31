//! The type of one setting — its URL key (and any older key still accepted), label, tooltip,
//! range and accessors — and how its URL text is read and written. The settings themselves are
//! listed in [`super::table::PARAMS`].

use gru_core::cell::CellKind;

use super::{cell_id, Panel, SeqModel, Settings, Speed, CELLS, MAX_CELLS, MODELS};

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
    /// Hidden page parts, a comma-separated list of [`Panel`] ids.
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
    /// `(min, max)` of a whole-number setting; `None` for other kinds.
    pub fn count_range(&self) -> Option<(u64, u64)> {
        match self.field {
            Field::Count { min, max, .. } => Some((min, max)),
            _ => None,
        }
    }

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
                .chain(s.models.iter().map(|m| m.id()))
                .collect::<Vec<_>>()
                .join(","),
            Field::Panels => s.hide.iter().map(|p| p.id()).collect::<Vec<_>>().join(","),
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
            Field::Cells => (s.cells, s.models) = parse_cells(v)?,
            Field::Panels => {
                // Known names apply even when others are unknown; those are named.
                let (hide, unknown) = parse_panels(v);
                s.hide = hide;
                if !unknown.is_empty() {
                    let ids: Vec<&str> = Panel::ALL.iter().map(|p| p.id()).collect();
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

/// The cells and the other models named in `cells=` (ids of [`CELLS`] and [`MODELS`], each
/// once, in the order given; the models run after the cells).
fn parse_cells(v: &str) -> Result<(Vec<CellKind>, Vec<SeqModel>), String> {
    let (mut cells, mut models) = (Vec::new(), Vec::new());
    for id in v.split(',') {
        if let Some(c) = CELLS.iter().find(|c| c.0 == id) {
            if !cells.contains(&c.1) {
                cells.push(c.1);
            }
        } else if let Some(m) = MODELS.iter().find(|m| m.0 == id) {
            if !models.contains(&m.1) {
                models.push(m.1);
            }
        } else {
            let ids: Vec<&str> = CELLS
                .iter()
                .map(|c| c.0)
                .chain(MODELS.iter().map(|m| m.0))
                .collect();
            return Err(format!(
                "cells: unknown cell '{}' ({})",
                clip_for_message(id),
                ids.join(", ")
            ));
        }
    }
    if cells.is_empty() || cells.len() > MAX_CELLS {
        return Err(format!(
            "cells: name one to {MAX_CELLS} recurrent cells (tcn and attn come beside them)"
        ));
    }
    Ok((cells, models))
}

/// The panels named in `v` (each once, in [`Panel::ALL`] order) and the unknown names quoted
/// (at most 40 characters each).
fn parse_panels(v: &str) -> (Vec<Panel>, Vec<String>) {
    let names: Vec<&str> = v.split(',').filter(|n| !n.is_empty()).collect();
    let hide = Panel::ALL
        .into_iter()
        .filter(|p| names.contains(&p.id()))
        .collect();
    let unknown = names
        .iter()
        .filter(|n| Panel::from_id(n).is_none())
        .map(|n| format!("'{}'", clip_for_message(n)))
        .collect();
    (hide, unknown)
}
