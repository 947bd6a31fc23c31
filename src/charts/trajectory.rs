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
    let (px, py) = (((x1 - x0) * 0.1).max(1e-3), ((y1 - y0) * 0.1).max(1e-3));
    let mut chart = ChartBuilder::on(root)
        .margin(look.len(10.0))
        // Half the widest x label ("-0.80" at 12 px) is centred past the plot's right end.
        .margin_right(look.text_len(18.0))
        .x_label_area_size(look.text_len(40.0))
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
    // "t=0" and "t=T" beside their dots (when finite), where their patch hides the fewest
    // other dots (`LabelSpot`), never on their own dot; a label set further out is joined to
    // its dot by a short leader.
    let pixels: Vec<(i32, i32)> = d
        .points
        .iter()
        .filter(|p| p.1.is_finite() && p.2.is_finite())
        .map(|p| chart.backend_coord(&(p.1, p.2)))
        .collect();
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    // One point: one label ("t=0" and "t=T" would be the same dot).
    let ends = [
        d.points.first(),
        d.points.last().filter(|_| d.points.len() > 1),
    ];
    // The first label's patch (absolute pixels): the second keeps clear of it.
    let mut placed: Option<Rect> = None;
    for p in ends
        .into_iter()
        .flatten()
        .filter(|p| p.1.is_finite() && p.2.is_finite())
    {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        let font = ("sans-serif", look.font(12.0))
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        // On a translucent white patch as tall as the digits (the estimated text height
        // includes the line gap): legible over any dot it still covers.
        let text = format!("t={:.0}", p.0);
        let (w, _) = chart
            .plotting_area()
            .estimate_text_size(&text, &font)
            .map_err(err)?;
        let pad = look.off(2.0);
        let bx = (
            w as i32 + 2 * pad,
            (look.font(12.0) * 0.8).round() as i32 + 2 * pad,
        );
        let spot = LabelSpot {
            dot: chart.backend_coord(&(p.1, p.2)),
            size: bx,
            gap: look.off(7.0),
            radius: look.off(4.0),
            plot: ((xs.start, ys.start), (xs.end, ys.end)),
        };
        let place = spot.best(&pixels, placed);
        let (dx, dy) = place.corner;
        let (ax, ay) = (spot.dot.0 + dx, spot.dot.1 + dy);
        placed = Some(((ax, ay), (ax + bx.0, ay + bx.1)));
        let patch = Rectangle::new([(dx, dy), (dx + bx.0, dy + bx.1)], WHITE.mix(0.8).filled());
        // A far label's leader runs from the dot's edge to the patch's nearest point.
        let leader_points = if place.far {
            let near = (0.clamp(dx, dx + bx.0), 0.clamp(dy, dy + bx.1));
            let len = f64::from(near.0).hypot(f64::from(near.1)).max(1.0);
            let r = f64::from(look.off(4.0)) / len;
            let from = (
                (f64::from(near.0) * r).round() as i32,
                (f64::from(near.1) * r).round() as i32,
            );
            vec![from, near]
        } else {
            Vec::new()
        };
        let leader = PathElement::new(
            leader_points,
            RGBColor(90, 90, 90).stroke_width(look.len(1.0)),
        );
        let label = EmptyElement::at((p.1, p.2))
            + leader
            + patch
            + Text::new(text, (dx + pad, dy + bx.1 / 2), font);
        chart.draw_series([label]).map_err(err)?;
    }
    Ok(())
}

/// A rectangle's top-left and bottom-right corners, in pixels.
type Rect = ((i32, i32), (i32, i32));

/// Where an end label's patch goes beside its dot, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
struct LabelSpot {
    /// The labelled dot's centre.
    dot: (i32, i32),
    /// The patch's width and height.
    size: (i32, i32),
    /// Gap between the dot's centre and the patch.
    gap: i32,
    /// A dot's radius.
    radius: i32,
    /// The plot's corners.
    plot: Rect,
}

impl LabelSpot {
    /// The patch's top-left corner relative to the dot: of the eight places around it (right,
    /// left, above, below, then the corners), at `gap` and then at three times `gap` (in a
    /// dense cluster), the first one that, in this order of importance, lies inside the plot,
    /// keeps clear of the other label's patch `avoid`, and covers the fewest of `dots` (a dot
    /// counts when any of it is under the patch; the labelled dot never is, as every place
    /// keeps `gap` from it). When no place is inside the plot, the best of the rest.
    fn best(&self, dots: &[(i32, i32)], avoid: Option<Rect>) -> Placed {
        let (w, h) = (self.size.0, self.size.1);
        let around = |g: i32| {
            [
                (g, -h / 2),
                (-g - w, -h / 2),
                (-w / 2, -g - h),
                (-w / 2, g),
                (g, -g - h),
                (-g - w, -g - h),
                (g, g),
                (-g - w, g),
            ]
        };
        let places: Vec<(i32, i32)> = around(self.gap)
            .into_iter()
            .chain(around(3 * self.gap))
            .collect();
        let ((x0, y0), (x1, y1)) = self.plot;
        let cost = |&(dx, dy): &(i32, i32)| {
            let (l, t) = (self.dot.0 + dx, self.dot.1 + dy);
            let outside = l < x0 || t < y0 || l + w > x1 || t + h > y1;
            let hits = avoid.is_some_and(|((ax0, ay0), (ax1, ay1))| {
                l < ax1 && ax0 < l + w && t < ay1 && ay0 < t + h
            });
            let r = self.radius;
            let covered = dots
                .iter()
                .filter(|&&(x, y)| x + r >= l && x - r <= l + w && y + r >= t && y - r <= t + h)
                .count();
            (outside, hits, covered)
        };
        // Ties go to the earlier place: the nearer ring, then right, left, above, below.
        let best = (0..places.len())
            .min_by_key(|&i| cost(&places[i]))
            .unwrap_or(0);
        Placed {
            corner: places[best],
            far: best >= 8,
        }
    }
}

/// Where `LabelSpot::best` put a patch.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Placed {
    /// Its top-left corner relative to the dot.
    corner: (i32, i32),
    /// Set in the outer ring: it needs a leader to its dot.
    far: bool,
}

#[cfg(test)]
mod tests {
    use super::LabelSpot;

    fn spot(dot: (i32, i32)) -> LabelSpot {
        LabelSpot {
            dot,
            size: (30, 14),
            gap: 7,
            radius: 4,
            plot: ((0, 0), (200, 100)),
        }
    }

    #[test]
    fn an_end_label_avoids_the_path_s_other_dots() {
        // A path running left to right through the dot: the label goes above it, not on
        // the path's dots to its right or left.
        let dots: Vec<_> = (0..20).map(|i| (10 * i, 50)).collect();
        let (dx, dy) = spot((100, 50)).best(&dots, None).corner;
        assert!(dy + 14 < -4 + 1, "above the path: {dx} {dy}");
        // A path running down through the dot: beside it.
        let dots: Vec<_> = (0..10).map(|i| (100, 10 * i)).collect();
        let place = spot((100, 50)).best(&dots, None);
        assert_eq!(
            (place.corner.0, place.far),
            (7, false),
            "right of the path, near"
        );
    }

    #[test]
    fn in_a_dense_cluster_the_label_moves_further_out_to_clear_the_dots() {
        // Dots every 6 px in a 60 × 40 block around the labelled dot: every place at the gap
        // covers some; three gaps out, above the block, none.
        let dots: Vec<_> = (0..10)
            .flat_map(|i| (0..7).map(move |j| (70 + 6 * i, 30 + 6 * j)))
            .collect();
        let place = spot((100, 50)).best(&dots, None);
        let (dx, dy) = place.corner;
        assert!(
            place.far,
            "out of the near ring: a leader joins it to its dot"
        );
        let (l, t) = (100 + dx, 50 + dy);
        let covered = dots
            .iter()
            .filter(|&&(x, y)| x + 4 >= l && x - 4 <= l + 30 && y + 4 >= t && y - 4 <= t + 14)
            .count();
        assert_eq!(covered, 0, "{dx} {dy}");
    }

    #[test]
    fn the_second_label_keeps_clear_of_the_first() {
        // t=0 and t=T a few pixels apart with nothing else near: the first goes right; the
        // second, whose right would overlap it, goes elsewhere.
        let first = spot((100, 50)).best(&[], None);
        assert_eq!(first.corner, (7, -7));
        let taken = ((107, 43), (137, 57));
        let second = spot((104, 52)).best(&[], Some(taken));
        let (l, t) = (104 + second.corner.0, 52 + second.corner.1);
        assert!(
            l >= 137 || l + 30 <= 107 || t >= 57 || t + 14 <= 43,
            "{second:?}"
        );
    }

    #[test]
    fn an_end_label_stays_in_the_plot() {
        // A dot at the right edge with nothing near: not right of it, off the plot.
        let (dx, dy) = spot((195, 50)).best(&[(195, 50)], None).corner;
        assert_eq!((dx, dy), (-37, -7), "left of it");
        // At the top-right corner: below-left.
        let (dx, dy) = spot((195, 3)).best(&[(195, 3)], None).corner;
        assert!(dx < 0 && dy > 0, "{dx} {dy}");
    }
}
