//! Saving a run's place and taking it up again: [`Resume`] holds what a bit-exact resume needs
//! beyond the config and the weights; [`Trainer::resume`] puts it back.

use super::Trainer;
use crate::optim::Optimizer;
use crate::{Error, Real};

/// The part of a run's state that is neither its config nor its weights: with it a saved run
/// resumes bit for bit ([`Trainer::resume_state`], [`Trainer::resume`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resume<T> {
    /// Steps completed.
    pub step: u64,
    /// Adam's first moment (SGD's velocity), one value per parameter; empty before step 1.
    pub opt_m: Vec<T>,
    /// Adam's second moment (zeros for SGD), one value per parameter; empty before step 1.
    pub opt_v: Vec<T>,
    /// Optimiser updates applied (Adam's bias-correction `t`).
    pub opt_t: u64,
    /// Position of the training-data ChaCha8 stream, in 32-bit words.
    pub data_word_pos: u128,
    /// Position of the dropout ChaCha8 stream, in 32-bit words.
    pub dropout_word_pos: u128,
}

/// The most steps a run may have trained (2^53: a whole number JSON and JavaScript carry
/// exactly); a saved run claiming more is refused, so the count never overflows.
pub const MAX_STEP: u64 = 1 << 53;

impl<T: Real> Resume<T> {
    /// Whether [`Trainer::resume`] takes this state with `params` into a model of `n`
    /// parameters, checked before any trainer is built: the step at most [`MAX_STEP`], no
    /// more optimiser updates than steps, `n` finite weights, and the optimiser's moments
    /// ([`Optimizer::check_state`]).
    ///
    /// # Errors
    /// [`Error::Format`] naming the field (`step`, `optimizer.t`, `weights`, `optimizer.m`).
    pub fn check(&self, params: &[T], n: usize) -> Result<(), Error> {
        if self.step > MAX_STEP {
            return Err(Error::Format(format!(
                "step: {} is more than {MAX_STEP} (2^53)",
                self.step
            )));
        }
        // One optimiser update per step; a NaN rewind starts the count again.
        if self.opt_t > self.step {
            return Err(Error::Format(format!(
                "optimizer.t: {} updates, but only {} steps were trained",
                self.opt_t, self.step
            )));
        }
        if params.len() != n {
            return Err(Error::Format(format!(
                "weights: expected {n} parameters, got {}",
                params.len()
            )));
        }
        if params.iter().any(|p| !p.is_finite()) {
            return Err(Error::Format("weights: not all finite".into()));
        }
        Optimizer::check_state(n, &self.opt_m, &self.opt_v, self.opt_t)
    }
}

impl<T: Real> Trainer<T> {
    /// What, beyond the weights and the config, a bit-exact resume needs.
    pub fn resume_state(&self) -> Resume<T> {
        let (m, v, t) = self.opt.state();
        Resume {
            step: self.step,
            opt_m: m.to_vec(),
            opt_v: v.to_vec(),
            opt_t: t,
            data_word_pos: self.data_rng.get_word_pos(),
            dropout_word_pos: self.dropout_rng.get_word_pos(),
        }
    }

    /// [`Trainer::resume_state`] written into `out`, reusing its buffers (no allocation once
    /// they are as long as the model's parameters).
    pub fn resume_state_into(&self, out: &mut Resume<T>) {
        let (m, v, t) = self.opt.state();
        self.resume_position_into(out);
        out.opt_m.extend_from_slice(m);
        out.opt_v.extend_from_slice(v);
        out.opt_t = t;
    }

    /// [`Trainer::resume_state_into`] without the optimiser's moments (`opt_m`, `opt_v` empty,
    /// `opt_t` 0): a resume from it starts the optimiser afresh.
    pub fn resume_position_into(&self, out: &mut Resume<T>) {
        out.step = self.step;
        out.opt_m.clear();
        out.opt_v.clear();
        out.opt_t = 0;
        out.data_word_pos = self.data_rng.get_word_pos();
        out.dropout_word_pos = self.dropout_rng.get_word_pos();
    }

    /// Continues a saved run: sets the weights (`params`, in this trainer's layout) and the
    /// [`Resume`] state, so the next step is bit for bit the one the saved run would have
    /// taken. Nothing changes on an error.
    ///
    /// # Errors
    /// [`Error::Format`] naming the part whose size does not fit this model or that is not
    /// finite, a step count above [`MAX_STEP`], or more optimiser updates than steps.
    pub fn resume(&mut self, params: &[T], state: Resume<T>) -> Result<(), Error> {
        let n = self.net.params().len();
        state.check(params, n)?;
        let mut opt = self.opt.clone();
        opt.restore(n, state.opt_m, state.opt_v, state.opt_t)?;
        self.opt = opt;
        self.net.params_mut().copy_from_slice(params);
        self.backup.copy_from_slice(params);
        self.data_rng.set_word_pos(state.data_word_pos);
        self.dropout_rng.set_word_pos(state.dropout_word_pos);
        self.step = state.step;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What resuming refuses, found without a trainer, each message naming its field.
    #[test]
    fn a_resume_state_is_checked_against_the_planned_size() {
        let ok = Resume::<f32> {
            step: 3,
            opt_m: vec![0.0; 4],
            opt_v: vec![0.0; 4],
            opt_t: 3,
            data_word_pos: 0,
            dropout_word_pos: 0,
        };
        let w = [0.5f32; 4];
        assert!(ok.check(&w, 4).is_ok());
        let msg = |s: &Resume<f32>, w: &[f32]| s.check(w, 4).expect_err("refused").to_string();
        assert!(msg(&ok, &w[..3]).contains("weights: expected 4 parameters, got 3"));
        assert!(msg(&ok, &[0.0, f32::NAN, 0.0, 0.0]).contains("weights: not all finite"));
        let t = Resume {
            opt_t: 4,
            ..ok.clone()
        };
        assert!(msg(&t, &w).contains("optimizer.t: 4 updates, but only 3 steps"));
        let v = Resume {
            opt_v: vec![0.0; 5],
            ..ok.clone()
        };
        assert!(msg(&v, &w).contains("optimizer.v: expected 4 values, got 5"));
        let big = Resume {
            step: MAX_STEP + 1,
            ..ok
        };
        assert!(msg(&big, &w).contains("is more than"));
    }
}
