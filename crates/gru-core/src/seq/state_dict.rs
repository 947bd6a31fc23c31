//! PyTorch `state_dict` export of the non-recurrent models: a [`Tcn`] or an [`Attention`]
//! model as JSON `{name: nested list}` (the recurrent export's format, [`crate::state_dict`]),
//! whose names and tensor layouts are those of the PyTorch modules `Tcn` and `Attn` in
//! `scripts/seq_models.py` (printed in docs/FORMATS.md), plus one entry that is not a tensor:
//!
//! ```jsonc
//! "gru_lens": { "module": "Tcn" | "Attn",
//!               "args": { … },                  // the module's constructor arguments
//!               "check": { "input": (T, I),     // one sequence (batch of 1)
//!                          "y": (R, O) } }      // what gru-core computed on it (R = 1 or T)
//! ```
//!
//! Load it with `sd = json.load(f); meta = sd.pop("gru_lens"); m = Tcn(**meta["args"]);
//! m.load_state_dict({k: torch.tensor(v) for k, v in sd.items()})`.
//!
//! **TCN** (`Conv1d` per level, left-padded by `(k−1)·d`, so causal):
//!
//! | name | shape | here |
//! |---|---|---|
//! | `convs.{l}.weight` | `[C][C_in][k]` | `[o][c][k−1−j] = l{l}.W[j·C_in + c][o]` (tap `j` reads `x[t − j·d]`) |
//! | `convs.{l}.bias` | `[C]` | `l{l}.b` |
//! | `res.{l}.weight` | `[C][C_in][1]` | `l{l}.W_resᵀ` (only where `C_in ≠ C`) |
//! | `res.{l}.bias` | `[C]` | `l{l}.b_res` |
//! | `head.weight`, `head.bias` | `[O][C]`, `[O]` | `head.W_oᵀ`, `head.b_o` |
//!
//! **Attention** (`nn.TransformerEncoderLayer(norm_first=True)` as `layer`):
//!
//! | name | shape | here |
//! |---|---|---|
//! | `pos` | `[max_len][D]` | `pos.P` (learned positions only) |
//! | `inp.weight`, `inp.bias` | `[D][I]`, `[D]` | `in.Wᵀ`, `in.b` |
//! | `layer.self_attn.in_proj_weight` | `[3D][D]` | `[W_qᵀ; W_kᵀ; W_vᵀ]` |
//! | `layer.self_attn.in_proj_bias` | `[3D]` | `[b_q; b_k; b_v]` |
//! | `layer.self_attn.out_proj.weight`, `.bias` | `[D][D]`, `[D]` | `attn.W_oᵀ`, `attn.b_o` |
//! | `layer.linear1.weight`, `.bias` | `[F][D]`, `[F]` | `ff.W_1ᵀ`, `ff.b_1` |
//! | `layer.linear2.weight`, `.bias` | `[D][F]`, `[D]` | `ff.W_2ᵀ`, `ff.b_2` |
//! | `layer.norm1.*`, `layer.norm2.*`, `ln_f.*` | `[D]` | `ln1`, `ln2`, `ln_f` (`weight` = `g`, `bias` = `b`) |
//! | `head.weight`, `head.bias` | `[O][D]`, `[O]` | `head.W_oᵀ`, `head.b_o` |
//!
//! Keys come in the order of the modules' own `state_dict()`.

use super::{Activation, Attention, Net, NetCache, Positions, Tcn};
use crate::json::{push_matrix, push_vector, quote};
use crate::model::{Mode, Readout};
use crate::params::Layout;
use crate::{Error, Real};

/// One PyTorch tensor: its name, shape and values in PyTorch's (row-major) order.
#[derive(Clone, Debug, PartialEq)]
pub struct TorchTensor<T> {
    /// The `state_dict` key, e.g. `"convs.0.weight"`.
    pub name: String,
    /// PyTorch's shape, e.g. `[C, C_in, k]`.
    pub dims: Vec<usize>,
    /// `dims.iter().product()` values, last index fastest.
    pub values: Vec<T>,
}

/// The block `name` of `layout` in `params`, or an error naming it.
fn block<'a, T>(
    layout: &Layout,
    params: &'a [T],
    name: &str,
) -> Result<(&'a [T], usize, usize), Error> {
    let b = layout
        .find(name)
        .ok_or_else(|| Error::Format(format!("the model has no block {name}")))?;
    let w = params
        .get(b.range())
        .ok_or_else(|| Error::Format(format!("{name}: outside the parameters")))?;
    Ok((w, b.rows, b.cols))
}

/// `(rows, cols)` row-major → its transpose `[cols][rows]`.
fn transpose<T: Real>(w: &[T], rows: usize, cols: usize) -> Vec<T> {
    (0..cols)
        .flat_map(|j| (0..rows).map(move |i| w[i * cols + j]))
        .collect()
}

/// A `(rows, cols)` block of ours as `nn.Linear`-style `weight [cols][rows]`.
fn weight<T: Real>(
    layout: &Layout,
    p: &[T],
    ours: &str,
    name: &str,
) -> Result<TorchTensor<T>, Error> {
    let (w, rows, cols) = block(layout, p, ours)?;
    Ok(TorchTensor {
        name: name.into(),
        dims: vec![cols, rows],
        values: transpose(w, rows, cols),
    })
}

/// A block of ours as it is, shaped `dims` (a vector `[n]`, or `pos` `[max_len][D]`).
fn same<T: Real>(
    layout: &Layout,
    p: &[T],
    ours: &str,
    name: &str,
) -> Result<TorchTensor<T>, Error> {
    let (w, rows, cols) = block(layout, p, ours)?;
    let dims = if cols == 1 {
        vec![rows]
    } else {
        vec![rows, cols]
    };
    Ok(TorchTensor {
        name: name.into(),
        dims,
        values: w.to_vec(),
    })
}

/// The TCN's tensors, keys in `Tcn.state_dict()` order (convs, then res, then head).
///
/// # Errors
/// [`Error::Format`] when the layout lacks a block (a model not built by [`Tcn::new`]).
pub fn tcn_tensors<T: Real>(m: &Tcn<T>) -> Result<Vec<TorchTensor<T>>, Error> {
    let (lay, p, k) = (&m.layout, &m.params[..], m.config.kernel);
    let mut out = Vec::new();
    for l in 0..m.config.levels {
        let (w, rows, c) = block(lay, p, &format!("l{l}.W"))?;
        let cin = rows / k.max(1);
        // torch [o][ci][m] reads x[t − (k−1−m)·d]: our tap j = k−1−m, row j·C_in + ci.
        let mut conv = Vec::with_capacity(w.len());
        for o in 0..c {
            for ci in 0..cin {
                for mm in 0..k {
                    conv.push(w[((k - 1 - mm) * cin + ci) * c + o]);
                }
            }
        }
        out.push(TorchTensor {
            name: format!("convs.{l}.weight"),
            dims: vec![c, cin, k],
            values: conv,
        });
        out.push(same(
            lay,
            p,
            &format!("l{l}.b"),
            &format!("convs.{l}.bias"),
        )?);
    }
    for l in 0..m.config.levels {
        if m.config.level_input(l) != m.config.channels {
            let mut w = weight(lay, p, &format!("l{l}.W_res"), &format!("res.{l}.weight"))?;
            w.dims.push(1); // a 1×1 Conv1d: [C][C_in][1]
            out.push(w);
            out.push(same(
                lay,
                p,
                &format!("l{l}.b_res"),
                &format!("res.{l}.bias"),
            )?);
        }
    }
    out.push(weight(lay, p, "head.W_o", "head.weight")?);
    out.push(same(lay, p, "head.b_o", "head.bias")?);
    Ok(out)
}

/// The attention model's tensors, keys in `Attn.state_dict()` order.
///
/// # Errors
/// [`Error::Format`] when the layout lacks a block (a model not built by [`Attention::new`]).
pub fn attention_tensors<T: Real>(m: &Attention<T>) -> Result<Vec<TorchTensor<T>>, Error> {
    let (lay, p) = (&m.layout, &m.params[..]);
    let mut out = Vec::new();
    if let Positions::Learned { .. } = m.config.positions {
        out.push(same(lay, p, "pos.P", "pos")?);
    }
    out.push(weight(lay, p, "in.W", "inp.weight")?);
    out.push(same(lay, p, "in.b", "inp.bias")?);
    let sa = "layer.self_attn";
    // in_proj_weight [3D][D]: rows q, then k, then v, each W_ᵀ.
    let mut qkv = TorchTensor {
        name: format!("{sa}.in_proj_weight"),
        dims: vec![3 * m.config.d_model, m.config.d_model],
        values: Vec::new(),
    };
    let mut qkv_b = TorchTensor {
        name: format!("{sa}.in_proj_bias"),
        dims: vec![3 * m.config.d_model],
        values: Vec::new(),
    };
    for n in ["q", "k", "v"] {
        qkv.values
            .extend(weight(lay, p, &format!("attn.W_{n}"), "")?.values);
        qkv_b
            .values
            .extend(same(lay, p, &format!("attn.b_{n}"), "")?.values);
    }
    out.push(qkv);
    out.push(qkv_b);
    out.push(weight(
        lay,
        p,
        "attn.W_o",
        &format!("{sa}.out_proj.weight"),
    )?);
    out.push(same(lay, p, "attn.b_o", &format!("{sa}.out_proj.bias"))?);
    out.push(weight(lay, p, "ff.W_1", "layer.linear1.weight")?);
    out.push(same(lay, p, "ff.b_1", "layer.linear1.bias")?);
    out.push(weight(lay, p, "ff.W_2", "layer.linear2.weight")?);
    out.push(same(lay, p, "ff.b_2", "layer.linear2.bias")?);
    for (ours, torch) in [
        ("ln1", "layer.norm1"),
        ("ln2", "layer.norm2"),
        ("ln_f", "ln_f"),
    ] {
        out.push(same(
            lay,
            p,
            &format!("{ours}.g"),
            &format!("{torch}.weight"),
        )?);
        out.push(same(
            lay,
            p,
            &format!("{ours}.b"),
            &format!("{torch}.bias"),
        )?);
    }
    out.push(weight(lay, p, "head.W_o", "head.weight")?);
    out.push(same(lay, p, "head.b_o", "head.bias")?);
    Ok(out)
}

/// The fixed check input `(t, i)`: `sin(1 + 0.7·n)`, both signs, every channel.
pub fn check_input<T: Real>(t: usize, i: usize) -> Vec<T> {
    (0..t * i)
        .map(|n| T::of((1.0 + 0.7 * n as f64).sin()))
        .collect()
}

/// The module's class and constructor arguments (JSON), as `scripts/seq_models.py` takes them.
fn module_args<T: Real>(net: &Net<T>) -> Result<(&'static str, String), Error> {
    let per_step = |r: Readout| {
        if r == Readout::PerStep {
            "true"
        } else {
            "false"
        }
    };
    Ok(match net {
        Net::Tcn(m) => {
            let c = &m.config;
            let act = match c.activation {
                Activation::Relu => "relu",
                Activation::Tanh => "tanh",
            };
            (
                "Tcn",
                format!(
                    "{{\"input\": {}, \"channels\": {}, \"levels\": {}, \"kernel\": {}, \"activation\": \"{act}\", \"output\": {}, \"per_step\": {}}}",
                    c.input, c.channels, c.levels, c.kernel, c.output, per_step(c.readout)
                ),
            )
        }
        Net::Attention(m) => {
            let c = &m.config;
            let max_len = c.max_len().map_or("null".to_string(), |n| n.to_string());
            (
                "Attn",
                format!(
                    "{{\"input\": {}, \"d_model\": {}, \"heads\": {}, \"ffn\": {}, \"output\": {}, \"max_len\": {max_len}, \"per_step\": {}}}",
                    c.input, c.d_model, c.heads, c.ffn, c.output, per_step(c.readout)
                ),
            )
        }
        Net::Recurrent(_) => {
            return Err(Error::Config(
                "seq state_dict: a recurrent model exports through crate::state_dict".into(),
            ))
        }
    })
}

/// Writes a TCN or attention model as a PyTorch state dict for `scripts/seq_models.py`'s
/// module, with the `"gru_lens"` entry: the module, its arguments and gru-core's output on
/// [`check_input`] of `check_len` steps (at most the learned positions).
///
/// # Errors
/// [`Error::Config`] for a recurrent model (use [`crate::state_dict::export`]) or a zero
/// `check_len`; [`Error::Format`] when a weight is not finite.
pub fn export<T: Real>(net: &Net<T>, check_len: usize) -> Result<String, Error> {
    let (module, args) = module_args(net)?;
    let tensors = match net {
        Net::Tcn(m) => tcn_tensors(m)?,
        Net::Attention(m) => attention_tensors(m)?,
        Net::Recurrent(_) => unreachable!("module_args refused it"),
    };
    let t = match net {
        Net::Attention(m) => m.config.max_len().map_or(check_len, |n| check_len.min(n)),
        _ => check_len,
    };
    let (i, o) = (net.input_size(), net.output_size());
    let x = check_input::<T>(t, i);
    net.check_input(&x, t, 1)?;
    let mut cache = NetCache::default();
    net.forward(&mut cache, &x, t, 1, Mode::Eval);
    let y = cache.y(); // (R, 1, O)

    let mut out = String::from("{");
    for (k, tensor) in tensors.iter().enumerate() {
        if let Some(j) = tensor.values.iter().position(|v| !v.is_finite()) {
            return Err(Error::Format(format!(
                "{}: element {j} is {} (not exported)",
                tensor.name, tensor.values[j]
            )));
        }
        out.push_str(if k == 0 { "\n  " } else { ",\n  " });
        out.push_str(&quote(&tensor.name));
        out.push_str(": ");
        push_tensor(&mut out, &tensor.dims, &tensor.values, "  ");
    }
    if let Some(j) = y.iter().position(|v| !v.is_finite()) {
        return Err(Error::Format(format!(
            "check output: element {j} is {} (not exported)",
            y[j]
        )));
    }
    out.push_str(&format!(
        ",\n  \"gru_lens\": {{\n    \"module\": \"{module}\",\n    \"args\": {args},\n    \"check\": {{\n      \"input\": "
    ));
    push_matrix(&mut out, &x, i, "      ");
    out.push_str(",\n      \"y\": ");
    push_matrix(&mut out, y, o, "      ");
    out.push_str("\n    }\n  }\n}\n");
    Ok(out)
}

/// Appends a row-major tensor of shape `dims` as nested lists (matrices one row a line).
fn push_tensor<T: Real>(out: &mut String, dims: &[usize], v: &[T], indent: &str) {
    match dims {
        [] | [_] => push_vector(out, v),
        [_, cols] => push_matrix(out, v, *cols, indent),
        [_, rest @ ..] => {
            let slab = rest.iter().product::<usize>().max(1);
            let deeper = format!("{indent}  ");
            out.push('[');
            for (n, s) in v.chunks(slab).enumerate() {
                out.push_str(if n == 0 { "\n" } else { ",\n" });
                out.push_str(&deeper);
                push_tensor(out, rest, s, &deeper);
            }
            out.push('\n');
            out.push_str(indent);
            out.push(']');
        }
    }
}
