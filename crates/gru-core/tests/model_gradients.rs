//! Whole-model gradients (stacked, bidirectional, dropout, both readouts, every cell) against
//! central finite differences of the loss, for every parameter and for dL/dx.

use gru_core::cell::{Carry, CellKind, GateMode, Surgery};
use gru_core::loss::{loss_and_grad, LossKind, Targets};
use gru_core::model::{
    backward, forward, BackwardOpts, Direction, Init, Mode, Model, ModelConfig, Readout, Workspace,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const T: usize = 5;
const B: usize = 2;

fn loss(
    model: &Model<f64>,
    ws: &mut Workspace<f64>,
    x: &[f64],
    kind: LossKind,
    targets: &Targets<f64>,
) -> f64 {
    // The same dropout masks on every call: a fresh generator from a fixed seed.
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    forward(model, ws, x, T, B, Mode::Train(&mut rng));
    let mut dy = ws.y.clone();
    let s = loss_and_grad(kind, &ws.y, model.config.output, targets, None, &mut dy);
    ws.dy.copy_from_slice(&dy);
    s.loss
}

fn check(config: ModelConfig, kind: LossKind) {
    let name = format!("{config:?}");
    let mut model = Model::<f64>::new(config.clone(), Init::TorchUniform, 3).unwrap();
    // Non-zero biases so every bias gradient is exercised.
    for (k, p) in model.params.iter_mut().enumerate() {
        *p += 0.05 * ((k as f64) * 1.3).sin();
    }
    let x: Vec<f64> = (0..T * B * config.input)
        .map(|k| ((k as f64) * 0.77).sin())
        .collect();
    let rows = if config.readout == Readout::Final {
        B
    } else {
        T * B
    };
    let targets = match kind {
        LossKind::Mse => Targets::Values(
            (0..rows * config.output)
                .map(|k| (k as f64 * 0.3).cos())
                .collect(),
        ),
        LossKind::CrossEntropy => Targets::Classes((0..rows).map(|k| k % config.output).collect()),
    };
    let mut ws = Workspace::default();
    loss(&model, &mut ws, &x, kind, &targets);
    backward(
        &model,
        &mut ws,
        BackwardOpts {
            truncate: None,
            input_grad: true,
            ..BackwardOpts::default()
        },
    );
    let grads = ws.grads.clone();
    let dx = ws.d_inputs[0].clone();
    let eps = 1e-6;
    let mut worst: f64 = 0.0;
    for (k, &gk) in grads.iter().enumerate() {
        let p0 = model.params[k];
        model.params[k] = p0 + eps;
        let lp = loss(&model, &mut ws, &x, kind, &targets);
        model.params[k] = p0 - eps;
        let lm = loss(&model, &mut ws, &x, kind, &targets);
        model.params[k] = p0;
        let fd = (lp - lm) / (2.0 * eps);
        // Relative error with an absolute floor at the finite-difference rounding noise (~1e-10).
        let err = (fd - gk).abs() / (1e-4 + fd.abs().max(gk.abs()));
        let block = model
            .layout
            .blocks
            .iter()
            .find(|b| b.range().contains(&k))
            .unwrap();
        assert!(
            err < 1e-5,
            "{name}: dL/d{}[{}] = {} but finite difference {fd}",
            block.name,
            k - block.offset,
            gk
        );
        worst = worst.max(err);
    }
    let mut xs = x.clone();
    for k in 0..x.len() {
        xs[k] = x[k] + eps;
        let lp = loss(&model, &mut ws, &xs, kind, &targets);
        xs[k] = x[k] - eps;
        let lm = loss(&model, &mut ws, &xs, kind, &targets);
        xs[k] = x[k];
        let fd = (lp - lm) / (2.0 * eps);
        assert!(
            (fd - dx[k]).abs() < 1e-6 * (1.0 + fd.abs()),
            "{name}: dL/dx[{k}] = {} vs {fd}",
            dx[k]
        );
    }
    println!(
        "{name}: worst relative error {worst:.2e} over {} parameters",
        model.n_params()
    );
}

#[test]
fn single_layer_gru_final_mse() {
    check(ModelConfig::new(CellKind::Gru, 2, 3, 1), LossKind::Mse);
}

#[test]
fn every_cell_stacked_bidirectional_per_step_cross_entropy() {
    for cell in [
        CellKind::Gru,
        CellKind::GruTorch,
        CellKind::Lstm,
        CellKind::RnnTanh,
        CellKind::RnnRelu,
    ] {
        let c = ModelConfig::new(cell, 2, 3, 3)
            .layers(2)
            .direction(Direction::Bidirectional)
            .readout(Readout::PerStep);
        check(c, LossKind::CrossEntropy);
    }
}

#[test]
fn every_cell_with_input_and_recurrent_dropout() {
    for cell in [
        CellKind::Gru,
        CellKind::GruTorch,
        CellKind::Lstm,
        CellKind::RnnTanh,
    ] {
        let c = ModelConfig::new(cell, 3, 4, 2).layers(2).dropout(0.3, 0.4);
        check(c, LossKind::Mse);
    }
}

#[test]
fn gated_cells_under_surgery_stacked_bidirectional_with_dropout() {
    let s = Surgery::default();
    for (cell, surgery) in [
        (
            CellKind::Gru,
            Surgery {
                update: GateMode::Fixed(0.6),
                reset: GateMode::Fixed(1.0),
                ..s
            },
        ),
        (
            CellKind::GruTorch,
            Surgery {
                carry: Carry::Cut,
                ..s
            },
        ),
        (
            CellKind::GruTorch,
            Surgery {
                reset: GateMode::Fixed(0.5),
                ..s
            },
        ),
        (
            CellKind::Lstm,
            Surgery {
                forget: GateMode::Fixed(0.8),
                ..s
            },
        ),
    ] {
        let c = ModelConfig::new(cell, 2, 3, 2)
            .layers(2)
            .direction(Direction::Bidirectional)
            .dropout(0.2, 0.3)
            .surgery(surgery);
        check(c, LossKind::Mse);
    }
}

#[test]
fn bidirectional_final_readout() {
    for cell in [CellKind::Gru, CellKind::Lstm] {
        check(
            ModelConfig::new(cell, 2, 3, 2).direction(Direction::Bidirectional),
            LossKind::Mse,
        );
    }
}

#[test]
fn truncated_bptt_cuts_gradient_to_early_steps() {
    let config = ModelConfig::new(CellKind::Gru, 2, 3, 1);
    let model = Model::<f64>::new(config, Init::XavierOrthogonal, 1).unwrap();
    let x: Vec<f64> = (0..T * B * 2).map(|k| (k as f64 * 0.4).sin()).collect();
    let targets = Targets::Values(vec![0.5; B]);
    let mut ws = Workspace::default();
    loss(&model, &mut ws, &x, LossKind::Mse, &targets);
    backward(
        &model,
        &mut ws,
        BackwardOpts {
            truncate: Some(2),
            input_grad: true,
            ..BackwardOpts::default()
        },
    );
    // Final-step loss, chunks of 2 from the end: steps T−1, T−2 get gradient, earlier ones none.
    let dx = &ws.d_inputs[0];
    let step_norm = |t: usize| {
        dx[t * B * 2..(t + 1) * B * 2]
            .iter()
            .map(|v| v.abs())
            .sum::<f64>()
    };
    assert!(step_norm(T - 1) > 0.0 && step_norm(T - 2) > 0.0);
    for t in 0..T - 2 {
        assert_eq!(step_norm(t), 0.0, "step {t} must get no gradient");
    }
}
