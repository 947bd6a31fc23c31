//! One sample cut out of a time-major batch, and the loss of every validation sample (to find
//! the one the model gets most wrong).

use crate::loss::{loss_and_grad, LossKind, Targets};
use crate::model::{forward, Mode, Model, Readout, Workspace};
use crate::task::Batch;
use crate::Real;

/// Sample `i` of a batch: its inputs, targets and row weights, batch size 1.
pub(crate) struct Sample<T> {
    /// `(T, I)`, time order.
    pub x: Vec<T>,
    /// `(R, O)` values or `(R)` class indices.
    pub targets: Targets<T>,
    /// `(R)` row weights, `None` = every row scored.
    pub weights: Option<Vec<T>>,
}

/// Rows `R` of the head's output for `t` steps.
pub(crate) fn rows<T: Real>(model: &Model<T>, t: usize) -> usize {
    match model.config.readout {
        Readout::Final => 1,
        Readout::PerStep => t,
    }
}

/// Sample `i` (< `batch.b`) of `batch` for `model` (input size `I`, output size `O`).
pub(crate) fn sample_of<T: Real>(model: &Model<T>, batch: &Batch<T>, i: usize) -> Sample<T> {
    let (t, b) = (batch.t, batch.b);
    let (ni, o) = (model.config.input, model.config.output);
    let r = rows(model, t);
    let x = (0..t)
        .flat_map(|s| {
            batch.x[(s * b + i) * ni..(s * b + i + 1) * ni]
                .iter()
                .copied()
        })
        .collect();
    let targets = match &batch.targets {
        Targets::Values(v) => Targets::Values(
            (0..r)
                .flat_map(|row| v[(row * b + i) * o..(row * b + i + 1) * o].iter().copied())
                .collect(),
        ),
        Targets::Classes(c) => Targets::Classes((0..r).map(|row| c[row * b + i]).collect()),
    };
    let weights = batch
        .weights
        .as_ref()
        .map(|w| (0..r).map(|row| w[row * b + i]).collect());
    Sample {
        x,
        targets,
        weights,
    }
}

/// The loss of every sample of `batch` under `model` (no dropout), `(B)`: one forward pass
/// over the whole batch, then each sample's rows scored on their own.
pub(crate) fn sample_losses<T: Real>(
    model: &Model<T>,
    kind: LossKind,
    batch: &Batch<T>,
) -> Vec<f64> {
    let (t, b, o) = (batch.t, batch.b, model.config.output);
    if t == 0 || b == 0 {
        return Vec::new();
    }
    let mut ws = Workspace::default();
    forward(model, &mut ws, &batch.x, t, b, Mode::Eval);
    let r = rows(model, t);
    let mut dy = vec![T::zero(); r * o];
    (0..b)
        .map(|i| {
            let y: Vec<T> = (0..r)
                .flat_map(|row| {
                    ws.y[(row * b + i) * o..(row * b + i + 1) * o]
                        .iter()
                        .copied()
                })
                .collect();
            let s = sample_of(model, batch, i);
            loss_and_grad(kind, &y, o, &s.targets, s.weights.as_deref(), &mut dy).loss
        })
        .collect()
}
