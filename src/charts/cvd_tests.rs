//! Colour-vision-deficiency checks of the run colours and the colour maps: each colour is
//! passed through the Machado–Oliveira–Fernandes (2009) full-severity simulation of
//! protanopia, deuteranopia and tritanopia (3×3 matrices on linear sRGB), then compared in
//! CIELAB. Run colours: every pair of the first 3 (the most cells compared) stays ≥ 15 ΔE*ab
//! apart (the closest, 17.0, is blue vs bluish green under tritanopia; the legend names
//! each run too). Viridis: L* still rises strictly along the map (order readable by lightness alone).
//! RdBu: L* rises from each end to the white middle, and the two ends stay ≥ 20 ΔE*ab apart.

use plotters::style::RGBColor;
use wasm_bindgen_test::wasm_bindgen_test;

use super::colormap::Scale;
use super::palette::CYCLE;

/// Simulation matrices (linear RGB → linear RGB), severity 1.0.
const CVD: [(&str, [[f64; 3]; 3]); 3] = [
    (
        "protanopia",
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ],
    ),
    (
        "deuteranopia",
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ],
    ),
    (
        "tritanopia",
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ],
    ),
];

fn linear(c: u8) -> f64 {
    let v = f64::from(c) / 255.0;
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

/// CIELAB (D65) of `c` as seen with deficiency matrix `m`.
fn lab(c: RGBColor, m: &[[f64; 3]; 3]) -> [f64; 3] {
    let rgb = [linear(c.0), linear(c.1), linear(c.2)];
    let s: Vec<f64> = m
        .iter()
        .map(|row| (0..3).map(|j| row[j] * rgb[j]).sum::<f64>().clamp(0.0, 1.0))
        .collect();
    let x = (0.4124 * s[0] + 0.3576 * s[1] + 0.1805 * s[2]) / 0.95047;
    let y = 0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2];
    let z = (0.0193 * s[0] + 0.1192 * s[1] + 0.9505 * s[2]) / 1.08883;
    let f = |t: f64| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    [
        116.0 * f(y) - 16.0,
        500.0 * (f(x) - f(y)),
        200.0 * (f(y) - f(z)),
    ]
}

fn delta_e(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

#[wasm_bindgen_test(unsupported = test)]
fn run_colours_stay_apart_under_colour_vision_deficiency() {
    for (name, m) in &CVD {
        for (i, &ci) in CYCLE.iter().enumerate().take(3) {
            for (j, &cj) in CYCLE.iter().enumerate().take(3).skip(i + 1) {
                let d = delta_e(lab(ci, m), lab(cj, m));
                assert!(d >= 15.0, "{name}: runs {i} and {j} only {d:.1} ΔE apart");
            }
        }
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn colour_maps_keep_their_order_in_lightness_under_colour_vision_deficiency() {
    let seq = Scale::Sequential { lo: 0.0, hi: 1.0 };
    let div = Scale::Diverging { limit: 1.0 };
    for (name, m) in &CVD {
        let l: Vec<f64> = (0..=16)
            .map(|k| lab(seq.color(f64::from(k) / 16.0), m)[0])
            .collect();
        assert!(
            l.windows(2).all(|w| w[1] > w[0]),
            "{name}: viridis L* not rising: {l:?}"
        );
        for sign in [-1.0, 1.0] {
            let l: Vec<f64> = (0..=8)
                .map(|k| lab(div.color(sign * (1.0 - f64::from(k) / 8.0)), m)[0])
                .collect();
            assert!(
                l.windows(2).all(|w| w[1] > w[0]),
                "{name}: RdBu L* not rising to white from {sign}: {l:?}"
            );
        }
        let ends = delta_e(lab(div.color(-1.0), m), lab(div.color(1.0), m));
        assert!(ends >= 20.0, "{name}: RdBu ends only {ends:.1} ΔE apart");
    }
}
