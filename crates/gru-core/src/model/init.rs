//! Weight initialisation schemes, seeded and deterministic.

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::Model;
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
    /// Overwrites every parameter of `model` from `seed`.
    pub fn apply<T: Real>(self, model: &mut Model<T>, seed: u64) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let h = model.config.hidden;
        let blocks = model.layout.blocks.clone();
        let roles: Vec<BlockRole> = model
            .slots
            .iter()
            .flat_map(|s| {
                crate::cell::Cell::<T>::blocks(&s.cell)
                    .into_iter()
                    .map(|b| b.role)
            })
            .chain([BlockRole::Head, BlockRole::Bias])
            .collect();
        for (block, role) in blocks.iter().zip(roles) {
            let w = &mut model.params[block.range()];
            let is_head = block.name.starts_with("head.");
            match (self, role) {
                (Init::TorchUniform, _) if !is_head => {
                    let a = 1.0 / (h as f64).sqrt();
                    w.iter_mut().for_each(|v| *v = T::of(rng.gen_range(-a..a)));
                }
                (_, BlockRole::Bias) => w.fill(T::zero()),
                (_, BlockRole::BiasConst(c)) => w.fill(T::of(f64::from(c))),
                (Init::XavierOrthogonal, BlockRole::Recurrent) => {
                    orthogonal_gates(w, block.rows, block.cols, &mut rng)
                }
                _ => {
                    // Xavier per gate: fan_in = rows, fan_out = one gate's width.
                    let fan_out = if block.cols % h == 0 && !is_head {
                        h
                    } else {
                        block.cols
                    };
                    let a = (6.0 / (block.rows + fan_out) as f64).sqrt();
                    w.iter_mut().for_each(|v| *v = T::of(rng.gen_range(-a..a)));
                }
            }
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
