//! A line chart's axes: its x and y ranges, the x labels that fit, and the width its y labels
//! need; pure functions of the data, tested natively.

use super::lines::{LinesData, YAxis};
use super::surface::Look;
use super::ticks::{labels_that_fit, linear_ticks};

fn finite_points<'a>(d: &'a LinesData<'_>, log: bool) -> impl Iterator<Item = (f64, f64)> + 'a {
    d.series
        .iter()
        .flat_map(|s| {
            s.points
                .iter()
                .chain(s.fill_to.unwrap_or_default())
                .copied()
        })
        .filter(move |p| p.1.is_finite() && p.0.is_finite() && (!log || p.1 > 0.0))
}

/// The x range covering every point (or the fixed one), never empty.
pub fn x_range(d: &LinesData<'_>) -> (f64, f64) {
    if let Some(r) = d.x_range {
        return r;
    }
    let (lo, hi) =
        finite_points(d, false).fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    if lo > hi {
        // No point yet (e.g. a sweep not run): a plain unit axis, not 0…f64::MAX.
        (0.0, 1.0)
    } else if lo == hi {
        (0.0, lo.max(0.0) + 1.0)
    } else {
        (lo, hi)
    }
}

/// Up to `most` round x labels over `[x0, x1]`: whole numbers only for `Labels::Whole`
/// (steps, lags, lengths; also an axis with no point yet, never "0.2 0.4" before training),
/// else any round value (seconds).
pub fn x_ticks(x0: f64, x1: f64, most: usize, labels: Labels) -> Vec<f64> {
    let min_step = match labels {
        Labels::Whole => 1.0,
        Labels::OneDecimal => 0.0,
    };
    linear_ticks(x0, x1, most, min_step)
}

/// The x labels `d` takes over `[x0, x1]`: whole when every point's x and both ends are.
pub fn x_labels(d: &LinesData<'_>, x0: f64, x1: f64) -> Labels {
    let whole = |v: f64| v.fract() == 0.0;
    if whole(x0) && whole(x1) && finite_points(d, false).all(|p| whole(p.0)) {
        Labels::Whole
    } else {
        Labels::OneDecimal
    }
}

/// How many x labels (2 to 7) fit side by side in a plot `plot_px` buffer pixels wide, each
/// as wide as the larger end's whole digits (whole labels, `Labels::Whole`) or those plus a
/// point and one decimal (at least "0.5") at ~0.6 em a character, plus a gap: "1000 2000"
/// never runs together, in presenter mode's larger text too.
pub fn x_label_count(plot_px: u32, look: Look, x0: f64, x1: f64, labels: Labels) -> usize {
    let widest = x0.abs().max(x1.abs());
    let decimals = match labels {
        Labels::Whole => 0,
        Labels::OneDecimal => 2,
    };
    let chars = format!("{widest:.0}").len() + decimals;
    labels_that_fit(f64::from(plot_px), look, widest, chars, 7)
}

/// What an x axis's labels look like: "40" or "0.5".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Labels {
    /// Whole numbers.
    Whole,
    /// One decimal.
    OneDecimal,
}

/// The y range covering every drawable value and the reference line, padded; never empty.
pub fn y_range(d: &LinesData<'_>) -> (f64, f64) {
    let log = d.y == YAxis::Log;
    if let YAxis::Linear(Some(r)) = d.y {
        return r;
    }
    let refv = d
        .reference
        .map(|r| r.0)
        .filter(|v| v.is_finite() && (!log || *v > 0.0));
    let (lo, hi) = finite_points(d, log)
        .map(|p| p.1)
        .chain(refv)
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    if lo > hi {
        return if log { (1e-3, 1.0) } else { (-1.0, 1.0) };
    }
    if log {
        // Padded each way by 1.6× or 8 % of the decades spanned (at most 4 decades),
        // whichever is more (a curve over 25 decades keeps visible room above its top), and
        // at least one decade tall, widened about the data's geometric middle so values in a
        // narrow band (an LSTM's f_t ≤ 1) sit mid-chart. Down to the smallest normal f64:
        // plotters pins a value below the axis to its edge, where ‖∂h_T/∂h_0‖ = 1e-100 would
        // read as a line at the axis's low end. Worked in decades, so 1e10 over 1e-300 does
        // not overflow to an infinite top (an empty chart).
        let (floor, ceil) = (f64::MIN_POSITIVE * 10.0, f64::MAX / 1e6);
        let (lo, hi) = (lo.clamp(floor * 1.6, ceil), hi.clamp(floor * 1.6, ceil));
        let decades = hi.log10() - lo.log10();
        let pad = 10f64.powf((0.08 * decades).min(4.0)).max(1.6);
        let (lo, hi) = ((lo / pad).max(floor), (hi * pad).min(ceil));
        let widen = (10.0 * lo / hi).max(1.0).sqrt();
        ((lo / widen).max(floor), (hi * widen).min(f64::MAX))
    } else {
        let pad = ((hi - lo) * 0.08).max(1e-6);
        (lo - pad, hi + pad)
    }
}

/// The narrowest y label area, CSS pixels (grows with the text factor).
const Y_LABELS: f64 = 58.0;

/// Width of the y label area (CSS px, before the text factor) for these tick labels: the axis
/// title, the widest label at the 13-px label font (~0.58 em a digit or letter, ~0.35 em a
/// point or minus) and the tick marks; at least [`Y_LABELS`]. "1e-15" needs more than "1e0".
pub fn y_label_area(labels: impl Iterator<Item = String>) -> f64 {
    let em = |s: &str| -> f64 {
        s.chars()
            .map(|c| {
                if matches!(c, '.' | '-' | '−') {
                    0.35
                } else {
                    0.58
                }
            })
            .sum()
    };
    let widest = labels.map(|l| em(&l)).fold(0.0, f64::max);
    Y_LABELS.max(24.0 + 13.0 * widest + 10.0)
}
