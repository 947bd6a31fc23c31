//! The work the training worker does every step and every inspection, as plain `f32`
//! functions.
//!
//! gru-core's training and analysis code is generic over the float type, and rustc compiles a
//! generic function in the crate that names the concrete type. The web build optimises every
//! crate for size except gru-core and this one (`[profile.web.package.gru-hot]` in the
//! workspace Cargo.toml), whose opt-level 3 is the only level that vectorises the kernels and
//! the cells' loops to wasm SIMD. So gru-lab (optimised for size) calls these functions, never
//! the generic methods they forward to, for the hot paths: a call from gru-lab would compile
//! the whole training step again there, without SIMD (`scripts/check-boundary.sh` checks it).
//!
//! None is `#[inline]`: each must stay a call into this crate's code.

use gru_core::bench::KernelFigure;
use gru_core::loss::LossStats;
use gru_core::task::Batch;
use gru_core::{Error, InspectWork, Inspection, Pick, Progress, StepStats, Trainer};

/// One training step: forward and backward pass over a fresh batch, clipping, the optimiser
/// ([`Trainer::train_step`]).
///
/// # Errors
/// As [`Trainer::train_step`].
pub fn train_step(trainer: &mut Trainer<f32>) -> Result<StepStats, Error> {
    trainer.train_step()
}

/// Loss and accuracy on the validation set ([`Trainer::evaluate`]).
pub fn evaluate(trainer: &mut Trainer<f32>) -> LossStats {
    trainer.evaluate()
}

/// The validation sample with the highest loss ([`Trainer::worst_sample`]).
pub fn worst_sample(trainer: &Trainer<f32>) -> usize {
    trainer.worst_sample()
}

/// An inspection's forward and backward pass over `val` ([`Trainer::begin_inspect_on`]).
///
/// # Errors
/// As [`Trainer::begin_inspect_on`].
pub fn begin_inspect_on(
    trainer: &Trainer<f32>,
    val: &Batch<f32>,
    pick: Pick,
) -> Result<InspectWork<f32>, Error> {
    trainer.begin_inspect_on(val, pick)
}

/// At most `units` units of an inspection's per-step analysis ([`InspectWork::advance`]).
pub fn advance_inspection(work: &mut InspectWork<f32>, units: usize) -> Progress {
    work.advance(units)
}

/// The rest of an inspection's analysis ([`InspectWork::finish`]).
///
/// # Errors
/// As [`InspectWork::finish`].
pub fn finish_inspection(work: InspectWork<f32>) -> Result<Inspection, Error> {
    work.finish()
}

/// The kernel report ([`gru_core::bench::kernel_report`]) timed with `clock` (milliseconds):
/// here, so it times the same opt-level-3 kernels the training step runs.
pub fn kernel_report(clock: &dyn Fn() -> f64, ms_per_shape: f64) -> Vec<KernelFigure> {
    gru_core::bench::kernel_report(clock, ms_per_shape)
}
