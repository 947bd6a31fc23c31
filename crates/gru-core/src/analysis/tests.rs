//! Tests of the analysis against finite differences of the model's forward pass, against
//! `backward`'s `d_init`, and on two cases with known behaviour (GRU with z ≈ 0, a contracting
//! tanh RNN). Those of the lag × time map are in `lagmap_tests.rs`.

use super::*;
use crate::cell::{CellKind, CellShape};
use crate::model::{
    backward, forward, BackwardOpts, Direction, Init, Mode, Model, ModelConfig, Readout, Workspace,
};

pub(super) const KINDS: [CellKind; 5] = [
    CellKind::Gru,
    CellKind::GruTorch,
    CellKind::Lstm,
    CellKind::RnnTanh,
    CellKind::RnnRelu,
];

pub(super) fn model(kind: CellKind, i: usize, h: usize, seed: u64) -> Model<f64> {
    let cfg = ModelConfig::new(kind, i, h, 2).readout(Readout::PerStep);
    Model::new(cfg, Init::TorchUniform, seed).expect("valid config")
}

pub(super) fn inputs(t: usize, i: usize) -> Vec<f64> {
    (0..t * i).map(|k| (0.73 * k as f64 + 0.2).sin()).collect()
}

/// Forward over `x (steps, I)` from state `init (S)`; returns the last state `(S)`.
fn final_state(m: &Model<f64>, x: &[f64], steps: usize, init: &[f64]) -> Vec<f64> {
    let mut ws = Workspace::default();
    if steps == 0 {
        return init.to_vec();
    }
    ws.prepare(m, steps, 1);
    ws.init[0].copy_from_slice(init);
    forward(m, &mut ws, x, steps, 1, Mode::Eval);
    ws.state(0, steps).to_vec()
}

pub(super) fn filled(m: &Model<f64>, x: &[f64], steps: usize) -> Workspace<f64> {
    let mut ws = Workspace::default();
    ws.prepare(m, steps, 1);
    let s = ws.init[0].len();
    ws.init[0]
        .iter_mut()
        .enumerate()
        .for_each(|(k, v)| *v = 0.3 * (k as f64 + 1.0).cos() / s as f64);
    forward(m, &mut ws, x, steps, 1, Mode::Eval);
    ws
}

#[test]
fn products_are_the_chain_rule_of_the_forward_pass() {
    let (i, h, steps) = (2, 3, 6);
    for kind in KINDS {
        let m = model(kind, i, h, 7);
        let x = inputs(steps, i);
        let ws = filled(&m, &x, steps);
        let j = step_jacobians(&m, &ws, CellSel::default()).expect("jacobians");
        let s = j.state;
        let prods = jacobian_products(&j, steps).expect("products");
        let states = states_in_order(&m, &ws, CellSel::default()).expect("states");
        for k in 0..=steps {
            let from = steps - k;
            let base = &states[from * s..(from + 1) * s];
            for col in 0..s {
                let eps = 1e-6;
                let (mut up, mut dn) = (base.to_vec(), base.to_vec());
                up[col] += eps;
                dn[col] -= eps;
                let fu = final_state(&m, &x[from * i..], k, &up);
                let fd = final_state(&m, &x[from * i..], k, &dn);
                for row in 0..s {
                    let want = (fu[row] - fd[row]) / (2.0 * eps);
                    let got = prods[k * s * s + row * s + col];
                    assert!(
                        (got - want).abs() < 1e-6,
                        "{kind:?} k={k} [{row}][{col}]: {got} vs FD {want}"
                    );
                }
            }
        }
    }
}

#[test]
fn chained_gradients_match_backward_in_every_slot_and_direction() {
    for kind in KINDS {
        let cfg = ModelConfig::new(kind, 2, 3, 2)
            .readout(Readout::PerStep)
            .layers(2)
            .direction(Direction::Bidirectional);
        let m = Model::<f64>::new(cfg, Init::TorchUniform, 3).expect("valid config");
        let steps = 5;
        let mut ws = Workspace::default();
        ws.prepare(&m, steps, 2);
        for (n, init) in ws.init.iter_mut().enumerate() {
            init.iter_mut()
                .enumerate()
                .for_each(|(k, v)| *v = 0.1 * (k + n) as f64 - 0.2);
        }
        forward(&m, &mut ws, &inputs(steps * 2, 2), steps, 2, Mode::Eval);
        ws.dy
            .iter_mut()
            .enumerate()
            .for_each(|(k, v)| *v = (0.37 * k as f64).sin());
        backward(&m, &mut ws, BackwardOpts::default());
        for layer in 0..2 {
            for dir in 0..2 {
                for sample in 0..2 {
                    let sel = CellSel { layer, dir, sample };
                    let j = step_jacobians(&m, &ws, sel).expect("jacobians");
                    let g = state_grads(&m, &ws, &j, sel).expect("grads");
                    let s = j.state;
                    let want = &ws.d_init[m.slot_index(layer, dir)][sample * s..(sample + 1) * s];
                    for (a, b) in g[..s].iter().zip(want) {
                        assert!(
                            (a - b).abs() < 1e-12 * (1.0 + b.abs()),
                            "{kind:?} {sel:?}: {a} vs d_init {b}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn a_gru_with_closed_update_gates_keeps_the_identity_path() {
    let (h, steps) = (8, 40);
    let mut m = model(CellKind::Gru, 2, h, 11);
    let b = m.layout.find("l0.fwd.b").expect("bias block").offset;
    m.params[b..b + h].fill(-30.0); // b_z: z = σ(−30 + …) ≈ 1e-13
    let x = inputs(steps, 2);
    let (tr, _) = run_and_trace(&m, &x, None, CellSel::default(), None).expect("trace");
    let (spec0, fro0) = (tr.flow[steps].spec, tr.flow[steps].fro);
    assert!((spec0 - 1.0).abs() < 1e-9, "‖∂h_T/∂h_0‖₂ = {spec0}");
    assert!(
        (fro0 - (h as f64).sqrt()).abs() < 1e-9,
        "‖∂h_T/∂h_0‖_F = {fro0}"
    );
    let Anatomy::Gru(terms) = &tr.anatomy else {
        panic!("a GRU's anatomy is its three terms")
    };
    for s in 0..steps {
        assert!((terms.carry[s].spec - 1.0).abs() < 1e-9);
        let rest = terms.candidate[s].fro + terms.update_gate[s].fro;
        assert!(
            rest < 1e-9 * terms.carry[s].fro,
            "step {}: B + C = {rest}",
            s + 1
        );
    }
}

#[test]
fn a_contracting_tanh_rnn_forgets_geometrically() {
    let (h, steps) = (6, 30);
    let mut m = model(CellKind::RnnTanh, 2, h, 5);
    let u = m.layout.find("l0.fwd.U").expect("U block").range();
    m.params[u.clone()].iter_mut().for_each(|v| *v *= 0.5);
    let rho = spectral_norm(&m.params[u], h, h, h); // ‖J_s‖₂ ≤ ‖U‖₂ since tanh' ≤ 1
    assert!(rho < 0.5, "‖U‖₂ = {rho}");
    let (tr, _) =
        run_and_trace(&m, &inputs(steps, 2), None, CellSel::default(), None).expect("trace");
    let spec: Vec<f64> = tr.flow.iter().map(|n| n.spec).collect();
    for k in 0..steps {
        assert!(
            spec[k + 1] <= spec[k] * rho * (1.0 + 1e-12),
            "k={k}: {} > {} · {rho}",
            spec[k + 1],
            spec[k]
        );
        assert!(spec[k + 1] > 0.0);
    }
    assert!(spec[steps] < rho.powi(steps as i32) * 1.000001 && spec[steps] < 1e-8);
    // The log-norms fall on a line of negative slope: every ratio is well below 1.
    let worst = (0..steps)
        .map(|k| tr.flow[k + 1].fro / tr.flow[k].fro)
        .fold(0.0, f64::max);
    assert!(worst < 0.9, "largest one-step ratio {worst}");
    let Anatomy::Rnn(rnn) = &tr.anatomy else {
        panic!("an RNN's anatomy is its activation slope")
    };
    for (k, &d) in rnn.slope.iter().enumerate() {
        let h_s = tr.h[h + k]; // slope row s − 1 belongs to h_s, row s of h
        assert!((d - (1.0 - h_s * h_s)).abs() < 1e-15 && d > 0.0 && d <= 1.0);
    }
}

#[test]
fn one_step_split_adds_up_and_lstm_blocks_are_where_they_belong() {
    let steps = 4;
    let m = model(CellKind::Lstm, 2, 3, 9);
    let ws = filled(&m, &inputs(steps, 2), steps);
    let j = step_jacobians(&m, &ws, CellSel::default()).expect("jacobians");
    assert_eq!((j.state, j.hidden), (6, 3));
    let cc = one_step_norms(&j, Part::Cc).expect("cc");
    let hc = one_step_norms(&j, Part::Hc).expect("hc");
    for (s, n) in cc.iter().enumerate() {
        let f = &j.additive_step(s + 1).expect("lstm has f")[3..];
        assert!(
            (n.additive.expect("diag").spec - f.iter().fold(0.0, |a: f64, v| a.max(*v))).abs()
                < 1e-15
        );
        assert_eq!(
            n.remainder.expect("rest").fro,
            0.0,
            "dc/dc is exactly diag(f)"
        );
        assert!(hc[s].additive.is_none());
    }
    let gru = model(CellKind::Gru, 2, 3, 9);
    let ws = filled(&gru, &inputs(steps, 2), steps);
    let j = step_jacobians(&gru, &ws, CellSel::default()).expect("jacobians");
    assert!(
        one_step_norms(&j, Part::Cc).is_err(),
        "a GRU state has no c block"
    );
    for (s, n) in one_step_norms(&j, Part::Hh).expect("hh").iter().enumerate() {
        let (a, r) = (n.additive.expect("gru"), n.remainder.expect("gru"));
        let jm = j.step(s + 1);
        assert!((n.jac.fro - frobenius(jm, 3, 3, 3)).abs() < 1e-15);
        assert!(n.jac.spec <= a.spec + r.spec + 1e-12 && a.spec <= n.jac.spec + r.spec + 1e-12);
    }
}

#[test]
fn spectral_norm_of_known_matrices() {
    let c = (0.3f64).cos();
    let sn = (0.3f64).sin();
    // R · diag(3, −4): singular values 4, 3.
    let a = [3.0 * c, 4.0 * sn, 3.0 * sn, -4.0 * c];
    assert!((spectral_norm(&a, 2, 2, 2) - 4.0).abs() < 1e-14);
    assert!((frobenius(&a, 2, 2, 2) - 5.0).abs() < 1e-14);
    assert_eq!(spectral_norm(&[0.0; 4], 2, 2, 2), 0.0);
    assert!(spectral_norm(&[f64::NAN, 0.0, 0.0, 1.0], 2, 2, 2).is_nan());
    assert!((spectral_norm(&[3.0, 4.0], 1, 2, 2) - 5.0).abs() < 1e-15);
}

#[test]
fn an_f32_model_gives_the_same_picture_to_f32_accuracy() {
    let m64 = model(CellKind::GruTorch, 2, 4, 4);
    let m32 = Model::<f32> {
        config: m64.config.clone(),
        layout: m64.layout.clone(),
        params: m64.params.iter().map(|&v| v as f32).collect(),
        slots: m64.slots.clone(),
        head: m64.head.clone(),
    };
    let x = inputs(10, 2);
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let (a, _) = run_and_trace(&m64, &x, None, CellSel::default(), None).expect("f64");
    let (b, _) = run_and_trace(&m32, &x32, None, CellSel::default(), None).expect("f32");
    for (p, q) in a.flow.iter().zip(&b.flow) {
        assert!(
            (p.fro - q.fro).abs() < 1e-5 * (1.0 + p.fro),
            "{p:?} vs {q:?}"
        );
    }
    assert_eq!(m32.slots[0].cell.gate_names(), ["z", "r", "h_tilde"]);
    assert_eq!(b.gates.len(), 3);
    assert_eq!(b.h.len(), 11 * 4);
}

#[test]
fn bad_selections_are_errors_not_panics() {
    let m = model(CellKind::Gru, 2, 3, 1);
    let ws = filled(&m, &inputs(3, 2), 3);
    assert!(step_jacobians(
        &m,
        &ws,
        CellSel {
            layer: 1,
            ..CellSel::default()
        }
    )
    .is_err());
    assert!(step_jacobians(
        &m,
        &ws,
        CellSel {
            dir: 1,
            ..CellSel::default()
        }
    )
    .is_err());
    assert!(step_jacobians(
        &m,
        &ws,
        CellSel {
            sample: 1,
            ..CellSel::default()
        }
    )
    .is_err());
    assert!(step_jacobians(&m, &Workspace::default(), CellSel::default()).is_err());
    let j = step_jacobians(&m, &ws, CellSel::default()).expect("jacobians");
    assert!(products_at(&j, 4, Part::Hh, false).is_err());
    assert!(run_and_trace(&m, &[], None, CellSel::default(), None).is_err());
    assert!(cell_trace(&m, &ws, CellSel::default(), Some(4), Backward::NotRun).is_err());
}
