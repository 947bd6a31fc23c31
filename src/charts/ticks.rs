//! Axis labels at round values: 1, 2 or 5 times a power of ten.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, KeyPointWeight, Ranged};
use plotters::coord::types::RangedCoordf64;

use super::surface::Look;

/// A linear f64 axis labelled exactly at `keys` (plotters' `with_key_points` needs a
/// coordinate with default formatting, which its f64 range is not). Every linear axis of the
/// charts is one, so plotters' generic chart code is instantiated for this one axis type.
/// Light grid lines fall at round fractions of evenly spaced keys ([`light_points`]).
#[derive(Clone)]
pub struct KeyedAxis {
    inner: RangedCoordf64,
    keys: Vec<f64>,
}

impl KeyedAxis {
    /// The linear axis over `range`, labelled at `keys`.
    pub fn new(range: Range<f64>, keys: Vec<f64>) -> Self {
        Self {
            inner: range.into(),
            keys,
        }
    }

    /// The linear axis over `[lo, hi]`, labelled at up to `most` round values
    /// ([`linear_ticks`]).
    pub fn round(lo: f64, hi: f64, most: usize) -> Self {
        Self::new(lo..hi, linear_ticks(lo, hi, most, 0.0))
    }
}

impl Ranged for KeyedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }
    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        match hint.weight() {
            KeyPointWeight::Bold => self.keys.clone(),
            KeyPointWeight::Any => {
                let r = self.inner.range();
                let light = light_points(&self.keys, r.start, r.end);
                if light.len() <= hint.max_num_points() {
                    light
                } else {
                    self.keys.clone()
                }
            }
        }
    }
    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

/// Light grid positions over `[lo, hi]` for evenly spaced `keys` at a round step (1, 2 or 5 ×
/// 10^k): fifths of a 1 or 5 step, quarters of a 2 step (0.2 → 0.05); just `keys` otherwise.
pub fn light_points(keys: &[f64], lo: f64, hi: f64) -> Vec<f64> {
    let [a, b, ..] = keys else {
        return keys.to_vec();
    };
    let step = b - a;
    let even = keys
        .windows(2)
        .all(|w| ((w[1] - w[0]) - step).abs() <= 1e-9 * step.abs());
    if !(step > 0.0 && even && lo.is_finite() && hi.is_finite()) {
        return keys.to_vec();
    }
    let mantissa = step / 10f64.powf(step.log10().floor());
    let parts = if (mantissa - 2.0).abs() < 1e-6 {
        4.0
    } else {
        5.0
    };
    let fine = step / parts;
    let (first, last) = (
        ((lo - a) / fine - 1e-9).ceil(),
        ((hi - a) / fine + 1e-9).floor(),
    );
    if last - first > 10_000.0 {
        return keys.to_vec();
    }
    (first as i64..=last as i64)
        .map(|k| a + k as f64 * fine)
        .collect()
}

/// `v` with two decimals for an axis label; a value that rounds to zero reads "0.00", never
/// "-0.00" (a tick a hair below zero).
pub fn fixed2(v: f64) -> String {
    let s = format!("{v:.2}");
    if s == "-0.00" {
        "0.00".into()
    } else {
        s
    }
}

/// Up to `most` round values in `[lo, hi]`: the multiples of the smallest step `1`, `2` or
/// `5 × 10^k` of at least `min_step` that needs no more than `most` of them, e.g.
/// `[10, 20, 30, 40]` over `[0.5, 40.5]` with at most 4.
pub fn linear_ticks(lo: f64, hi: f64, most: usize, min_step: f64) -> Vec<f64> {
    let raw = (hi - lo) / most.max(1) as f64; // the spacing of `most` evenly spread ticks
    let bad_step = min_step.is_nan() || min_step < 0.0 || min_step.is_infinite();
    if !(lo.is_finite() && hi.is_finite() && hi > lo && raw.is_normal()) || most == 0 || bad_step {
        return Vec::new();
    }
    // From here the loop ends within two powers of ten: a step of 10·max(raw, min_step) fits.
    let mut e = raw.max(min_step).log10().floor() as i32;
    loop {
        for m in [1.0, 2.0, 5.0] {
            let step = m * 10f64.powi(e);
            // k · m · 10^e, dividing by 10^−e below 1: 0.15, not 0.15000000000000002.
            let at = |k: f64| {
                if e < 0 {
                    k * m / 10f64.powi(-e)
                } else {
                    k * step
                }
            };
            let (a, b) = ((lo / step - 1e-9).ceil(), (hi / step + 1e-9).floor());
            if step >= min_step && b - a + 1.0 <= most as f64 {
                return (a as i64..=b as i64).map(|k| at(k as f64)).collect();
            }
        }
        e += 1;
    }
}

/// At most `most` (≥ 2) of the ascending `keys`: all when they fit; else the exact powers of
/// ten among them when 2 to `most` are (a log axis's "0.1 1" out of "0.05 0.1 0.2 0.5 1 2");
/// else every n-th from the first.
pub fn thin_keys(keys: Vec<f64>, most: usize) -> Vec<f64> {
    let most = most.max(2);
    if keys.len() <= most {
        return keys;
    }
    let decade = |v: f64| v > 0.0 && (v.log10() - v.log10().round()).abs() < 1e-9;
    let tens: Vec<f64> = keys.iter().copied().filter(|&v| decade(v)).collect();
    if (2..=most).contains(&tens.len()) {
        return tens;
    }
    let stride = keys.len().div_ceil(most);
    keys.into_iter().step_by(stride).collect()
}

/// How many x labels up to `widest` fit side by side, 2 to `most`, in a plot `plot_px` buffer
/// pixels wide: each takes its whole digits (at least `min_chars`) at ~0.6 em of 12 px type and
/// a 14 px gap, scaled by `look` (presenter mode's larger text takes fewer).
pub fn labels_that_fit(
    plot_px: f64,
    look: Look,
    widest: f64,
    min_chars: usize,
    most: usize,
) -> usize {
    let chars = format!("{widest:.0}").len().max(min_chars);
    let label_px = look.font(12.0) * 0.6 * chars as f64 + look.font(14.0);
    ((plot_px / label_px).floor() as usize).clamp(2, most)
}

/// Column positions of a grid whose column `c` stands for `first + c · step` (`step > 0`,
/// `cols` columns drawn over `[−0.5, cols − 0.5]`), where that value is one of up to `most`
/// round values, at least a column apart: the key points of a heatmap's or strip's x axis
/// (and of a heatmap's rows, numbered from the top).
pub fn column_keys(first: f64, step: f64, cols: usize, most: usize) -> Vec<f64> {
    if step.is_nan() || step <= 0.0 || cols == 0 {
        return Vec::new();
    }
    let (lo, hi) = (first - 0.5 * step, first + (cols as f64 - 0.5) * step);
    linear_ticks(lo, hi, most, step)
        .into_iter()
        .map(|v| (v - first) / step)
        .collect()
}

/// Labelled values of a log axis over `[lo, hi]` (`0 < lo < hi`): 1, 2 and 5 times each power
/// of ten inside, e.g. `[0.2, 0.5, 1, 2]` over `[0.15, 2.5]`.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Vec::new();
    }
    let (first, last) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    (first..=last)
        .flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(e)))
        .filter(|v| (lo..=hi).contains(v))
        .collect()
}

/// Labelled powers of ten of a log axis over `[lo, hi]` too tall for [`log_ticks`]: every
/// `n`-th decade, `n` the smallest of 1, 2, 5, 10, 20, … that gives at most `most` labels
/// (1e0, 1e-10, …, 1e-50 over 54 decades). plotters' own choice labels only the upper part of a very tall axis.
pub fn log_decade_ticks(lo: f64, hi: f64, most: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite() && most > 0) {
        return Vec::new();
    }
    let (first, last) = (lo.log10().ceil() as i32, hi.log10().floor() as i32);
    if first > last {
        return Vec::new();
    }
    let span = (last - first) as usize;
    // Every 1, 2, 5, 10, 20, 50, … decades: labels at round exponents (1e-10, 1e-20, …).
    let every = [1, 2, 5]
        .iter()
        .flat_map(|m| (0..4).map(move |p| m * 10usize.pow(p)))
        .filter(|&e| span / e < most)
        .min()
        .unwrap_or(span.max(1));
    // Multiples of `every` (so 1e0 is a label whenever it is inside).
    let start = first.div_euclid(every as i32) * every as i32;
    (start..=last)
        .step_by(every)
        .filter(|&e| e >= first)
        .map(|e| 10f64.powi(e))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn a_short_axis_keeps_the_powers_of_ten_or_every_nth_label() {
        let log = vec![0.05, 0.1, 0.2, 0.5, 1.0, 2.0];
        assert_eq!(thin_keys(log.clone(), 6), log, "room for all");
        assert_eq!(thin_keys(log, 3), [0.1, 1.0], "the decades");
        let lin = vec![-1.0, -0.5, 0.0, 0.5, 1.0];
        assert_eq!(thin_keys(lin, 3), [-1.0, 0.0, 1.0], "every second");
        // Decade labels (1e-20 … 1e0) thin by stride: never fewer than two.
        let decades: Vec<f64> = (0..5).map(|i| 10f64.powi(-20 + 5 * i)).collect();
        assert_eq!(thin_keys(decades.clone(), 2).len(), 2);
        assert_eq!(thin_keys(decades, 1).len(), 2, "at least two");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn light_lines_divide_even_round_steps_and_cover_the_range() {
        let close = |a: &[f64], b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
        };
        // Step 10: every 2, from the range's start to its end.
        let l = light_points(&[10.0, 20.0], 5.0, 25.0);
        assert!(
            close(
                &l,
                &[6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0, 22.0, 24.0]
            ),
            "{l:?}"
        );
        // Step 0.2: every 0.05.
        let l = light_points(&[0.0, 0.2, 0.4], 0.0, 0.4);
        assert_eq!(l.len(), 9, "{l:?}");
        assert!((l[1] - 0.05).abs() < 1e-12);
        // Uneven keys or one key: only the keys.
        assert_eq!(
            light_points(&[1.0, 2.0, 5.0], 0.0, 6.0),
            vec![1.0, 2.0, 5.0]
        );
        assert_eq!(light_points(&[3.0], 0.0, 6.0), vec![3.0]);
        // The bold points are the keys themselves; the light ones, when few enough.
        let axis = KeyedAxis::new(5.0..25.0, vec![10.0, 20.0]);
        assert_eq!(
            axis.key_points(plotters::coord::ranged1d::BoldPoints(7)),
            vec![10.0, 20.0]
        );
        assert_eq!(axis.key_points(100usize).len(), 10);
        assert_eq!(axis.key_points(4usize), vec![10.0, 20.0]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn linear_ticks_are_round_and_at_most_asked_for() {
        let t = |lo, hi, most| linear_ticks(lo, hi, most, 0.0);
        assert_eq!(
            t(0.5, 40.5, 8),
            vec![5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0]
        );
        assert_eq!(t(0.5, 40.5, 4), vec![10.0, 20.0, 30.0, 40.0]);
        assert_eq!(
            t(-93.0, 5093.0, 8),
            vec![0.0, 1000.0, 2000.0, 3000.0, 4000.0, 5000.0]
        );
        assert_eq!(t(0.5, 3.5, 8), vec![0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]);
        assert_eq!(
            linear_ticks(0.5, 3.5, 8, 1.0),
            vec![1.0, 2.0, 3.0],
            "whole steps only"
        );
        assert_eq!(t(0.1, 0.35, 8), vec![0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
        assert!(t(1.0, 1.0, 8).is_empty() && t(0.0, f64::NAN, 8).is_empty());
        assert!(t(0.0, 1.0, 0).is_empty());
        // Degenerate spans and steps give no labels rather than a hang or NaN.
        assert!(t(-f64::MAX, f64::MAX, 8).is_empty(), "the span overflows");
        assert!(t(0.0, 1e-320, 8).is_empty(), "the spacing is subnormal");
        assert!(linear_ticks(0.0, 1.0, 8, f64::NAN).is_empty());
        assert!(linear_ticks(0.0, 1.0, 8, -1.0).is_empty());
        assert_eq!(
            linear_ticks(0.0, 1.0, 8, 50.0),
            vec![0.0],
            "a step wider than the span"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_log_axis_within_two_decades_gets_one_two_five_labels() {
        assert_eq!(log_ticks(0.15, 2.5), vec![0.2, 0.5, 1.0, 2.0]);
        // The LSTM's forget path: values 0.9–1, padded and a decade tall about their middle.
        assert_eq!(log_ticks(0.3, 3.0), vec![0.5, 1.0, 2.0]);
        assert!(log_ticks(0.0, 1.0).is_empty() && log_ticks(2.0, 1.0).is_empty());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn column_keys_put_round_values_on_their_columns() {
        // Gates: column c is step c + 1, T = 40.
        let keys = column_keys(1.0, 1.0, 40, 8);
        assert_eq!(keys, vec![4.0, 9.0, 14.0, 19.0, 24.0, 29.0, 34.0, 39.0]);
        // A flow map of 28 columns from step 0 every 187.2 steps: 1000 falls between columns.
        let keys = column_keys(0.0, 187.2, 28, 8);
        let values: Vec<f64> = keys.iter().map(|c| c * 187.2).collect();
        assert_eq!(values.len(), 6, "{values:?}");
        for (v, want) in values
            .iter()
            .zip([0.0, 1000.0, 2000.0, 3000.0, 4000.0, 5000.0])
        {
            assert!((v - want).abs() < 1e-9, "{values:?}");
        }
        assert!(keys.iter().all(|&c| (-0.5..=27.5).contains(&c)));
        // Three steps: a label per column, never between two.
        assert_eq!(column_keys(1.0, 1.0, 3, 8), vec![0.0, 1.0, 2.0]);
        assert!(column_keys(0.0, 0.0, 10, 8).is_empty() && column_keys(0.0, 1.0, 0, 8).is_empty());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_tick_a_hair_below_zero_reads_zero() {
        assert_eq!(fixed2(-1e-17), "0.00");
        assert_eq!(fixed2(-0.004), "0.00");
        assert_eq!(fixed2(-0.005_1), "-0.01");
        assert_eq!(fixed2(0.25), "0.25");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_tall_log_axis_is_labelled_top_to_bottom() {
        let t = log_decade_ticks(1e-26, 2.0, 6);
        assert!(t.len() <= 6 && t.len() >= 4, "{t:?}");
        assert_eq!(t[t.len() - 1], 1.0, "1e0 is labelled: {t:?}");
        assert!(t[0] <= 1e-20, "the bottom is labelled too: {t:?}");
        let steps: Vec<f64> = t
            .windows(2)
            .map(|w| (w[1] / w[0]).log10().round())
            .collect();
        assert!(steps.iter().all(|&s| s == steps[0]), "evenly spaced: {t:?}");
        assert_eq!(log_decade_ticks(0.5, 50.0, 6), vec![1.0, 10.0]);
        assert!(log_decade_ticks(2.0, 3.0, 6).is_empty());
        assert!(log_decade_ticks(0.0, 3.0, 6).is_empty());
    }
}
