//! Checkpoints: a model's shape, its weights and (optionally) the settings it was trained with,
//! as one JSON document.
//!
//! ```jsonc
//! {
//!   "format": "gru-lens-checkpoint",   // required, exactly this
//!   "version": 1,                      // required, exactly 1
//!   "model": { ModelConfig },          // required: cell, input, hidden, layers, direction, …
//!   "train": { TrainConfig },          // optional: task, optimiser, seed, … (must describe `model`)
//!   "step": 1200,                      // optional: training steps done
//!   "weights": {                       // required: every block of the model's Layout, no other
//!     "l0.fwd.W":   [[…], …],          // a matrix block (rows, cols) as [rows][cols], row-major
//!     "l0.fwd.b":   […],               // a vector block (cols = 1) as [rows] ([rows][1] also read)
//!     "head.W_o":   [[…], …],          // the head (D, O); "head.b_o" (O)
//!     …
//!   }
//! }
//! ```
//!
//! Block names and shapes are those of [`crate::params::Layout`], i.e. the cells' internal
//! row-vector layouts documented at the top of each `cell/*.rs` (`x W`, so `W` is `(I, G·H)`).
//! Numbers are written in their shortest round-trip form; NaN and ±∞ are refused on write and
//! on read. f32 weights read back bit for bit. f64 weights read back bit for bit only when
//! serde_json's `float_roundtrip` feature is on; without it serde_json's fast float parser can
//! be off by an ulp or two (relative error ≲ 5e-16). Reading never panics: every problem is an
//! [`Error::Format`] whose one-line message names the field, e.g.
//! `weights.l0.fwd.U_h: expected 16×16, got 16×15`. Documents over [`MAX_BYTES`] are refused
//! unread.

mod read;

use crate::json::{one_line, push_matrix, push_vector, quote};
use crate::model::{Model, ModelConfig};
use crate::params::Layout;
use crate::{Error, Real, TrainConfig};

pub use crate::json::MAX_BYTES;

/// The `"format"` tag of a checkpoint.
pub const FORMAT: &str = "gru-lens-checkpoint";
/// The format version this build writes and reads.
pub const VERSION: u64 = 1;

/// A model read back from a checkpoint, with what was stored beside it.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint<T> {
    /// The model, weights loaded.
    pub model: Model<T>,
    /// The settings it was trained with, when stored.
    pub train: Option<TrainConfig>,
    /// Training steps done, when stored.
    pub step: Option<u64>,
}

impl<T: Real> Checkpoint<T> {
    /// Writes this checkpoint ([`to_json`]).
    ///
    /// # Errors
    /// As [`to_json`].
    pub fn to_json(&self) -> Result<String, Error> {
        to_json(&self.model, self.train.as_ref(), self.step)
    }
    /// Reads a checkpoint ([`from_json`]).
    ///
    /// # Errors
    /// As [`from_json`].
    pub fn from_json(json: &str) -> Result<Self, Error> {
        from_json(json)
    }

    /// Reads a checkpoint already parsed as part of a larger document, without writing it
    /// back to text and parsing it again.
    ///
    /// # Errors
    /// As [`from_json`].
    pub fn from_value(doc: &serde_json::Value) -> Result<Self, Error> {
        read::checkpoint_value(doc).map_err(|m| Error::Format(one_line(&m)))
    }
}

/// Writes `model` (and optionally its training settings and step count) as a checkpoint.
///
/// # Errors
/// [`Error::Format`] naming the block when a weight is NaN or infinite, or the field when
/// `train` is invalid or does not describe `model` (it would not read back).
pub fn to_json<T: Real>(
    model: &Model<T>,
    train: Option<&TrainConfig>,
    step: Option<u64>,
) -> Result<String, Error> {
    let fail = |m: String| Error::Format(m);
    let mut out = String::with_capacity(256 + 12 * model.n_params());
    let cfg = serde_json::to_string(&model.config).map_err(|e| fail(format!("model: {e}")))?;
    out.push_str(&format!(
        "{{\n  \"format\": \"{FORMAT}\",\n  \"version\": {VERSION},\n  \"model\": {cfg},\n"
    ));
    if let Some(t) = train {
        read::check_train(t, &model.config).map_err(|m| fail(one_line(&m)))?;
        let t = serde_json::to_string(t).map_err(|e| fail(format!("train: {e}")))?;
        out.push_str(&format!("  \"train\": {t},\n"));
    }
    if let Some(s) = step {
        out.push_str(&format!("  \"step\": {s},\n"));
    }
    out.push_str("  \"weights\": {");
    for (k, b) in model.layout.blocks.iter().enumerate() {
        let w = model
            .params
            .get(b.range())
            .ok_or_else(|| fail(format!("weights.{}: outside the parameters", b.name)))?;
        if let Some(i) = w.iter().position(|v| !v.is_finite()) {
            return Err(fail(format!(
                "weights.{}: element {i} is {} (not saved)",
                b.name, w[i]
            )));
        }
        out.push_str(if k == 0 { "\n    " } else { ",\n    " });
        out.push_str(&quote(&b.name));
        out.push_str(": ");
        if b.cols == 1 {
            push_vector(&mut out, w);
        } else {
            push_matrix(&mut out, w, b.cols, "    ");
        }
    }
    out.push_str("\n  }\n}\n");
    Ok(out)
}

/// Reads a checkpoint: checks the size (at most [`MAX_BYTES`]), the format tag and version, the
/// model config, every weight block's presence, shape and finiteness, and that `train` (when
/// present) describes the model. Nothing is allocated for the weights before every block's
/// shape has been checked, so memory follows the document's size, not the sizes it declares.
///
/// # Errors
/// [`Error::Format`] with a one-line message naming the first offending field; never panics.
pub fn from_json<T: Real>(json: &str) -> Result<Checkpoint<T>, Error> {
    read::checkpoint(json).map_err(|m| Error::Format(one_line(&m)))
}

/// The parameter layout [`Model::zeros`] builds for `config`, without allocating parameters.
pub(crate) fn layout_of(config: &ModelConfig) -> Layout {
    crate::model::plan(config).layout
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::CellKind;
    use crate::json::push_number;
    use crate::model::{Direction, Init, Readout};

    #[test]
    fn layout_matches_the_model_for_every_cell_and_shape() {
        for cell in [
            CellKind::Gru,
            CellKind::GruTorch,
            CellKind::Lstm,
            CellKind::RnnTanh,
            CellKind::RnnRelu,
        ] {
            for (layers, dir) in [(1, Direction::Forward), (3, Direction::Bidirectional)] {
                let c = ModelConfig::new(cell, 3, 4, 2)
                    .layers(layers)
                    .direction(dir)
                    .readout(Readout::PerStep);
                assert_eq!(
                    layout_of(&c),
                    Model::<f32>::zeros(c.clone()).unwrap().layout,
                    "{c:?}"
                );
            }
        }
    }

    #[test]
    fn f32_numbers_read_back_bit_for_bit_through_f64() {
        // Writing an f32's shortest form, reading it with serde_json as f64 (which may be an ulp
        // off) and rounding to f32 must be exact: checked on a wide spread of bit patterns.
        let mut x: u32 = 0x9E37_79B9;
        let mut s = String::new();
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let v = f32::from_bits(x);
            if !v.is_finite() {
                continue;
            }
            s.clear();
            push_number(&mut s, v);
            let back: f64 = serde_json::from_str(&s).unwrap(); // the parser `from_json` uses
            assert_eq!((back as f32).to_bits(), v.to_bits(), "{v:e} written as {s}");
        }
    }

    #[test]
    fn a_round_trip_is_exact_in_f32_and_within_an_ulp_or_two_in_f64() {
        let c = ModelConfig::new(CellKind::Lstm, 2, 3, 2).direction(Direction::Bidirectional);
        let m = Model::<f32>::new(c.clone(), Init::TorchUniform, 5).unwrap();
        let back = from_json::<f32>(&to_json(&m, None, Some(7)).unwrap()).unwrap();
        assert_eq!((back.model, back.train, back.step), (m, None, Some(7)));
        let m = Model::<f64>::new(c, Init::TorchUniform, 5).unwrap();
        let back = from_json::<f64>(&to_json(&m, None, None).unwrap())
            .unwrap()
            .model;
        assert_eq!((&back.config, &back.layout), (&m.config, &m.layout));
        for (a, b) in back.params.iter().zip(&m.params) {
            assert!((a - b).abs() <= 4.0 * f64::EPSILON * b.abs(), "{a} vs {b}");
        }
    }
}
