//! The "Loss" chart: training and validation loss against step on a log axis, with the task's
//! baseline (best constant prediction) as a dashed line.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use super::{err, palette, ChartError};

/// One named curve of `(step, loss)` points.
#[derive(Clone, Debug, PartialEq)]
pub struct Series<'a> {
    /// Legend text.
    pub label: &'a str,
    /// `(step, loss)`, step ascending.
    pub points: &'a [(f64, f64)],
    /// Line colour.
    pub color: RGBColor,
    /// Thin (validation) or bold (training).
    pub bold: bool,
}

/// What the loss chart shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LossData<'a> {
    /// Curves to draw.
    pub series: Vec<Series<'a>>,
    /// Loss of the best constant prediction, dashed.
    pub baseline: f64,
}

/// The y range `[lo, hi]` (log axis) covering every finite positive value and the baseline.
pub fn y_range(data: &LossData<'_>) -> (f64, f64) {
    let vals = data.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).chain([data.baseline]);
    let (lo, hi) = vals.filter(|v| v.is_finite() && *v > 0.0).fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    if lo > hi {
        return (1e-3, 1.0);
    }
    let lo = lo.max(1e-8);
    (lo / 1.5, (hi * 1.5).max(lo * 10.0))
}

/// Draws the chart on `canvas`.
///
/// # Errors
/// [`ChartError`] when the canvas has no 2-D context or plotters fails.
pub fn draw(canvas: &HtmlCanvasElement, data: &LossData<'_>) -> Result<(), ChartError> {
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or_else(|| ChartError("no 2-D context".into()))?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let x_max = data.series.iter().filter_map(|s| s.points.last().map(|p| p.0)).fold(10.0, f64::max);
    let (lo, hi) = y_range(data);
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .x_label_area_size(34)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..x_max, (lo..hi).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("training step")
        .y_desc("loss (log)")
        .light_line_style(RGBColor(235, 235, 235))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .x_labels(6)
        .y_labels(5)
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(DashedLineSeries::new([(0.0, data.baseline), (x_max, data.baseline)], 6, 4, palette::GREY.stroke_width(2)))
        .map_err(err)?
        .label("baseline (best constant)")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], palette::GREY.stroke_width(2)));
    for s in &data.series {
        let style = s.color.stroke_width(if s.bold { 2 } else { 1 });
        let pts = s.points.iter().copied().filter(|p| p.1.is_finite() && p.1 > 0.0);
        chart
            .draw_series(LineSeries::new(pts, style))
            .map_err(err)?
            .label(s.label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], style));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}
