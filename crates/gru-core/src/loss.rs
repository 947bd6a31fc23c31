//! Losses on head outputs and their gradient dL/dy.

use serde::{Deserialize, Serialize};

use crate::Real;

/// Which loss a task trains with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// Mean squared error, averaged over the `O` outputs and the scored rows.
    Mse,
    /// Softmax cross-entropy against a class index, averaged over the scored rows.
    CrossEntropy,
}

/// What the model should output, one row per scored `(step, sample)`: `(R, B, O)` values for
/// MSE, `(R, B)` class indices for cross-entropy (`R` = 1 at the final step, `T` per step).
#[derive(Clone, Debug, PartialEq)]
pub enum Targets<T> {
    /// Regression targets `(R, B, O)`.
    Values(Vec<T>),
    /// Class indices `(R, B)`.
    Classes(Vec<usize>),
}

/// Loss value and, for classification, how many scored rows were right.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct LossStats {
    /// Mean loss over the scored rows.
    pub loss: f64,
    /// Correct predictions (argmax = target) among `scored`, cross-entropy only.
    pub correct: Option<f64>,
    /// Total weight of the scored rows.
    pub scored: f64,
}

impl LossStats {
    /// Fraction correct, where defined.
    pub fn accuracy(&self) -> Option<f64> {
        self.correct.map(|c| {
            if self.scored > 0.0 {
                c / self.scored
            } else {
                0.0
            }
        })
    }
}

/// Computes the loss of `y (rows, o)` against `targets` and writes dL/dy into `dy`.
/// `weights (rows)`, when given, weights each row (0 = not scored); the loss is the weighted
/// mean over rows. A class index out of range counts as a zero-weight row.
pub fn loss_and_grad<T: Real>(
    kind: LossKind,
    y: &[T],
    o: usize,
    targets: &Targets<T>,
    weights: Option<&[T]>,
    dy: &mut [T],
) -> LossStats {
    let rows = y.len() / o.max(1);
    let w = |r: usize| weights.map_or(1.0, |w| w[r].f64());
    let total: f64 = (0..rows).map(w).sum();
    dy.fill(T::zero());
    if total <= 0.0 {
        return LossStats::default();
    }
    let mut loss = 0.0;
    let mut correct = 0.0;
    match (kind, targets) {
        (LossKind::Mse, Targets::Values(t)) => {
            let scale = 2.0 / (o as f64 * total);
            for r in 0..rows {
                let wr = w(r);
                if wr == 0.0 {
                    continue;
                }
                for j in 0..o {
                    let e = y[r * o + j].f64() - t[r * o + j].f64();
                    loss += wr * e * e / o as f64;
                    dy[r * o + j] = T::of(scale * wr * e); // dL/dy = 2 (y − y*) / (O N)
                }
            }
        }
        (LossKind::CrossEntropy, Targets::Classes(c)) => {
            for r in 0..rows {
                let wr = w(r);
                let cls = c[r];
                if wr == 0.0 || cls >= o {
                    continue;
                }
                let row = &y[r * o..(r + 1) * o];
                let mx = row.iter().fold(f64::NEG_INFINITY, |m, v| m.max(v.f64()));
                let z: f64 = row.iter().map(|v| (v.f64() - mx).exp()).sum();
                let lse = mx + z.ln();
                loss += wr * (lse - row[cls].f64());
                let arg = (0..o).fold(0, |a, j| if row[j] > row[a] { j } else { a });
                if arg == cls {
                    correct += wr;
                }
                for j in 0..o {
                    let sm = (row[j].f64() - lse).exp();
                    let one = if j == cls { 1.0 } else { 0.0 };
                    dy[r * o + j] = T::of(wr * (sm - one) / total); // softmax − onehot
                }
            }
            return LossStats {
                loss: loss / total,
                correct: Some(correct),
                scored: total,
            };
        }
        _ => {
            return LossStats {
                loss: f64::NAN,
                correct: None,
                scored: total,
            }
        }
    }
    LossStats {
        loss: loss / total,
        correct: None,
        scored: total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mse_gradient_matches_finite_difference_and_value() {
        let y = [0.5, -1.0, 2.0, 0.25];
        let t = Targets::Values(vec![1.0, 0.0, 1.5, 0.25]);
        let mut dy = [0.0; 4];
        let s = loss_and_grad(LossKind::Mse, &y, 2, &t, None, &mut dy);
        // rows: ((−0.5)² + 1²)/2 = 0.625, (0.5² + 0)/2 = 0.125 → mean 0.375
        assert!((s.loss - 0.375).abs() < 1e-15);
        for k in 0..4 {
            let mut yp = y;
            yp[k] += 1e-6;
            let mut scratch = [0.0; 4];
            let lp = loss_and_grad(LossKind::Mse, &yp, 2, &t, None, &mut scratch).loss;
            assert!(((lp - s.loss) / 1e-6 - dy[k]).abs() < 1e-5);
        }
    }

    #[test]
    fn cross_entropy_counts_accuracy_and_skips_zero_weight_rows() {
        let y = [2.0f64, 0.0, 0.0, 3.0, 1.0, 1.0];
        let t = Targets::Classes(vec![0, 0, 1]);
        let w = [1.0, 1.0, 0.0];
        let mut dy = [0.0f64; 6];
        let s = loss_and_grad(LossKind::CrossEntropy, &y, 2, &t, Some(&w), &mut dy);
        assert_eq!(s.accuracy(), Some(0.5));
        let want = ((1.0 + (-2.0f64).exp()).ln() + (1.0 + 3.0f64.exp()).ln()) / 2.0;
        assert!((s.loss - want).abs() < 1e-12);
        assert_eq!(&dy[4..], &[0.0, 0.0]);
        assert!(
            (dy[0] + dy[1]).abs() < 1e-15,
            "softmax − onehot sums to zero"
        );
    }
}
