//! The scalar type the whole crate is generic over: `f32` for the app, `f64` for verification.

use std::fmt::{Debug, Display};
use std::iter::Sum;

use num_traits::{Float, FromPrimitive, ToPrimitive};

/// A floating-point scalar (`f32` or `f64`).
pub trait Real:
    Float + FromPrimitive + ToPrimitive + Default + Debug + Display + Sum + Send + Sync + 'static
{
    /// Converts an `f64` constant (exact for f64, rounded for f32).
    fn of(v: f64) -> Self;
    /// Widens to `f64` for reporting and analysis.
    fn f64(self) -> f64;
}

impl Real for f32 {
    #[inline]
    fn of(v: f64) -> Self {
        v as f32
    }
    #[inline]
    fn f64(self) -> f64 {
        f64::from(self)
    }
}

impl Real for f64 {
    #[inline]
    fn of(v: f64) -> Self {
        v
    }
    #[inline]
    fn f64(self) -> f64 {
        self
    }
}

/// Logistic sigmoid σ(x) = 1 / (1 + e^{−x}), computed without overflow for large |x|.
#[inline]
pub fn sigmoid<T: Real>(x: T) -> T {
    if x >= T::zero() {
        T::one() / (T::one() + (-x).exp())
    } else {
        let e = x.exp();
        e / (T::one() + e)
    }
}
