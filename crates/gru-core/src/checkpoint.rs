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
//! be off by an ulp or two (relative error ≲ 5e-16). Reading never panics: every problem is an [`Error::Format`] naming the
//! field, e.g. `weights.l0.fwd.U_h: expected 16×16, got 16×15`.

use std::fmt;

use serde_json::Value;

use crate::model::{Model, ModelConfig};
use crate::params::Layout;
use crate::{Error, Real, TrainConfig};

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
}

/// Writes `model` (and optionally its training settings and step count) as a checkpoint.
///
/// # Errors
/// [`Error::Format`] naming the block when a weight is NaN or infinite, or the field when
/// `train` is invalid.
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
        t.validate()
            .map_err(|e| fail(format!("train: {}", inner(e))))?;
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

/// Reads a checkpoint: checks the format tag and version, the model config, every weight
/// block's presence, shape and finiteness, and that `train` (when present) describes the model.
///
/// # Errors
/// [`Error::Format`] naming the first offending field; never panics.
pub fn from_json<T: Real>(json: &str) -> Result<Checkpoint<T>, Error> {
    let fail = |m: String| Error::Format(m);
    let doc: Value =
        serde_json::from_str(json).map_err(|e| fail(format!("not valid JSON: {e}")))?;
    let Value::Object(doc) = doc else {
        return Err(fail("expected a JSON object".into()));
    };
    for key in doc.keys() {
        if !["format", "version", "model", "train", "step", "weights"].contains(&key.as_str()) {
            return Err(fail(format!("{key}: unknown field")));
        }
    }
    match doc.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(v) => {
            return Err(fail(format!(
                "format: expected \"{FORMAT}\", got {}",
                brief(v)
            )))
        }
        None => {
            return Err(fail(format!(
                "format: missing (a checkpoint starts with \"format\": \"{FORMAT}\")"
            )))
        }
    }
    match doc.get("version").map(|v| (v, v.as_u64())) {
        Some((_, Some(VERSION))) => {}
        Some((v, _)) => {
            return Err(fail(format!(
                "version: {} is not supported (this build reads version {VERSION})",
                brief(v)
            )))
        }
        None => return Err(fail("version: missing".into())),
    }
    let config: ModelConfig = match doc.get("model") {
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| fail(format!("model: {e}")))?,
        None => return Err(fail("model: missing".into())),
    };
    config
        .validate()
        .map_err(|e| fail(format!("model: {}", inner(e))))?;
    let train = match doc.get("train") {
        None | Some(Value::Null) => None,
        Some(v) => Some(read_train(v, &config)?),
    };
    let step = match doc.get("step") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .ok_or_else(|| fail(format!("step: expected a whole number, got {}", brief(v))))?,
        ),
    };
    // Check the weights against the layout before allocating the model, so a small document
    // cannot make us allocate a huge one.
    let layout = layout_of(&config);
    let Some(Value::Object(weights)) = doc.get("weights") else {
        return Err(fail("weights: missing or not an object of blocks".into()));
    };
    if let Some(name) = weights.keys().find(|k| layout.find(k).is_none()) {
        let known: Vec<&str> = layout.blocks.iter().map(|b| b.name.as_str()).collect();
        return Err(fail(format!(
            "weights.{name}: unknown block (this model has {})",
            known.join(", ")
        )));
    }
    let mut params = vec![T::zero(); layout.len()];
    for b in &layout.blocks {
        let field = format!("weights.{}", b.name);
        let v = weights
            .get(&b.name)
            .ok_or_else(|| fail(format!("{field}: missing")))?;
        let (dims, data) = read_tensor(v, &field)?;
        let ok =
            dims == Dims::Matrix(b.rows, b.cols) || (b.cols == 1 && dims == Dims::Vector(b.rows));
        if !ok {
            let want = if b.cols == 1 {
                Dims::Vector(b.rows)
            } else {
                Dims::Matrix(b.rows, b.cols)
            };
            return Err(fail(format!("{field}: expected {want}, got {dims}")));
        }
        store(&field, &data, &mut params[b.range()])?;
    }
    let mut model = Model::zeros(config).map_err(|e| fail(format!("model: {}", inner(e))))?;
    if model.layout != layout {
        return Err(fail("model: internal layout mismatch".into()));
    }
    model.params = params;
    Ok(Checkpoint { model, train, step })
}

/// The message of a config or format error, without the "invalid setting" preamble.
pub(crate) fn inner(e: Error) -> String {
    match e {
        Error::Config(m) | Error::Format(m) => m,
        e => e.to_string(),
    }
}

/// Parses and validates `train`, and checks that it describes `model`.
fn read_train(v: &Value, model: &ModelConfig) -> Result<TrainConfig, Error> {
    let fail = |m: String| Error::Format(format!("train: {m}"));
    let t: TrainConfig = serde_json::from_value(v.clone()).map_err(|e| fail(e.to_string()))?;
    t.validate().map_err(|e| fail(inner(e)))?;
    let task = t.task.build().map_err(|e| fail(inner(e)))?;
    let implied = t.model_config(&task);
    if &implied != model {
        return Err(fail(format!(
            "describes a different model ({implied:?}) than \"model\" ({model:?})"
        )));
    }
    Ok(t)
}

/// The parameter layout [`Model::zeros`] builds for `config`, without allocating parameters.
pub(crate) fn layout_of(config: &ModelConfig) -> Layout {
    crate::model::plan(config).layout
}

/// The shape of a JSON tensor: `[n]` or `[rows][cols]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dims {
    /// A flat list of `n` numbers.
    Vector(usize),
    /// A list of `rows` lists of `cols` numbers.
    Matrix(usize, usize),
}

impl fmt::Display for Dims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Dims::Vector(n) => write!(f, "[{n}]"),
            Dims::Matrix(r, c) => write!(f, "{r}×{c}"),
        }
    }
}

/// Reads a nested list of finite numbers (`[n]` or rectangular `[rows][cols]`), row-major.
pub(crate) fn read_tensor(v: &Value, field: &str) -> Result<(Dims, Vec<f64>), Error> {
    let fail = |m: String| Error::Format(m);
    let num = |v: &Value, at: String| -> Result<f64, Error> {
        match v.as_f64() {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(fail(format!(
                "{at}: expected a finite number, got {}",
                brief(v)
            ))),
        }
    };
    let Value::Array(rows) = v else {
        return Err(fail(format!("{field}: expected a list, got {}", brief(v))));
    };
    match rows.first() {
        Some(Value::Array(first)) => {
            let cols = first.len();
            let mut data = Vec::with_capacity(rows.len() * cols);
            for (i, row) in rows.iter().enumerate() {
                let Value::Array(row) = row else {
                    return Err(fail(format!(
                        "{field}[{i}]: expected a list of {cols} numbers, got {}",
                        brief(row)
                    )));
                };
                if row.len() != cols {
                    return Err(fail(format!(
                        "{field}: row {i} has {} numbers, row 0 has {cols}",
                        row.len()
                    )));
                }
                for (j, x) in row.iter().enumerate() {
                    data.push(num(x, format!("{field}[{i}][{j}]"))?);
                }
            }
            Ok((Dims::Matrix(rows.len(), cols), data))
        }
        _ => {
            let data = rows
                .iter()
                .enumerate()
                .map(|(i, x)| num(x, format!("{field}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((Dims::Vector(data.len()), data))
        }
    }
}

/// Converts `src` into `dst` (same length), refusing values the float type cannot hold.
pub(crate) fn store<T: Real>(field: &str, src: &[f64], dst: &mut [T]) -> Result<(), Error> {
    for (k, (d, &s)) in dst.iter_mut().zip(src).enumerate() {
        *d = T::of(s);
        if !d.is_finite() {
            return Err(Error::Format(format!(
                "{field}: element {k} ({s:e}) is out of range for the model's float type"
            )));
        }
    }
    Ok(())
}

/// Appends `v` so that it reads back to the same float: the shortest round-trip form for
/// ordinary magnitudes, the exact f64 value in exponent form for tiny or huge ones.
pub(crate) fn push_number<T: Real>(out: &mut String, v: T) {
    let a = v.abs().f64();
    if a == 0.0 || (1e-5..1e16).contains(&a) {
        out.push_str(&v.to_string());
    } else {
        out.push_str(&format!("{:e}", v.f64()));
    }
}

/// Appends `[v0, v1, …]`.
pub(crate) fn push_vector<T: Real>(out: &mut String, v: &[T]) {
    out.push('[');
    for (k, &x) in v.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        push_number(out, x);
    }
    out.push(']');
}

/// Appends a row-major `(len / cols, cols)` matrix as `[[…], …]`, one row per line.
pub(crate) fn push_matrix<T: Real>(out: &mut String, m: &[T], cols: usize, indent: &str) {
    out.push('[');
    for (i, row) in m.chunks(cols.max(1)).enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(indent);
        out.push_str("  ");
        push_vector(out, row);
    }
    out.push('\n');
    out.push_str(indent);
    out.push(']');
}

/// `s` as a JSON string literal.
pub(crate) fn quote(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// A short description of a JSON value for error messages.
pub(crate) fn brief(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::CellKind;
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
