//! Colour maps: a sequential one for values in [0, 1] (gates) and a diverging one for signed
//! values (states, gradients), both perceptually ordered and colour-blind safe.

use plotters::style::RGBColor;

/// Viridis, sampled at 9 anchors; for gates in [0, 1].
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (71, 44, 122),
    (59, 81, 139),
    (44, 113, 142),
    (33, 144, 141),
    (39, 173, 129),
    (92, 200, 99),
    (170, 220, 50),
    (253, 231, 37),
];

/// Blue–white–red (ColorBrewer RdBu reversed), 7 anchors; for signed values.
const RDBU: [(u8, u8, u8); 7] = [
    (33, 102, 172),
    (103, 169, 207),
    (209, 229, 240),
    (247, 247, 247),
    (253, 219, 199),
    (239, 138, 98),
    (178, 24, 43),
];

fn lerp(anchors: &[(u8, u8, u8)], u: f64) -> RGBColor {
    let u = if u.is_finite() {
        u.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = u * (anchors.len() - 1) as f64;
    let i = (pos.floor() as usize).min(anchors.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (anchors[i], anchors[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// How values map to colours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// Sequential over `[lo, hi]`.
    Sequential {
        /// Value at the dark end.
        lo: f64,
        /// Value at the bright end.
        hi: f64,
    },
    /// Diverging around 0 over `[−limit, limit]`.
    Diverging {
        /// Magnitude at the saturated ends.
        limit: f64,
    },
}

impl Scale {
    /// The colour of `v`; non-finite values are light grey.
    pub fn color(self, v: f64) -> RGBColor {
        if !v.is_finite() {
            return RGBColor(225, 225, 225);
        }
        match self {
            Scale::Sequential { lo, hi } => lerp(&VIRIDIS, (v - lo) / (hi - lo).max(1e-12)),
            Scale::Diverging { limit } => lerp(&RDBU, 0.5 + 0.5 * v / limit.max(1e-12)),
        }
    }
    /// The value range `(lo, hi)` the scale spans.
    pub fn range(self) -> (f64, f64) {
        match self {
            Scale::Sequential { lo, hi } => (lo, hi),
            Scale::Diverging { limit } => (-limit, limit),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn ends_and_middle_are_the_anchor_colours() {
        let s = Scale::Sequential { lo: 0.0, hi: 1.0 };
        assert_eq!(s.color(0.0), RGBColor(68, 1, 84));
        assert_eq!(s.color(1.0), RGBColor(253, 231, 37));
        assert_eq!(s.color(7.0), RGBColor(253, 231, 37), "clamped");
        let d = Scale::Diverging { limit: 2.0 };
        assert_eq!(d.color(0.0), RGBColor(247, 247, 247), "zero is white");
        assert_eq!(d.color(-2.0), RGBColor(33, 102, 172));
        assert_eq!(d.color(f64::NAN), RGBColor(225, 225, 225));
    }
}
