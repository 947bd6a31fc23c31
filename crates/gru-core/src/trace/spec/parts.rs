//! The optional parts of a spec: the head, the loss and the Jacobians to report.

use serde_json::Value;

use super::raw::{choice, nested, RawHead, RawJacobians, RawLoss};
use super::{Head, JacobianSpec, Loss, LossType, Target};
use crate::json::describe;
use crate::trace::values::{class_index, matrix, vector};

pub(super) fn parse_head(v: &Value, hidden: usize) -> Result<Head, String> {
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

pub(super) fn parse_loss(
    v: &Value,
    steps: usize,
    hidden: usize,
    head: Option<&Head>,
) -> Result<Loss, String> {
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

pub(super) fn parse_jacobians(
    v: Option<&Value>,
    steps: usize,
) -> Result<Option<JacobianSpec>, String> {
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
