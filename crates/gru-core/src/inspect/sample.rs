//! One sample cut out of a time-major batch, and the loss of every validation sample (to find
//! the one the model gets most wrong).

use crate::loss::{loss_and_grad, LossKind, Targets};
use crate::model::{Mode, Readout};
use crate::seq::{Net, NetCache};
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
pub(crate) fn rows<T: Real>(net: &Net<T>, t: usize) -> usize {
    match net.readout() {
        Readout::Final => 1,
        Readout::PerStep => t,
    }
}

/// Sample `i` (< `batch.b`) of `batch` for `net` (input size `I`, output size `O`).
pub(crate) fn sample_of<T: Real>(net: &Net<T>, batch: &Batch<T>, i: usize) -> Sample<T> {
    let (t, b) = (batch.t, batch.b);
    let (ni, o) = (net.input_size(), net.output_size());
    let r = rows(net, t);
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

/// The loss of every sample of `batch` under `net` (no dropout), `(B)`: one forward pass
/// over the whole batch, then each sample's rows scored on their own.
pub(crate) fn sample_losses<T: Real>(net: &Net<T>, kind: LossKind, batch: &Batch<T>) -> Vec<f64> {
    let (t, b, o) = (batch.t, batch.b, net.output_size());
    if t == 0 || b == 0 {
        return Vec::new();
    }
    let mut cache = NetCache::default();
    net.forward(&mut cache, &batch.x, t, b, Mode::Eval);
    let ys = cache.y();
    let r = rows(net, t);
    let mut dy = vec![T::zero(); r * o];
    (0..b)
        .map(|i| {
            let y: Vec<T> = (0..r)
                .flat_map(|row| ys[(row * b + i) * o..(row * b + i + 1) * o].iter().copied())
                .collect();
            let s = sample_of(net, batch, i);
            loss_and_grad(kind, &y, o, &s.targets, s.weights.as_deref(), &mut dy).loss
        })
        .collect()
}
