//! "Input and target": one lane per input channel, target and prediction over the sequence's
//! steps, on exactly the x geometry of [`super::heatmap`] (same margins, same right-hand bar
//! width), so column `c` sits under the gate heatmaps' column `c` and the time cursor lines
//! up. A lane is a curve scaled into its own `[lo, hi]` band, or symbols written as text:
//! on columns too narrow for a letter, a short run as one word ([`super::strip_words`]),
//! else the rare symbols as letters and the rest as dots.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::heatmap::{x_label_count, BAR, MARGIN, X_LABELS, Y_LABELS};
use super::strip_words::{room, runs_of, word_centre, MAX_WORD};
use super::surface::{on_surface, Look, Surface};
use super::ticks::{column_keys, KeyedAxis};
use super::{err, palette, ChartError};

/// One lane as plain numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct StripLane<'a> {
    /// Name written in the left margin (≤ 7 characters).
    pub name: &'a str,
    /// `(T)`: value per column, NaN = nothing.
    pub values: &'a [f32],
    /// Band bottom.
    pub lo: f32,
    /// Band top.
    pub hi: f32,
    /// Symbol names when the values index them (drawn as text).
    pub symbols: &'a [String],
}

/// What the strip shows.
#[derive(Clone, Debug, PartialEq)]
pub struct StripData<'a> {
    /// Lanes, top to bottom.
    pub lanes: Vec<StripLane<'a>>,
    /// Columns `T` (steps 1..=T).
    pub cols: usize,
    /// x axis description.
    pub x_desc: &'a str,
    /// Column of the time cursor.
    pub cursor: Option<usize>,
    /// Columns `first..=last` shaded behind the lanes (e.g. what a TCN's last output sees).
    pub shade: Option<(usize, usize)>,
}

/// Colour of lane `i` of `n`: the last two (target, prediction) are black and vermillion.
fn lane_color(i: usize, n: usize) -> RGBColor {
    match n - i {
        2 => BLACK,
        1 => palette::VERMILLION,
        _ => palette::BLUE,
    }
}

/// Draws the strip on `surface`.
///
/// # Errors
/// [`ChartError`] when the canvas has no 2-D context or plotters fails.
pub fn draw(surface: &Surface<'_>, d: &StripData<'_>) -> Result<StripProjection, ChartError> {
    let look = surface.look;
    on_surface!(surface, |root, _canvas| paint(&root, look, d))
}

/// The strip on any backend.
fn paint<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    look: Look,
    d: &StripData<'_>,
) -> Result<StripProjection, ChartError> {
    let (w, _) = root.dim_in_pixel();
    let (main, bar) = root.split_horizontally(w.saturating_sub(look.text_len(BAR)));
    let (n, cols) = (d.lanes.len().max(1), d.cols.max(1));
    let most = x_label_count(main.dim_in_pixel().0, look, cols as f64);
    // Lane `i` (top = 0) is the band y ∈ [n − 1 − i, n − i], values scaled into 10–90 % of it.
    let mut chart = ChartBuilder::on(&main)
        .margin(look.len(MARGIN))
        .x_label_area_size(look.text_len(X_LABELS))
        .y_label_area_size(look.text_len(Y_LABELS))
        // x labels at round steps (column c is step c + 1), as many as on the heatmaps below.
        .build_cartesian_2d(
            KeyedAxis::new(-0.5..cols as f64 - 0.5, column_keys(1.0, 1.0, cols, most)),
            // Lane names on the band centres (y = k + 0.5).
            KeyedAxis::new(0.0..n as f64, (0..n).map(|k| k as f64 + 0.5).collect()),
        )
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(d.x_desc)
        .label_style(("sans-serif", look.font(12.0)))
        .axis_desc_style(("sans-serif", look.font(13.0)))
        .x_label_formatter(&|v| format!("{}", (v + 1.0).round()))
        .y_label_formatter(&|v| {
            let k = v - 0.5;
            if (k - k.round()).abs() < 1e-6 && k >= 0.0 && (k as usize) < d.lanes.len() {
                d.lanes[d.lanes.len() - 1 - k.round() as usize]
                    .name
                    .to_string()
            } else {
                String::new()
            }
        })
        .draw()
        .map_err(err)?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    if let Some((a, b)) = d.shade.filter(|&(a, b)| a <= b && b < cols) {
        let rect = [(a as f64 - 0.5, n as f64), (b as f64 + 0.5, 0.0)];
        chart
            .draw_series([Rectangle::new(rect, palette::SKY.mix(0.18).filled())])
            .map_err(err)?;
    }
    // The time cursor under the lanes: a letter in its column is written over its outline.
    let cursor = d.cursor.filter(|&c| c < cols);
    if let Some(c) = cursor {
        let rect = [(c as f64 - 0.5, n as f64), (c as f64 + 0.5, 0.0)];
        chart
            .draw_series([Rectangle::new(rect, BLACK.stroke_width(look.len(2.0)))])
            .map_err(err)?;
    }
    // Columns wide enough for a letter of the chart's font.
    let px_per_col = f64::from(xr.end - xr.start) / cols as f64 / (look.px * look.text);
    for (i, lane) in d.lanes.iter().enumerate() {
        let base = (n - 1 - i) as f64;
        chart
            .draw_series([PathElement::new(
                vec![(-0.5, base), (cols as f64 - 0.5, base)],
                palette::GREY.mix(0.3),
            )])
            .map_err(err)?;
        let span = f64::from(lane.hi - lane.lo).max(1e-9);
        let y = |v: f32| base + 0.1 + 0.8 * (f64::from(v - lane.lo) / span).clamp(0.0, 1.0);
        let color = lane_color(i, d.lanes.len());
        let points = lane
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite());
        if lane.symbols.is_empty() {
            // Runs of consecutive values as lines; a lone value as a dot.
            let mut run: Vec<(f64, f64)> = Vec::new();
            let mut flush = |run: &mut Vec<(f64, f64)>| -> Result<(), ChartError> {
                if run.len() == 1 {
                    chart
                        .draw_series([Circle::new(run[0], look.len(4.0), color.filled())])
                        .map_err(err)?;
                } else if run.len() > 1 {
                    chart
                        .draw_series([PathElement::new(
                            run.clone(),
                            color.stroke_width(look.len(2.0)),
                        )])
                        .map_err(err)?;
                }
                run.clear();
                Ok(())
            };
            let mut last = None;
            for (c, &v) in points {
                if last.is_some_and(|l: usize| l + 1 != c) {
                    flush(&mut run)?;
                }
                run.push((c as f64, y(v)));
                last = Some(c);
            }
            flush(&mut run)?;
        } else {
            // Wide columns: every symbol as text. Narrow ones: a run of consecutive symbols
            // as one word where it fits between its neighbours (copy memory's "DAA"), else
            // text only for the rare symbols (markers, answers: at most a sixteenth of the
            // lane's entries) and dots for the rest.
            let wide = px_per_col >= 9.0;
            let mut counts = vec![0usize; lane.symbols.len()];
            let entries: Vec<(usize, f32)> = points.map(|(c, &v)| (c, v)).collect();
            for &(_, v) in &entries {
                if let Some(n) = counts.get_mut(v as usize) {
                    *n += 1;
                }
            }
            let name = |v: f32| lane.symbols.get(v as usize).map_or("?", String::as_str);
            let style = TextStyle::from(("sans-serif", look.font(12.0)).into_font())
                .color(&color)
                .pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Center,
                ));
            let col_px = f64::from(xr.end - xr.start) / cols as f64; // buffer px per column
            let runs = runs_of(&entries);
            for (r, run) in runs.iter().enumerate() {
                let (first, last) = (entries[run.start].0, entries[run.end - 1].0);
                // Only a short run on narrow columns is spelt and measured as a word (a lane
                // of T symbols is one long run: no T-letter string per redraw).
                if !wide && run.len() <= MAX_WORD {
                    let word: String = entries[run.clone()].iter().map(|e| name(e.1)).collect();
                    let w_px = chart
                        .plotting_area()
                        .estimate_text_size(&word, &style)
                        .map_err(err)?
                        .0;
                    let w = (f64::from(w_px) + 2.0 * f64::from(look.len(3.0))) / col_px;
                    let room = room(&entries, &runs, r, cols);
                    if let Some(x) = word_centre(first, last, run.len(), w, room) {
                        let backing = Backing::under_cursor(cursor, first..=last);
                        label(&mut chart, look, (x, base + 0.5), &word, &style, backing)?;
                        continue;
                    }
                }
                for &(c, v) in &entries[run.clone()] {
                    let rare = counts
                        .get(v as usize)
                        .is_some_and(|&n| 16 * n <= entries.len().max(16));
                    if wide || rare {
                        let at = (c as f64, base + 0.5);
                        let backing = Backing::under_cursor(cursor, c..=c);
                        label(&mut chart, look, at, name(v), &style, backing)?;
                    } else {
                        chart
                            .draw_series([Circle::new(
                                (c as f64, y(v)),
                                look.len(2.0),
                                color.filled(),
                            )])
                            .map_err(err)?;
                    }
                }
            }
        }
    }
    // The right-hand band (the heatmaps' colour bar) holds each lane's range, level with the
    // plot area's lanes.
    let top = f64::from(yr.start);
    let band = f64::from(yr.end - yr.start) / n as f64;
    for (i, lane) in d.lanes.iter().enumerate() {
        let label = if lane.symbols.is_empty() {
            format!("{}…{}", trim(lane.lo), trim(lane.hi))
        } else {
            String::new()
        };
        let yc = top + band * (i as f64 + 0.5);
        bar.draw(&Text::new(
            label,
            (look.off(6.0), yc as i32 - look.text_len(6.0) as i32),
            ("sans-serif", look.font(11.0))
                .into_font()
                .color(&palette::GREY),
        ))
        .map_err(err)?;
    }
    Ok(StripProjection {
        x: (f64::from(xr.start), f64::from(xr.end)),
        y: (f64::from(yr.start), f64::from(yr.end)),
        lanes: d.lanes.len(),
        cols,
    })
}

/// Where the strip's plot area sits on the canvas, to map a pointer onto a lane and step.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StripProjection {
    /// Plot area's left and right edges, canvas pixels.
    pub x: (f64, f64),
    /// Plot area's top and bottom edges.
    pub y: (f64, f64),
    /// Lanes drawn.
    pub lanes: usize,
    /// Columns (steps).
    pub cols: usize,
}

impl StripProjection {
    /// `(column, lane, height)` under canvas point `(px, py)`: lane 0 = the top lane, height =
    /// where in the lane's value range (0 = its bottom `lo`, 1 = its top `hi`; the values are
    /// drawn in 10–90 % of the band), clamped to 0…1. `None` outside the plot area.
    pub fn at(&self, px: f64, py: f64) -> Option<(usize, usize, f32)> {
        let (w, h) = (self.x.1 - self.x.0, self.y.1 - self.y.0);
        if self.lanes == 0 || self.cols == 0 || w <= 0.0 || h <= 0.0 {
            return None;
        }
        let (fx, fy) = ((px - self.x.0) / w, (py - self.y.0) / h);
        if !(0.0..1.0).contains(&fx) || !(0.0..1.0).contains(&fy) {
            return None;
        }
        let col = ((fx * self.cols as f64) as usize).min(self.cols - 1);
        let band = fy * self.lanes as f64;
        let lane = (band as usize).min(self.lanes - 1);
        let up = 1.0 - (band - lane as f64); // 0 at the band's bottom, 1 at its top
        Some((col, lane, ((up - 0.1) / 0.8).clamp(0.0, 1.0) as f32))
    }
}

/// `1`, `0.5`, `−1`: a range end without trailing zeros.
fn trim(v: f32) -> String {
    let s = format!("{v}");
    s.replace('-', "−")
}

/// What is under a strip's text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Backing {
    /// The lane itself.
    Lane,
    /// A white patch: the time cursor's outline passes behind the text.
    White,
}

impl Backing {
    /// White when the cursor's column is among `cols`.
    fn under_cursor(cursor: Option<usize>, cols: std::ops::RangeInclusive<usize>) -> Self {
        if cursor.is_some_and(|c| cols.contains(&c)) {
            Backing::White
        } else {
            Backing::Lane
        }
    }
}

/// `text` centred at `at`, on `backing`.
fn label<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<KeyedAxis, KeyedAxis>>,
    look: Look,
    at: (f64, f64),
    text: &str,
    style: &TextStyle<'_>,
    backing: Backing,
) -> Result<(), ChartError> {
    let anchor = EmptyElement::at(at);
    let t = Text::new(text.to_string(), (0, 0), style.clone());
    if backing == Backing::White {
        let (w, h) = chart
            .plotting_area()
            .estimate_text_size(text, style)
            .map_err(err)?;
        let (hw, hh) = (w as i32 / 2 + look.off(2.0), h as i32 / 2 + look.off(1.0));
        let patch = Rectangle::new([(-hw, -hh), (hw, hh)], WHITE.filled());
        chart.draw_series([anchor + patch + t]).map_err(err)?;
    } else {
        chart.draw_series([anchor + t]).map_err(err)?;
    }
    Ok(())
}
