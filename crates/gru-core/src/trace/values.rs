//! Typed reads of JSON values with one-line errors that name the field.

use serde_json::Value;

use crate::json::describe;

/// `"1 number"`, `"3 numbers"`.
fn numbers(n: usize) -> String {
    if n == 1 {
        "1 number".into()
    } else {
        format!("{n} numbers")
    }
}

/// A finite number.
pub fn number(v: &Value, field: &str) -> Result<f64, String> {
    match v.as_f64() {
        Some(x) if x.is_finite() => Ok(x),
        Some(_) => Err(format!("{field}: not a finite number")),
        None => Err(format!("{field}: expected a number, got {}", describe(v))),
    }
}

/// A list of exactly `n` finite numbers.
pub fn vector(v: &Value, field: &str, n: usize) -> Result<Vec<f64>, String> {
    let list = v
        .as_array()
        .ok_or_else(|| format!("{field}: expected {}, got {}", numbers(n), describe(v)))?;
    if list.len() != n {
        return Err(format!(
            "{field}: expected {}, got {}",
            numbers(n),
            list.len()
        ));
    }
    list.iter()
        .enumerate()
        .map(|(k, x)| number(x, &format!("{field}[{k}]")))
        .collect()
}

/// `rows` lists of `cols` finite numbers each, flattened row-major.
pub fn matrix(v: &Value, field: &str, rows: usize, cols: usize) -> Result<Vec<f64>, String> {
    let list = v.as_array().ok_or_else(|| {
        format!(
            "{field}: expected {rows} rows of {}, got {}",
            numbers(cols),
            describe(v)
        )
    })?;
    if list.len() != rows {
        return Err(format!(
            "{field}: expected {rows} rows of {cols}, got {} rows",
            list.len()
        ));
    }
    // Grown row by row: `rows × cols` (declared sizes) is not reserved up front.
    let mut out = Vec::new();
    for (i, row) in list.iter().enumerate() {
        out.extend(vector(row, &format!("{field}[{i}]"), cols)?);
    }
    Ok(out)
}

/// An integer from 1 to `max`.
pub fn positive(v: &Value, field: &str, max: usize) -> Result<usize, String> {
    v.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| (1..=max).contains(&n))
        .ok_or_else(|| {
            format!(
                "{field}: expected an integer from 1 to {max}, got {}",
                describe(v)
            )
        })
}

/// A class index `< classes` (an integer; `2.0` is accepted as 2).
pub fn class_index(v: &Value, field: &str, classes: usize) -> Result<usize, String> {
    let bad = || {
        format!(
            "{field}: expected a class index from 0 to {}, got {}",
            classes.saturating_sub(1),
            describe(v)
        )
    };
    let x = v.as_f64().ok_or_else(bad)?;
    if x.fract() != 0.0 || x < 0.0 || x >= classes as f64 {
        return Err(bad());
    }
    Ok(x as usize)
}
