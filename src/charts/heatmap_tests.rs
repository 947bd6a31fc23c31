//! The heatmap's pixels and labels.
use super::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// A `(rows, cols)` grid of `values` in `scale`, columns numbered from `x_first`, with no
/// texts, cursor or selection.
fn grid(values: &[f64], rows: usize, cols: usize, scale: Scale, x_first: f64) -> HeatmapData<'_> {
    HeatmapData {
        values,
        rows,
        cols,
        scale,
        x_desc: "",
        y_desc: "",
        x_first,
        x_step: 1.0,
        bar_label: "",
        cursor: None,
        selected: None,
    }
}

/// The per-pixel colour the image must have: nearest cell, row 0 at the top.
fn pixel(d: &HeatmapData<'_>, w: usize, h: usize, px: usize, py: usize) -> [u8; 4] {
    let r = (py * d.rows / h).min(d.rows - 1);
    let c = (px * d.cols / w).min(d.cols - 1);
    let RGBColor(red, green, blue) = d.scale.color(d.values[r * d.cols + c]);
    [red, green, blue, 255]
}

#[wasm_bindgen_test(unsupported = test)]
fn rows_are_labelled_at_round_row_numbers_counted_from_the_top() {
    let (rows, cols) = (40, 3);
    let values = vec![0.5; rows * cols];
    let d = grid(
        &values,
        rows,
        cols,
        Scale::Sequential { lo: 0.0, hi: 1.0 },
        0.0,
    );
    let buf = std::cell::RefCell::new(String::new());
    let surface = Surface {
        target: crate::charts::surface::Target::Svg(&buf, (400, 400)),
        look: Look::default(),
    };
    draw(&surface, &d).expect("draws");
    let svg = buf.into_inner();
    // Every text of the SVG: x labels 0, 1, 2, the row labels, the colour bar's ticks.
    let labels: Vec<String> = svg
        .split("</text>")
        .filter_map(|t| t.rsplit('>').next())
        .map(|t| t.trim().to_string())
        .collect();
    for row in ["10", "20", "30"] {
        assert!(
            labels.iter().any(|l| l == row),
            "row {row} labelled: {labels:?}"
        );
    }
    for off in ["9", "19", "29", "39"] {
        assert!(
            !labels.iter().any(|l| l == off),
            "no label {off}: {labels:?}"
        );
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn every_pixel_shows_its_nearest_cell_when_cells_are_cached_and_rows_copied() {
    let (rows, cols) = (5, 7);
    let values: Vec<f64> = (0..rows * cols).map(|i| (i as f64 * 0.37).sin()).collect();
    let d = grid(&values, rows, cols, Scale::Diverging { limit: 1.0 }, 1.0);
    // Larger and smaller than the grid on each side (magnified and sampled).
    for (w, h) in [(23, 11), (3, 2), (7, 5), (40, 40)] {
        let img = cell_pixels(&d, w, h);
        assert_eq!(img.len(), w * h * 4);
        for py in 0..h {
            for px in 0..w {
                let i = (py * w + px) * 4;
                assert_eq!(
                    img[i..i + 4],
                    pixel(&d, w, h, px, py),
                    "pixel ({px}, {py}) of {w}×{h}"
                );
            }
        }
    }
}
