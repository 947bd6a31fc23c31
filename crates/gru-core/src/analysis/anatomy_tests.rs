//! The anatomy of the one-step Jacobians against the Jacobians themselves, for every cell,
//! layer, direction and surgery: the GRU's three terms sum to `J_s` (to 1e-12), the LSTM's
//! `diag(f)` is the whole `c → c` block, the RNN's `J_s` is `diag(slope)·(m ⊙ U)ᵀ`.

use super::*;
use crate::cell::{Carry, CellKind, GateMode, Surgery};
use crate::model::{forward, Direction, Init, Mode, Model, ModelConfig, Readout, Workspace};

fn filled(cfg: ModelConfig, steps: usize) -> (Model<f64>, Workspace<f64>) {
    let m = Model::<f64>::new(cfg, Init::TorchUniform, 8).expect("valid config");
    let x: Vec<f64> = (0..steps * 2 * 2)
        .map(|k| (0.61 * k as f64).sin())
        .collect();
    let mut ws = Workspace::default();
    let mut rng = rand::SeedableRng::seed_from_u64(3);
    forward(&m, &mut ws, &x, steps, 2, Mode::Train(&mut rng)); // with dropout masks
    (m, ws)
}

fn config(kind: CellKind, surgery: Surgery) -> ModelConfig {
    ModelConfig::new(kind, 2, 3, 1)
        .layers(2)
        .direction(Direction::Bidirectional)
        .readout(Readout::PerStep)
        .dropout(0.0, 0.3)
        .surgery(surgery)
}

fn every_sel() -> impl Iterator<Item = CellSel> {
    (0..2).flat_map(|layer| {
        (0..2).flat_map(move |dir| (0..2).map(move |sample| CellSel { layer, dir, sample }))
    })
}

#[test]
fn the_gru_terms_sum_to_each_step_jacobian() {
    let steps = 4;
    let none = Surgery::default();
    let surgeries = [
        none,
        Surgery {
            update: GateMode::Fixed(0.4),
            ..none
        },
        Surgery {
            carry: Carry::Cut,
            ..none
        },
        Surgery {
            reset: GateMode::Fixed(1.0),
            ..none
        },
    ];
    for kind in [CellKind::Gru, CellKind::GruTorch] {
        for surgery in surgeries {
            let (m, ws) = filled(config(kind, surgery), steps);
            for sel in every_sel() {
                let j = step_jacobians(&m, &ws, sel).expect("jacobians");
                for step in 1..=steps {
                    let Ok(Anatomy::Gru(t)) = anatomy(&m, &ws, sel, Some(step)) else {
                        panic!("{kind:?}: GRU terms expected")
                    };
                    let mats = t.matrices.expect("matrices at the chosen step");
                    assert_eq!(mats.step, step);
                    let (h, js) = (3, j.step(step));
                    for i in 0..h {
                        for k in 0..h {
                            let diag = if i == k { mats.carry[i] } else { 0.0 };
                            let sum =
                                diag + mats.candidate[i * h + k] + mats.update_gate[i * h + k];
                            let want = js[i * h + k];
                            assert!(
                                (sum - want).abs() <= 1e-12 * (1.0 + want.abs()),
                                "{kind:?} {surgery:?} {sel:?} step {step} [{i}][{k}]: {sum} vs {want}"
                            );
                            assert_eq!(mats.jacobian[i * h + k], want);
                        }
                    }
                    let s = step - 1;
                    assert_eq!(t.carry[s], diag_norms(&mats.carry));
                    assert_eq!(t.candidate[s].fro, frobenius(&mats.candidate, h, h, h));
                    if surgery.effective_update() != GateMode::Learned {
                        assert_eq!(t.update_gate[s].fro, 0.0, "a held z has no C term");
                    }
                }
            }
        }
    }
}

#[test]
fn the_lstm_forget_gate_is_its_whole_c_to_c_block() {
    let steps = 4;
    for forget in [GateMode::Learned, GateMode::Fixed(0.7)] {
        let surgery = Surgery {
            forget,
            ..Surgery::default()
        };
        let (m, ws) = filled(config(CellKind::Lstm, surgery), steps);
        for sel in every_sel() {
            let j = step_jacobians(&m, &ws, sel).expect("jacobians");
            let Ok(Anatomy::Lstm(c)) = anatomy(&m, &ws, sel, None) else {
                panic!("LSTM carry expected")
            };
            let gates = gates_in_order(&m, &ws, sel).expect("gates");
            assert_eq!(gates[1].0, "f");
            assert_eq!(c.forget, gates[1].1, "diag(f_s) is the forget gate");
            for step in 1..=steps {
                let cc = block(j.step(step), 6, 3, 3, 3); // ∂c_s/∂c_{s−1}
                let f = &c.forget[(step - 1) * 3..step * 3];
                for i in 0..3 {
                    for k in 0..3 {
                        let want = if i == k { f[i] } else { 0.0 };
                        assert_eq!(cc[i * 3 + k], want, "{sel:?} step {step} ∂c_{i}/∂c_{k}");
                    }
                }
                assert_eq!(c.norms[step - 1], norms_of(&cc, 3, 3, 3));
            }
        }
    }
}

#[test]
fn the_rnn_jacobian_is_its_slope_times_u_transposed() {
    for kind in [CellKind::RnnTanh, CellKind::RnnRelu] {
        let (m, ws) = filled(config(kind, Surgery::default()), 5);
        for sel in every_sel() {
            let j = step_jacobians(&m, &ws, sel).expect("jacobians");
            let Ok(Anatomy::Rnn(r)) = anatomy(&m, &ws, sel, None) else {
                panic!("RNN slope expected")
            };
            let slot = &m.slots[m.slot_index(sel.layer, sel.dir)];
            let u = &m
                .layout
                .blocks
                .iter()
                .find(|b| b.name.ends_with(".U") && slot.range.contains(&b.offset))
                .expect("U")
                .range();
            let mask = &ws.rec_masks[m.slot_index(sel.layer, sel.dir)][sel.sample * 3..][..3];
            for step in 1..=5 {
                for i in 0..3 {
                    let d = r.slope[(step - 1) * 3 + i];
                    if kind == CellKind::RnnRelu {
                        assert!(d == 0.0 || d == 1.0);
                    }
                    for (k, &mk) in mask.iter().enumerate() {
                        let want = d * mk * m.params[u.start + k * 3 + i];
                        let got = j.step(step)[i * 3 + k];
                        assert!((got - want).abs() < 1e-15, "{kind:?} {sel:?} J[{i}][{k}]");
                    }
                }
            }
        }
    }
}

#[test]
fn a_step_outside_the_sequence_is_an_error() {
    let (m, ws) = filled(config(CellKind::Gru, Surgery::default()), 3);
    for bad in [0, 4] {
        let e = anatomy(&m, &ws, CellSel::default(), Some(bad)).expect_err("refused");
        assert!(e.to_string().contains("step"), "{e}");
    }
}
