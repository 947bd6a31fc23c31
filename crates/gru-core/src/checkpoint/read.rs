//! Reading a checkpoint document, field by field; every error is a message naming the field.

use serde_json::{Map, Value};

use super::{layout_of, Checkpoint, FORMAT, VERSION};
use crate::json::{self, describe, inner, key, read_tensor, store, typed, Dims, MAX_BYTES};
use crate::model::{Model, ModelConfig};
use crate::params::Layout;
use crate::{Real, TrainConfig};

/// The top-level fields a checkpoint may have.
const FIELDS: [&str; 6] = ["format", "version", "model", "train", "step", "weights"];

/// The whole document.
pub(super) fn checkpoint<T: Real>(text: &str) -> Result<Checkpoint<T>, String> {
    checkpoint_value(&json::parse(text, "checkpoint", MAX_BYTES)?)
}

/// The whole document, already parsed (a checkpoint inside a larger file).
pub(super) fn checkpoint_value<T: Real>(doc: &Value) -> Result<Checkpoint<T>, String> {
    let Value::Object(doc) = doc else {
        return Err(format!(
            "checkpoint: expected a JSON object, got {}",
            describe(doc)
        ));
    };
    if let Some(k) = doc.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "{}: unknown field (a checkpoint has {})",
            key(k),
            FIELDS.join(", ")
        ));
    }
    header(doc)?;
    let config: ModelConfig = match doc.get("model") {
        Some(v) => typed(v, "model")?,
        None => return Err("model: missing".into()),
    };
    config
        .validate()
        .map_err(|e| format!("model: {}", inner(e)))?;
    let train = match doc.get("train") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let t: TrainConfig = typed(v, "train")?;
            check_train(&t, &config)?;
            Some(t)
        }
    };
    let step = match doc.get("step") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().ok_or_else(|| {
            format!(
                "step: expected a whole number from 0 to {}, got {}",
                u64::MAX,
                describe(v)
            )
        })?),
    };
    let layout = layout_of(&config);
    let params = weights(doc.get("weights"), &layout)?;
    let mut model = Model::zeros(config).map_err(|e| format!("model: {}", inner(e)))?;
    if model.layout != layout || model.params.len() != params.len() {
        return Err("model: internal layout mismatch".into());
    }
    model.params = params;
    Ok(Checkpoint { model, train, step })
}

/// `format` and `version`.
fn header(doc: &Map<String, Value>) -> Result<(), String> {
    match doc.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(v) => {
            return Err(format!(
                "format: expected \"{FORMAT}\", got {}",
                describe(v)
            ))
        }
        None => {
            return Err(format!(
                "format: missing (a checkpoint starts with \"format\": \"{FORMAT}\")"
            ))
        }
    }
    match doc.get("version").map(|v| (v, v.as_u64())) {
        Some((_, Some(VERSION))) => Ok(()),
        Some((v, _)) => Err(format!(
            "version: {} is not supported (this build reads version {VERSION})",
            describe(v)
        )),
        None => Err("version: missing".into()),
    }
}

/// Checks `train` (each part under its own name) and that it describes `model`.
pub(super) fn check_train(t: &TrainConfig, model: &ModelConfig) -> Result<(), String> {
    t.optimizer
        .validate()
        .map_err(|e| format!("train.optimizer: {}", inner(e)))?;
    t.validate().map_err(|e| format!("train.{}", inner(e)))?;
    let task = t
        .task
        .build()
        .map_err(|e| format!("train.task: {}", inner(e)))?;
    let (i, m) = (t.model_config(&task), model);
    // The first field where the implied model differs: (train's field, model's field,
    // implied, model's). Compared as their Debug text, which is exact for these types
    // (integers, enums, and f64 printed round-trip).
    macro_rules! first_mismatch {
        ($(($ours:literal, $field:ident)),* $(,)?) => {
            [$(($ours, stringify!($field), format!("{:?}", i.$field), format!("{:?}", m.$field))),*]
                .into_iter()
                .find(|f| f.2 != f.3)
        };
    }
    let mismatch = first_mismatch![
        ("cell", cell),
        ("task", input),
        ("hidden", hidden),
        ("layers", layers),
        ("direction", direction),
        ("task", output),
        ("task", readout),
        ("input_dropout", input_dropout),
        ("recurrent_dropout", recurrent_dropout),
    ];
    match mismatch {
        Some((ours, theirs, implied, has)) => Err(format!(
            "train.{ours}: gives model.{theirs} = {implied}, but \"model\" has {has} (train must describe the model)"
        )),
        None => Ok(()),
    }
}

/// Every block of `layout`, shape-checked, then gathered into one parameter vector: all shapes
/// are checked before the vector is allocated, so its size is that of the numbers present.
fn weights<T: Real>(v: Option<&Value>, layout: &Layout) -> Result<Vec<T>, String> {
    let weights = match v {
        Some(Value::Object(w)) => w,
        Some(v) => {
            return Err(format!(
                "weights: expected an object of blocks, got {}",
                describe(v)
            ))
        }
        None => return Err("weights: missing".into()),
    };
    if let Some(name) = weights.keys().find(|k| layout.find(k).is_none()) {
        let known: Vec<&str> = layout.blocks.iter().map(|b| b.name.as_str()).collect();
        return Err(format!(
            "weights.{}: unknown block (this model has {})",
            key(name),
            known.join(", ")
        ));
    }
    let mut blocks = Vec::with_capacity(layout.blocks.len());
    for b in &layout.blocks {
        let field = format!("weights.{}", b.name);
        let v = weights
            .get(&b.name)
            .ok_or_else(|| format!("{field}: missing"))?;
        let (dims, data) = read_tensor(v, &field)?;
        let want = if b.cols == 1 {
            Dims::Vector(b.rows)
        } else {
            Dims::Matrix(b.rows, b.cols)
        };
        if dims != want && dims != Dims::Matrix(b.rows, b.cols) {
            return Err(format!("{field}: expected {want}, got {dims}"));
        }
        blocks.push((field, b.range(), data));
    }
    let mut params = vec![T::zero(); layout.len()];
    for (field, range, data) in blocks {
        let dst = params
            .get_mut(range)
            .ok_or_else(|| format!("{field}: outside the parameters"))?;
        store(&field, &data, dst)?;
    }
    Ok(params)
}
