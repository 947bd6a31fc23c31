//! Parameter blocks of the non-recurrent models and their seeded initialisation.
//!
//! Each model lists its blocks as [`SeqBlock`]s (prefix, shape, how it starts); the flat
//! [`Layout`] is built from them, and [`init_params`] walks them in storage order with one
//! ChaCha8 stream, so the same seed gives the same weights.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::model::Init;
use crate::params::{BlockRole, BlockSpec, Layout};
use crate::Real;

/// How a block starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Start {
    /// A weight matrix mapping `fan_in` inputs to `fan_out` outputs.
    Weight {
        /// Inputs summed into each output.
        fan_in: usize,
        /// Outputs.
        fan_out: usize,
    },
    /// A bias of a layer with `fan_in` inputs.
    Bias {
        /// Inputs of the layer.
        fan_in: usize,
    },
    /// A layer-norm gain: ones.
    Ones,
    /// A layer-norm shift: zeros.
    Zeros,
    /// Learned position embeddings: `N(0, 0.02²)` (GPT-2).
    Positions,
}

/// One block: its prefix (`"l0"`, `"attn"`), shape and start.
#[derive(Clone, Debug)]
pub(crate) struct SeqBlock {
    /// Prefix of the full name, e.g. `"l0"` in `"l0.W"`.
    pub prefix: String,
    /// Local name and shape.
    pub spec: BlockSpec,
    /// Initialisation.
    pub start: Start,
}

impl SeqBlock {
    /// A block `prefix.name` of `rows × cols`.
    pub fn new(prefix: &str, name: &'static str, rows: usize, cols: usize, start: Start) -> Self {
        let role = match start {
            Start::Weight { .. } | Start::Positions => BlockRole::Input,
            Start::Bias { .. } | Start::Zeros => BlockRole::Bias,
            Start::Ones => BlockRole::Bias, // the role is descriptive; `start` initialises
        };
        Self {
            prefix: prefix.to_string(),
            spec: BlockSpec::new(name, rows, cols, role),
            start,
        }
    }
}

/// The flat layout of `blocks`, in order.
pub(crate) fn layout_of(blocks: &[SeqBlock]) -> Layout {
    let mut layout = Layout::default();
    for b in blocks {
        layout.push(&b.prefix, std::slice::from_ref(&b.spec));
    }
    layout
}

/// Fills `params` (laid out as [`layout_of`]`(blocks)`) from `seed`.
///
/// [`Init::TorchUniform`]: weights and biases `U(−1/√fan_in, 1/√fan_in)` (PyTorch's `Linear`
/// and `Conv1d` defaults). Otherwise ([`Init::Xavier`], [`Init::XavierOrthogonal`]: nothing
/// here is recurrent): weights Xavier-uniform `U(±√(6/(fan_in+fan_out)))`, biases zero.
/// Layer-norm gains start at 1, shifts at 0, learned positions at `N(0, 0.02²)`.
pub(crate) fn init_params<T: Real>(blocks: &[SeqBlock], init: Init, seed: u64, params: &mut [T]) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut offset = 0;
    for b in blocks {
        let n = b.spec.rows * b.spec.cols;
        let w = &mut params[offset..offset + n];
        offset += n;
        let uniform = |a: f64, w: &mut [T], rng: &mut ChaCha8Rng| {
            w.iter_mut().for_each(|v| *v = T::of(rng.gen_range(-a..=a)));
        };
        match (b.start, init) {
            (Start::Weight { fan_in, .. }, Init::TorchUniform)
            | (Start::Bias { fan_in }, Init::TorchUniform) => {
                uniform(1.0 / (fan_in.max(1) as f64).sqrt(), w, &mut rng)
            }
            (Start::Weight { fan_in, fan_out }, _) => {
                uniform((6.0 / (fan_in + fan_out).max(1) as f64).sqrt(), w, &mut rng)
            }
            (Start::Bias { .. }, _) | (Start::Zeros, _) => w.fill(T::zero()),
            (Start::Ones, _) => w.fill(T::one()),
            (Start::Positions, _) => w.iter_mut().for_each(|v| {
                let z: f64 = StandardNormal.sample(&mut rng);
                *v = T::of(0.02 * z);
            }),
        }
    }
}
