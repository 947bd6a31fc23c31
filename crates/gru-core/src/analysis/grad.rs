//! `dL/ds_t` for every state of one cell slot, by chaining the one-step Jacobians backwards
//! from the per-step gradients that [`crate::model::backward`] leaves in `ws.d_outs`.
//!
//! `g_T = e_T`, `g_{s−1} = J_sᵀ g_s + e_{s−1}`, where `e_s` is what reaches `h_s` directly
//! (from the head, or from the layer above) and `e_0 = 0`. This is the full-BPTT gradient
//! (it ignores `BackwardOpts::truncate`) and equals `ws.d_init` at `s = 0`.

use super::jacobian::{check_sel, step_rows};
use super::{CellSel, StepJacobians};
use crate::kernels::norm2;
use crate::model::{Model, Workspace};
use crate::{Error, Real};

/// `(T+1, S)` in processing order: row `t` is `dL/ds_t` (for the LSTM `[dL/dh_t, dL/dc_t]`
/// with `h_t` and `c_t` as independent variables, i.e. `dL/dc_t` does not include the
/// `c_t → h_t` path). `ws` must have been through [`crate::model::backward`] after
/// [`crate::model::forward`] (otherwise the direct terms are zero and so is the result);
/// `j` must be [`super::step_jacobians`] of the same `ws` and `sel`.
///
/// # Errors
/// [`Error::Config`] when `sel` is not a cell/sample of `model`/`ws`, or `j` does not match.
pub fn state_grads<T: Real>(
    model: &Model<T>,
    ws: &Workspace<T>,
    j: &StepJacobians,
    sel: CellSel,
) -> Result<Vec<f64>, Error> {
    check_sel(model, ws, sel)?;
    let (t, b, h, s) = (ws.t, ws.b, model.config.hidden, j.state);
    let d = model.top_width();
    if j.steps != t || j.hidden != h || j.jac.len() != t * s * s {
        return Err(Error::Config(
            "the step Jacobians are not those of this workspace".into(),
        ));
    }
    let d_out = ws.d_outs.get(sel.layer).filter(|v| v.len() == t * b * d);
    let mut g = vec![0.0; (t + 1) * s];
    for step in (1..=t).rev() {
        let (xi, _, _) = step_rows(sel.dir, t, step);
        let (lo, hi) = g.split_at_mut(step * s);
        let cur = &mut hi[..s];
        if let Some(e) = d_out {
            let e = &e[(xi * b + sel.sample) * d + sel.dir * h..][..h];
            cur[..h].iter_mut().zip(e).for_each(|(c, v)| *c += v.f64()); // + e_s
        }
        let prev = &mut lo[(step - 1) * s..];
        let jac = j.step(step);
        for i in 0..s {
            let gi = cur[i];
            if gi != 0.0 {
                // (J_sᵀ g_s)[c] = Σ_i J_s[i][c] g_s[i]
                prev[..s]
                    .iter_mut()
                    .zip(&jac[i * s..(i + 1) * s])
                    .for_each(|(p, &v)| *p += v * gi);
            }
        }
    }
    Ok(g)
}

/// `(T+1)`: `‖dL/dh_t‖₂`, the first `hidden` entries of each `state`-wide row of `grads`.
pub fn hidden_grad_norms(grads: &[f64], state: usize, hidden: usize) -> Vec<f64> {
    grads
        .chunks_exact(state.max(1))
        .map(|r| norm2(&r[..hidden.min(r.len())]))
        .collect()
}
