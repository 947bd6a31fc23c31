//! Gate surgery: hold a gate at a constant, cut the GRU's carry path, or start a gate's bias
//! somewhere chosen — to see that the mechanism matters. A [`Surgery`] is part of the model's
//! config; every cell is built with it, so training, backward and every Jacobian see the same
//! changed step, with exact gradients (a held gate's slope is 0: nothing flows into its weights).
//!
//! All values are in the app's convention (`z` is the weight of the candidate,
//! `h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃_t`), also for [`super::GruTorch`], whose `z' = 1 − z`.
//! Fields apply to the cells that have the gate (GRU fields to both GRUs, `forget` to the
//! LSTM) and are ignored by the others, so one surgery can be shared by compared runs.

use serde::{Deserialize, Serialize};

use super::CellKind;
use crate::real::sigmoid;
use crate::{Error, Real};

/// How a gate gets its value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateMode {
    /// `σ(pre-activation)`, as trained.
    #[default]
    Learned,
    /// Held at a constant in `[0, 1]` for every unit and step.
    Fixed(f64),
}

impl GateMode {
    /// The gate's value: `σ(pre)` when learned, the constant when fixed.
    #[inline]
    pub fn value<T: Real>(self, pre: T) -> T {
        match self {
            GateMode::Learned => sigmoid(pre),
            GateMode::Fixed(c) => T::of(c),
        }
    }
    /// `∂gate/∂pre` given the gate's value `g`: `g (1 − g)` when learned, `0` when fixed.
    #[inline]
    pub fn slope<T: Real>(self, g: T) -> T {
        match self {
            GateMode::Learned => g * (T::one() - g),
            GateMode::Fixed(_) => T::zero(),
        }
    }
    fn check(self, field: &str) -> Result<(), Error> {
        match self {
            GateMode::Fixed(c) if !(0.0..=1.0).contains(&c) => Err(Error::Config(format!(
                "{field}: a fixed gate must be in [0, 1], got {c}"
            ))),
            _ => Ok(()),
        }
    }
}

/// The GRU's carry path `(1 − z_t) ⊙ h_{t−1}`, whose Jacobian is the additive `diag(1 − z_t)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Carry {
    /// `h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t`.
    #[default]
    Kept,
    /// `h_t = h̃_t`: the same step as `z` fixed at 1; the GRU becomes an RNN with a reset gate.
    Cut,
}

/// Changes to the gates of every cell of a model. The default changes nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Surgery {
    /// GRU update gate `z` (`Fixed(0)` freezes `h`, `Fixed(1)` drops the carry).
    pub update: GateMode,
    /// GRU reset gate `r` (`Fixed(1)`: the candidate sees all of `h_{t−1}`).
    pub reset: GateMode,
    /// GRU carry path.
    pub carry: Carry,
    /// LSTM forget gate `f` (`Fixed(1)`: `c_t = c_{t−1} + i ⊙ g`, `Fixed(0)`: no memory in `c`).
    pub forget: GateMode,
    /// Initial GRU update-gate bias `b_z` (`z = σ(… + b_z)`; for the PyTorch GRU
    /// `b_iz = −b_z`, `b_hz = 0`); `None` keeps the init scheme's.
    pub update_bias: Option<f64>,
    /// Initial LSTM forget-gate bias (`b_if`, with `b_hf = 0`), e.g. `1`; `None` keeps the
    /// init scheme's.
    pub forget_bias: Option<f64>,
    /// Initial recurrent weights `U` (every gate, every cell kind) multiplied by this after
    /// the init scheme, e.g. 3 to make a tanh RNN's gradients explode; `None` = unscaled.
    /// Like the biases it only chooses where training starts.
    pub recurrent_scale: Option<f64>,
}

impl Surgery {
    /// No change at all (the default).
    pub fn is_none(&self) -> bool {
        *self == Surgery::default()
    }

    /// True when this surgery changes the step of a `kind` cell (initial biases do not: they
    /// only choose where training starts).
    pub fn alters(&self, kind: CellKind) -> bool {
        match kind {
            CellKind::Gru | CellKind::GruTorch => {
                self.update != GateMode::Learned
                    || self.reset != GateMode::Learned
                    || self.carry == Carry::Cut
            }
            CellKind::Lstm => self.forget != GateMode::Learned,
            CellKind::RnnTanh | CellKind::RnnRelu => false,
        }
    }

    /// The GRU update gate in force: `Fixed(1)` when the carry is cut, else [`Surgery::update`].
    pub fn effective_update(&self) -> GateMode {
        match self.carry {
            Carry::Cut => GateMode::Fixed(1.0),
            Carry::Kept => self.update,
        }
    }

    /// Checks every value.
    ///
    /// # Errors
    /// [`Error::Config`] naming the field (`surgery.update`, …).
    pub fn validate(&self) -> Result<(), Error> {
        self.update.check("surgery.update")?;
        self.reset.check("surgery.reset")?;
        self.forget.check("surgery.forget")?;
        if let (Carry::Cut, GateMode::Fixed(c)) = (self.carry, self.update) {
            return Err(Error::Config(format!(
                "surgery.carry: cutting the carry path already fixes z = 1; \
                 it cannot be combined with surgery.update fixed at {c}"
            )));
        }
        for (field, b) in [
            ("surgery.update_bias", self.update_bias),
            ("surgery.forget_bias", self.forget_bias),
        ] {
            if let Some(b) = b {
                if !(-20.0..=20.0).contains(&b) {
                    return Err(Error::Config(format!("{field}: {b} is not in [−20, 20]")));
                }
            }
        }
        if let Some(k) = self.recurrent_scale {
            if !(k > 0.0 && k <= 10.0) {
                return Err(Error::Config(format!(
                    "surgery.recurrent_scale: {k} is not in (0, 10]"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_none_and_reads_from_an_empty_object() {
        let s: Surgery = serde_json::from_str("{}").expect("empty surgery");
        assert!(s.is_none());
        let s: Surgery = serde_json::from_str(
            r#"{"update": {"fixed": 0.25}, "carry": "cut", "reset": "learned"}"#,
        )
        .expect("surgery");
        assert_eq!(s.update, GateMode::Fixed(0.25));
        assert_eq!(s.carry, Carry::Cut);
        assert!(serde_json::from_str::<Surgery>(r#"{"updat": "learned"}"#).is_err());
    }

    #[test]
    fn bad_values_are_refused_by_field() {
        let bad = [
            (
                Surgery {
                    update: GateMode::Fixed(1.5),
                    ..Surgery::default()
                },
                "surgery.update",
            ),
            (
                Surgery {
                    reset: GateMode::Fixed(f64::NAN),
                    ..Surgery::default()
                },
                "surgery.reset",
            ),
            (
                Surgery {
                    forget: GateMode::Fixed(-0.1),
                    ..Surgery::default()
                },
                "surgery.forget",
            ),
            (
                Surgery {
                    carry: Carry::Cut,
                    update: GateMode::Fixed(0.5),
                    ..Surgery::default()
                },
                "surgery.carry",
            ),
            (
                Surgery {
                    forget_bias: Some(f64::INFINITY),
                    ..Surgery::default()
                },
                "forget_bias",
            ),
            (
                Surgery {
                    recurrent_scale: Some(0.0),
                    ..Surgery::default()
                },
                "recurrent_scale",
            ),
        ];
        for (s, field) in bad {
            let e = s.validate().expect_err("refused");
            assert!(e.to_string().contains(field), "{e} should name {field}");
        }
    }

    #[test]
    fn what_each_surgery_alters() {
        let cut = Surgery {
            carry: Carry::Cut,
            ..Surgery::default()
        };
        assert!(cut.alters(CellKind::Gru) && cut.alters(CellKind::GruTorch));
        assert!(!cut.alters(CellKind::Lstm) && !cut.alters(CellKind::RnnTanh));
        assert_eq!(cut.effective_update(), GateMode::Fixed(1.0));
        let f = Surgery {
            forget: GateMode::Fixed(1.0),
            forget_bias: Some(1.0),
            ..Surgery::default()
        };
        assert!(f.alters(CellKind::Lstm) && !f.alters(CellKind::Gru));
        let bias = Surgery {
            update_bias: Some(-2.0),
            ..Surgery::default()
        };
        assert!(!bias.alters(CellKind::Gru) && !bias.is_none());
        assert_eq!(GateMode::Fixed(0.3).slope(0.3f64), 0.0);
        assert_eq!(GateMode::Learned.slope(0.25f64), 0.1875);
    }
}
