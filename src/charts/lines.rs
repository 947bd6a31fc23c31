//! Line charts of plain `(x, y)` series on a linear or log y axis: the loss curves, the
//! gradient-flow curves (‖∂h_T/∂h_{T−k}‖ over k, ‖∂L/∂h_t‖ over t, the additive split) and the
//! per-unit hidden-state traces. Optional dashed reference line and vertical time cursor. The
//! legend is a row (wrapping as needed) above the plot area, so it never covers data.

use std::ops::Range;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, entries, legend_rows, GAP, LEGEND_ROW, SAMPLE};
pub use super::lines_axes::{
    x_label_count, x_labels, x_range, x_ticks, y_label_area, y_range, Labels,
};
use super::surface::{on_surface, Look, Surface};
use super::ticks::{fixed2, linear_ticks, KeyedAxis};
use super::{err, palette, ChartError};

/// One named curve.
#[derive(Clone, Debug, PartialEq)]
pub struct Series<'a> {
    /// Legend text (`""` = not in the legend).
    pub label: &'a str,
    /// `(x, y)` points, x ascending.
    pub points: &'a [(f64, f64)],
    /// Line colour.
    pub color: RGBColor,
    /// Stroke width in pixels.
    pub width: u32,
    /// Opacity in (0, 1].
    pub alpha: f64,
    /// A band: the area between `points` (upper edge) and these points (lower edge, same
    /// x values) is filled at `alpha` and no line is drawn (e.g. the seeds' lowest–highest).
    pub fill_to: Option<&'a [(f64, f64)]>,
    /// How the points are marked.
    pub marks: Marks,
}

/// How a series marks its points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Marks {
    /// A line through them.
    Line,
    /// A line with a dot at each point: sparse measurements (validation), told apart from a
    /// dense line of the same colour (training).
    Dots,
}

impl<'a> Series<'a> {
    /// A legend-labelled, opaque series of width 2.
    pub fn new(label: &'a str, points: &'a [(f64, f64)], color: RGBColor) -> Self {
        Self {
            label,
            points,
            color,
            width: 2,
            alpha: 1.0,
            fill_to: None,
            marks: Marks::Line,
        }
    }
}

/// The y axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum YAxis {
    /// Linear over the data (or the given range).
    Linear(Option<(f64, f64)>),
    /// Log₁₀ over the positive data.
    Log,
}

/// What a line chart shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LinesData<'a> {
    /// Curves, drawn in order.
    pub series: Vec<Series<'a>>,
    /// x axis description.
    pub x_desc: &'a str,
    /// y axis description.
    pub y_desc: &'a str,
    /// y axis kind.
    pub y: YAxis,
    /// A dashed horizontal reference line and its legend text (e.g. the loss baseline).
    pub reference: Option<(f64, &'a str)>,
    /// A vertical cursor at this x.
    pub cursor: Option<f64>,
    /// Fixed x range; `None` = from the data.
    pub x_range: Option<(f64, f64)>,
    /// Which side the legend row above the plot is aligned to (left for `LowerLeft`).
    pub legend: Corner,
}

/// Which side the legend row is aligned to: the row always sits above the plot area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Corner {
    /// Right-aligned.
    #[default]
    UpperRight,
    /// Left-aligned.
    LowerLeft,
    /// Right-aligned.
    LowerRight,
}

/// Draws the chart on `surface`.
///
/// # Errors
/// [`ChartError`] when the canvas has no 2-D context or plotters fails.
pub fn draw(surface: &Surface<'_>, d: &LinesData<'_>) -> Result<(), ChartError> {
    let look = surface.look;
    on_surface!(surface, |root, _canvas| paint(&root, look, d))
}

/// The chart on any backend.
fn paint<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    look: Look,
    d: &LinesData<'_>,
) -> Result<(), ChartError> {
    // The legend row(s) above the plot: entry widths measured in the chart's font.
    let items = entries(d);
    let font = TextStyle::from(("sans-serif", look.font(12.0)).into_font());
    let widths: Vec<u32> = items
        .iter()
        .map(|e| {
            let text = root
                .estimate_text_size(e.0, &font)
                .map_or((look.font(7.0) * e.0.len() as f64) as u32, |s| s.0);
            look.len(SAMPLE + GAP) + text
        })
        .collect();
    // The y axis's labels, known before the layout: the label area fits the widest.
    let (y0, y1) = y_range(d);
    let y_label: &dyn Fn(&f64) -> String = match d.y {
        YAxis::Log => &|v| format!("{v:.0e}"),
        YAxis::Linear(_) => &|v| fixed2(*v),
    };
    let y_keys = match d.y {
        // Within two decades plotters labels only the one power of ten inside: 1-2-5 labels.
        YAxis::Log if y1 < y0 * 100.0 => super::ticks::log_ticks(y0, y1),
        YAxis::Log => super::ticks::log_decade_ticks(y0, y1, 6),
        YAxis::Linear(_) => linear_ticks(y0, y1, 6, 0.0),
    };
    let y_area = y_label_area(y_keys.iter().map(y_label));
    // margin + y label area: rows start over the plot
    let left = look.off(10.0) + look.text_len(y_area) as i32;
    let avail = (root.dim_in_pixel().0 as i32 - left - look.off(10.0)).max(60) as u32;
    let rows = legend_rows(&widths, avail, look.len(2.0 * GAP));
    let (legend, area) =
        root.split_vertically(rows.len() as u32 * look.text_len(LEGEND_ROW) + look.len(4.0));
    draw_legend(
        &legend,
        look,
        &items,
        &widths,
        &rows,
        left,
        d.legend != Corner::LowerLeft,
    )?;
    let (x0, x1) = x_range(d);
    let labels = x_labels(d, x0, x1);
    let most = x_label_count(avail, look, x0, x1, labels);
    let x = KeyedAxis::new(x0..x1, x_ticks(x0, x1, most, labels));
    // As many y labels as the plot's height holds at 1.5 lines each (a short presenter chart
    // would set six log labels edge to edge): plot = area − x label area − margins.
    let plot_h = f64::from(area.dim_in_pixel().1) - f64::from(look.text_len(40.0) + look.len(14.0));
    let fit = (plot_h / (look.font(13.0) * 1.5)).floor().max(2.0) as usize;
    let y_keys = super::ticks::thin_keys(y_keys, fit);
    let layout = Layout { look, y_area };
    match d.y {
        YAxis::Log => plot(
            root,
            &area,
            layout,
            d,
            x,
            (y0..y1).log_scale().with_key_points(y_keys),
            y_label,
        ),
        YAxis::Linear(_) => {
            let y = KeyedAxis::new(y0..y1, y_keys);
            plot(root, &area, layout, d, x, y, y_label)
        }
    }
}

/// How a chart is laid out: its look and the width of its y label area (CSS px).
#[derive(Clone, Copy)]
struct Layout {
    look: Look,
    y_area: f64,
}

/// Radius of a [`Marks::Dots`] point, CSS pixels.
pub(super) const DOT: f64 = 2.5;

/// Most dots one [`Marks::Dots`] series draws.
const MAX_DOTS: usize = 80;

/// Draws axes, reference and series into `area`; `root` (the whole surface) takes the cursor,
/// which is placed in absolute pixels.
fn plot<DB: DrawingBackend, Y>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    Layout { look, y_area }: Layout,
    d: &LinesData<'_>,
    x: KeyedAxis,
    y: Y,
    yfmt: &dyn Fn(&f64) -> String,
) -> Result<(), ChartError>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let Range { start: x0, end: x1 } = x.range();
    // A label at the right end is centred on it: room for half of the widest one ("5000"),
    // ~0.55 em per digit at the 13-px label font.
    let digits = format!("{:.0}", x1.abs().max(x0.abs())).len() as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(look.len(10.0))
        .margin_top(look.len(4.0))
        .margin_right(look.text_len((0.5 * 0.55 * 13.0 * digits + 2.0).max(10.0)))
        .x_label_area_size(look.text_len(40.0))
        .y_label_area_size(look.text_len(y_area))
        .build_cartesian_2d(x, y)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(d.x_desc)
        .y_desc(d.y_desc)
        .light_line_style(RGBColor(236, 236, 236))
        .label_style(("sans-serif", look.font(13.0)))
        .axis_desc_style(("sans-serif", look.font(14.0)))
        .x_labels(7)
        .y_labels(6)
        .x_label_formatter(&|v| {
            if (v.round() - v).abs() < 1e-9 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        })
        .y_label_formatter(&yfmt)
        .draw()
        .map_err(err)?;
    if let Some((v, _)) = d.reference.filter(|r| r.0.is_finite()) {
        let style = palette::GREY.stroke_width(look.len(2.0));
        chart
            .draw_series(DashedLineSeries::new(
                [(x0, v), (x1, v)],
                look.len(6.0),
                look.len(4.0),
                style,
            ))
            .map_err(err)?;
    }
    for s in &d.series {
        if let Some(lower) = s.fill_to {
            // Upper edge left to right, lower edge back: one closed polygon.
            let ok = |p: &&(f64, f64)| {
                p.0.is_finite() && p.1.is_finite() && (d.y != YAxis::Log || p.1 > 0.0)
            };
            let ring: Vec<(f64, f64)> = s
                .points
                .iter()
                .filter(ok)
                .chain(lower.iter().rev().filter(ok))
                .copied()
                .collect();
            if ring.len() >= 3 {
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        ring,
                        s.color.mix(s.alpha).filled(),
                    )))
                    .map_err(err)?;
            }
            continue;
        }
        let style = s
            .color
            .mix(s.alpha)
            .stroke_width(look.len(f64::from(s.width)));
        let pts = s
            .points
            .iter()
            .copied()
            .filter(|p| p.0.is_finite() && p.1.is_finite());
        let pts: Vec<(f64, f64)> = if d.y == YAxis::Log {
            pts.filter(|p| p.1 > 0.0).collect()
        } else {
            pts.collect()
        };
        // A lone point (a sweep over one length) is a dot, or a line through it draws nothing.
        if s.marks == Marks::Dots || pts.len() == 1 {
            // Every point while they are sparse; on a long run's dense curve every n-th, so
            // the dots stay marks and do not merge into a thick line over the training curve.
            let every = pts.len().div_ceil(MAX_DOTS).max(1);
            let dot = s.color.mix(s.alpha).filled();
            chart
                .draw_series(
                    pts.iter()
                        .step_by(every)
                        .map(|&p| Circle::new(p, look.len(DOT), dot)),
                )
                .map_err(err)?;
        }
        chart
            .draw_series(LineSeries::new(pts, style))
            .map_err(err)?;
    }
    if let Some(c) = d.cursor.filter(|c| c.is_finite() && x1 > x0) {
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        let px = xr.start + ((c - x0) / (x1 - x0) * f64::from(xr.end - xr.start)).round() as i32;
        root.draw(&PathElement::new(
            [(px, yr.start), (px, yr.end)],
            RGBColor(40, 40, 40).stroke_width(look.len(1.0)),
        ))
        .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "lines_tests.rs"]
mod tests;
