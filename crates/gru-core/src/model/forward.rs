//! Unrolling a [`Model`] over a batch of sequences.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{Model, Readout, Workspace};
use crate::cell::step::{project_rows, Mat};
use crate::cell::{Cell, CellShape, StepIn, StepOut};
use crate::kernels::gemm_nn;
use crate::Real;

/// Training (dropout masks drawn from the RNG) or evaluation (no dropout).
pub enum Mode<'a> {
    /// No dropout.
    Eval,
    /// Dropout active, masks drawn from this generator.
    Train(&'a mut ChaCha8Rng),
}

/// Fills `mask` (`n` values) with inverted-dropout factors: 0 with probability `p`, else `1/(1−p)`.
fn draw_mask<T: Real>(mask: &mut Vec<T>, n: usize, p: f64, rng: &mut ChaCha8Rng) {
    mask.clear();
    let keep = T::of(1.0 / (1.0 - p));
    mask.extend((0..n).map(|_| {
        if rng.gen::<f64>() < p {
            T::zero()
        } else {
            keep
        }
    }));
}

/// Runs `model` over `x (T, B, I)` (time-major) and records every state, cache and output in
/// `ws`; head outputs end up in `ws.y`. Initial states are `ws.init` (zeros unless set).
pub fn forward<T: Real>(
    model: &Model<T>,
    ws: &mut Workspace<T>,
    x: &[T],
    t: usize,
    b: usize,
    mut mode: Mode<'_>,
) {
    ws.prepare(model, t, b);
    let cfg = &model.config;
    let (h, nd, d) = (cfg.hidden, cfg.direction.count(), model.top_width());
    let p = &model.params;
    for layer in 0..cfg.layers {
        let width = if layer == 0 { cfg.input } else { d };
        // Layer input, with its dropout mask (shared over time).
        {
            let src: &[T] = if layer == 0 { x } else { &ws.outs[layer - 1] };
            ws.inputs[layer][..t * b * width].copy_from_slice(&src[..t * b * width]);
            ws.in_masks[layer].clear();
            if let Mode::Train(rng) = &mut mode {
                if cfg.input_dropout > 0.0 {
                    draw_mask(&mut ws.in_masks[layer], b * width, cfg.input_dropout, rng);
                    for step in ws.inputs[layer].chunks_exact_mut(b * width) {
                        step.iter_mut()
                            .zip(&ws.in_masks[layer])
                            .for_each(|(v, &m)| *v = *v * m);
                    }
                }
            }
        }
        for dir in 0..nd {
            let si = model.slot_index(layer, dir);
            let slot = &model.slots[si];
            let cell = &slot.cell;
            let cp = &p[slot.range.clone()];
            let s = cell.state_size();
            let c = cell.cache_size();
            let bs = b * s;
            ws.rec_masks[si].clear();
            if let Mode::Train(rng) = &mut mode {
                if cfg.recurrent_dropout > 0.0 {
                    draw_mask(&mut ws.rec_masks[si], b * h, cfg.recurrent_dropout, rng);
                }
            }
            let mask = (!ws.rec_masks[si].is_empty()).then_some(&ws.rec_masks[si][..]);
            // The input projection `b + x W` of all T steps in one product (T·B, I)·(I, G),
            // before the recurrence, when the cell starts its step with one.
            let proj = Cell::<T>::input_projection(cell);
            let g = proj.map_or(0, |q| q.width);
            if let Some(q) = proj {
                let pre = &mut ws.proj[..t * b * g]; // (T, B, G)
                let bias2 = q.b2.map(|b2| &cp[b2..b2 + g]);
                let x = Mat::new(&ws.inputs[layer][..], t * b, width, width);
                project_rows(pre, &cp[q.b..q.b + g], bias2, x, &cp[q.w..]);
            }
            let states = &mut ws.states[si];
            let init_row = if dir == 0 { 0 } else { t };
            states[init_row * bs..(init_row + 1) * bs].copy_from_slice(&ws.init[si]);
            for step in 0..t {
                let xt = if dir == 0 { step } else { t - 1 - step };
                let xin = &ws.inputs[layer][xt * b * width..(xt + 1) * b * width];
                let cache = &mut ws.caches[si][xt * b * c..(xt + 1) * b * c];
                let (s_prev, s_next): (&[T], &mut [T]) = if dir == 0 {
                    let (lo, hi) = states.split_at_mut((xt + 1) * bs);
                    (&lo[xt * bs..], &mut hi[..bs])
                } else {
                    let (lo, hi) = states.split_at_mut((xt + 1) * bs);
                    (&hi[..bs], &mut lo[xt * bs..])
                };
                let a = StepIn {
                    p: cp,
                    b,
                    x: xin,
                    s_prev,
                    mask,
                };
                let out = StepOut {
                    s: s_next,
                    cache,
                    scratch: &mut ws.scratch,
                };
                if proj.is_some() {
                    let pre = &mut ws.proj[xt * b * g..(xt + 1) * b * g]; // (B, G)
                    cell.forward_projected(a, pre, out);
                } else {
                    cell.forward(a, out);
                }
                let out = &mut ws.outs[layer][xt * b * d..(xt + 1) * b * d];
                for row in 0..b {
                    out[row * d + dir * h..row * d + (dir + 1) * h]
                        .copy_from_slice(&s_next[row * s..row * s + h]);
                }
            }
        }
    }
    head_forward(model, ws);
}

/// `y = h W_o + b_o` on the top layer, at the final step or at every step.
fn head_forward<T: Real>(model: &Model<T>, ws: &mut Workspace<T>) {
    let cfg = &model.config;
    let (t, b, h, d, o) = (ws.t, ws.b, cfg.hidden, model.top_width(), cfg.output);
    let hp = &model.params[model.head.clone()];
    let (w_o, b_o) = hp.split_at(d * o);
    let top = cfg.layers - 1;
    let rows = match cfg.readout {
        Readout::Final => {
            for dir in 0..cfg.direction.count() {
                let si = model.slot_index(top, dir);
                let s = model.slots[si].cell.state_size();
                let k = if dir == 0 { t } else { 0 };
                let fin = &ws.states[si][k * b * s..(k + 1) * b * s];
                for row in 0..b {
                    let (src, dst) = (&fin[row * s..row * s + h], row * d + dir * h);
                    ws.head_in[dst..dst + h].copy_from_slice(src);
                }
            }
            b
        }
        Readout::PerStep => t * b,
    };
    for row in 0..rows {
        ws.y[row * o..(row + 1) * o].copy_from_slice(b_o);
    }
    let src: &[T] = match cfg.readout {
        Readout::Final => &ws.head_in,
        Readout::PerStep => &ws.outs[top],
    };
    gemm_nn(rows, d, o, src, d, w_o, o, &mut ws.y, o);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cell::{Carry, CellKind, GateMode, Surgery};
    use crate::model::{Direction, Init, ModelConfig};

    /// Surgeries the projected path must reproduce exactly (none, held gates, cut carry).
    pub(crate) fn surgeries() -> Vec<Surgery> {
        let s = Surgery::default;
        vec![
            s(),
            Surgery {
                update: GateMode::Fixed(0.3),
                ..s()
            },
            Surgery {
                reset: GateMode::Fixed(0.0),
                ..s()
            },
            Surgery {
                reset: GateMode::Fixed(0.6),
                update: GateMode::Fixed(1.0),
                ..s()
            },
            Surgery {
                carry: Carry::Cut,
                ..s()
            },
            Surgery {
                carry: Carry::Cut,
                reset: GateMode::Fixed(1.0),
                update_bias: Some(2.0),
                ..s()
            },
        ]
    }

    /// Every cell with a batched input projection, each with the surgeries it honours.
    pub(crate) fn projected_cells() -> Vec<(CellKind, Surgery)> {
        let mut out: Vec<(CellKind, Surgery)> = surgeries()
            .into_iter()
            .flat_map(|s| [(CellKind::Gru, s), (CellKind::GruTorch, s)])
            .collect();
        let held_forget = Surgery {
            forget: GateMode::Fixed(0.9),
            forget_bias: Some(1.0),
            ..Surgery::default()
        };
        out.extend([
            (CellKind::Lstm, Surgery::default()),
            (CellKind::Lstm, held_forget),
            (CellKind::RnnTanh, Surgery::default()),
            (CellKind::RnnRelu, Surgery::default()),
        ]);
        out
    }

    /// The batched input projection changes nothing: every state equals, bit for bit, the
    /// per-step `Cell::forward` on the raw inputs (both directions, ragged sizes), for every
    /// cell that has one, under every surgery.
    fn projected_run_equals_per_step_cells<T: Real>(kind: CellKind, surgery: Surgery) {
        let (t, b, i, h) = (5, 3, 3, 5);
        let cfg = ModelConfig::new(kind, i, h, 1)
            .direction(Direction::Bidirectional)
            .surgery(surgery);
        let model = Model::<T>::new(cfg, Init::XavierOrthogonal, 7).expect("config");
        let x: Vec<T> = (0..t * b * i)
            .map(|k| T::of((k as f64 * 0.7).sin()))
            .collect();
        let mut ws = Workspace::default();
        forward(&model, &mut ws, &x, t, b, Mode::Eval);
        for (si, slot) in model.slots.iter().enumerate() {
            let cell = &slot.cell;
            let cp = &model.params[slot.range.clone()];
            assert!(
                Cell::<T>::input_projection(cell).is_some(),
                "{kind:?} projects"
            );
            let c = cell.cache_size();
            let mut s = vec![T::zero(); b * cell.state_size()];
            let mut cache = vec![T::zero(); b * c];
            let mut scratch = vec![T::zero(); b * cell.scratch_size()];
            for step in 0..t {
                let xt = if slot.dir == 0 { step } else { t - 1 - step };
                let next_row = if slot.dir == 0 { xt + 1 } else { xt };
                let xin = &x[xt * b * i..(xt + 1) * b * i];
                let prev = s.clone();
                let a = StepIn {
                    p: cp,
                    b,
                    x: xin,
                    s_prev: &prev,
                    mask: None,
                };
                let out = StepOut {
                    s: &mut s,
                    cache: &mut cache,
                    scratch: &mut scratch,
                };
                cell.forward(a, out);
                assert!(
                    s == ws.state(si, next_row) && cache == ws.cache(si, xt),
                    "{kind:?} {surgery:?} slot {si} step {xt}: projected forward differs from Cell::forward"
                );
            }
        }
    }

    #[test]
    fn batched_input_projection_is_bit_identical_to_per_step_forward() {
        for (kind, s) in projected_cells() {
            projected_run_equals_per_step_cells::<f32>(kind, s);
            projected_run_equals_per_step_cells::<f64>(kind, s);
        }
    }
}
