//! The temporal-order problem (Hochreiter & Schmidhuber 1997, experiment 6a): a sequence of
//! distractors `a b c d` framed by a start symbol `B` and an end symbol `E` holds two relevant
//! symbols, each `X` or `Y`, at random positions `t1 < t2`; the task is to classify their order
//! `XX`, `XY`, `YX`, `YY` at the end.
//!
//! The paper uses lengths 100–110 with `t1 ∈ [10, 20]`, `t2 ∈ [50, 60]`; here the length `T`
//! is fixed per task (the difficulty knob) and the windows scale with it:
//! `t1 ∈ [max(1, ⌊T/10⌋), max(t1_lo, ⌊T/5⌋)]`, `t2 ∈ [max(t1_hi + 1, ⌊T/2⌋), ⌊6T/10⌋]`, so
//! `T = 100` gives exactly the paper's windows.
//!
//! Inputs are one-hot over 8 channels: `a b c d` = 0–3, `X` = 4, `Y` = 5, `B` = 6, `E` = 7.
//! Class = `2·[first is Y] + [second is Y]` (`XX` 0, `XY` 1, `YX` 2, `YY` 3).
//!
//! **Baseline.** The two relevant symbols are independent fair coin flips, so the class is
//! uniform on 4 and independent of the distractors and positions: the best constant
//! prediction is uniform, cross-entropy `ln 4`, accuracy `1/4`.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{classes_buf, Baseline, Batch, MAX_SEQ_LEN};
use crate::loss::LossKind;
use crate::model::Readout;
use crate::{Error, Real};

/// Symbol channels.
const X: usize = 4;
const START: usize = 6;
const END: usize = 7;

/// Temporal order over sequences of length `T` (the knob).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemporalOrderTask {
    len: usize,
}

impl TemporalOrderTask {
    /// A task of length `len`.
    ///
    /// # Errors
    /// [`Error::Config`] unless `10 ≤ len ≤` [`MAX_SEQ_LEN`].
    pub fn new(len: usize) -> Result<Self, Error> {
        if !(10..=MAX_SEQ_LEN).contains(&len) {
            return Err(Error::Config(format!(
                "temporal order length: {len} is not in 10..={MAX_SEQ_LEN}"
            )));
        }
        Ok(Self { len })
    }
    /// 8 one-hot symbol channels.
    pub fn input_size(&self) -> usize {
        8
    }
    /// 4 classes.
    pub fn output_size(&self) -> usize {
        4
    }
    /// `T`.
    pub fn seq_len(&self) -> usize {
        self.len
    }
    /// Cross-entropy.
    pub fn loss(&self) -> LossKind {
        LossKind::CrossEntropy
    }
    /// Read at the final step.
    pub fn readout(&self) -> Readout {
        Readout::Final
    }
    /// `ln 4`, chance `1/4`.
    pub fn baseline(&self) -> Baseline {
        Baseline {
            loss: 4f64.ln(),
            accuracy: Some(0.25),
        }
    }
    /// The inclusive windows of `t1` and `t2` (see the module docs).
    pub fn windows(&self) -> [(usize, usize); 2] {
        let t = self.len;
        let lo1 = (t / 10).max(1);
        let hi1 = (t / 5).max(lo1);
        let lo2 = (t / 2).max(hi1 + 1);
        let hi2 = (6 * t / 10).max(lo2).min(t - 2);
        [(lo1, hi1), (lo2, hi2)]
    }

    /// Fills `batch` with `b` sequences drawn from `rng`; targets are `(1, B)` classes.
    pub fn fill<T: Real>(&self, rng: &mut ChaCha8Rng, b: usize, batch: &mut Batch<T>) {
        let (t, i) = (self.len, self.input_size());
        let [(lo1, hi1), (lo2, hi2)] = self.windows();
        batch.reset_inputs(t, b, t * b * i); // (T, B, 8)
        batch.weights = None;
        let y = classes_buf(&mut batch.targets, b); // (1, B)
        for (s, ys) in y.iter_mut().enumerate() {
            let t1 = rng.gen_range(lo1..=hi1);
            let t2 = rng.gen_range(lo2..=hi2);
            let (y1, y2) = (rng.gen_range(0..2), rng.gen_range(0..2));
            for step in 0..t {
                let c = match step {
                    0 => START,
                    _ if step == t - 1 => END,
                    _ if step == t1 => X + y1,
                    _ if step == t2 => X + y2,
                    _ => rng.gen_range(0..4),
                };
                batch.x[(step * b + s) * i + c] = T::one();
            }
            *ys = 2 * y1 + y2;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::Targets;
    use rand::SeedableRng;

    #[test]
    fn windows_match_the_paper_at_length_100_and_stay_inside_short_sequences() {
        assert_eq!(
            TemporalOrderTask::new(100).unwrap().windows(),
            [(10, 20), (50, 60)]
        );
        for len in 10..300 {
            let [(a, b), (c, d)] = TemporalOrderTask::new(len).unwrap().windows();
            assert!(
                1 <= a && a <= b && b < c && c <= d && d <= len - 2,
                "len {len}"
            );
        }
    }

    #[test]
    fn sequences_have_the_documented_structure() {
        let task = TemporalOrderTask::new(30).unwrap();
        let (b, i) = (16, 8);
        let mut batch = Batch::<f64>::empty();
        task.fill(&mut ChaCha8Rng::seed_from_u64(4), b, &mut batch);
        let Targets::Classes(y) = &batch.targets else {
            panic!("classes expected")
        };
        let [(lo1, hi1), (lo2, hi2)] = task.windows();
        for (s, &ys) in y.iter().enumerate() {
            let sym: Vec<usize> = (0..30)
                .map(|step| {
                    let row = &batch.x[(step * b + s) * i..(step * b + s + 1) * i];
                    assert_eq!(row.iter().sum::<f64>(), 1.0);
                    row.iter().position(|&v| v == 1.0).unwrap()
                })
                .collect();
            assert_eq!((sym[0], sym[29]), (START, END));
            let rel: Vec<usize> = (0..30).filter(|&k| sym[k] == 4 || sym[k] == 5).collect();
            assert_eq!(rel.len(), 2);
            assert!((lo1..=hi1).contains(&rel[0]) && (lo2..=hi2).contains(&rel[1]));
            assert_eq!(ys, 2 * (sym[rel[0]] - 4) + (sym[rel[1]] - 4));
            assert!(sym[1..29].iter().all(|&c| c < 6));
        }
    }

    #[test]
    fn baseline_is_the_loss_of_the_best_constant() {
        let task = TemporalOrderTask::new(12).unwrap();
        let mut batch = Batch::<f32>::empty();
        let mut counts = [0.0f64; 4];
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for _ in 0..100 {
            task.fill(&mut rng, 256, &mut batch);
            let Targets::Classes(y) = &batch.targets else {
                panic!()
            };
            y.iter().for_each(|&c| counts[c] += 1.0);
        }
        let total: f64 = counts.iter().sum();
        let entropy: f64 = counts
            .iter()
            .map(|&c| -(c / total) * (c / total).ln())
            .sum();
        assert!((entropy - task.baseline().loss).abs() < 1e-3, "{entropy}");
    }

    #[test]
    fn rejects_lengths_out_of_range() {
        assert!(TemporalOrderTask::new(9).is_err());
        assert!(TemporalOrderTask::new(2001).is_err());
    }
}
