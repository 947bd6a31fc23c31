//! Pure data↔screen mappings for charts (chartistry `projection.rs`, egui `RectTransform`):
//! computed from the plot area a draw function reports, unit-tested without a browser.

/// A grid of `rows × cols` cells drawn in the pixel rectangle `[left, right) × [top, bottom)`,
/// row 0 at the top.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct GridProjection {
    /// Left edge of the plot area in canvas pixels.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Right edge (exclusive).
    pub right: f64,
    /// Bottom edge (exclusive).
    pub bottom: f64,
    /// Number of rows (units).
    pub rows: usize,
    /// Number of columns (time steps).
    pub cols: usize,
}

impl GridProjection {
    /// The `(row, col)` under canvas pixel `(x, y)`, if inside the grid.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        if self.rows == 0
            || self.cols == 0
            || x < self.left
            || x >= self.right
            || y < self.top
            || y >= self.bottom
        {
            return None;
        }
        let col = ((x - self.left) / (self.right - self.left) * self.cols as f64) as usize;
        let row = ((y - self.top) / (self.bottom - self.top) * self.rows as f64) as usize;
        Some((row.min(self.rows - 1), col.min(self.cols - 1)))
    }

    /// Pixel centre of cell `(row, col)`.
    pub fn center(&self, row: usize, col: usize) -> (f64, f64) {
        let w = (self.right - self.left) / self.cols.max(1) as f64;
        let h = (self.bottom - self.top) / self.rows.max(1) as f64;
        (
            self.left + (col as f64 + 0.5) * w,
            self.top + (row as f64 + 0.5) * h,
        )
    }
}

/// Converts a mouse position in CSS pixels of an element to canvas pixels, given the canvas's
/// drawing-buffer size and its displayed (CSS) size.
pub fn css_to_canvas(
    x: f64,
    y: f64,
    canvas_w: f64,
    canvas_h: f64,
    css_w: f64,
    css_h: f64,
) -> (f64, f64) {
    let sx = if css_w > 0.0 { canvas_w / css_w } else { 1.0 };
    let sy = if css_h > 0.0 { canvas_h / css_h } else { 1.0 };
    (x * sx, y * sy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn cells_map_back_to_their_centres() {
        let p = GridProjection {
            left: 50.0,
            top: 10.0,
            right: 450.0,
            bottom: 170.0,
            rows: 16,
            cols: 40,
        };
        for (r, c) in [(0, 0), (15, 39), (7, 20), (3, 1)] {
            let (x, y) = p.center(r, c);
            assert_eq!(p.cell_at(x, y), Some((r, c)));
        }
        assert_eq!(p.cell_at(49.9, 50.0), None);
        assert_eq!(p.cell_at(450.0, 50.0), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn css_pixels_scale_to_the_drawing_buffer() {
        assert_eq!(
            css_to_canvas(100.0, 50.0, 720.0, 320.0, 360.0, 160.0),
            (200.0, 100.0)
        );
        assert_eq!(css_to_canvas(3.0, 4.0, 720.0, 320.0, 0.0, 0.0), (3.0, 4.0));
    }
}
