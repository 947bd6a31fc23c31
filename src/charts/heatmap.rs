//! Heatmaps of a `(rows, cols)` grid of plain numbers — gates unit × time step, the lag ×
//! training-step map of gradient norms — with a colour bar, an optional time cursor column and
//! a highlighted cell. `draw` returns the [`GridProjection`] used for hover and scrubbing.

use plotters::coord::Shift;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::colormap::Scale;
use super::projection::GridProjection;
use super::surface::{on_surface, Look, Surface};
use super::ticks::{column_keys, fixed2, labels_that_fit, KeyedAxis};
use super::{err, ChartError};

/// What a heatmap shows.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatmapData<'a> {
    /// Values `(rows, cols)`, row-major; row 0 is drawn at the top.
    pub values: &'a [f64],
    /// Rows (e.g. units).
    pub rows: usize,
    /// Columns (e.g. time steps).
    pub cols: usize,
    /// Colour scale.
    pub scale: Scale,
    /// x axis description.
    pub x_desc: &'a str,
    /// y axis description.
    pub y_desc: &'a str,
    /// Number shown under column 0 (e.g. 1 for "step 1").
    pub x_first: f64,
    /// Step between column labels' values.
    pub x_step: f64,
    /// Colour-bar caption.
    pub bar_label: &'a str,
    /// Column outlined as the time cursor.
    pub cursor: Option<usize>,
    /// Cell outlined as the selection.
    pub selected: Option<(usize, usize)>,
}

/// Width of the colour bar area, CSS pixels (grows with the text factor).
pub(crate) const BAR: f64 = 78.0;
/// Outer margin of the plot, CSS pixels.
pub(crate) const MARGIN: f64 = 8.0;
/// Height of the x label area (ticks and axis description), CSS pixels (× text factor).
pub(crate) const X_LABELS: f64 = 34.0;
/// Width of the y label area, CSS pixels (× text factor): the rotated axis title and a
/// three-digit row label ("120" units, "150" lags) with a gap between them.
pub(crate) const Y_LABELS: f64 = 50.0;
/// In an SVG, grids wider or taller than this are sampled (nearest cell) to this many
/// columns or rows of rectangles, as the canvas samples one cell per pixel.
const SVG_MAX_CELLS: usize = 256;

/// How many x labels fit side by side (2 to 8) under a heatmap or strip drawn in an area
/// `area_px` buffer pixels wide, labels up to `widest`: each takes its digits (~0.6 em each)
/// and a gap. The strip uses it too, so its labels match the heatmaps' below it.
pub(crate) fn x_label_count(area_px: u32, look: Look, widest: f64) -> usize {
    let plot_px =
        f64::from(area_px) - f64::from(look.text_len(Y_LABELS)) - 2.0 * f64::from(look.len(MARGIN));
    labels_that_fit(plot_px, look, widest, 1, 8)
}

/// Draws the heatmap on `surface`. On a canvas the cells are one image (`putImageData`); in
/// an SVG they are rectangles.
///
/// # Errors
/// [`ChartError`] when the canvas has no 2-D context, the values do not fill the grid, or
/// plotters fails.
pub fn draw(surface: &Surface<'_>, d: &HeatmapData<'_>) -> Result<GridProjection, ChartError> {
    if d.values.len() < d.rows * d.cols {
        return Err(ChartError(format!(
            "heatmap: {} values for a {}×{} grid",
            d.values.len(),
            d.rows,
            d.cols
        )));
    }
    let look = surface.look;
    on_surface!(surface, |root, canvas| paint(&root, look, canvas, d))
}

/// The heatmap on any backend; `canvas` (when drawing on one) takes the cells as an image.
fn paint<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    look: Look,
    canvas: Option<&HtmlCanvasElement>,
    d: &HeatmapData<'_>,
) -> Result<GridProjection, ChartError> {
    let (w, _) = root.dim_in_pixel();
    let (main, bar) = root.split_horizontally(w.saturating_sub(look.text_len(BAR)));
    let (rows, cols) = (d.rows.max(1), d.cols.max(1));
    let (first, step) = (d.x_first, d.x_step);
    let most = x_label_count(
        main.dim_in_pixel().0,
        look,
        first + (cols as f64 - 1.0) * step,
    );
    // x labels at round values of the columns (between columns when they fall there).
    let x_keys: Vec<(f64, f64)> = column_keys(first, step, cols, most)
        .into_iter()
        .map(|c| (c, first + c * step))
        .collect();
    // y labels at round row numbers (0, 10, 20 from the top), not at round y coordinates,
    // which count from the bottom row (9, 19, 29 on 40 rows).
    let y_keys: Vec<f64> = column_keys(0.0, 1.0, rows, 6)
        .into_iter()
        .map(|r| rows as f64 - 1.0 - r)
        .collect();
    let mut chart = ChartBuilder::on(&main)
        .margin(look.len(MARGIN))
        .x_label_area_size(look.text_len(X_LABELS))
        .y_label_area_size(look.text_len(Y_LABELS))
        .build_cartesian_2d(
            KeyedAxis::new(
                -0.5..cols as f64 - 0.5,
                x_keys.iter().map(|k| k.0).collect(),
            ),
            KeyedAxis::new(-0.5..rows as f64 - 0.5, y_keys),
        )
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(d.x_desc)
        .y_desc(d.y_desc)
        .label_style(("sans-serif", look.font(12.0)))
        .axis_desc_style(("sans-serif", look.font(13.0)))
        // x = c is column c; integer y ticks fall on cell centres, y = v is row `rows − 1 − v`.
        .x_label_formatter(&|v| {
            x_keys
                .iter()
                .find(|k| k.0 == *v)
                .map_or(String::new(), |k| format!("{}", k.1.round()))
        })
        .y_label_formatter(&|v| {
            let r = rows as f64 - 1.0 - v.round();
            if (v - v.round()).abs() < 1e-6 && r >= 0.0 && r < rows as f64 {
                format!("{r:.0}")
            } else {
                String::new()
            }
        })
        .draw()
        .map_err(err)?;
    // Row r (top = 0) is centred on y = rows − 1 − r, column c on x = c.
    let cell = |r: usize, c: usize| {
        let y = (rows - 1 - r) as f64;
        [(c as f64 - 0.5, y + 0.5), (c as f64 + 0.5, y - 0.5)]
    };
    // The cells as one image of the plot area's pixels (nearest cell per pixel): one call
    // whatever the grid's size, and never more than a pixel's worth of work per cell.
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    if let Some(canvas) = canvas {
        paint_cells(
            canvas,
            d,
            xr.start,
            yr.start,
            xr.end - xr.start,
            yr.end - yr.start,
        )?;
    } else if d.rows > 0 && d.cols > 0 {
        // Rectangles, at most SVG_MAX_CELLS per side (nearest cell, like the canvas image).
        let (n_r, n_c) = (d.rows.min(SVG_MAX_CELLS), d.cols.min(SVG_MAX_CELLS));
        let (fr, fc) = (d.rows as f64 / n_r as f64, d.cols as f64 / n_c as f64);
        let rects = (0..n_r).flat_map(|i| {
            (0..n_c).map(move |j| {
                let r = ((i as f64 * fr) as usize).min(d.rows - 1);
                let c = ((j as f64 * fc) as usize).min(d.cols - 1);
                let (x0, x1) = (j as f64 * fc - 0.5, (j + 1) as f64 * fc - 0.5);
                let (y0, y1) = (
                    rows as f64 - 0.5 - i as f64 * fr,
                    rows as f64 - 0.5 - (i + 1) as f64 * fr,
                );
                Rectangle::new(
                    [(x0, y0), (x1, y1)],
                    d.scale.color(d.values[r * d.cols + c]).filled(),
                )
            })
        });
        chart.draw_series(rects).map_err(err)?;
    }
    if let Some(c) = d.cursor.filter(|&c| c < d.cols) {
        let rect = [(c as f64 - 0.5, rows as f64 - 0.5), (c as f64 + 0.5, -0.5)];
        chart
            .draw_series([Rectangle::new(rect, BLACK.stroke_width(look.len(2.0)))])
            .map_err(err)?;
    }
    if let Some((r, c)) = d.selected.filter(|&(r, c)| r < d.rows && c < d.cols) {
        chart
            .draw_series([Rectangle::new(
                cell(r, c),
                RGBColor(255, 0, 150).stroke_width(look.len(3.0)),
            )])
            .map_err(err)?;
    }
    draw_bar(&bar, look, d.scale, d.bar_label)?;
    Ok(GridProjection {
        left: f64::from(xr.start),
        top: f64::from(yr.start),
        right: f64::from(xr.end),
        bottom: f64::from(yr.end),
        rows: d.rows,
        cols: d.cols,
    })
}

/// Fills the `(w, h)` pixels at `(x, y)` with the grid's colours, row 0 at the top.
fn paint_cells(
    canvas: &HtmlCanvasElement,
    d: &HeatmapData<'_>,
    x: i32,
    y: i32,
    w: i32,
    h: i32,
) -> Result<(), ChartError> {
    if d.rows == 0 || d.cols == 0 || w <= 0 || h <= 0 {
        return Ok(());
    }
    let (w, h) = (w as usize, h as usize);
    let rgba = cell_pixels(d, w, h);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| wasm_bindgen::JsCast::dyn_into(c).ok())
        .ok_or_else(|| ChartError("no 2-D context".into()))?;
    let img = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(&rgba),
        w as u32,
        h as u32,
    )
    .map_err(|e| ChartError(format!("image: {e:?}")))?;
    ctx.put_image_data(&img, f64::from(x), f64::from(y))
        .map_err(|e| ChartError(format!("image: {e:?}")))
}

/// The `(w, h)` RGBA pixels of the grid, nearest cell per pixel, row 0 at the top. Each cell's
/// colour is computed once per grid row (`d.cols` colours, not `w`), and a pixel row that
/// shows the same grid row as the one above is a copy of it.
fn cell_pixels(d: &HeatmapData<'_>, w: usize, h: usize) -> Vec<u8> {
    let cols_at: Vec<usize> = (0..w).map(|px| (px * d.cols / w).min(d.cols - 1)).collect();
    let mut rgba = vec![255u8; w * h * 4];
    let mut colours: Vec<[u8; 3]> = Vec::with_capacity(d.cols);
    let stride = w * 4;
    let mut last_row = None;
    for py in 0..h {
        let r = (py * d.rows / h).min(d.rows - 1);
        if last_row == Some(r) {
            rgba.copy_within((py - 1) * stride..py * stride, py * stride);
            continue;
        }
        last_row = Some(r);
        colours.clear();
        colours.extend(d.values[r * d.cols..(r + 1) * d.cols].iter().map(|&v| {
            let RGBColor(red, green, blue) = d.scale.color(v);
            [red, green, blue]
        }));
        let line = &mut rgba[py * stride..(py + 1) * stride];
        for (px, &c) in cols_at.iter().enumerate() {
            line[px * 4..px * 4 + 3].copy_from_slice(&colours[c]);
        }
    }
    rgba
}

/// A vertical colour bar with its end values and caption.
fn draw_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: Look,
    scale: Scale,
    label: &str,
) -> Result<(), ChartError> {
    let (lo, hi) = scale.range();
    let (_, h) = area.dim_in_pixel();
    let t = |css: f64| look.text_len(css) as i32;
    let (top, bottom) = (t(24.0), h as i32 - t(44.0));
    let n = 48;
    for k in 0..n {
        let y0 = top + (bottom - top) * k / n;
        let y1 = top + (bottom - top) * (k + 1) / n;
        let v = hi - (hi - lo) * (f64::from(k) + 0.5) / f64::from(n);
        area.draw(&Rectangle::new(
            [(look.off(8.0), y0), (look.off(24.0), y1 + 1)],
            scale.color(v).filled(),
        ))
        .map_err(err)?;
    }
    let font = ("sans-serif", look.font(12.0)).into_font();
    let fmt = |v: f64| {
        if v.abs() >= 0.01 || v == 0.0 {
            fixed2(v)
        } else {
            format!("{v:.0e}")
        }
    };
    let x = look.off(28.0);
    area.draw(&Text::new(fmt(hi), (x, top - look.off(2.0)), font.clone()))
        .map_err(err)?;
    area.draw(&Text::new(fmt(lo), (x, bottom - t(12.0)), font.clone()))
        .map_err(err)?;
    // On the axis title's row, below the tick labels: the last x tick label may reach into
    // the bar's column, and on the ticks' row the two ran together ("14000log10 ‖·‖").
    area.draw(&Text::new(
        label.to_string(),
        (look.off(8.0), bottom + t(26.0)),
        font,
    ))
    .map_err(err)?;
    Ok(())
}

#[cfg(test)]
#[path = "heatmap_tests.rs"]
mod tests;
