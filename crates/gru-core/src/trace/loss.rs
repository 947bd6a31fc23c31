//! The spec's losses: per-step terms `ℓ_t` and the gradient of `L` with respect to what each
//! step's term reads (`y_t` for mse / cross-entropy, `h_t` for dot).

use super::spec::{Loss, LossType, Target};

/// `L`, every `ℓ_t` and `dL/d(input_t)`.
#[derive(Clone, Debug, PartialEq)]
pub struct LossValue {
    /// `L = ℓ_T` (final) or the mean / sum of the `ℓ_t` (per step).
    pub loss: f64,
    /// `(T)`: `ℓ_t` for every step (reported for per-step losses only).
    pub terms: Vec<f64>,
    /// `(T, W)`: `dL/d(input_t)`; zero rows for unscored steps.
    pub grad: Vec<f64>,
}

/// Evaluates `loss` on `input (T, W)` (`y_t` rows for mse / cross-entropy, `h_t` for dot).
pub fn evaluate(loss: &Loss, input: &[f64], steps: usize, width: usize) -> LossValue {
    let mut terms = vec![0.0; steps];
    let mut grad = vec![0.0; steps * width];
    let first = if loss.per_step { 0 } else { steps - 1 };
    let weight = match (loss.per_step, loss.sum) {
        (true, false) => 1.0 / steps as f64,
        _ => 1.0,
    };
    for t in first..steps {
        let y = &input[t * width..(t + 1) * width];
        let g = &mut grad[t * width..(t + 1) * width];
        terms[t] = match (&loss.kind, &loss.target) {
            (LossType::CrossEntropy, Target::Classes(c)) => {
                // ℓ = logsumexp(y) − y_c; dℓ/dy = softmax(y) − onehot(c).
                let mx = y.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
                let lse = mx + y.iter().map(|&v| (v - mx).exp()).sum::<f64>().ln();
                for (j, (gj, &yj)) in g.iter_mut().zip(y).enumerate() {
                    let one = if j == c[t] { 1.0 } else { 0.0 };
                    *gj = weight * ((yj - lse).exp() - one);
                }
                lse - y[c[t]]
            }
            (LossType::Mse, Target::Values(v)) => {
                // ℓ = Σ_j (y_j − y*_j)² / W; dℓ/dy_j = 2 (y_j − y*_j) / W.
                let tv = &v[t * width..(t + 1) * width];
                let mut acc = 0.0;
                for ((gj, &yj), &tj) in g.iter_mut().zip(y).zip(tv) {
                    let e = yj - tj;
                    acc += e * e;
                    *gj = weight * 2.0 * e / width as f64;
                }
                acc / width as f64
            }
            (_, Target::Values(v)) => {
                // dot: ℓ = g · h; dℓ/dh = g.
                let tv = &v[t * width..(t + 1) * width];
                g.iter_mut().zip(tv).for_each(|(gj, &tj)| *gj = weight * tj);
                y.iter().zip(tv).map(|(a, b)| a * b).sum()
            }
            (_, Target::Classes(_)) => 0.0, // not produced by the parser
        };
    }
    let loss_value = if loss.per_step {
        let total: f64 = terms.iter().sum();
        if loss.sum {
            total
        } else {
            total / steps as f64
        }
    } else {
        terms[steps - 1]
    };
    LossValue {
        loss: loss_value,
        terms,
        grad,
    }
}
