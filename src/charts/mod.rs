//! Charts: each module has a stateless `draw(surface, &data) -> Result` over plain numbers
//! (plotters-wasm-demo style); none sees a model type. A [`surface::Surface`] is a canvas at
//! the screen's pixel density or an SVG string, with the text factor of presenter mode.

pub mod colormap;
pub mod heatmap;
pub mod legend;
pub mod lines;
mod lines_axes;
pub mod measured;
pub mod projection;
pub mod strip;
pub mod strip_words;
pub mod surface;
pub mod ticks;
pub mod trajectory;

#[cfg(test)]
mod cvd_tests;

use std::fmt;

/// A chart could not be drawn (no 2-D context, or a plotters error).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartError(pub String);

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "chart: {}", self.0)
    }
}

impl std::error::Error for ChartError {}

/// Turns any displayable plotters error into a [`ChartError`].
pub(crate) fn err<E: fmt::Display>(e: E) -> ChartError {
    ChartError(e.to_string())
}

/// The house palette: colour-blind-safe categorical colours (Okabe–Ito).
pub mod palette {
    use plotters::style::RGBColor;
    /// Blue — the GRU / training curve.
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    /// Vermillion — the RNN / validation curve.
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    /// Bluish green — the LSTM.
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    /// Reddish purple — a fourth series.
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
    /// Orange.
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    /// Sky blue.
    pub const SKY: RGBColor = RGBColor(86, 180, 233);
    /// Grey for baselines and axes.
    pub const GREY: RGBColor = RGBColor(110, 110, 110);
    /// Categorical cycle.
    pub const CYCLE: [RGBColor; 6] = [BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY];
}
