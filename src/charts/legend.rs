//! The line chart's legend: one entry per labelled series (and the reference line), in
//! rows above the plot area that wrap as needed, so it never covers data.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor;

use super::lines::{LinesData, Marks, DOT};
use super::surface::Look;
use super::{err, palette, ChartError};

/// Height of one legend row, CSS pixels (grows with the text factor).
pub(super) const LEGEND_ROW: f64 = 20.0;
/// Width of a legend entry's line sample, CSS pixels.
pub(super) const SAMPLE: f64 = 18.0;
/// Space between the sample and the text, and between entries, CSS pixels.
pub(super) const GAP: f64 = 6.0;

/// Splits entries of pixel widths `widths` into rows at most `avail` wide (an entry wider
/// than `avail` gets a row of its own), in order, `gap` pixels apart.
pub fn legend_rows(widths: &[u32], avail: u32, gap: u32) -> Vec<Range<usize>> {
    let mut rows = Vec::new();
    let (mut start, mut used) = (0, 0u32);
    for (i, &w) in widths.iter().enumerate() {
        let need = if i == start { w } else { used + gap + w };
        if i > start && need > avail {
            rows.push(start..i);
            start = i;
            used = w;
        } else {
            used = need;
        }
    }
    if start < widths.len() {
        rows.push(start..widths.len());
    }
    rows
}

/// One legend entry: text, colour, stroke width, sample.
pub(super) type Entry<'a> = (&'a str, RGBColor, u32, Sample);

/// A legend entry's sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Sample {
    Line,
    Dashed,
    Dotted,
}

/// The legend entries: the reference line, then every labelled series.
pub(super) fn entries<'a>(d: &'a LinesData<'_>) -> Vec<Entry<'a>> {
    d.reference
        .filter(|r| r.0.is_finite() && !r.1.is_empty())
        .map(|r| (r.1, palette::GREY, 2, Sample::Dashed))
        .into_iter()
        .chain(d.series.iter().filter(|s| !s.label.is_empty()).map(|s| {
            let sample = match s.marks {
                Marks::Line => Sample::Line,
                Marks::Dots => Sample::Dotted,
            };
            (s.label, s.color, s.width.max(2), sample)
        }))
        .collect()
}

/// Draws the legend rows into `area` (already sized by [`legend_rows`]); `widths` and `left`
/// are drawing-buffer pixels.
#[allow(clippy::too_many_arguments)]
pub(super) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: Look,
    items: &[Entry<'_>],
    widths: &[u32],
    rows: &[Range<usize>],
    left: i32,
    right_align: bool,
) -> Result<(), ChartError> {
    let style = TextStyle::from(("sans-serif", look.font(12.0)).into_font())
        .color(&BLACK)
        .pos(text_anchor::Pos::new(
            text_anchor::HPos::Left,
            text_anchor::VPos::Center,
        ));
    let right = area.dim_in_pixel().0 as i32 - look.off(10.0);
    let (gap, sample, row_h) = (look.off(GAP), look.off(SAMPLE), look.text_len(LEGEND_ROW));
    for (r, row) in rows.iter().enumerate() {
        let total: i32 = widths[row.clone()].iter().sum::<u32>() as i32
            + gap * 2 * (row.len().saturating_sub(1) as i32);
        let mut x = if right_align {
            (right - total).max(left)
        } else {
            left
        };
        let y = (r as u32 * row_h + row_h / 2) as i32;
        for i in row.clone() {
            let (label, color, width, kind) = items[i];
            let line = color.stroke_width(look.len(f64::from(width)));
            match kind {
                Sample::Dashed => {
                    for k in 0..2 {
                        let x0 = x + k * look.off(11.0);
                        area.draw(&PathElement::new([(x0, y), (x0 + look.off(7.0), y)], line))
                            .map_err(err)?;
                    }
                }
                Sample::Line => {
                    area.draw(&PathElement::new([(x, y), (x + sample, y)], line))
                        .map_err(err)?;
                }
                Sample::Dotted => {
                    let thin = color.stroke_width(look.len(1.0));
                    area.draw(&PathElement::new([(x, y), (x + sample, y)], thin))
                        .map_err(err)?;
                    area.draw(&Circle::new(
                        (x + sample / 2, y),
                        look.len(DOT),
                        color.filled(),
                    ))
                    .map_err(err)?;
                }
            }
            let tx = x + sample + gap;
            area.draw(&Text::new(label, (tx, y), style.clone()))
                .map_err(err)?;
            x += widths[i] as i32 + 2 * gap;
        }
    }
    Ok(())
}
