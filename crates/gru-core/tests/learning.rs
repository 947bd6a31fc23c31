//! Does training actually learn? Fixed seeds, small budgets (the whole file runs in a few
//! seconds in a debug `cargo test`; gru-core itself is built with opt-level 2). Every test
//! prints its numbers; run with `--nocapture` to see them.
//!
//! - The GRU gets far below the adding problem's baseline at T = 50, and below the copy
//!   memory baseline at delay 20 (copy is fast enough here, so it is used instead of the latch).
//! - A tanh RNN with the same budget stays at the baseline of the adding problem at T = 100.
//! - Why: after a little training, ‖dL/dx_0‖ / ‖dL/dx_{T−1}‖ is orders of magnitude larger
//!   for the GRU than for the RNN, whose gradient vanishes over 100 steps.

use gru_core::cell::CellKind;
use gru_core::loss::loss_and_grad;
use gru_core::model::{backward, forward, BackwardOpts, Mode, Workspace};
use gru_core::optim::OptimizerConfig;
use gru_core::task::TaskConfig;
use gru_core::{Real, TrainConfig, Trainer};

/// Adam 0.01, 16 units, batch 32, clip 1 (the defaults), with `cell`, `task` and `seed`.
fn config(task: TaskConfig, cell: CellKind, seed: u64) -> TrainConfig {
    TrainConfig {
        task,
        cell,
        hidden: 16,
        optimizer: OptimizerConfig::adam(0.01),
        seed,
        ..TrainConfig::default()
    }
}

/// Trains for `steps` steps and returns (validation loss / baseline, validation accuracy),
/// printing the curve every `steps / 5` steps.
fn train<T: Real>(trainer: &mut Trainer<T>, steps: u64, what: &str) -> (f64, Option<f64>) {
    let base = trainer.task.baseline().loss;
    let mut last = (f64::NAN, None);
    for s in 1..=steps {
        if let Err(e) = trainer.train_step() {
            panic!("{what}: {e}");
        }
        if s % (steps / 5).max(1) == 0 || s == steps {
            let v = trainer.evaluate();
            last = (v.loss / base, v.accuracy());
            println!(
                "{what}: step {s:>5}  val loss {:.5} = {:.3} × baseline {base:.4}  accuracy {:?}",
                v.loss, last.0, last.1
            );
        }
    }
    last
}

/// The budget shared by the adding-problem runs.
const ADDING_STEPS: u64 = 500;

#[test]
fn gru_beats_the_adding_baseline_at_t50() {
    let mut tr =
        Trainer::<f32>::new(config(TaskConfig::Adding { len: 50 }, CellKind::Gru, 1)).unwrap();
    let (ratio, _) = train(&mut tr, ADDING_STEPS, "GRU adding T=50");
    assert!(
        ratio < 0.3,
        "GRU on adding T=50: {ratio:.3} × baseline after {ADDING_STEPS} steps"
    );
}

#[test]
fn tanh_rnn_stays_at_the_adding_baseline_at_t100() {
    let mut tr = Trainer::<f32>::new(config(
        TaskConfig::Adding { len: 100 },
        CellKind::RnnTanh,
        1,
    ))
    .unwrap();
    let (ratio, _) = train(&mut tr, ADDING_STEPS, "tanh RNN adding T=100");
    assert!(
        ratio > 0.8,
        "tanh RNN on adding T=100 learnt: {ratio:.3} × baseline"
    );
}

#[test]
fn gru_learns_copy_memory_at_delay_20() {
    let task = TaskConfig::copy_memory(20);
    let mut tr = Trainer::<f32>::new(config(task, CellKind::Gru, 1)).unwrap();
    let (ratio, acc) = train(&mut tr, 1200, "GRU copy memory n=3 K=4 delay=20");
    assert!(ratio < 0.3, "GRU on copy memory: {ratio:.3} × baseline");
    assert!(
        acc.is_some_and(|a| a > 0.9),
        "GRU on copy memory: accuracy {acc:?}"
    );
}

/// ‖dL/dx_0‖ / ‖dL/dx_{T−1}‖ on the validation set (norms over batch and channels), f64.
fn input_gradient_ratio(trainer: &Trainer<f64>) -> f64 {
    let (model, val) = (trainer.model().expect("recurrent"), trainer.validation());
    let (t, b) = (val.t, val.b);
    let mut ws = Workspace::default();
    forward(model, &mut ws, &val.x, t, b, Mode::Eval);
    let o = model.config.output;
    let mut dy = vec![0.0; ws.y.len()];
    loss_and_grad(
        trainer.task.loss(),
        &ws.y,
        o,
        &val.targets,
        val.weights.as_deref(),
        &mut dy,
    );
    ws.dy.copy_from_slice(&dy);
    backward(
        model,
        &mut ws,
        BackwardOpts {
            truncate: None,
            input_grad: true,
            ..BackwardOpts::default()
        },
    );
    let dx = &ws.d_inputs[0]; // (T, B, I)
    let n = dx.len() / t;
    let norm = |step: usize| {
        dx[step * n..(step + 1) * n]
            .iter()
            .map(|v| v * v)
            .sum::<f64>()
            .sqrt()
    };
    norm(0) / norm(t - 1)
}

/// "A little training": the GRU starts to solve T = 100 around here (val ≈ 0.9 × baseline);
/// over seeds 1–5 its ratio was 4e-4 … 5e-2 and the RNN's 1e-31 … 1e-13. At initialisation
/// the order is reversed (orthogonal `U` keeps the RNN's ratio near 1e-6, the GRU's is ~1e-13):
/// training opens the GRU's additive path and closes the RNN's.
const GRADIENT_STEPS: u64 = 200;

#[test]
fn gru_gradient_reaches_the_first_step_while_the_rnn_gradient_vanishes() {
    let task = TaskConfig::Adding { len: 100 };
    let mut ratios = Vec::new();
    for cell in [CellKind::Gru, CellKind::RnnTanh] {
        let mut tr = Trainer::<f64>::new(config(task.clone(), cell, 1)).unwrap();
        let r0 = input_gradient_ratio(&tr);
        train(
            &mut tr,
            GRADIENT_STEPS,
            &format!("{} adding T=100", cell.label()),
        );
        let r = input_gradient_ratio(&tr);
        println!(
            "{}: ‖dL/dx_0‖ / ‖dL/dx_99‖ = {r0:.3e} at init, {r:.3e} after {GRADIENT_STEPS} steps",
            cell.label()
        );
        ratios.push(r);
    }
    let (gru, rnn) = (ratios[0], ratios[1]);
    println!("GRU / RNN gradient ratio: {:.3e}", gru / rnn);
    assert!(gru > 1e-5, "GRU gradient vanished too: {gru:.3e}");
    assert!(
        gru > 1e6 * rnn,
        "GRU {gru:.3e} is not orders of magnitude above RNN {rnn:.3e}"
    );
}

/// The Jacobian picture the app draws: after the same training, ‖∂h_T/∂h_{T−k}‖₂ of the GRU
/// stays orders of magnitude above the tanh RNN's at large lags k (T = 100, validation sample 0).
#[test]
fn gru_jacobian_norm_stays_orders_above_the_rnn_at_large_lags() {
    let task = TaskConfig::Adding { len: 100 };
    let mut curves = Vec::new();
    for cell in [CellKind::Gru, CellKind::RnnTanh] {
        let mut tr = Trainer::<f64>::new(config(task.clone(), cell, 1)).unwrap();
        train(
            &mut tr,
            GRADIENT_STEPS,
            &format!("{} adding T=100", cell.label()),
        );
        let ins = tr.inspect(gru_core::Pick::sample(0)).unwrap();
        let spec: Vec<f64> = ins.trace.flow.iter().map(|n| n.spec).collect();
        println!(
            "{}: ‖∂h_T/∂h_(T−k)‖₂ at k = 10, 50, 90: {:.3e} {:.3e} {:.3e}",
            cell.label(),
            spec[10],
            spec[50],
            spec[90]
        );
        curves.push(spec);
    }
    for k in [50, 90] {
        assert!(
            curves[0][k] > 1e4 * curves[1][k],
            "k = {k}: GRU {:.3e} vs RNN {:.3e}",
            curves[0][k],
            curves[1][k]
        );
    }
}
