//! Weight initialisation schemes, seeded and deterministic.

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::Model;
use crate::cell::Cell;
use crate::params::BlockRole;
use crate::Real;

/// How weights start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// Xavier/Glorot uniform for input and head weights, orthogonal recurrent blocks (one
    /// `H × H` orthogonal matrix per gate), zero biases (Keras/TF.js defaults).
    #[default]
    XavierOrthogonal,
    /// Xavier uniform everywhere, zero biases.
    Xavier,
    /// PyTorch's default: every weight and bias `U(−1/√H, 1/√H)`.
    TorchUniform,
}

impl Init {
    /// Overwrites every parameter of `model` from `seed`, block by block in layout order,
    /// each according to its [`BlockRole`] (recurrent blocks then times the surgery's
    /// `recurrent_scale`); then each cell sets the initial gate biases its
    /// [`crate::cell::Surgery`] asks for.
    pub fn apply<T: Real>(self, model: &mut Model<T>, seed: u64) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let h = model.config.hidden;
        let scale = model.config.surgery.recurrent_scale;
        let Model {
            layout,
            params,
            slots,
            ..
        } = model;
        for block in &layout.blocks {
            let w = &mut params[block.range()];
            let xavier = |w: &mut [T], fan_out: usize, rng: &mut ChaCha8Rng| {
                let a = (6.0 / (block.rows + fan_out) as f64).sqrt(); // fan_in = rows
                w.iter_mut().for_each(|v| *v = T::of(rng.gen_range(-a..a)));
            };
            match (self, block.role) {
                (Init::TorchUniform, BlockRole::Input | BlockRole::Recurrent | BlockRole::Bias) => {
                    let a = 1.0 / (h as f64).sqrt();
                    w.iter_mut().for_each(|v| *v = T::of(rng.gen_range(-a..a)));
                }
                (_, BlockRole::Bias | BlockRole::HeadBias) => w.fill(T::zero()),
                (Init::XavierOrthogonal, BlockRole::Recurrent) => {
                    orthogonal_gates(w, block.rows, block.cols, &mut rng)
                }
                // Xavier per gate: a cell block is G gates of width H side by side.
                (_, BlockRole::Input | BlockRole::Recurrent) => xavier(w, h, &mut rng),
                (_, BlockRole::HeadWeight) => xavier(w, block.cols, &mut rng),
            }
            if let (Some(k), BlockRole::Recurrent) = (scale, block.role) {
                w.iter_mut().for_each(|v| *v = *v * T::of(k));
            }
        }
        for slot in slots.iter() {
            slot.cell.init_gate_biases(&mut params[slot.range.clone()]);
        }
    }
}

/// Fills `w (rows, cols)` with column blocks of size `rows × rows`, each orthogonal
/// (QR of a Gaussian matrix, signs fixed so the distribution is uniform).
fn orthogonal_gates<T: Real>(w: &mut [T], rows: usize, cols: usize, rng: &mut ChaCha8Rng) {
    let n = rows;
    for g in 0..cols.div_ceil(n) {
        let a = DMatrix::<f64>::from_fn(n, n, |_, _| StandardNormal.sample(rng));
        let qr = a.qr();
        let (q, r) = (qr.q(), qr.r());
        for i in 0..n {
            for j in 0..n {
                let col = g * n + j;
                if col < cols {
                    let sign = if r[(j, j)] < 0.0 { -1.0 } else { 1.0 };
                    w[i * cols + col] = T::of(q[(i, j)] * sign);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::{CellKind, Surgery};
    use crate::model::{forward, Mode, ModelConfig, Workspace};
    use crate::real::sigmoid;

    /// Gate `slot` of the first step from `x = 0`, `h_0 = 0`: σ of that gate's total bias.
    fn first_gate(cfg: ModelConfig, init: Init, slot: usize) -> Vec<f64> {
        let h = cfg.hidden;
        let m = Model::<f64>::new(cfg, init, 5).expect("valid config");
        let mut ws = Workspace::default();
        forward(&m, &mut ws, &[0.0; 2], 1, 1, Mode::Eval);
        ws.cache(0, 0)[slot * h..(slot + 1) * h].to_vec()
    }

    #[test]
    fn initial_gate_biases_set_the_first_gates_under_every_init() {
        let up = Surgery {
            update_bias: Some(-2.0),
            ..Surgery::default()
        };
        let fg = Surgery {
            forget_bias: Some(1.0),
            ..Surgery::default()
        };
        // (cell, surgery, cache slot of the gate in the app convention, σ(bias))
        let cases = [
            (CellKind::Gru, up, 0, sigmoid(-2.0)),
            (CellKind::GruTorch, up, 0, sigmoid(-2.0)),
            (CellKind::Lstm, fg, 1, sigmoid(1.0)),
        ];
        for init in [Init::XavierOrthogonal, Init::Xavier, Init::TorchUniform] {
            for (kind, s, slot, want) in cases {
                let cfg = ModelConfig::new(kind, 2, 3, 1);
                let got = first_gate(cfg.clone().surgery(s), init, slot);
                for g in got {
                    assert!((g - want).abs() < 1e-15, "{kind:?} {init:?}: {g} vs {want}");
                }
                if init == Init::TorchUniform {
                    let plain = first_gate(cfg, init, slot);
                    assert!(plain.iter().all(|g| (g - want).abs() > 1e-3), "{plain:?}");
                }
            }
        }
    }

    #[test]
    fn the_recurrent_scale_multiplies_only_recurrent_blocks() {
        let cfg = ModelConfig::new(CellKind::RnnTanh, 2, 4, 1);
        let plain = Model::<f64>::new(cfg.clone(), Init::XavierOrthogonal, 3).expect("valid");
        let s = Surgery {
            recurrent_scale: Some(3.0),
            ..Surgery::default()
        };
        let big = Model::<f64>::new(cfg.surgery(s), Init::XavierOrthogonal, 3).expect("valid");
        let mut scaled = 0;
        for b in &plain.layout.blocks {
            let k = if b.role == BlockRole::Recurrent {
                3.0
            } else {
                1.0
            };
            for (p, q) in plain.params[b.range()].iter().zip(&big.params[b.range()]) {
                assert_eq!(*q, k * p, "{:?}", b.role);
            }
            scaled += usize::from(k == 3.0);
        }
        assert_eq!(scaled, 1, "the RNN has one recurrent block");
    }
}
