//! A trace built in slices is the trace of the separate analyses (one-step norms, products,
//! anatomy), bit for bit, however the work is cut.

use super::*;
use crate::cell::CellKind;
use crate::loss::{loss_and_grad, LossKind, Targets};
use crate::model::{
    backward, forward, BackwardOpts, Direction, Init, Mode, Model, ModelConfig, Readout, Workspace,
};

/// A two-layer bidirectional model of `kind` over a filled, back-propagated workspace.
fn filled(kind: CellKind, steps: usize) -> (Model<f32>, Workspace<f32>) {
    let (i, h) = (2, 5);
    let cfg = ModelConfig::new(kind, i, h, 1)
        .readout(Readout::PerStep)
        .layers(2)
        .direction(Direction::Bidirectional);
    let m = Model::new(cfg, Init::TorchUniform, 11).expect("valid config");
    let x: Vec<f32> = (0..steps * i).map(|k| (0.61 * k as f32).sin()).collect();
    let mut ws = Workspace::default();
    forward(&m, &mut ws, &x, steps, 1, Mode::Eval);
    let target = Targets::Values(vec![0.25; steps]);
    loss_and_grad(LossKind::Mse, &ws.y, 1, &target, None, &mut ws.dy);
    backward(&m, &mut ws, BackwardOpts::analysis());
    (m, ws)
}

#[test]
fn a_sliced_trace_is_the_separate_analyses_bit_for_bit() {
    let steps = 7;
    for kind in [
        CellKind::Gru,
        CellKind::GruTorch,
        CellKind::Lstm,
        CellKind::RnnTanh,
    ] {
        let (m, ws) = filled(kind, steps);
        for (layer, dir) in [(0, 0), (1, 1)] {
            let sel = CellSel {
                layer,
                dir,
                sample: 0,
            };
            let whole = cell_trace(&m, &ws, sel, Some(3), Backward::Ran).expect("trace");
            for cut in [1, 2, 5] {
                let mut t = Tracing::new(&m, &ws, sel, Some(3), Backward::Ran).expect("new");
                let mut calls = 0;
                while t.advance(&m, &ws, cut) == Progress::Unfinished {
                    calls += 1;
                    assert!(calls <= t.units(), "{kind:?}: more calls than units");
                }
                // Every unit counted: the work ends on the call that does the last unit.
                assert_eq!(calls + 1, t.units().div_ceil(cut), "{kind:?} cut {cut}");
                let sliced = t.finish(&m, &ws).expect("finish");
                assert_eq!(sliced, whole, "{kind:?} ({layer}, {dir}) cut {cut}");
            }
            // The separate analyses the trace replaces.
            let j = step_jacobians(&m, &ws, sel).expect("jacobians");
            let one: Vec<Norms> = one_step_norms(&j, Part::Hh)
                .expect("norms")
                .iter()
                .map(|n| n.jac)
                .collect();
            assert_eq!(whole.one_step, one, "{kind:?}");
            let p = products_at(&j, steps, Part::Hh, false).expect("products");
            let flow: Vec<Norms> = p
                .fro
                .iter()
                .zip(&p.spec)
                .map(|(&fro, &spec)| Norms { fro, spec })
                .collect();
            assert_eq!(whole.flow, flow, "{kind:?}");
            assert_eq!(
                whole.anatomy,
                anatomy(&m, &ws, sel, Some(3)).expect("anatomy"),
                "{kind:?}"
            );
            assert_eq!(whole.steps, steps);
            let g = state_grads(&m, &ws, &j, sel).expect("grads");
            assert_eq!(
                whole.grad_h,
                Some(hidden_grad_norms(&g, j.state, j.hidden)),
                "{kind:?}"
            );
            let states = states_in_order(&m, &ws, sel).expect("states");
            let h: Vec<f64> = states
                .chunks_exact(j.state)
                .flat_map(|r| r[..j.hidden].to_vec())
                .collect();
            assert_eq!(whole.h, h, "{kind:?}");
            assert_eq!(
                whole.gates,
                gates_in_order(&m, &ws, sel).expect("gates"),
                "{kind:?}"
            );
        }
    }
}

#[test]
fn a_bad_step_or_slot_is_refused_before_any_work() {
    let (m, ws) = filled(CellKind::Gru, 4);
    let sel = CellSel::default();
    assert!(Tracing::new(&m, &ws, sel, Some(5), Backward::Ran).is_err());
    assert!(Tracing::new(&m, &ws, sel, Some(0), Backward::Ran).is_err());
    let far = CellSel { layer: 2, ..sel };
    assert!(Tracing::new(&m, &ws, far, None, Backward::Ran).is_err());
}
