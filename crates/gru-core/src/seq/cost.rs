//! What a model costs as the sequence grows: parameters, floating-point operations of a
//! training step, activation memory per sequence, and how many steps must run one after the
//! other. Closed forms in `T`, checked against the real models in the tests.
//!
//! Conventions: FLOPs count matrix products only (a multiply-add is 2 FLOPs; element-wise
//! work, softmax and layer norms are left out), exactly as this crate computes them — the
//! attention scores only for `j ≤ i` (causal, `T(T+1)/2` per head), a TCN tap only on the
//! `T − j·d` steps it reaches. A training step is forward + backward ≈ 3 × forward (the
//! backward of a product `Y = X W` is two products, `dW = Xᵀ dY` and `dX = dY Wᵀ`); this is
//! the convention of `gru-bench` (`18·B·T·H(I+H)` for the GRU).

use super::attention::{AttentionConfig, Positions};
use super::net::Net;
use super::tcn::TcnConfig;
use crate::cell::CellKind;
use crate::model::{ModelConfig, Readout};

/// The cost of one model at one sequence length `T`.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Cost {
    /// Scalar parameters.
    pub params: usize,
    /// FLOPs of one forward pass over one sequence.
    pub flops_forward: f64,
    /// Scalars the forward keeps for the backward, per sequence (the head output excluded).
    /// The attention model's includes its `n_h · T²` attention weights.
    pub activations: usize,
    /// Steps that must run one after another: `L·T` for `L` recurrent layers, `L` levels for a
    /// TCN, 1 for one attention layer (everything else runs in parallel over time).
    pub serial_depth: usize,
}

impl Cost {
    /// FLOPs of one training step (forward + backward) over a batch of `b` sequences.
    pub fn flops_train_step(&self, b: usize) -> f64 {
        3.0 * self.flops_forward * b as f64
    }
    /// Activation memory per sequence in bytes for scalars of `bytes` bytes (4 for f32).
    pub fn activation_bytes(&self, bytes: usize) -> usize {
        self.activations * bytes
    }

    /// A recurrent [`ModelConfig`] at length `t`. Per cell, `G` gate blocks (`G` = 3 GRU, 4
    /// LSTM, 1 RNN) of `W (I_l, H)`, `U (H, H)` and one (app GRU) or two (PyTorch layout) biases;
    /// the cache keeps per step the state `S` and the cell's cached gates `C`.
    pub fn recurrent(cfg: &ModelConfig, t: usize) -> Self {
        let (h, nd, o) = (cfg.hidden, cfg.direction.count(), cfg.output);
        // The state `S` and the cached gates `C` per step.
        let (state, cached) = match cfg.cell {
            CellKind::Gru | CellKind::GruTorch => (h, 4 * h),
            CellKind::Lstm => (2 * h, 5 * h),
            CellKind::RnnTanh | CellKind::RnnRelu => (h, 2 * h),
        };
        let gates = cfg.cell.gate_blocks();
        let d = h * nd;
        let (mut params, mut flops, mut act) = (d * o + o, 0.0, 0);
        for layer in 0..cfg.layers {
            let input = if layer == 0 { cfg.input } else { d };
            params += nd * cfg.cell.layer_params(input, h);
            flops += (nd * t) as f64 * 2.0 * (gates * h * (input + h)) as f64;
            act += nd * ((t + 1) * state + t * cached) + t * input + t * d;
        }
        flops += 2.0 * (rows(cfg.readout, t) * d * o) as f64;
        Self {
            params,
            flops_forward: flops,
            activations: act,
            serial_depth: cfg.layers * t,
        }
    }

    /// A TCN at length `t`: level `l` has `k` taps of `W (C_in, C)`, a bias, and a projection
    /// `(C_in, C) + C` where `C_in ≠ C`; it keeps `x` and, per level, `φ(a_l)` and `h_l`.
    pub fn tcn(cfg: &TcnConfig, t: usize) -> Self {
        let (c, k, o) = (cfg.channels, cfg.kernel, cfg.output);
        let (mut params, mut flops) = (c * o + o, 0.0);
        for l in 0..cfg.levels {
            let cin = cfg.level_input(l);
            let res = cin != c;
            params += k * cin * c + c + if res { cin * c + c } else { 0 };
            let d = TcnConfig::dilation(l);
            let reached: usize = (0..k).map(|j| t.saturating_sub(j * d)).sum();
            flops += 2.0 * (reached * cin * c) as f64;
            if res {
                flops += 2.0 * (t * cin * c) as f64;
            }
        }
        flops += 2.0 * (rows(cfg.readout, t) * c * o) as f64;
        Self {
            params,
            flops_forward: flops,
            activations: t * cfg.input + 2 * cfg.levels * t * c,
            serial_depth: cfg.levels,
        }
    }

    /// The attention model at length `t`. FLOPs: input projection `2TID`, `q, k, v` `6TD²`,
    /// causal scores and `P v` `2·D·T(T+1)` (the `T²` term), output projection `2TD²`,
    /// feed-forward `4TDF`, head `2RDO`. Memory: `T(I + 11D + F + 2) + n_h T² + R(2D + 1)`.
    pub fn attention(cfg: &AttentionConfig, t: usize) -> Self {
        let (i, d, f, o, nh) = (cfg.input, cfg.d_model, cfg.ffn, cfg.output, cfg.heads);
        let pos = match cfg.positions {
            Positions::Learned { max_len } => max_len * d,
            Positions::Sinusoidal => 0,
        };
        // in, pos, ln1, W_qkv + b_qkv, W_ao + b_ao, ln2, ff, ln_f, head
        let params = (i * d + d)
            + pos
            + 2 * d
            + (3 * d * d + 3 * d)
            + (d * d + d)
            + 2 * d
            + (d * f + f + f * d + d)
            + 2 * d
            + (d * o + o);
        let r = rows(cfg.readout, t);
        let (tf, df, ff) = (t as f64, d as f64, f as f64);
        let flops = 2.0 * tf * (i as f64) * df
            + 6.0 * tf * df * df
            + 2.0 * df * tf * (tf + 1.0)
            + 2.0 * tf * df * df
            + 4.0 * tf * df * ff
            + 2.0 * (r * d * o) as f64;
        Self {
            params,
            flops_forward: flops,
            activations: t * (i + 11 * d + f + 2) + nh * t * t + r * (2 * d + 1),
            serial_depth: 1,
        }
    }
}

/// Rows the head reads per sequence: 1 (final) or `T`.
fn rows(readout: Readout, t: usize) -> usize {
    match readout {
        Readout::Final => 1,
        Readout::PerStep => t,
    }
}

impl<T: crate::Real> Net<T> {
    /// The cost of this model at sequence length `t`.
    pub fn cost(&self, t: usize) -> Cost {
        match self {
            Net::Recurrent(m) => Cost::recurrent(&m.config, t),
            Net::Tcn(m) => Cost::tcn(&m.config, t),
            Net::Attention(m) => Cost::attention(&m.config, t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Init, Mode, Model, Workspace};
    use crate::seq::{Attention, AttentionCache, NetCache, Tcn, TcnCache};

    /// The scalars a recurrent workspace keeps for the backward, per sequence.
    fn workspace_activations(ws: &Workspace<f64>) -> usize {
        let sum = |v: &Vec<Vec<f64>>| v.iter().map(Vec::len).sum::<usize>();
        (sum(&ws.states) + sum(&ws.caches) + sum(&ws.inputs) + sum(&ws.outs)) / ws.b
    }

    #[test]
    fn recurrent_formula_matches_the_built_models() {
        let cells = [
            CellKind::Gru,
            CellKind::GruTorch,
            CellKind::Lstm,
            CellKind::RnnTanh,
        ];
        for cell in cells {
            for (layers, dir, readout) in [
                (1, Direction::Forward, Readout::Final),
                (2, Direction::Bidirectional, Readout::PerStep),
            ] {
                let cfg = ModelConfig::new(cell, 3, 5, 2)
                    .layers(layers)
                    .direction(dir)
                    .readout(readout);
                let m = Model::<f64>::new(cfg.clone(), Init::Xavier, 1).unwrap();
                let (t, b) = (7, 3);
                let mut ws = Workspace::default();
                forward(&m, &mut ws, t, b);
                let c = Cost::recurrent(&cfg, t);
                assert_eq!(c.params, m.n_params(), "{cell:?} {layers} layers");
                assert_eq!(
                    c.activations,
                    workspace_activations(&ws),
                    "{cell:?} {layers}"
                );
            }
        }
        // gru-bench's convention: 18·B·T·H(I+H) for one GRU layer (head left out there).
        let c = Cost::recurrent(&ModelConfig::new(CellKind::Gru, 2, 32, 1), 50);
        let head = 3.0 * 2.0 * 32.0 * 32.0;
        assert_eq!(
            c.flops_train_step(32) - head,
            18.0 * (32 * 50 * 32 * 34) as f64
        );
    }

    fn forward(m: &Model<f64>, ws: &mut Workspace<f64>, t: usize, b: usize) {
        let x = crate::cell::check::wave(t * b * m.config.input, 0.3, 0.1, 1.0);
        crate::model::forward(m, ws, &x, t, b, Mode::Eval);
    }

    #[test]
    fn tcn_formula_matches_the_model_and_a_hand_count() {
        for (cfg, t) in [
            (TcnConfig::new(2, 4, 3).kernel(3).levels(3), 10),
            (TcnConfig::new(4, 4, 1).readout(Readout::PerStep), 3),
        ] {
            let m = Tcn::<f64>::new(cfg.clone(), Init::Xavier, 1).unwrap();
            let mut cache = TcnCache::default();
            let x = vec![0.5; t * 2 * cfg.input];
            crate::seq::tcn::forward(&m, &mut cache, &x, t, 2);
            let c = Cost::tcn(&cfg, t);
            assert_eq!(c.params, m.n_params());
            assert_eq!(c.activations, cache.activations_per_sequence());
        }
        // I = 1, C = 2, k = 2, L = 2, O = 1, T = 3. Level 0 (d = 1): taps reach 3 + 2 steps,
        // 1→2 channels: 2·5·2 = 20, projection 2·3·2 = 12. Level 1 (d = 2): 3 + 1 steps,
        // 2→2: 2·4·4 = 32. Head: 2·2 = 4. Total 68.
        let c = Cost::tcn(&TcnConfig::new(1, 2, 1).levels(2), 3);
        assert_eq!(c.flops_forward, 68.0);
        assert_eq!(c.serial_depth, 2);
    }

    #[test]
    fn attention_formula_matches_the_model_and_grows_quadratically() {
        for cfg in [
            AttentionConfig::new(2, 4, 1).heads(2),
            AttentionConfig::new(3, 6, 2)
                .heads(3)
                .ffn(5)
                .positions(Positions::Learned { max_len: 9 })
                .readout(Readout::PerStep),
        ] {
            let m = Attention::<f64>::new(cfg.clone(), Init::Xavier, 1).unwrap();
            let (t, b) = (8, 3);
            let mut cache = AttentionCache::default();
            crate::seq::attention::forward(&m, &mut cache, &vec![0.1; t * b * cfg.input], t, b);
            let c = Cost::attention(&cfg, t);
            assert_eq!(c.params, m.n_params());
            assert_eq!(c.activations, cache.activations_per_sequence());
            assert_eq!(Net::Attention(m).cost(t), c);
        }
        // The T² term: at large T doubling T quadruples the attention's FLOPs and memory, but
        // only doubles the GRU's and (beyond its receptive field) the TCN's.
        let (a, g) = (
            AttentionConfig::new(2, 8, 1),
            ModelConfig::new(CellKind::Gru, 2, 8, 1),
        );
        let tc = TcnConfig::new(2, 8, 1).covering(100);
        let ratio = |f: &dyn Fn(usize) -> Cost| {
            let (c1, c2) = (f(4000), f(8000));
            (
                c2.flops_forward / c1.flops_forward,
                c2.activations as f64 / c1.activations as f64,
            )
        };
        let (af, am) = ratio(&|t| Cost::attention(&a, t));
        let (gf, gm) = ratio(&|t| Cost::recurrent(&g, t));
        let (tf, tm) = ratio(&|t| Cost::tcn(&tc, t));
        assert!(af > 3.5 && am > 3.5, "attention: {af} {am}");
        for r in [gf, gm, tf, tm] {
            assert!((r - 2.0).abs() < 0.05, "linear models: {r}");
        }
        let _ = NetCache::<f64>::default();
    }
}
