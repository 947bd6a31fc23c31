//! The spec's JSON objects as serde sees them: every field a [`Value`] checked later, unknown
//! fields refused; and two small readers shared by the parts.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::json::{describe, key};

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

/// The field names of a raw object, for the unknown-field message.
pub(super) trait Fields {
    /// Every field, in the order TRACE_FORMAT.md lists them.
    const NAMES: &'static [&'static str];
}

impl Fields for RawSpec {
    const NAMES: &'static [&'static str] = &[
        "version",
        "cell",
        "variant",
        "nonlinearity",
        "input_size",
        "hidden_size",
        "weights",
        "x",
        "h0",
        "c0",
        "head",
        "loss",
        "jacobians",
        "one_step",
        "comment",
        "name",
    ];
}

impl Fields for RawHead {
    const NAMES: &'static [&'static str] = &["W_o", "b_o"];
}

impl Fields for RawLoss {
    const NAMES: &'static [&'static str] = &["type", "at", "step_reduction", "target"];
}

impl Fields for RawJacobians {
    const NAMES: &'static [&'static str] = &["target_step", "ks", "matrices"];
}

/// Deserialises an object, refusing unknown fields first (the key shown short and escaped),
/// then prefixing serde's message (missing fields).
pub(super) fn nested<T: for<'de> Deserialize<'de> + Fields>(
    v: &Value,
    field: &str,
) -> Result<T, String> {
    let Some(obj) = v.as_object() else {
        return Err(format!("{field}: expected an object, got {}", describe(v)));
    };
    if let Some(k) = obj.keys().find(|k| !T::NAMES.contains(&k.as_str())) {
        let names = T::NAMES
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>();
        return Err(format!(
            "{field}: unknown field `{}`, expected one of {}",
            key(k),
            names.join(", ")
        ));
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
