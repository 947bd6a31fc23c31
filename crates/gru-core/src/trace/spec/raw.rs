//! The spec's JSON objects as serde sees them: every field a [`Value`] checked later, unknown
//! fields refused; and two small readers shared by the parts.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::json::describe;

/// Deserialises a present field (including `null`) as `Some`, so absent and `null` differ.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSpec {
    #[serde(default)]
    pub(super) version: Option<Value>,
    pub(super) cell: Value,
    #[serde(default)]
    pub(super) variant: Option<Value>,
    #[serde(default)]
    pub(super) nonlinearity: Option<Value>,
    #[serde(default)]
    pub(super) input_size: Option<Value>,
    #[serde(default)]
    pub(super) hidden_size: Option<Value>,
    pub(super) weights: Value,
    pub(super) x: Value,
    #[serde(default)]
    pub(super) h0: Option<Value>,
    #[serde(default)]
    pub(super) c0: Option<Value>,
    #[serde(default)]
    pub(super) head: Option<Value>,
    #[serde(default)]
    pub(super) loss: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub(super) jacobians: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub(super) one_step: Option<Value>,
    #[serde(default, rename = "comment")]
    pub(super) _comment: Option<Value>,
    #[serde(default, rename = "name")]
    pub(super) _name: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHead {
    #[serde(rename = "W_o")]
    pub(super) w_o: Value,
    #[serde(default, rename = "b_o")]
    pub(super) b_o: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLoss {
    #[serde(rename = "type")]
    pub(super) kind: Value,
    #[serde(default)]
    pub(super) at: Option<Value>,
    #[serde(default)]
    pub(super) step_reduction: Option<Value>,
    #[serde(default)]
    pub(super) target: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawJacobians {
    #[serde(default)]
    pub(super) target_step: Option<Value>,
    #[serde(default)]
    pub(super) ks: Option<Value>,
    #[serde(default)]
    pub(super) matrices: Option<Value>,
}

/// Deserialises a nested object, prefixing serde's message (unknown or missing fields).
pub(super) fn nested<T: for<'de> Deserialize<'de>>(v: &Value, field: &str) -> Result<T, String> {
    if !v.is_object() {
        return Err(format!("{field}: expected an object, got {}", describe(v)));
    }
    T::deserialize(v).map_err(|e| format!("{field}: {e}"))
}

/// A string field that must be one of `options` (the first is the default when absent).
pub(super) fn choice(
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
