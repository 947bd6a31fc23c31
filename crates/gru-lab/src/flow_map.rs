//! The gradient-flow map over training on a linear step axis. Its columns are recorded at
//! each inspection of the live model, and inspections come at irregular steps (at most every
//! 0.3 s while training, less often when an analysis is costly, and whenever the pick
//! changes), so the recorded columns are spread here over even columns of training steps:
//! each even column shows the latest inspection at or before its step.

/// The map resampled to even steps.
#[derive(Clone, Debug, PartialEq)]
pub struct ScaledMap {
    /// `(lags, cols)` row-major, row `k` = lag `k`: log10 ‖∂h_T/∂h_(T−k)‖, NaN where a
    /// recorded column is shorter than the latest.
    pub values: Vec<f64>,
    /// Lags (rows): the latest recorded column's length.
    pub lags: usize,
    /// Columns.
    pub cols: usize,
    /// Training step of column 0.
    pub first: f64,
    /// Training steps from one column to the next (1 when there is one column).
    pub step: f64,
}

/// Spreads the recorded `columns` (each one inspection's values by lag), taken at the strictly
/// increasing `steps` (one per column), over at most `most` (≥ 2) even columns from the first
/// step to the last: one column per step when the span is short. Column `j` (step
/// `first + j · step`) shows the latest recorded column at or before that step, so the last is
/// always the latest inspection.
pub fn to_scale(steps: &[u64], columns: &[Vec<f32>], most: usize) -> ScaledMap {
    let lags = columns.last().map_or(0, Vec::len);
    let recorded = steps.len().min(columns.len());
    if recorded == 0 {
        return ScaledMap {
            values: Vec::new(),
            lags,
            cols: 0,
            first: 0.0,
            step: 1.0,
        };
    }
    let (lo, hi) = (steps[0], steps[recorded - 1]);
    let span = hi.saturating_sub(lo);
    let cols = if span == 0 {
        1
    } else {
        usize::try_from(span + 1).map_or(most.max(2), |n| n.min(most.max(2)))
    };
    let step = if cols > 1 {
        span as f64 / (cols - 1) as f64
    } else {
        1.0
    };
    // The recorded column each even column shows: the last one at or before its step, found
    // in whole steps (column `cols − 1` is exactly the last step, whatever rounding would do).
    let source: Vec<&[f32]> = (0..cols)
        .map(|j| {
            let at = lo + (j as u128 * u128::from(span) / (cols - 1).max(1) as u128) as u64;
            let c = steps[..recorded].partition_point(|&s| s <= at);
            columns[c.saturating_sub(1)].as_slice()
        })
        .collect();
    let values = (0..lags)
        .flat_map(|k| {
            source
                .iter()
                .map(move |c| c.get(k).map_or(f64::NAN, |&v| f64::from(v)))
        })
        .collect();
    ScaledMap {
        values,
        lags,
        cols,
        first: lo as f64,
        step,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One recorded column per value: lag 0 = `v`, lag 1 = `−v`.
    fn cols(vals: &[f32]) -> Vec<Vec<f32>> {
        vals.iter().map(|&v| vec![v, -v]).collect()
    }

    #[test]
    fn each_column_holds_the_latest_inspection_at_or_before_its_step() {
        // Two lags, inspections at steps 10, 12 and 20 (values 1, 2, 3; lag 1 negated).
        let m = to_scale(&[10, 12, 20], &cols(&[1.0, 2.0, 3.0]), 100);
        assert_eq!((m.lags, m.cols, m.first, m.step), (2, 11, 10.0, 1.0));
        let lag0 = [1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 3.0];
        assert_eq!(&m.values[..11], &lag0);
        assert_eq!(m.values[11..], lag0.map(|v| -v));
    }

    #[test]
    fn a_long_span_takes_at_most_the_columns_asked_and_ends_on_the_latest() {
        let steps = [0, 10, 4000];
        let m = to_scale(&steps, &[vec![0.0], vec![1.0], vec![2.0]], 200);
        assert_eq!(m.cols, 200);
        assert!((m.step - 4000.0 / 199.0).abs() < 1e-9);
        assert_eq!(m.values[0], 0.0);
        // Column 1 (step ≈ 20.1) shows step 10's inspection, held until step 4000.
        assert_eq!(m.values[1], 1.0);
        assert_eq!(m.values.last(), Some(&2.0));
        assert_eq!(m.values[198], 1.0);
    }

    #[test]
    fn the_last_column_is_the_latest_inspection_on_long_runs_too() {
        // Whole steps, not floats: lo + 239 · (span / 239) rounds below hi at these sizes.
        let steps = [208_327, 31_000_000, 31_589_155];
        let m = to_scale(&steps, &[vec![0.0], vec![1.0], vec![2.0]], 240);
        assert_eq!(m.cols, 240);
        assert_eq!(m.values.last(), Some(&2.0));
        assert_eq!(m.values[238], 1.0);
    }

    #[test]
    fn one_inspection_is_one_column_and_a_shorter_column_reads_nan() {
        let one = to_scale(&[7], &[vec![1.5, 2.5]], 100);
        assert_eq!(
            (one.lags, one.cols, one.first, one.values),
            (2, 1, 7.0, vec![1.5, 2.5])
        );
        let empty = to_scale(&[], &[], 100);
        assert_eq!((empty.lags, empty.cols), (0, 0));
        // An older column with fewer lags than the latest: its missing lags are no value.
        let ragged = to_scale(&[1, 2], &[vec![1.0], vec![2.0, 3.0]], 100);
        assert_eq!(ragged.cols, 2);
        assert_eq!(ragged.values[..2], [1.0, 2.0]);
        assert!(ragged.values[2].is_nan() && ragged.values[3] == 3.0);
        // More steps than columns (never recorded so): only the recorded pairs count.
        let extra = to_scale(&[1, 2, 9], &[vec![1.0], vec![2.0]], 100);
        assert_eq!((extra.cols, extra.values.last()), (2, Some(&2.0)));
    }
}
