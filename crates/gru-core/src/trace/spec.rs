//! Parsing and checking a `gru-trace` spec (TRACE_FORMAT.md, version 1). Every error is one
//! line naming the field, e.g. `weights.W_z: expected 4 rows of 3, got 3 rows`.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::cells::{CellType, Shape};
use super::values::{class_index, describe, matrix, positive, vector};
use crate::cell::Nonlinearity;

/// A checked spec: every array has its declared shape and every number is finite.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    /// Cell and formulation.
    pub cell: CellType,
    /// Input size `I`.
    pub input: usize,
    /// Hidden size `H`.
    pub hidden: usize,
    /// Steps `T ≥ 1`.
    pub steps: usize,
    /// Every weight of the cell in canonical order, spec-shaped (`[H][I]`, `[H][H]` or `[H]`,
    /// row-major); missing biases are zeros.
    pub weights: Vec<(&'static str, Vec<f64>)>,
    /// `(T, I)`.
    pub x: Vec<f64>,
    /// `(H)`, zeros by default.
    pub h0: Vec<f64>,
    /// `(H)` for the LSTM (zeros by default), empty otherwise.
    pub c0: Vec<f64>,
    /// The optional linear head.
    pub head: Option<Head>,
    /// The optional loss.
    pub loss: Option<Loss>,
    /// Which Jacobian products to report, `None` = none.
    pub jacobians: Option<JacobianSpec>,
    /// How much of the one-step Jacobians to report.
    pub one_step: OneStep,
}

/// `y_t = W_o h_t + b_o`.
#[derive(Clone, Debug, PartialEq)]
pub struct Head {
    /// Output size `O`.
    pub out: usize,
    /// `W_o (O, H)`.
    pub w: Vec<f64>,
    /// `b_o (O)`, zeros when missing.
    pub b: Vec<f64>,
}

/// Which per-step loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossType {
    /// Mean over `O` of `(y_t − y*)²`.
    Mse,
    /// `logsumexp(y_t) − y_t[c]`.
    CrossEntropy,
    /// `g · h_t` (no head involved).
    Dot,
}

/// The loss and its targets, one row per step.
#[derive(Clone, Debug, PartialEq)]
pub struct Loss {
    /// The per-step term.
    pub kind: LossType,
    /// `"per_step"` (all steps) rather than `"final"` (step `T` only).
    pub per_step: bool,
    /// `"sum"` rather than `"mean"` over steps (per step only).
    pub sum: bool,
    /// `(T, W)` values (`W = O` for mse, `H` for dot; a single row is broadcast) or `(T)`
    /// class indices; for `"final"` only the last row is used.
    pub target: Target,
}

/// Targets, already broadcast to one row per step.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// `(T, W)`.
    Values(Vec<f64>),
    /// `(T)` class indices `< O`.
    Classes(Vec<usize>),
}

/// The Jacobian products `∂h_t/∂h_{t−k}` to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JacobianSpec {
    /// `t`, 0..=T (default `T`).
    pub target: usize,
    /// Lags, ascending, unique, each `≤ t` (default all).
    pub ks: Vec<usize>,
    /// Include the matrices (default true).
    pub matrices: bool,
}

/// `one_step`: off, norms only, or norms and matrices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OneStep {
    /// `false` / `null`.
    Off,
    /// `"norms"`.
    Norms,
    /// `true` (default).
    Full,
}

/// Deserialises a present field (including `null`) as `Some`, so absent and `null` differ.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    #[serde(default)]
    version: Option<Value>,
    cell: Value,
    #[serde(default)]
    variant: Option<Value>,
    #[serde(default)]
    nonlinearity: Option<Value>,
    #[serde(default)]
    input_size: Option<Value>,
    #[serde(default)]
    hidden_size: Option<Value>,
    weights: Value,
    x: Value,
    #[serde(default)]
    h0: Option<Value>,
    #[serde(default)]
    c0: Option<Value>,
    #[serde(default)]
    head: Option<Value>,
    #[serde(default)]
    loss: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    jacobians: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    one_step: Option<Value>,
    #[serde(default, rename = "comment")]
    _comment: Option<Value>,
    #[serde(default, rename = "name")]
    _name: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHead {
    #[serde(rename = "W_o")]
    w_o: Value,
    #[serde(default, rename = "b_o")]
    b_o: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLoss {
    #[serde(rename = "type")]
    kind: Value,
    #[serde(default)]
    at: Option<Value>,
    #[serde(default)]
    step_reduction: Option<Value>,
    #[serde(default)]
    target: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJacobians {
    #[serde(default)]
    target_step: Option<Value>,
    #[serde(default)]
    ks: Option<Value>,
    #[serde(default)]
    matrices: Option<Value>,
}

/// Deserialises a nested object, prefixing serde's message (unknown or missing fields).
fn nested<T: for<'de> Deserialize<'de>>(v: &Value, field: &str) -> Result<T, String> {
    if !v.is_object() {
        return Err(format!("{field}: expected an object, got {}", describe(v)));
    }
    T::deserialize(v).map_err(|e| format!("{field}: {e}"))
}

/// A string field that must be one of `options` (the first is the default when absent).
fn choice(
    v: Option<&Value>,
    field: &str,
    options: &[&'static str],
) -> Result<&'static str, String> {
    let Some(v) = v else { return Ok(options[0]) };
    let list = options
        .iter()
        .map(|o| format!("\"{o}\""))
        .collect::<Vec<_>>()
        .join(", ");
    v.as_str()
        .and_then(|s| options.iter().find(|o| **o == s).copied())
        .ok_or_else(|| format!("{field}: expected one of {list}, got {}", describe(v)))
}

/// Parses and checks a spec from JSON text.
///
/// # Errors
/// A one-line message naming the offending field.
pub fn parse(text: &str) -> Result<Spec, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    if !v.is_object() {
        return Err(format!(
            "spec: expected a JSON object, got {}",
            describe(&v)
        ));
    }
    let raw = RawSpec::deserialize(&v).map_err(|e| format!("spec: {e}"))?;
    if let Some(ver) = &raw.version {
        if ver.as_u64() != Some(1) {
            return Err(format!(
                "version: only version 1 is supported, got {}",
                describe(ver)
            ));
        }
    }
    let cell = cell_type(&raw)?;
    let defs = cell.weights();
    let wobj = raw.weights.as_object().ok_or_else(|| {
        format!(
            "weights: expected an object, got {}",
            describe(&raw.weights)
        )
    })?;
    if let Some(k) = wobj
        .keys()
        .find(|k| !defs.iter().any(|d| d.name == k.as_str()))
    {
        let names = defs.iter().map(|d| d.name).collect::<Vec<_>>().join(" ");
        return Err(format!(
            "weights.{k}: unknown weight for this cell (expected {names})"
        ));
    }
    let given = |name: &str| wobj.get(name).filter(|v| !v.is_null());
    if let Some(d) = defs
        .iter()
        .find(|d| d.shape != Shape::Bias && given(d.name).is_none())
    {
        return Err(format!(
            "weights.{}: missing (every matrix is required)",
            d.name
        ));
    }
    let hidden = match &raw.hidden_size {
        Some(v) => positive(v, "hidden_size", 1024)?,
        None => {
            // H = rows of the first recurrent matrix.
            let d = defs
                .iter()
                .find(|d| d.shape == Shape::Recurrent)
                .ok_or("hidden_size: missing")?;
            let rows = given(d.name).and_then(Value::as_array).map_or(0, Vec::len);
            positive(
                &Value::from(rows),
                &format!("weights.{} (its rows give hidden_size)", d.name),
                1024,
            )?
        }
    };
    let xs = raw
        .x
        .as_array()
        .ok_or_else(|| format!("x: expected a list of steps, got {}", describe(&raw.x)))?;
    if xs.is_empty() {
        return Err("x: the sequence is empty (need at least one step)".into());
    }
    let input = match &raw.input_size {
        Some(v) => positive(v, "input_size", 4096)?,
        None => positive(
            &Value::from(xs[0].as_array().map_or(0, Vec::len)),
            "x[0] (its length gives input_size)",
            4096,
        )?,
    };
    let steps = xs.len();
    let mut weights = Vec::with_capacity(defs.len());
    for d in defs {
        let field = format!("weights.{}", d.name);
        let val = match (d.shape, given(d.name)) {
            (Shape::Input, Some(v)) => matrix(v, &field, hidden, input)?,
            (Shape::Recurrent, Some(v)) => matrix(v, &field, hidden, hidden)?,
            (Shape::Bias, Some(v)) => vector(v, &field, hidden)?,
            (_, None) => vec![0.0; hidden],
        };
        weights.push((d.name, val));
    }
    let x = matrix(&raw.x, "x", steps, input)?;
    let state = |v: &Option<Value>, field: &str| {
        v.as_ref()
            .map_or(Ok(vec![0.0; hidden]), |v| vector(v, field, hidden))
    };
    let h0 = state(&raw.h0, "h0")?;
    let c0 = match (&raw.c0, cell.has_c()) {
        (Some(_), false) => return Err("c0: only the lstm has a cell state".into()),
        (_, true) => state(&raw.c0, "c0")?,
        (None, false) => Vec::new(),
    };
    let head = raw
        .head
        .as_ref()
        .map(|v| parse_head(v, hidden))
        .transpose()?;
    let loss = raw
        .loss
        .as_ref()
        .map(|v| parse_loss(v, steps, hidden, head.as_ref()))
        .transpose()?;
    let jacobians = parse_jacobians(raw.jacobians.as_ref(), steps)?;
    let one_step = match &raw.one_step {
        None | Some(Value::Bool(true)) => OneStep::Full,
        Some(Value::Null | Value::Bool(false)) => OneStep::Off,
        Some(Value::String(s)) if s == "norms" => OneStep::Norms,
        Some(v) => {
            return Err(format!(
                "one_step: expected true, false or \"norms\", got {}",
                describe(v)
            ))
        }
    };
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
        jacobians,
        one_step,
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

fn parse_head(v: &Value, hidden: usize) -> Result<Head, String> {
    let raw: RawHead = nested(v, "head")?;
    let out = raw.w_o.as_array().map_or(0, Vec::len);
    if out == 0 || out > 4096 {
        return Err(format!(
            "head.W_o: expected 1 to 4096 rows of {hidden}, got {}",
            describe(&raw.w_o)
        ));
    }
    let w = matrix(&raw.w_o, "head.W_o", out, hidden)?;
    let b = raw
        .b_o
        .as_ref()
        .map_or(Ok(vec![0.0; out]), |v| vector(v, "head.b_o", out))?;
    Ok(Head { out, w, b })
}

fn parse_loss(v: &Value, steps: usize, hidden: usize, head: Option<&Head>) -> Result<Loss, String> {
    let raw: RawLoss = nested(v, "loss")?;
    let kind = match choice(
        Some(&raw.kind),
        "loss.type",
        &["mse", "cross_entropy", "dot"],
    )? {
        "mse" => LossType::Mse,
        "cross_entropy" => LossType::CrossEntropy,
        _ => LossType::Dot,
    };
    let per_step = choice(raw.at.as_ref(), "loss.at", &["final", "per_step"])? == "per_step";
    let sum = choice(
        raw.step_reduction.as_ref(),
        "loss.step_reduction",
        &["mean", "sum"],
    )? == "sum";
    let width = match (kind, head) {
        (LossType::Dot, _) => hidden,
        (_, Some(h)) => h.out,
        (_, None) => return Err(format!("loss.type: {} needs a head", describe(&raw.kind))),
    };
    let tv = raw
        .target
        .as_ref()
        .filter(|t| !t.is_null())
        .ok_or("loss.target: missing")?;
    let rows = if per_step { steps } else { 1 };
    let target = if kind == LossType::CrossEntropy {
        let classes = match tv.as_array() {
            Some(list) if per_step => {
                if list.len() != steps {
                    return Err(format!(
                        "loss.target: expected {steps} class indices (one per step), got {}",
                        list.len()
                    ));
                }
                let each = list
                    .iter()
                    .enumerate()
                    .map(|(k, c)| class_index(c, &format!("loss.target[{k}]"), width));
                each.collect::<Result<Vec<_>, _>>()?
            }
            _ => vec![class_index(tv, "loss.target", width)?; steps],
        };
        Target::Classes(classes)
    } else {
        let rowwise = per_step
            && tv
                .as_array()
                .and_then(|a| a.first())
                .is_some_and(Value::is_array);
        let vals = if rowwise {
            matrix(tv, "loss.target", rows, width)?
        } else {
            vector(tv, "loss.target", width)?.repeat(steps)
        };
        Target::Values(if rowwise {
            vals
        } else {
            vals[..steps * width].to_vec()
        })
    };
    Ok(Loss {
        kind,
        per_step,
        sum,
        target,
    })
}

fn parse_jacobians(v: Option<&Value>, steps: usize) -> Result<Option<JacobianSpec>, String> {
    let all = |t: usize| JacobianSpec {
        target: t,
        ks: (0..=t).collect(),
        matrices: true,
    };
    let raw: RawJacobians = match v {
        None | Some(Value::Bool(true)) => return Ok(Some(all(steps))),
        Some(Value::Null | Value::Bool(false)) => return Ok(None),
        Some(v @ Value::Object(_)) => nested(v, "jacobians")?,
        Some(v) => {
            return Err(format!(
                "jacobians: expected an object, true or false, got {}",
                describe(v)
            ))
        }
    };
    let target = match raw.target_step.as_ref().filter(|t| !t.is_null()) {
        None => steps,
        Some(t) => match t
            .as_u64()
            .and_then(|k| usize::try_from(k).ok())
            .filter(|&k| k <= steps)
        {
            Some(k) => k,
            None => {
                return Err(format!(
                    "jacobians.target_step: expected a step from 0 to T = {steps}, got {}",
                    describe(t)
                ))
            }
        },
    };
    let mut spec = all(target);
    match raw.ks.as_ref() {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s == "all" => {}
        Some(Value::Array(list)) => {
            let mut ks = Vec::with_capacity(list.len());
            for (n, k) in list.iter().enumerate() {
                match k.as_u64().and_then(|k| usize::try_from(k).ok()) {
                    Some(k) if k <= target => ks.push(k),
                    _ => return Err(format!("jacobians.ks[{n}]: expected a lag from 0 to target_step = {target}, got {}", describe(k))),
                }
            }
            ks.sort_unstable();
            ks.dedup();
            spec.ks = ks;
        }
        Some(k) => {
            return Err(format!(
                "jacobians.ks: expected \"all\" or a list of lags, got {}",
                describe(k)
            ))
        }
    }
    match raw.matrices.as_ref() {
        None | Some(Value::Null) => {}
        Some(Value::Bool(b)) => spec.matrices = *b,
        Some(m) => {
            return Err(format!(
                "jacobians.matrices: expected true or false, got {}",
                describe(m)
            ))
        }
    }
    Ok(Some(spec))
}
