//! The gate-surgery settings and the recurrent weight scale: their [`Param`] entries (listed
//! in [`super::PARAMS`]), and the plain-words description the page shows while one is in force.
//! All of them apply on reset and go into gru-core's [`Surgery`] for every run it applies to.

use gru_core::cell::{Carry, CellKind, GateMode, Surgery};

use super::param::{Applies, Field, Group, Param};
use super::Settings;

fn gate(g: GateMode) -> Option<f64> {
    match g {
        GateMode::Learned => None,
        GateMode::Fixed(c) => Some(c),
    }
}

fn mode(v: Option<f64>) -> GateMode {
    v.map_or(GateMode::Learned, GateMode::Fixed)
}

/// Initial recurrent weights × this (1 = the init scheme's).
pub(super) const WSCALE: Param = Param {
    key: "wscale",
    legacy: None,
    label: "Recurrent weight scale",
    tip: "Multiplies the initial recurrent weights U of every cell (1 = as initialised); above 1 a tanh RNN's gradient can explode",
    field: Field::Real {
        min: 0.1,
        max: 10.0,
        get: |s| s.surgery.recurrent_scale.unwrap_or(1.0),
        put: |s, v| s.surgery.recurrent_scale = (v != 1.0).then_some(v),
    },
    applies: Applies::OnReset,
    group: Group::Model,
};

/// GRU update gate z held at a constant.
pub(super) const Z: Param = Param {
    key: "z",
    legacy: None,
    label: "GRU z held at (0–1, empty = learned)",
    tip: "Hold the GRU's update gate at a constant for every unit and step: 0 freezes h, 1 drops the carry; no effect while the carry path is cut",
    field: Field::Optional {
        min: 0.0,
        max: 1.0,
        none: "learned",
        get: |s| gate(s.surgery.update),
        put: |s, v| s.surgery.update = mode(v),
    },
    applies: Applies::OnReset,
    group: Group::Surgery,
};

/// GRU reset gate pinned at 1.
pub(super) const R: Param = Param {
    key: "r1",
    legacy: None,
    label: "pin the GRU's r = 1",
    tip: "Hold the GRU's reset gate at 1: the candidate always sees all of h(t−1)",
    field: Field::Switch {
        get: |s| s.surgery.reset == GateMode::Fixed(1.0),
        put: |s, on| {
            s.surgery.reset = if on {
                GateMode::Fixed(1.0)
            } else {
                GateMode::Learned
            }
        },
    },
    applies: Applies::OnReset,
    group: Group::Surgery,
};

/// The GRU's additive carry path cut.
pub(super) const CUT: Param = Param {
    key: "cut",
    legacy: None,
    label: "cut the GRU's carry path (h = h̃)",
    tip: "Drop (1 − z)·h(t−1): each step keeps only the candidate, so the GRU loses its additive path and becomes an RNN with a reset gate",
    field: Field::Switch {
        get: |s| s.surgery.carry == Carry::Cut,
        put: |s, on| s.surgery.carry = if on { Carry::Cut } else { Carry::Kept },
    },
    applies: Applies::OnReset,
    group: Group::Surgery,
};

/// LSTM forget gate f held at a constant.
pub(super) const F: Param = Param {
    key: "f",
    legacy: None,
    label: "LSTM f held at (0–1, empty = learned)",
    tip: "Hold the LSTM's forget gate at a constant: 1 keeps the cell state whole (c = c + i·g), 0 forgets it every step",
    field: Field::Optional {
        min: 0.0,
        max: 1.0,
        none: "learned",
        get: |s| gate(s.surgery.forget),
        put: |s, v| s.surgery.forget = mode(v),
    },
    applies: Applies::OnReset,
    group: Group::Surgery,
};

/// Initial GRU update-gate bias.
pub(super) const BZ: Param = Param {
    key: "bz",
    legacy: None,
    label: "GRU initial z bias (empty = init's)",
    tip: "Start the GRU's update-gate bias here (−20 to 20): negative starts z near 0, copying h forward",
    field: Field::Optional {
        min: -20.0,
        max: 20.0,
        none: "init",
        get: |s| s.surgery.update_bias,
        put: |s, v| s.surgery.update_bias = v,
    },
    applies: Applies::OnReset,
    group: Group::Surgery,
};

/// Initial LSTM forget-gate bias.
pub(super) const BF: Param = Param {
    key: "bf",
    legacy: None,
    label: "LSTM initial forget bias (empty = init's)",
    tip: "Start the LSTM's forget-gate bias here (−20 to 20); +1 is the classic choice that keeps the cell state early in training",
    field: Field::Optional {
        min: -20.0,
        max: 20.0,
        none: "init",
        get: |s| s.surgery.forget_bias,
        put: |s, v| s.surgery.forget_bias = v,
    },
    applies: Applies::OnReset,
    group: Group::Surgery,
};

impl Settings {
    /// The surgery gru-core trains with: cutting the carry already fixes z = 1, so a held z
    /// is dropped while the carry is cut (gru-core refuses the two together).
    pub fn core_surgery(&self) -> Surgery {
        let mut s = self.surgery;
        if s.carry == Carry::Cut {
            s.update = GateMode::Learned;
        }
        s
    }

    /// One plain-words line per compared cell whose step the surgery changes, e.g.
    /// `"GRU: carry path cut, h_t = h̃_t"`; empty when every cell runs unaltered.
    pub fn surgery_in_force(&self) -> Vec<String> {
        let s = self.core_surgery();
        let held = |name: &str, g: GateMode| match g {
            GateMode::Learned => None,
            GateMode::Fixed(c) => Some(format!("{name} held at {c}")),
        };
        self.cells
            .iter()
            .filter(|&&k| s.alters(k))
            .map(|&k| {
                let parts: Vec<String> = match k {
                    CellKind::Gru | CellKind::GruTorch => [
                        (s.carry == Carry::Cut).then(|| "carry path cut, h_t = h̃_t".to_string()),
                        held("z", s.update),
                        held("r", s.reset),
                    ]
                    .into_iter()
                    .flatten()
                    .collect(),
                    _ => held("f", s.forget).into_iter().collect(),
                };
                format!("{}: {}", k.label(), parts.join("; "))
            })
            .collect()
    }

    /// The initial-weight choices in force, in plain words (empty when none).
    pub fn init_changes(&self) -> Vec<String> {
        let s = &self.surgery;
        let has = |k: &[CellKind]| self.cells.iter().any(|c| k.contains(c));
        let mut out = Vec::new();
        if let Some(k) = s.recurrent_scale {
            out.push(format!("recurrent weights × {k} at start"));
        }
        if let (Some(b), true) = (s.update_bias, has(&[CellKind::Gru, CellKind::GruTorch])) {
            out.push(format!("GRU z bias starts at {b}"));
        }
        if let (Some(b), true) = (s.forget_bias, has(&[CellKind::Lstm])) {
            out.push(format!("LSTM forget bias starts at {b}"));
        }
        out
    }
}
