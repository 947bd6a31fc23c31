//! `gru-trace`: one sequence through one cell, everything the app animates, in `f64`, as the
//! JSON of TRACE_FORMAT.md (version 1). [`run_json`] is the whole program minus I/O.
//!
//! The spec's column-vector per-gate weights (`W` is `[H][I]`, `W x`) are transposed into the
//! cells' row-vector blocks ([`cells`]) of a one-layer, one-direction [`Model`] read at every
//! step, run on a batch of one. Gradients come from [`backward`] (weights, head, `h0`/`c0`
//! via `ws.d_init`, `x` via `BackwardOpts::input_grad`) and mapped back. Without a head (or
//! with the `dot` loss, which reads `h_t` directly) the model gets an identity head, so
//! `y_t = h_t` and `dL/dy_t = dL/dh_t` (direct part) flows through the same backward pass.
//! `dL/dh_t` per step and the Jacobians come from [`crate::analysis`].

pub mod cells;
mod loss;
pub mod result;
pub mod spec;
mod values;

use cells::CellType;
use result::{
    finite, rows, state_blocks, Array, Grads, HeadGrads, JacBlock, Jacobians, Ordered, TraceResult,
};
use spec::{LossType, OneStep, Spec};

use crate::analysis::{
    gates_in_order, jacobian_products, state_grads, states_in_order, step_jacobians, CellSel,
};
use crate::kernels::norm2;
use crate::model::{backward, forward, BackwardOpts, Mode, Model, ModelConfig, Readout, Workspace};
use crate::real::sigmoid;
use crate::Error;

/// Parses a spec, runs it and returns the result JSON (numbers shortest round-trip).
///
/// # Errors
/// [`Error::Format`] with a one-line message naming the offending field.
pub fn run_json(text: &str) -> Result<String, Error> {
    let spec = spec::parse(text).map_err(Error::Format)?;
    let result = run(&spec)?;
    serde_json::to_string(&result).map_err(|e| Error::Format(format!("output: {e}")))
}

/// Runs a checked spec.
///
/// # Errors
/// [`Error::Format`] when a result is not finite (inputs too large for `f64`).
pub fn run(spec: &Spec) -> Result<TraceResult, Error> {
    compute(spec).map_err(Error::Format)
}

/// Builds the model: cell weights transposed into place, the spec's head or the identity.
fn build_model(spec: &Spec, use_head: bool) -> Result<Model<f64>, String> {
    let (i, h) = (spec.input, spec.hidden);
    let out = match (&spec.head, use_head) {
        (Some(hd), true) => hd.out,
        _ => h,
    };
    let cfg = ModelConfig::new(spec.cell.kind(), i, h, out).readout(Readout::PerStep);
    let mut model = Model::<f64>::zeros(cfg).map_err(|e| e.to_string())?;
    for (def, (_, v)) in spec.cell.weights().iter().zip(&spec.weights) {
        let b = &model.layout.blocks[def.block]; // slot 0's blocks come first
        let (offset, cols) = (b.offset, b.cols);
        cells::place(def, v, h, &mut model.params, offset, cols);
    }
    let hb = model.head.start; // W_o (H, O) row-vector = spec W_o ᵀ, then b_o (O)
    match (&spec.head, use_head) {
        (Some(hd), true) => {
            for o in 0..out {
                for r in 0..h {
                    model.params[hb + r * out + o] = hd.w[o * h + r];
                }
            }
            model.params[hb + h * out..hb + h * out + out].copy_from_slice(&hd.b);
        }
        _ => (0..h).for_each(|r| model.params[hb + r * h + r] = 1.0),
    }
    Ok(model)
}

fn compute(spec: &Spec) -> Result<TraceResult, String> {
    let (i, h, t) = (spec.input, spec.hidden, spec.steps);
    let loss_kind = spec.loss.as_ref().map(|l| l.kind);
    let use_head = spec.head.is_some() && loss_kind != Some(LossType::Dot);
    let model = build_model(spec, use_head)?;
    let o_model = model.config.output;
    let mut ws = Workspace::default();
    ws.prepare(&model, t, 1);
    ws.init[0][..h].copy_from_slice(&spec.h0);
    if spec.cell.has_c() {
        ws.init[0][h..2 * h].copy_from_slice(&spec.c0);
    }
    forward(&model, &mut ws, &spec.x, t, 1, Mode::Eval);
    let sel = CellSel::default();
    let cfg_err = |e: Error| e.to_string();
    let states = states_in_order(&model, &ws, sel).map_err(cfg_err)?; // (T+1, S)
    let s = states.len() / (t + 1);
    let take = |off: usize| {
        states
            .chunks_exact(s)
            .flat_map(|r| r[off..off + h].iter().copied())
            .collect::<Vec<f64>>()
    };
    let (hs, cs) = (take(0), spec.cell.has_c().then(|| take(h)));
    let mut gates = gates_in_order(&model, &ws, sel).map_err(cfg_err)?;
    if spec.cell == CellType::GruTorch {
        gates.push(("z_torch".into(), z_torch(spec, &hs)));
        let n = gates[2].1.clone();
        gates.push(("n".into(), n));
    }
    // Head outputs (T, O): the model's own, or the spec head applied to h_t.
    let outputs = spec.head.as_ref().map(|hd| match use_head {
        true => ws.y.clone(),
        false => (1..=t)
            .flat_map(|k| (0..hd.out).map(move |o| (o, k)))
            .map(|(o, k)| hd.b[o] + (0..h).map(|r| hd.w[o * h + r] * hs[k * h + r]).sum::<f64>())
            .collect(),
    });
    finite("h", &hs)?;
    finite("c", cs.as_deref().unwrap_or(&[]))?;
    for (name, g) in &gates {
        finite(&format!("gates.{name}"), g)?;
    }
    finite("outputs", outputs.as_deref().unwrap_or(&[]))?;

    let j = step_jacobians(&model, &ws, sel).map_err(cfg_err)?;
    let mut res = TraceResult {
        cell: spec.cell.name(),
        variant: spec.cell.variant(),
        nonlinearity: spec.cell.nonlinearity(),
        steps: t,
        input_size: i,
        hidden_size: h,
        output_size: spec.head.as_ref().map(|hd| hd.out),
        h: rows(&hs, h),
        c: cs.as_ref().map(|c| rows(c, h)),
        gates: Ordered(gates.iter().map(|(n, g)| (n.clone(), rows(g, h))).collect()),
        outputs: spec
            .head
            .as_ref()
            .zip(outputs.as_ref())
            .map(|(hd, y)| rows(y, hd.out)),
        loss: None,
        loss_terms: None,
        grads: None,
        grad_h: None,
        grad_h_norm: None,
        grad_c: spec.cell.has_c().then_some(None),
        grad_c_norm: spec.cell.has_c().then_some(None),
        jacobians: None,
        one_step: None,
    };

    if let Some(l) = &spec.loss {
        // Loss on y_t (model outputs) or, for dot, on h_1 … h_T.
        let (input, width) = if l.kind == LossType::Dot {
            (hs[h..].to_vec(), h)
        } else {
            (ws.y.clone(), o_model)
        };
        let lv = loss::evaluate(l, &input, t, width);
        finite("loss", &[lv.loss])?;
        finite("loss_terms", &lv.terms)?;
        res.loss = Some(lv.loss);
        res.loss_terms = l.per_step.then(|| lv.terms.clone());
        ws.dy.copy_from_slice(&lv.grad); // (T, 1, O_model): W = O, or H through the identity head
        backward(
            &model,
            &mut ws,
            BackwardOpts {
                input_grad: true,
                ..BackwardOpts::analysis()
            },
        );
        res.grads = Some(grads(spec, &model, &ws, use_head)?);
        let g = state_grads(&model, &ws, &j, sel).map_err(cfg_err)?; // (T+1, S)
        finite("grad_h", &g)?;
        let gh = g
            .chunks_exact(s)
            .flat_map(|r| r[..h].to_vec())
            .collect::<Vec<f64>>();
        res.grad_h_norm = Some(gh.chunks_exact(h).map(norm2).collect());
        res.grad_h = Some(rows(&gh, h));
        if let Some(c) = &cs {
            // Usual BPTT δc_t = dL/dc_t|_h + δh_t ⊙ o_t ⊙ (1 − tanh² c_t) (no c_0 → h_0 link).
            let o = &gates[3].1;
            let mut dc = g
                .chunks_exact(s)
                .flat_map(|r| r[h..].to_vec())
                .collect::<Vec<f64>>();
            for k in 1..=t {
                for r in 0..h {
                    let tc = c[k * h + r].tanh();
                    dc[k * h + r] += gh[k * h + r] * o[(k - 1) * h + r] * (1.0 - tc * tc);
                }
            }
            finite("grad_c", &dc)?;
            res.grad_c_norm = Some(Some(dc.chunks_exact(h).map(norm2).collect()));
            res.grad_c = Some(Some(rows(&dc, h)));
        }
    }

    if let Some(js) = &spec.jacobians {
        let prods = jacobian_products(&j, js.target).map_err(cfg_err)?; // (target+1, S, S)
        let mut blocks = Vec::with_capacity(js.ks.len());
        for &k in &js.ks {
            let m = &prods[k * s * s..(k + 1) * s * s];
            let field = format!("jacobians (k = {k})");
            blocks.push(JacBlock {
                k,
                from_step: js.target - k,
                blocks: state_blocks(&field, m, h, s, js.matrices)?,
            });
        }
        res.jacobians = Some(Jacobians {
            target_step: js.target,
            blocks,
        });
    }
    if spec.one_step != OneStep::Off {
        res.one_step = Some(result::one_step(&j, spec.one_step == OneStep::Full)?);
    }
    Ok(res)
}

/// PyTorch's update gate `z' = σ(W_iz x + b_iz + W_hz h + b_hz)` `(T, H)`, recomputed from
/// the spec weights so that it keeps full precision when small (the cell caches `1 − z'`).
fn z_torch(spec: &Spec, hs: &[f64]) -> Vec<f64> {
    let (i, h) = (spec.input, spec.hidden);
    let get = |name: &str| {
        spec.weights
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[][..], |(_, v)| &v[..])
    };
    let (wi, wh, bi, bh) = (get("W_iz"), get("W_hz"), get("b_iz"), get("b_hz"));
    let mut out = Vec::with_capacity(spec.steps * h);
    for k in 0..spec.steps {
        let (x, hp) = (&spec.x[k * i..(k + 1) * i], &hs[k * h..(k + 1) * h]);
        for r in 0..h {
            let a: f64 = (0..i).map(|c| wi[r * i + c] * x[c]).sum();
            let b: f64 = (0..h).map(|c| wh[r * h + c] * hp[c]).sum();
            out.push(sigmoid(a + bi[r] + b + bh[r]));
        }
    }
    out
}

/// `grads`: the model's gradient blocks mapped back to the spec's names and shapes.
fn grads(
    spec: &Spec,
    model: &Model<f64>,
    ws: &Workspace<f64>,
    use_head: bool,
) -> Result<Grads, String> {
    let (i, h, t) = (spec.input, spec.hidden, spec.steps);
    let mut weights = Vec::with_capacity(spec.weights.len());
    for def in spec.cell.weights() {
        let b = &model.layout.blocks[def.block];
        let n = if def.shape == cells::Shape::Input {
            i
        } else {
            h
        };
        let g = cells::take(def, n, h, &ws.grads, b.offset, b.cols);
        finite(&format!("grads.weights.{}", def.name), &g)?;
        let arr = if def.shape == cells::Shape::Bias {
            Array::Vector(g)
        } else {
            Array::Matrix(rows(&g, n))
        };
        weights.push((def.name.to_string(), arr));
    }
    let init = &ws.d_init[0];
    let dx = &ws.d_inputs[0][..t * i];
    finite("grads.h0", init)?;
    finite("grads.x", dx)?;
    let head = spec.head.as_ref().map(|hd| {
        let (hb, o) = (model.head.start, hd.out);
        match use_head {
            true => HeadGrads {
                w_o: (0..o)
                    .map(|r| (0..h).map(|c| ws.grads[hb + c * o + r]).collect())
                    .collect(),
                b_o: ws.grads[hb + h * o..hb + h * o + o].to_vec(),
            },
            false => HeadGrads {
                w_o: vec![vec![0.0; h]; o],
                b_o: vec![0.0; o],
            }, // dot: L ignores y
        }
    });
    if let Some(hg) = &head {
        finite("grads.head", &hg.w_o.concat())?;
        finite("grads.head", &hg.b_o)?;
    }
    Ok(Grads {
        weights: Ordered(weights),
        h0: init[..h].to_vec(),
        c0: spec.cell.has_c().then(|| init[h..2 * h].to_vec()),
        x: rows(dx, i),
        head,
    })
}
