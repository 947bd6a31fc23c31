//! Backpropagation through time for a [`Model`], replaying a [`Workspace`] filled by
//! [`super::forward`].

use super::{Model, Readout, Workspace};
use crate::cell::{Cell, CellShape, DeferredGrad, StepGrad, StepIn};
use crate::kernels::{gemm_nt, gemm_tn};
use crate::Real;

/// Options of one backward pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BackwardOpts {
    /// Truncated BPTT: the carried gradient dL/ds is cut every `k` steps, counted from where
    /// each direction's pass ends, so no gradient crosses more than one chunk boundary.
    pub truncate: Option<usize>,
    /// Also compute dL/dx into `ws.d_inputs[0]`.
    pub input_grad: bool,
    /// What happens to a carried gradient that has vanished (below [`vanished`]).
    pub vanished: Vanished,
}

impl BackwardOpts {
    /// The options of an analysis that reports gradients (full BPTT, no dL/dx, vanished
    /// gradients kept as they are).
    pub fn analysis() -> Self {
        Self {
            vanished: Vanished::Keep,
            ..Self::default()
        }
    }
}

/// What the backward pass does with a carried dL/ds below [`vanished`]`::<T>()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Vanished {
    /// Set it to zero: training, where it changes no weight gradient at
    /// f32's resolution and keeps x86's subnormal slow path away.
    #[default]
    Flush,
    /// Carry it as it is: analyses that report how small a gradient got (‖∂y/∂x_{T−k}‖, the
    /// inspection, `gru-trace` against PyTorch).
    Keep,
}

/// Computes dL/dθ into `ws.grads` (overwritten) from dL/dy in `ws.dy`, plus dL/d(initial state)
/// in `ws.d_init` and, when asked, dL/dx in `ws.d_inputs[0]` `(T, B, I)`.
pub fn backward<T: Real>(model: &Model<T>, ws: &mut Workspace<T>, opts: BackwardOpts) {
    let cfg = &model.config;
    let (t, b, h, d, o) = (ws.t, ws.b, cfg.hidden, model.top_width(), cfg.output);
    let nd = cfg.direction.count();
    let top = cfg.layers - 1;
    ws.grads.fill(T::zero());
    let p = &model.params;

    // Head: dW_o += inᵀ dy, db_o += Σ dy, d(in) = dy W_oᵀ.
    {
        let (w_o, _) = p[model.head.clone()].split_at(d * o);
        let (dw_o, db_o) = ws.grads[model.head.clone()].split_at_mut(d * o);
        let d_top = &mut ws.d_outs[top];
        d_top.fill(T::zero());
        let rows = ws.dy.len() / o;
        let src: &[T] = match cfg.readout {
            Readout::Final => &ws.head_in,
            Readout::PerStep => &ws.outs[top],
        };
        gemm_tn(rows, d, o, src, d, &ws.dy, o, dw_o, o);
        for row in ws.dy.chunks_exact(o) {
            db_o.iter_mut().zip(row).for_each(|(g, &v)| *g = *g + v);
        }
        match cfg.readout {
            Readout::PerStep => gemm_nt(rows, d, o, &ws.dy, o, w_o, o, d_top, d),
            Readout::Final => {
                // The head read h_T of the forward pass and h_0 (final) of the backward pass.
                ws.head_in.fill(T::zero());
                gemm_nt(b, d, o, &ws.dy, o, w_o, o, &mut ws.head_in, d);
                for dir in 0..nd {
                    let xt = if dir == 0 { t - 1 } else { 0 };
                    for row in 0..b {
                        let at = xt * b * d + row * d + dir * h;
                        d_top[at..at + h].copy_from_slice(
                            &ws.head_in[row * d + dir * h..row * d + (dir + 1) * h],
                        );
                    }
                }
            }
        }
    }

    for layer in (0..cfg.layers).rev() {
        let width = if layer == 0 { cfg.input } else { d };
        let want_dx = layer > 0 || opts.input_grad;
        ws.d_inputs[layer].fill(T::zero());
        for dir in 0..nd {
            let si = model.slot_index(layer, dir);
            let slot = &model.slots[si];
            let cell = &slot.cell;
            let s = cell.state_size();
            let c = cell.cache_size();
            let bs = b * s;
            let mask = (!ws.rec_masks[si].is_empty()).then_some(&ws.rec_masks[si][..]);
            // Cells with an input projection and no recurrent mask keep dL/dpre of every step
            // (in `ws.proj`, free after the forward pass) and form their weight gradients in
            // one product over all T·B rows after the loop, instead of T small ones.
            let g = Cell::<T>::input_projection(cell).map_or(0, |q| q.grad_width);
            let deferred = g > 0 && mask.is_none();
            let ds = &mut ws.ds[..bs];
            ds.fill(T::zero());
            cell.transpose_weights(&p[slot.range.clone()], &mut ws.wt); // Wᵀ, Uᵀ for every step
            for n_done in 0..t {
                let xt = if dir == 0 { t - 1 - n_done } else { n_done };
                if let Some(k) = opts.truncate {
                    if k > 0 && n_done > 0 && n_done % k == 0 {
                        ds.fill(T::zero());
                    }
                }
                let d_out = &ws.d_outs[layer][xt * b * d..(xt + 1) * b * d];
                for row in 0..b {
                    let dst = &mut ds[row * s..row * s + h];
                    dst.iter_mut()
                        .zip(&d_out[row * d + dir * h..])
                        .for_each(|(g, &v)| *g = *g + v);
                }
                let prev_row = if dir == 0 { xt } else { xt + 1 };
                let s_prev = &ws.states[si][prev_row * bs..(prev_row + 1) * bs];
                let xin = &ws.inputs[layer][xt * b * width..(xt + 1) * b * width];
                let cache = &ws.caches[si][xt * b * c..(xt + 1) * b * c];
                let ds_prev = &mut ws.ds_prev[..bs];
                ds_prev.fill(T::zero());
                let dx =
                    want_dx.then(|| &mut ws.d_inputs[layer][xt * b * width..(xt + 1) * b * width]);
                if deferred {
                    let dpre = &mut ws.proj[xt * b * g..(xt + 1) * b * g]; // (B, G)
                    let cp = &p[slot.range.clone()];
                    let a = StepIn {
                        p: cp,
                        b,
                        x: &[],
                        s_prev,
                        mask: None,
                    };
                    let dg = DeferredGrad {
                        ds,
                        ds_prev,
                        dx,
                        dpre,
                        wt: &ws.wt,
                    };
                    cell.backward_deferred(a, cache, dg, &mut ws.scratch);
                    carry(opts.vanished, ds, ds_prev);
                    continue;
                }
                let g = StepGrad {
                    ds,
                    dp: &mut ws.grads[slot.range.clone()],
                    dx,
                    ds_prev,
                    wt: &ws.wt,
                };
                let a = StepIn {
                    p: &p[slot.range.clone()],
                    b,
                    x: xin,
                    s_prev,
                    mask,
                };
                cell.backward(a, cache, g, &mut ws.scratch);
                carry(opts.vanished, ds, ds_prev);
            }
            ws.d_init[si].copy_from_slice(ds);
            if deferred {
                // Rows in storage order: x_t, the state the step read (row t forward, t + 1
                // backward), cache_t, dpre_t, for t = 0 … T−1.
                let first = if dir == 0 { 0 } else { 1 };
                cell.weight_grads(
                    t * b,
                    &ws.inputs[layer][..t * b * width],
                    &ws.states[si][first * bs..(first + t) * bs],
                    &ws.caches[si],
                    &ws.proj[..t * b * g],
                    &mut ws.grads[slot.range.clone()],
                );
            }
        }
        // Through the input-dropout mask into the layer below (or to dL/dx).
        if want_dx {
            if !ws.in_masks[layer].is_empty() {
                let m = &ws.in_masks[layer];
                for step in ws.d_inputs[layer].chunks_exact_mut(b * width) {
                    step.iter_mut().zip(m).for_each(|(g, &k)| *g = *g * k);
                }
            }
            if layer > 0 {
                ws.d_outs[layer - 1].copy_from_slice(&ws.d_inputs[layer]);
            }
        }
    }
}

/// `ds ← dL/ds_{t−1}` for the next (earlier) step, flushed or kept as `what` says.
fn carry<T: Real>(what: Vanished, ds: &mut [T], ds_prev: &[T]) {
    match what {
        Vanished::Flush => carry_flushed(ds, ds_prev),
        Vanished::Keep => ds.copy_from_slice(ds_prev),
    }
}

/// `ds ← dL/ds_{t−1}` for the next (earlier) step, with every value below
/// [`vanished`]`::<T>()` set to zero (f32: 2⁻¹⁰³ ≈ 9.9·10⁻³², f64: 2⁻⁹⁷⁰). Such a gradient has
/// vanished: whatever it still adds to a weight gradient is below f32's resolution of any entry
/// above ~10⁻²⁴. Kept, its products with gate derivatives, weights and states fall among the
/// subnormal numbers, where x86 (natively, and wasm running on it) takes a slow path for every
/// operation: a T = 1000 H = 128 B = 1 GRU's backward pass took 72–103 ms against 3.7–5.5 ms
/// for its forward pass, and 6.4 ms with this flush.
fn carry_flushed<T: Real>(ds: &mut [T], ds_prev: &[T]) {
    let tiny = vanished::<T>();
    for (d, &v) in ds.iter_mut().zip(ds_prev) {
        *d = if v.abs() < tiny { T::zero() } else { v };
    }
}

/// The smallest normal number over the machine epsilon: a carried gradient kept (at or above
/// it) times any factor ≥ ε stays a normal number.
pub fn vanished<T: Real>() -> T {
    T::min_positive_value() / T::epsilon()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::CellKind;
    use crate::model::{forward, Direction, Init, Mode, ModelConfig};

    /// The deferred weight gradients (one product over all T·B rows) equal the per-step ones:
    /// a recurrent mask of ones forces the per-step path without changing the math.
    #[test]
    fn deferred_weight_gradients_equal_the_per_step_ones() {
        for (kind, s) in crate::model::forward::tests::projected_cells() {
            deferred_equals_per_step(kind, s);
        }
    }

    #[test]
    fn carry_flushed_zeroes_only_vanished_values_of_either_sign() {
        let tiny = vanished::<f32>();
        assert_eq!(tiny, 2f32.powi(-103));
        let prev = [
            1e-3,
            -1e-3,
            tiny,
            -tiny,
            tiny / 2.0,
            -tiny / 2.0,
            1e-40,
            -0.0,
            3.0,
        ];
        let mut ds = [f32::NAN; 9];
        carry_flushed(&mut ds, &prev);
        assert_eq!(ds, [1e-3, -1e-3, tiny, -tiny, 0.0, 0.0, 0.0, 0.0, 3.0]);
        assert_eq!(vanished::<f64>(), 2f64.powi(-970));
    }

    /// A T = 250 GRU whose gradient vanishes before step 0 (dL/ds_0 ~ 1e-37 in f64, which
    /// f32 can still hold): the f32 backward that flushes it gives every weight gradient of the
    /// same model in f64 to f32 accuracy and a dL/ds_0 of exactly zero; with `Keep` f32 carries
    /// it to a nonzero dL/ds_0.
    #[test]
    fn flushing_a_vanished_gradient_keeps_every_weight_gradient() {
        let (t, h) = (250, 12);
        let cfg = ModelConfig::new(CellKind::Gru, 2, h, 1);
        let m32 = Model::<f32>::new(cfg.clone(), Init::XavierOrthogonal, 7).expect("config");
        let mut m64 = Model::<f64>::new(cfg, Init::XavierOrthogonal, 7).expect("config");
        m64.params = m32.params.iter().map(|&v| f64::from(v)).collect();
        let x: Vec<f32> = (0..t * 2).map(|k| (k as f32 * 0.61).sin()).collect();
        let x64: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let (mut w32, mut w64) = (Workspace::default(), Workspace::default());
        forward(&m32, &mut w32, &x, t, 1, Mode::Eval);
        forward(&m64, &mut w64, &x64, t, 1, Mode::Eval);
        w32.dy.fill(1.0);
        w64.dy.fill(1.0);
        backward(&m32, &mut w32, BackwardOpts::default());
        backward(&m64, &mut w64, BackwardOpts::default());
        let d0 = w64.d_init[0].iter().fold(0.0f64, |a, v| a.max(v.abs()));
        assert!(
            d0 > 2f64.powi(-149) && d0 < f64::from(vanished::<f32>()),
            "the test needs a vanished gradient at s_0 that f32 can still hold: {d0:e}"
        );
        assert!(
            w32.d_init[0].iter().all(|&v| v == 0.0),
            "{:?}",
            w32.d_init[0]
        );
        let mut kept = Workspace::default();
        let keep = BackwardOpts::analysis();
        forward(&m32, &mut kept, &x, t, 1, Mode::Eval);
        kept.dy.fill(1.0);
        backward(&m32, &mut kept, keep);
        assert!(kept.d_init[0].iter().any(|&v| v != 0.0), "Keep carries it");
        let scale = w64.grads.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        for (k, (&g, &want)) in w32.grads.iter().zip(&w64.grads).enumerate() {
            assert!(
                (f64::from(g) - want).abs() <= 1e-4 * scale,
                "dθ[{k}]: f32 {g:e} vs f64 {want:e} (largest {scale:e})"
            );
        }
    }

    fn deferred_equals_per_step(kind: CellKind, surgery: crate::cell::Surgery) {
        let (t, b, i, h) = (6, 3, 3, 5);
        let cfg = ModelConfig::new(kind, i, h, 2)
            .layers(2)
            .direction(Direction::Bidirectional)
            .surgery(surgery);
        let model = Model::<f64>::new(cfg, Init::XavierOrthogonal, 3).expect("config");
        let x: Vec<f64> = (0..t * b * i).map(|k| (k as f64 * 0.7).sin()).collect();
        let mut ws = Workspace::default();
        forward(&model, &mut ws, &x, t, b, Mode::Eval);
        ws.dy
            .iter_mut()
            .enumerate()
            .for_each(|(k, v)| *v = (k as f64 * 0.3).cos());
        let opts = BackwardOpts {
            truncate: None,
            input_grad: true,
            ..BackwardOpts::default()
        };
        let head_in = ws.head_in.clone(); // backward reuses it for d(head input)
        backward(&model, &mut ws, opts);
        let (deferred, dx) = (ws.grads.clone(), ws.d_inputs[0].clone());
        for m in &mut ws.rec_masks {
            *m = vec![1.0; b * h];
        }
        ws.head_in = head_in;
        backward(&model, &mut ws, opts);
        assert!(deferred.iter().any(|&g| g != 0.0));
        for (k, (a, w)) in deferred.iter().zip(&ws.grads).enumerate() {
            assert!(
                (a - w).abs() <= 1e-12 * w.abs().max(1.0),
                "{kind:?} {surgery:?} dθ[{k}]: {a} vs {w}"
            );
        }
        assert_eq!(dx, ws.d_inputs[0], "dL/dx does not depend on the path");
    }
}
