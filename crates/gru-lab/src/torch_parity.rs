//! The parity line of an imported PyTorch model: the file's `"reference"` (an input sequence,
//! the `h_n` torch computed on it, optionally the head's output) against what the loaded
//! model computes on the same input here, in the page's f32.
//!
//! ```jsonc
//! "reference": {
//!   "input": [[x_0 …], …],   // (T, I): one sequence, x[0].tolist() of a batch_first input
//!   "h_T": [[…H], …],        // (L·D, H): torch's h_n[:, 0], layer-major, forward before reverse
//!   "y": [y_1 …]             // (O), optional: head(h_n[-1]), or head(cat(h_n[-2], h_n[-1]))
//! }                          //   for a bidirectional model
//! ```

use gru_core::model::{forward, Mode, Model, Workspace};
use gru_core::state_dict::HeadImport;
use serde_json::Value;

/// Longest reference sequence read.
pub const MAX_STEPS: usize = 10_000;

/// Differences above this are more than f32 rounding of the same computation explains.
pub const TOLERANCE: f64 = 1e-4;

/// A reference read from a file, shapes checked against the model.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// Steps `T`.
    pub t: usize,
    /// `(T, I)` row-major (time-major with batch 1, as `forward` takes it).
    pub input: Vec<f32>,
    /// `(L·D, H)`: the final hidden state of every layer and direction.
    pub h_t: Vec<f64>,
    /// `(O)`: the head's output on the top layer's final state(s), if the file has it.
    pub y: Option<Vec<f64>>,
}

/// How far the loaded model's outputs are from the reference.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Parity {
    /// Largest `|h_T here − h_T there|`.
    pub h_t: f64,
    /// Numbers compared in `h_T`.
    pub n_h: usize,
    /// Largest difference of the head's outputs, when the file has `y` and a head.
    pub y: Option<f64>,
}

/// A nested list of numbers as `(rows, cols, values)`; `field` names it in errors.
fn matrix(v: &Value, field: &str) -> Result<(usize, usize, Vec<f64>), String> {
    let rows = v
        .as_array()
        .ok_or_else(|| format!("{field}: expected a list of lists of numbers"))?;
    let cols = rows.first().and_then(Value::as_array).map_or(0, Vec::len);
    let mut out = Vec::with_capacity(rows.len() * cols);
    for (r, row) in rows.iter().enumerate() {
        let row = row
            .as_array()
            .filter(|a| a.len() == cols)
            .ok_or_else(|| format!("{field}[{r}]: expected a list of {cols} numbers"))?;
        out.extend(
            row.iter()
                .map(Value::as_f64)
                .map(|x| x.filter(|x| x.is_finite())),
        );
        if out.iter().any(Option::is_none) {
            return Err(format!("{field}[{r}]: not all finite numbers"));
        }
    }
    Ok((rows.len(), cols, out.into_iter().flatten().collect()))
}

/// Reads `reference` for `model`: `input` must be `(T, I)` with `1 ≤ T ≤ MAX_STEPS`,
/// `h_T` `(L·D, H)` and `y`, when present, `(O)`.
///
/// # Errors
/// One line naming the field and the shape expected.
pub fn read(reference: &Value, model: &Model<f32>) -> Result<Reference, String> {
    let cfg = &model.config;
    let obj = reference
        .as_object()
        .ok_or("reference: expected an object with \"input\" and \"h_T\"")?;
    if let Some(k) = obj
        .keys()
        .find(|k| !["input", "h_T", "y"].contains(&k.as_str()))
    {
        let k: String = k.chars().take(40).collect();
        return Err(format!(
            "reference.{k}: unknown (a reference has input, h_T and optionally y)"
        ));
    }
    let get = |k: &str| obj.get(k).ok_or_else(|| format!("reference.{k}: missing"));
    let (t, i, input) = matrix(get("input")?, "reference.input")?;
    if t == 0 || t > MAX_STEPS || i != cfg.input {
        return Err(format!(
            "reference.input: expected 1 to {MAX_STEPS} steps of {} numbers, got {t}×{i}",
            cfg.input
        ));
    }
    let slots = cfg.layers * cfg.direction.count();
    let (r, h, h_t) = matrix(get("h_T")?, "reference.h_T")?;
    if (r, h) != (slots, cfg.hidden) {
        return Err(format!(
            "reference.h_T: expected {slots}×{} (layers × directions, hidden), got {r}×{h}",
            cfg.hidden
        ));
    }
    let y = match obj.get("y") {
        None => None,
        Some(v) => {
            let (o, _, y) = matrix(&Value::Array(vec![v.clone()]), "reference.y")?;
            if o != 1 || y.len() != cfg.output {
                return Err(format!(
                    "reference.y: expected {} numbers (the head's outputs), got {}",
                    cfg.output,
                    y.len()
                ));
            }
            Some(y)
        }
    };
    Ok(Reference {
        t,
        input: input.iter().map(|&v| v as f32).collect(),
        h_t,
        y,
    })
}

/// What `model` computes on `input (T, I)` (no dropout): every slot's final `h` as `(L·D, H)`,
/// layer-major like torch's `h_n`, and the head on the top layer's final state(s),
/// `y = b_o + [h_fwd, h_bwd] · W_o` `(O)`, summed in f64.
pub fn outputs(model: &Model<f32>, input: &[f32], t: usize) -> (Vec<f32>, Vec<f64>) {
    let cfg = &model.config;
    let (nd, hid) = (cfg.direction.count(), cfg.hidden);
    let mut ws = Workspace::default();
    forward(model, &mut ws, input, t, 1, Mode::Eval);
    // Final state of each slot: forward after x_{T−1} (row T), backward after x_0 (row 0);
    // the first H of the state are h (an LSTM's state is [h, c]).
    let mut h_t = Vec::with_capacity(cfg.layers * nd * hid);
    for layer in 0..cfg.layers {
        for dir in 0..nd {
            let row = if dir == 0 { t } else { 0 };
            h_t.extend_from_slice(&ws.state(model.slot_index(layer, dir), row)[..hid]);
        }
    }
    let head_in = &h_t[(cfg.layers - 1) * nd * hid..];
    let block = |name: &str| {
        model
            .layout
            .find(name)
            .and_then(|b| model.params.get(b.range()))
            .unwrap_or(&[])
    };
    let (w, b, o) = (block("head.W_o"), block("head.b_o"), cfg.output);
    let y = (0..o.min(b.len()))
        .map(|j| {
            head_in
                .iter()
                .enumerate()
                .fold(f64::from(b[j]), |s, (i, &x)| {
                    s + f64::from(x) * w.get(i * o + j).map_or(0.0, |&v| f64::from(v))
                })
        })
        .collect();
    (h_t, y)
}

/// Runs `model` on the reference input and measures the largest differences; `y` is compared
/// only when the head's weights came from the file (`head`).
pub fn check(model: &Model<f32>, r: &Reference, head: HeadImport) -> Parity {
    let (h_t, y) = outputs(model, &r.input, r.t);
    let worst = |a: &mut dyn Iterator<Item = f64>, b: &[f64]| {
        // NaN is kept (f64::max would drop it and call a NaN a match).
        a.zip(b)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, |m: f64, d| if d.is_nan() || d > m { d } else { m })
    };
    let h = worst(&mut h_t.iter().map(|&v| f64::from(v)), &r.h_t);
    let y =
        r.y.as_ref()
            .filter(|_| head == HeadImport::Loaded)
            .map(|want| worst(&mut y.iter().copied(), want));
    Parity {
        h_t: h,
        n_h: r.h_t.len(),
        y,
    }
}

/// `x` rounded *up* to one significant digit, e.g. `2.1e-7` → `"3e-7"`, so "matches to" it
/// is true.
fn up(x: f64) -> String {
    let mut e = x.log10().floor() as i32;
    // (1 − 1e-12): 3e-7 / 1e-7 may come out a hair above 3.
    let mut m = (x / 10f64.powi(e) * (1.0 - 1e-12)).ceil();
    if m >= 10.0 {
        m = 1.0;
        e += 1;
    }
    format!("{m}e{e}")
}

impl Parity {
    /// The line the page shows, true for these numbers.
    pub fn line(&self) -> String {
        let worst = self.h_t.max(self.y.unwrap_or(0.0));
        if worst > TOLERANCE || self.h_t.is_nan() || self.y.is_some_and(f64::is_nan) {
            return format!(
                "h_T differs from the values you exported by up to {:.3}{}: more than the 1e-4 \
                 that f32 rounding explains, so this model does not compute what yours did",
                self.h_t,
                self.y.map_or(String::new(), |y| format!(
                    " (the prediction by up to {y:.3})"
                ))
            );
        }
        let to = |d: f64| {
            if d == 0.0 {
                "exactly".to_string()
            } else {
                format!("to {}", up(d))
            }
        };
        format!(
            "h_T matches the values you exported {} ({} numbers, f32){}",
            to(self.h_t),
            self.n_h,
            self.y
                .map_or(String::new(), |y| format!("; the prediction {}", to(y)))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_rounds_up_and_says_when_it_does_not_match() {
        assert_eq!(up(2.1e-7), "3e-7");
        assert_eq!(up(3e-7), "3e-7");
        assert_eq!(up(9.5e-7), "1e-6");
        let p = Parity {
            h_t: 2.1e-7,
            n_h: 8,
            y: Some(0.0),
        };
        assert_eq!(
            p.line(),
            "h_T matches the values you exported to 3e-7 (8 numbers, f32); the prediction exactly"
        );
        let bad = Parity {
            h_t: 0.25,
            n_h: 8,
            y: None,
        };
        assert!(bad
            .line()
            .starts_with("h_T differs from the values you exported by up to 0.250"));
    }
}
