//! The hidden-state trajectory: h_t projected on its first two principal components, one dot
//! per step coloured by time, with the time cursor's point ringed.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::colormap::Scale;
use super::surface::{on_surface, Look, Surface};
use super::ticks::{fixed2, KeyedAxis};
use super::{err, ChartError};

/// What the trajectory chart shows.
#[derive(Clone, Debug, PartialEq)]
pub struct TrajectoryData<'a> {
    /// `(t, pc1, pc2)` per state, t ascending.
    pub points: &'a [(f64, f64, f64)],
    /// Fraction of variance of PC1 and PC2.
    pub explained: (f64, f64),
    /// Index into `points` to ring.
    pub cursor: Option<usize>,
}

/// Draws the trajectory on `surface`.
///
/// # Errors
/// [`ChartError`] when the canvas has no 2-D context or plotters fails.
pub fn draw(surface: &Surface<'_>, d: &TrajectoryData<'_>) -> Result<(), ChartError> {
    let look = surface.look;
    on_surface!(surface, |root, _canvas| paint(&root, look, d))
}

/// The trajectory on any backend.
fn paint<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    look: Look,
    d: &TrajectoryData<'_>,
) -> Result<(), ChartError> {
    let fin = d
        .points
        .iter()
        .filter(|p| p.1.is_finite() && p.2.is_finite());
    let (mut x0, mut x1, mut y0, mut y1) = fin.fold(
        (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
        |(a, b, c, e), p| (a.min(p.1), b.max(p.1), c.min(p.2), e.max(p.2)),
    );
    if x0 > x1 {
        (x0, x1, y0, y1) = (-1.0, 1.0, -1.0, 1.0);
    }
    let mid_x = 0.5 * (x0 + x1); // of the finite points
    let (px, py) = (((x1 - x0) * 0.1).max(1e-3), ((y1 - y0) * 0.1).max(1e-3));
    let mut chart = ChartBuilder::on(root)
        .margin(look.len(10.0))
        .x_label_area_size(look.text_len(36.0))
        .y_label_area_size(look.text_len(52.0))
        .build_cartesian_2d(
            KeyedAxis::round(x0 - px, x1 + px, 10),
            KeyedAxis::round(y0 - py, y1 + py, 10),
        )
        .map_err(err)?;
    let xd = format!("PC1 ({:.0}% of variance)", 100.0 * d.explained.0);
    let yd = format!("PC2 ({:.0}%)", 100.0 * d.explained.1);
    chart
        .configure_mesh()
        .x_desc(xd)
        .y_desc(yd)
        .light_line_style(RGBColor(236, 236, 236))
        .label_style(("sans-serif", look.font(12.0)))
        .axis_desc_style(("sans-serif", look.font(13.0)))
        .x_label_formatter(&|v| fixed2(*v))
        .y_label_formatter(&|v| fixed2(*v))
        .draw()
        .map_err(err)?;
    let n = d.points.len().max(2) as f64 - 1.0;
    let scale = Scale::Sequential { lo: 0.0, hi: 1.0 };
    chart
        .draw_series(LineSeries::new(
            d.points.iter().map(|p| (p.1, p.2)),
            RGBColor(170, 170, 170).stroke_width(look.len(1.0)),
        ))
        .map_err(err)?;
    chart
        .draw_series(d.points.iter().enumerate().map(|(i, p)| {
            Circle::new(
                (p.1, p.2),
                look.len(4.0),
                scale.color(i as f64 / n).filled(),
            )
        }))
        .map_err(err)?;
    if let Some(p) = d.cursor.and_then(|c| d.points.get(c)) {
        chart
            .draw_series([Circle::new(
                (p.1, p.2),
                look.len(8.0),
                RGBColor(255, 0, 150).stroke_width(look.len(3.0)),
            )])
            .map_err(err)?;
    }
    // "t=0" and "t=T" beside their dots (when finite), on the side facing the middle of the
    // plot, never on the dot.
    let ends = [d.points.first(), d.points.last()];
    for p in ends
        .into_iter()
        .flatten()
        .filter(|p| p.1.is_finite() && p.2.is_finite())
    {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        let right = p.1 <= mid_x;
        let (anchor, dx) = if right {
            (HPos::Left, look.off(7.0))
        } else {
            (HPos::Right, -look.off(7.0))
        };
        let font = ("sans-serif", look.font(12.0))
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(anchor, VPos::Center));
        // On a translucent white patch: legible over the path's other dots.
        let text = format!("t={:.0}", p.0);
        let (w, h) = chart
            .plotting_area()
            .estimate_text_size(&text, &font)
            .map_err(err)?;
        let (w, h, pad) = (w as i32, h as i32, look.off(2.0));
        let left = if right { dx - pad } else { dx - w - pad };
        let patch = Rectangle::new(
            [(left, -h / 2 - pad), (left + w + 2 * pad, h / 2 + pad)],
            WHITE.mix(0.8).filled(),
        );
        let label = EmptyElement::at((p.1, p.2)) + patch + Text::new(text, (dx, 0), font);
        chart.draw_series([label]).map_err(err)?;
    }
    Ok(())
}
