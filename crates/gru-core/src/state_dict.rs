//! PyTorch `state_dict` import and export for `torch.nn.GRU`, `LSTM` and `RNN` (plus an
//! optional `nn.Linear` head), as JSON `{name: nested list}`, e.g. written in Python by
//! `json.dump({k: v.tolist() for k, v in module.state_dict().items()}, f)`.
//!
//! | name | shape | here |
//! |---|---|---|
//! | `weight_ih_l{k}` | `[G·H][I_k]` | `l{k}.fwd.W = weight_ih_l{k}ᵀ` `(I_k, G·H)` |
//! | `weight_hh_l{k}` | `[G·H][H]` | `l{k}.fwd.U = weight_hh_l{k}ᵀ` `(H, G·H)` |
//! | `bias_ih_l{k}` | `[G·H]` | `l{k}.fwd.b_i` |
//! | `bias_hh_l{k}` | `[G·H]` | `l{k}.fwd.b_h` |
//! | `…_l{k}_reverse` | same | `l{k}.bwd.*` (bidirectional) |
//! | `head.weight` | `[O][D]` | `head.W_o = head.weightᵀ` `(D, O)`, optional |
//! | `head.bias` | `[O]` | `head.b_o`, optional (with `head.weight`) |
//!
//! `I_0` is the input size, `I_k = H · directions` above; `D = H · directions`. The gate
//! chunks keep PyTorch's order: `r z n` for [`CellKind::GruTorch`] (G = 3), `i f g o` for
//! [`CellKind::Lstm`] (G = 4), one chunk for [`CellKind::RnnTanh`] / [`CellKind::RnnRelu`]: the
//! cells store exactly the transposed PyTorch matrices, so the mapping is a transpose and
//! nothing else. Recurrent names may share a module prefix (`"rnn.weight_ih_l0"`), found from
//! `weight_ih_l0`; the head names are matched exactly.
//!
//! [`CellKind::Gru`] (the app's formulation) is refused: it applies the reset gate *before*
//! the recurrent matrix, `(r ⊙ h) U_h`, where PyTorch computes `r ⊙ (h W_hn + b_hn)`. The two
//! differ for almost every input whatever the weights, so no mapping is exact; use
//! `CellKind::GruTorch` to run PyTorch GRU weights.

use std::ops::Range;

use serde_json::{Map, Value};

use crate::cell::{CellKind, Nonlinearity};
use crate::checkpoint::layout_of;
use crate::json::{
    self, describe, inner, key, one_line, push_matrix, push_vector, quote, read_tensor, store, Dims,
};
use crate::model::{Direction, Model, ModelConfig};
use crate::params::Layout;
use crate::{Error, Real};

pub use crate::json::MAX_BYTES;

/// Whether an import loaded the head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadImport {
    /// `head.weight` and `head.bias` were present and loaded.
    Loaded,
    /// The state dict had no head; the model's head weights were left as they were.
    Kept,
}

/// Gate chunks per cell (`G`), or an error for the app-formulation GRU.
fn gates(kind: CellKind) -> Result<usize, Error> {
    match kind {
        CellKind::GruTorch => Ok(3),
        CellKind::Lstm => Ok(4),
        CellKind::RnnTanh | CellKind::RnnRelu => Ok(1),
        CellKind::Gru => Err(Error::Config(
            "state_dict: CellKind::Gru (reset before U_h) is not torch.nn.GRU (reset after W_hn); use CellKind::GruTorch".into(),
        )),
    }
}

/// One PyTorch tensor ↔ one block of ours: `(torch name, our block name, transposed)`.
fn names(config: &ModelConfig) -> Vec<(String, String, bool)> {
    let mut v = Vec::new();
    for layer in 0..config.layers {
        for dir in 0..config.direction.count() {
            let (sfx, ours) = if dir == 0 {
                ("", "fwd")
            } else {
                ("_reverse", "bwd")
            };
            let map = [
                ("weight_ih", "W", true),
                ("weight_hh", "U", true),
                ("bias_ih", "b_i", false),
                ("bias_hh", "b_h", false),
            ];
            for (torch, block, t) in map {
                v.push((
                    format!("{torch}_l{layer}{sfx}"),
                    format!("l{layer}.{ours}.{block}"),
                    t,
                ));
            }
        }
    }
    v
}

/// Writes the model's weights as a PyTorch-layout state dict (head included as `head.weight`,
/// `head.bias`), keys in PyTorch's order.
///
/// # Errors
/// [`Error::Config`] for [`CellKind::Gru`] and for a model whose gate surgery changes its step
/// (PyTorch would run the weights without it); [`Error::Format`] when a weight is not finite.
pub fn export<T: Real>(model: &Model<T>) -> Result<String, Error> {
    gates(model.config.cell)?;
    if model.config.surgery.alters(model.config.cell) {
        return Err(Error::Config(format!(
            "state_dict: this {} runs with gate surgery ({:?}), which torch.nn has no \
             equivalent of; export the weights of a model without surgery",
            model.config.cell.label(),
            model.config.surgery
        )));
    }
    let mut out = String::from("{");
    let mut entries = names(&model.config);
    entries.push(("head.weight".into(), "head.W_o".into(), true));
    entries.push(("head.bias".into(), "head.b_o".into(), false));
    for (k, (torch, ours, transposed)) in entries.iter().enumerate() {
        let b = model
            .layout
            .find(ours)
            .ok_or_else(|| Error::Format(format!("{torch}: the model has no block {ours}")))?;
        let w = model
            .params
            .get(b.range())
            .ok_or_else(|| Error::Format(format!("{torch}: outside the parameters")))?;
        if let Some(i) = w.iter().position(|v| !v.is_finite()) {
            return Err(Error::Format(format!(
                "{torch}: element {i} is {} (not exported)",
                w[i]
            )));
        }
        out.push_str(if k == 0 { "\n  " } else { ",\n  " });
        out.push_str(&quote(torch));
        out.push_str(": ");
        if *transposed {
            // ours (rows, cols) → torch [cols][rows]
            let t: Vec<T> = (0..b.cols)
                .flat_map(|j| (0..b.rows).map(move |i| w[i * b.cols + j]))
                .collect();
            push_matrix(&mut out, &t, b.rows, "  ");
        } else {
            push_vector(&mut out, w);
        }
    }
    out.push_str("\n}\n");
    Ok(out)
}

/// Loads a PyTorch-layout state dict into `model`, whose config fixes every expected shape.
/// All or nothing: on error the model is unchanged. Every recurrent tensor is required;
/// unknown names are refused; the head is optional (both names or neither). Documents over
/// [`MAX_BYTES`] are refused unread.
///
/// # Errors
/// [`Error::Config`] for [`CellKind::Gru`]; [`Error::Format`] with a one-line message naming
/// the tensor for a missing, unknown, misshapen or non-finite entry, or for malformed JSON.
/// Never panics.
pub fn import<T: Real>(model: &mut Model<T>, json: &str) -> Result<HeadImport, Error> {
    gates(model.config.cell)?;
    let dict = parse(json).map_err(|m| Error::Format(one_line(&m)))?;
    import_parsed(model, &dict)
}

/// [`import`] from a state dict already parsed (the top-level object of tensors), so a
/// caller that read other entries of the file does not parse it again.
///
/// # Errors
/// As [`import`].
pub fn import_parsed<T: Real>(
    model: &mut Model<T>,
    dict: &Map<String, Value>,
) -> Result<HeadImport, Error> {
    gates(model.config.cell)?;
    let fail = |m: String| Error::Format(one_line(&m));
    let (entries, head) = expected(&model.config, dict).map_err(fail)?;
    let tensors = read_all(dict, &entries, &model.layout).map_err(fail)?;
    let mut params = model.params.clone();
    for (torch, range, data) in tensors {
        let dst = params
            .get_mut(range)
            .ok_or_else(|| fail(format!("{torch}: outside the parameters")))?;
        store(&torch, &data, dst).map_err(fail)?;
    }
    model.params = params;
    Ok(head)
}

/// One expected tensor: `(torch name with prefix, our block name, transposed)`.
type Entry = (String, String, bool);

/// One tensor read: `(field name, our block's range, values in our layout)`.
type Tensor = (String, Range<usize>, Vec<f64>);

/// The tensors `dict` must hold for `config` (recurrent names with the dict's module prefix,
/// the head when it has one), after refusing any name not among them.
fn expected(
    config: &ModelConfig,
    dict: &Map<String, Value>,
) -> Result<(Vec<Entry>, HeadImport), String> {
    let prefix = prefix(dict);
    let mut entries: Vec<Entry> = names(config)
        .into_iter()
        .map(|(t, o, tr)| (format!("{prefix}{t}"), o, tr))
        .collect();
    let head = match (dict.get("head.weight"), dict.get("head.bias")) {
        (Some(_), Some(_)) => HeadImport::Loaded,
        (None, None) => HeadImport::Kept,
        (w, _) => {
            let absent = if w.is_some() {
                "head.bias"
            } else {
                "head.weight"
            };
            return Err(format!(
                "{absent}: missing (the head needs both head.weight and head.bias)"
            ));
        }
    };
    if head == HeadImport::Loaded {
        entries.push(("head.weight".into(), "head.W_o".into(), true));
        entries.push(("head.bias".into(), "head.b_o".into(), false));
    }
    if let Some(name) = dict
        .keys()
        .find(|k| !entries.iter().any(|(t, _, _)| t == *k))
    {
        let known: Vec<&str> = entries.iter().map(|(t, _, _)| t.as_str()).collect();
        return Err(format!(
            "{}: unknown tensor for this model (expected {})",
            key(name),
            known.join(", ")
        ));
    }
    Ok((entries, head))
}

/// Reads and shape-checks every entry against `layout`, returning each tensor in our layout
/// (transposed where PyTorch's is) with the range of its block.
fn read_all(
    dict: &Map<String, Value>,
    entries: &[Entry],
    layout: &Layout,
) -> Result<Vec<Tensor>, String> {
    let mut out = Vec::with_capacity(entries.len());
    for (torch, ours, transposed) in entries {
        let b = layout
            .find(ours)
            .ok_or_else(|| format!("{}: the model has no block {ours}", key(torch)))?;
        let field = key(torch);
        let v = dict.get(torch).ok_or_else(|| format!("{field}: missing"))?;
        let (dims, data) = read_tensor(v, &field)?;
        let want = if *transposed {
            Dims::Matrix(b.cols, b.rows)
        } else {
            Dims::Vector(b.rows)
        };
        if dims != want {
            return Err(format!("{field}: expected {want}, got {dims}"));
        }
        let data = if *transposed {
            // torch [cols][rows] → ours (rows, cols)
            let (rows, cols, data) = (b.rows, b.cols, &data);
            (0..rows)
                .flat_map(|i| (0..cols).map(move |j| data[j * rows + i]))
                .collect()
        } else {
            data
        };
        out.push((field, b.range(), data));
    }
    Ok(out)
}

/// Infers the model shape a state dict holds: cell from the gate count (`rnn` picks tanh or
/// ReLU when `G = 1`, which the state dict cannot tell), input and hidden sizes, layers,
/// direction, and the head's output size (1 without a head). Readout is [`ModelConfig::new`]'s.
/// Every tensor is then checked against that shape, so [`import`] into
/// `Model::zeros(config)` succeeds and the model is no larger than the document.
///
/// # Errors
/// [`Error::Format`] with a one-line message when `weight_ih_l0` / `weight_hh_l0` are
/// missing or inconsistent, or any tensor does not fit the inferred shape.
pub fn infer_config(json: &str, rnn: Nonlinearity) -> Result<ModelConfig, Error> {
    parse(json)
        .and_then(|dict| infer(&dict, rnn))
        .map_err(|m| Error::Format(one_line(&m)))
}

/// [`infer_config`] of a state dict already parsed (the top-level object of tensors).
///
/// # Errors
/// As [`infer_config`].
pub fn infer_config_parsed(
    dict: &Map<String, Value>,
    rnn: Nonlinearity,
) -> Result<ModelConfig, Error> {
    infer(dict, rnn).map_err(|m| Error::Format(one_line(&m)))
}

fn infer(dict: &Map<String, Value>, rnn: Nonlinearity) -> Result<ModelConfig, String> {
    let p = prefix(dict);
    let dims = |name: &str| -> Result<(usize, usize), String> {
        let v = dict
            .get(name)
            .ok_or_else(|| format!("{}: missing", key(name)))?;
        match read_tensor(v, &key(name))?.0 {
            Dims::Matrix(r, c) => Ok((r, c)),
            d => Err(format!("{}: expected a matrix, got {d}", key(name))),
        }
    };
    let (gh, input) = dims(&format!("{p}weight_ih_l0"))?;
    let (gh2, hidden) = dims(&format!("{p}weight_hh_l0"))?;
    let shown = if p.is_empty() { String::new() } else { key(&p) };
    if hidden == 0 || gh != gh2 || gh % hidden != 0 {
        return Err(format!(
            "{shown}weight_hh_l0: {gh2}×{hidden} does not match weight_ih_l0 ({gh}×{input})"
        ));
    }
    let cell = match (gh / hidden, rnn) {
        (1, Nonlinearity::Tanh) => CellKind::RnnTanh,
        (1, Nonlinearity::Relu) => CellKind::RnnRelu,
        (3, _) => CellKind::GruTorch,
        (4, _) => CellKind::Lstm,
        (g, _) => {
            return Err(format!(
                "{shown}weight_ih_l0: {g} gate chunks of {hidden} rows is no GRU (3), LSTM (4) or RNN (1)"
            ))
        }
    };
    let layers = (0..=8)
        .take_while(|l| dict.contains_key(&format!("{p}weight_ih_l{l}")))
        .count();
    let direction = if dict.contains_key(&format!("{p}weight_ih_l0_reverse")) {
        Direction::Bidirectional
    } else {
        Direction::Forward
    };
    let output = match dict.get("head.weight") {
        Some(v) => match read_tensor(v, "head.weight")?.0 {
            Dims::Matrix(o, _) => o,
            d => return Err(format!("head.weight: expected a matrix, got {d}")),
        },
        None => 1,
    };
    let config = ModelConfig::new(cell, input, hidden, output)
        .layers(layers)
        .direction(direction);
    config
        .validate()
        .map_err(|e| format!("state_dict: {}", inner(e)))?;
    let (entries, _) = expected(&config, dict)?;
    read_all(dict, &entries, &layout_of(&config))?;
    Ok(config)
}

/// Parses the top-level `{name: tensor}` object.
fn parse(json: &str) -> Result<Map<String, Value>, String> {
    match json::parse(json, "state_dict", MAX_BYTES)? {
        Value::Object(m) => Ok(m),
        v => Err(format!(
            "state_dict: expected an object of tensors, got {}",
            describe(&v)
        )),
    }
}

/// The module prefix of the recurrent names (`""` or e.g. `"rnn."`), from `weight_ih_l0`.
fn prefix(dict: &Map<String, Value>) -> String {
    dict.keys()
        .find_map(|k| k.strip_suffix("weight_ih_l0"))
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Init;

    #[test]
    fn the_app_gru_is_refused_with_a_clear_error() {
        let mut m =
            Model::<f64>::new(ModelConfig::new(CellKind::Gru, 2, 3, 1), Init::Xavier, 1).unwrap();
        let e = export(&m).unwrap_err().to_string();
        assert!(e.contains("GruTorch"), "{e}");
        assert!(import(&mut m, "{}").is_err());
    }

    #[test]
    fn rnn_import_is_a_transpose() {
        let mut m = Model::<f64>::zeros(ModelConfig::new(CellKind::RnnTanh, 2, 3, 1)).unwrap();
        let json = r#"{"weight_ih_l0": [[1, 2], [3, 4], [5, 6]], "weight_hh_l0": [[1, 0, 0], [0, 2, 0], [0, 0, 3]],
                       "bias_ih_l0": [0.5, 0, 0], "bias_hh_l0": [0, 0, -0.5]}"#;
        assert_eq!(import(&mut m, json).unwrap(), HeadImport::Kept);
        let w = &m.params[m.layout.find("l0.fwd.W").unwrap().range()];
        assert_eq!(w, &[1.0, 3.0, 5.0, 2.0, 4.0, 6.0]); // (I, H) = weight_ihᵀ
        let c = infer_config(json, Nonlinearity::Relu).unwrap();
        assert_eq!(
            (c.cell, c.input, c.hidden, c.layers, c.output),
            (CellKind::RnnRelu, 2, 3, 1, 1)
        );
    }
}
