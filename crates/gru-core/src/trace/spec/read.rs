//! Reading a spec: the document, the cell, the sizes (checked against [`MAX_NUMBERS`] before
//! anything of size `T` is allocated), the weights, the sequence and the initial state.

use serde_json::{Map, Value};

use super::parts::{parse_head, parse_jacobians, parse_loss};
use super::raw::{choice, nested, RawSpec};
use super::{OneStep, Spec, MAX_BYTES, MAX_NUMBERS};
use crate::cell::Nonlinearity;
use crate::json::{self, describe, key};
use crate::trace::cells::{CellType, Shape, WeightDef};
use crate::trace::values::{matrix, positive, vector};

/// The whole spec.
pub(super) fn spec(text: &str) -> Result<Spec, String> {
    let v = json::parse(text, "spec", MAX_BYTES)?;
    if !v.is_object() {
        return Err(format!(
            "spec: expected a JSON object, got {}",
            describe(&v)
        ));
    }
    let raw: RawSpec = nested(&v, "spec")?;
    if let Some(ver) = &raw.version {
        if ver.as_u64() != Some(1) {
            return Err(format!(
                "version: only version 1 is supported, got {}",
                describe(ver)
            ));
        }
    }
    let cell = cell_type(&raw)?;
    let wobj = weight_object(&raw.weights, cell.weights())?;
    let hidden = hidden_size(&raw, wobj, cell.weights())?;
    let xs = raw
        .x
        .as_array()
        .ok_or_else(|| format!("x: expected a list of steps, got {}", describe(&raw.x)))?;
    let Some(x0) = xs.first() else {
        return Err("x: the sequence is empty (need at least one step)".into());
    };
    let input = match &raw.input_size {
        Some(v) => positive(v, "input_size", 4096)?,
        None => positive(
            &Value::from(x0.as_array().map_or(0, Vec::len)),
            "x[0] (its length gives input_size)",
            4096,
        )?,
    };
    let steps = xs.len();
    let state = if cell.has_c() { 2 * hidden } else { hidden };
    budget(steps, state, input, 0)?;
    let weights = cell
        .weights()
        .iter()
        .map(|d| weight(d, wobj, hidden, input).map(|w| (d.name, w)))
        .collect::<Result<Vec<_>, _>>()?;
    let x = matrix(&raw.x, "x", steps, input)?;
    let initial = |v: &Option<Value>, field: &str| {
        v.as_ref()
            .map_or(Ok(vec![0.0; hidden]), |v| vector(v, field, hidden))
    };
    let h0 = initial(&raw.h0, "h0")?;
    let c0 = match (&raw.c0, cell.has_c()) {
        (Some(_), false) => return Err("c0: only the lstm has a cell state".into()),
        (_, true) => initial(&raw.c0, "c0")?,
        (None, false) => Vec::new(),
    };
    let head = raw
        .head
        .as_ref()
        .map(|v| parse_head(v, hidden))
        .transpose()?;
    budget(steps, state, input, head.as_ref().map_or(hidden, |h| h.out))?;
    let loss = raw
        .loss
        .as_ref()
        .map(|v| parse_loss(v, steps, hidden, head.as_ref()))
        .transpose()?;
    Ok(Spec {
        cell,
        input,
        hidden,
        steps,
        weights,
        x,
        h0,
        c0,
        head,
        loss,
        jacobians: parse_jacobians(raw.jacobians.as_ref(), steps)?,
        one_step: one_step(raw.one_step.as_ref())?,
    })
}

/// `cell` with its `variant` / `nonlinearity`, each allowed only where it means something.
fn cell_type(raw: &RawSpec) -> Result<CellType, String> {
    let name = choice(Some(&raw.cell), "cell", &["gru", "lstm", "rnn"])?;
    if name != "gru" && raw.variant.is_some() {
        return Err("variant: only for cell \"gru\"".into());
    }
    if name != "rnn" && raw.nonlinearity.is_some() {
        return Err("nonlinearity: only for cell \"rnn\"".into());
    }
    Ok(match name {
        "gru" => match choice(
            raw.variant.as_ref(),
            "variant",
            &["reset_before", "pytorch"],
        )? {
            "pytorch" => CellType::GruTorch,
            _ => CellType::GruResetBefore,
        },
        "lstm" => CellType::Lstm,
        _ => match choice(raw.nonlinearity.as_ref(), "nonlinearity", &["tanh", "relu"])? {
            "relu" => CellType::Rnn(Nonlinearity::Relu),
            _ => CellType::Rnn(Nonlinearity::Tanh),
        },
    })
}

/// `weights` as an object with only this cell's names and every matrix present.
fn weight_object<'a>(v: &'a Value, defs: &[WeightDef]) -> Result<&'a Map<String, Value>, String> {
    let wobj = v
        .as_object()
        .ok_or_else(|| format!("weights: expected an object, got {}", describe(v)))?;
    if let Some(k) = wobj
        .keys()
        .find(|k| !defs.iter().any(|d| d.name == k.as_str()))
    {
        let names = defs.iter().map(|d| d.name).collect::<Vec<_>>().join(" ");
        return Err(format!(
            "weights.{}: unknown weight for this cell (expected {names})",
            key(k)
        ));
    }
    if let Some(d) = defs
        .iter()
        .find(|d| d.shape != Shape::Bias && given(wobj, d.name).is_none())
    {
        return Err(format!(
            "weights.{}: missing (every matrix is required)",
            d.name
        ));
    }
    Ok(wobj)
}

/// A weight that is present and not `null`.
fn given<'a>(wobj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    wobj.get(name).filter(|v| !v.is_null())
}

/// `hidden_size`, or the rows of the first recurrent matrix.
fn hidden_size(
    raw: &RawSpec,
    wobj: &Map<String, Value>,
    defs: &[WeightDef],
) -> Result<usize, String> {
    if let Some(v) = &raw.hidden_size {
        return positive(v, "hidden_size", 1024);
    }
    let d = defs
        .iter()
        .find(|d| d.shape == Shape::Recurrent)
        .ok_or("hidden_size: missing")?;
    let rows = given(wobj, d.name)
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    positive(
        &Value::from(rows),
        &format!("weights.{} (its rows give hidden_size)", d.name),
        1024,
    )
}

/// One weight in the spec's shape; a missing bias is zeros.
fn weight(
    d: &WeightDef,
    wobj: &Map<String, Value>,
    hidden: usize,
    input: usize,
) -> Result<Vec<f64>, String> {
    let field = format!("weights.{}", d.name);
    match (d.shape, given(wobj, d.name)) {
        (Shape::Input, Some(v)) => matrix(v, &field, hidden, input),
        (Shape::Recurrent, Some(v)) => matrix(v, &field, hidden, hidden),
        (Shape::Bias, Some(v)) => vector(v, &field, hidden),
        (_, None) => Ok(vec![0.0; hidden]),
    }
}

/// Refuses a trace larger than [`MAX_NUMBERS`]: `T × (S² + I + O)`.
fn budget(steps: usize, state: usize, input: usize, out: usize) -> Result<(), String> {
    let wide = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    let per_step = wide(state)
        .saturating_mul(wide(state))
        .saturating_add(wide(input))
        .saturating_add(wide(out));
    let total = wide(steps).saturating_mul(per_step);
    if total > MAX_NUMBERS {
        return Err(format!(
            "x: {steps} steps × ({state}² state Jacobian + {input} inputs + {out} outputs) = {total} numbers, over gru-trace's limit of {MAX_NUMBERS}; use fewer steps or a smaller hidden_size"
        ));
    }
    Ok(())
}

/// `one_step`: `true` (default), `"norms"`, or `false` / `null`.
fn one_step(v: Option<&Value>) -> Result<OneStep, String> {
    match v {
        None | Some(Value::Bool(true)) => Ok(OneStep::Full),
        Some(Value::Null | Value::Bool(false)) => Ok(OneStep::Off),
        Some(Value::String(s)) if s == "norms" => Ok(OneStep::Norms),
        Some(v) => Err(format!(
            "one_step: expected true, false or \"norms\", got {}",
            describe(v)
        )),
    }
}
