//! Where a chart is drawn and at what scale: a `<canvas>` at the screen's pixel density, or an
//! SVG string for export. Every chart's `draw(surface, &data)` runs one stateless painter,
//! generic over the plotters backend, on either (see [`on_surface!`]).
//!
//! Sizes in the draw functions are written in CSS pixels and pass through [`Look`]: lengths
//! (margins, strokes, marker radii) are multiplied by the device-pixel ratio `px`, text sizes
//! and the label areas that hold text also by the presenter's text factor `text`.

use std::cell::RefCell;

use web_sys::HtmlCanvasElement;

/// The scale a chart is drawn at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Look {
    /// Drawing-buffer pixels per CSS pixel (`window.devicePixelRatio`; 1 for SVG).
    pub px: f64,
    /// Text size factor (presenter mode: > 1).
    pub text: f64,
}

impl Default for Look {
    fn default() -> Self {
        Self { px: 1.0, text: 1.0 }
    }
}

impl Look {
    /// A look for pixel ratio `dpr` and text factor `text`; a ratio or factor that is not a
    /// finite number ≥ 1 … ≤ 4 is clamped into that range (NaN → 1).
    pub fn new(dpr: f64, text: f64) -> Self {
        let fix = |v: f64| {
            if v.is_finite() {
                v.clamp(1.0, 4.0)
            } else {
                1.0
            }
        };
        Self {
            px: fix(dpr),
            text: fix(text),
        }
    }

    /// `css` CSS pixels as drawing-buffer pixels (a length: margin, stroke, radius), ≥ 1.
    pub fn len(self, css: f64) -> u32 {
        (css * self.px).round().max(1.0) as u32
    }

    /// `css` CSS pixels as a signed drawing-buffer offset.
    pub fn off(self, css: f64) -> i32 {
        (css * self.px).round() as i32
    }

    /// A font of nominal size `css` CSS pixels, in drawing-buffer pixels.
    pub fn font(self, css: f64) -> f64 {
        css * self.px * self.text
    }

    /// A length that holds text (a label area, a legend row), in drawing-buffer pixels.
    pub fn text_len(self, css: f64) -> u32 {
        (css * self.px * self.text).round().max(1.0) as u32
    }
}

/// What a chart draws on.
pub enum Target<'a> {
    /// The page's canvas (its drawing buffer is already sized).
    Canvas(&'a HtmlCanvasElement),
    /// An SVG document of `(width, height)` user units, written into the string.
    Svg(&'a RefCell<String>, (u32, u32)),
}

/// A target and the scale to draw at.
pub struct Surface<'a> {
    /// Canvas or SVG.
    pub target: Target<'a>,
    /// Pixel ratio and text factor.
    pub look: Look,
}

/// The drawing-buffer size of a canvas shown `css_w` CSS pixels wide with the nominal aspect
/// `aspect_w : aspect_h`, at pixel ratio `dpr`: the CSS width is kept within 240–1600 and the
/// CSS height at least 220, then both are multiplied by the ratio.
pub fn buffer_size(css_w: f64, aspect_w: u32, aspect_h: u32, dpr: f64) -> (u32, u32) {
    let w = css_w.round().clamp(240.0, 1600.0);
    let h = (w * f64::from(aspect_h) / f64::from(aspect_w.max(1)))
        .round()
        .max(220.0);
    let px = Look::new(dpr, 1.0).px;
    ((w * px).round() as u32, (h * px).round() as u32)
}

/// Runs `$body` with `$root` bound to a plotters drawing area over `$surface` (filled white)
/// and `$canvas` to `Option<&HtmlCanvasElement>` (`None` for SVG), then presents it. `$body`
/// is a `Result<T, ChartError>`; the macro evaluates to the same type. A macro because the
/// painter is generic over the backend, which a closure cannot be.
macro_rules! on_surface {
    ($surface:expr, |$root:ident, $canvas:ident| $body:expr) => {{
        use plotters::prelude::IntoDrawingArea as _;
        match $surface.target {
            $crate::charts::surface::Target::Canvas(c) => {
                // Text sizes are remembered: plotters measures each label by a page layout.
                let backend = plotters_canvas::CanvasBackend::with_canvas_object(c.clone())
                    .map($crate::charts::measured::Measured)
                    .ok_or_else(|| $crate::charts::ChartError("no 2-D context".into()))?;
                let $root = backend.into_drawing_area();
                let $canvas: Option<&web_sys::HtmlCanvasElement> = Some(c);
                $root
                    .fill(&plotters::style::WHITE)
                    .map_err($crate::charts::err)?;
                let out = $body?;
                $root.present().map_err($crate::charts::err)?;
                Ok(out)
            }
            $crate::charts::surface::Target::Svg(buf, size) => {
                let mut buf = buf.borrow_mut();
                buf.clear();
                let $root =
                    plotters_svg::SVGBackend::with_string(&mut buf, size).into_drawing_area();
                let $canvas: Option<&web_sys::HtmlCanvasElement> = None;
                let _ = $canvas;
                $root
                    .fill(&plotters::style::WHITE)
                    .map_err($crate::charts::err)?;
                let out = $body?;
                $root.present().map_err($crate::charts::err)?;
                drop($root);
                Ok(out)
            }
        }
    }};
}
pub(crate) use on_surface;

/// plotters-svg writes each `font-size` as the font's size / 1.24; this multiplies them back,
/// so the SVG's text has the size the same chart's canvas text has (and its layout assumed).
pub fn svg_font_sizes(svg: &str) -> String {
    const KEY: &str = "font-size=\"";
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(i) = rest.find(KEY) {
        let (head, tail) = rest.split_at(i + KEY.len());
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        match tail[..end].parse::<f64>() {
            Ok(v) => out.push_str(&format!("{}", (v * 1.24 * 100.0).round() / 100.0)),
            Err(_) => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn the_buffer_follows_the_pixel_ratio_and_keeps_the_aspect() {
        assert_eq!(buffer_size(600.0, 720, 300, 1.0), (600, 250));
        assert_eq!(buffer_size(600.0, 720, 300, 2.0), (1200, 500));
        // Fractional ratios (browser zoom) round per side.
        assert_eq!(buffer_size(600.0, 720, 300, 1.5), (900, 375));
        // The minimum CSS height holds before scaling.
        assert_eq!(buffer_size(300.0, 720, 200, 2.0), (600, 440));
        // A hostile or missing ratio draws at 1.
        assert_eq!(buffer_size(600.0, 720, 300, f64::NAN), (600, 250));
        assert_eq!(buffer_size(600.0, 720, 300, 0.0), (600, 250));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn svg_text_gets_the_canvas_font_size_back() {
        let svg =
            r#"<text font-size="10.483870967741936" x="1">a</text><text font-size="x">b</text>"#;
        assert_eq!(
            svg_font_sizes(svg),
            r#"<text font-size="13" x="1">a</text><text font-size="x">b</text>"#
        );
        assert_eq!(svg_font_sizes("<svg/>"), "<svg/>");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn lengths_scale_with_the_ratio_and_text_also_with_the_factor() {
        let l = Look::new(2.0, 1.5);
        assert_eq!(l.len(10.0), 20);
        assert_eq!(l.font(12.0), 36.0);
        assert_eq!(l.text_len(36.0), 108);
        assert_eq!(Look::new(2.0, 1.5).off(-3.0), -6);
        assert_eq!(Look::default().len(0.2), 1);
    }
}
