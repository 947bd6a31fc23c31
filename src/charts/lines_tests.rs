//! The line chart's ranges and legend layout.
use super::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test(unsupported = test)]
fn legend_rows_wrap_in_order_and_never_drop_an_entry() {
    assert_eq!(legend_rows(&[50, 50, 50], 200, 10), vec![0..3]);
    assert_eq!(legend_rows(&[50, 50, 50], 120, 10), vec![0..2, 2..3]);
    // An entry wider than the row still gets a row of its own.
    assert_eq!(legend_rows(&[300, 40, 40], 100, 10), vec![0..1, 1..3]);
    assert_eq!(legend_rows(&[], 100, 10), Vec::<Range<usize>>::new());
}

#[wasm_bindgen_test(unsupported = test)]
fn log_range_ignores_non_positive_values_and_covers_the_reference() {
    let pts = [(0.0, 0.5), (1.0, 0.0), (2.0, -3.0), (3.0, 0.01)];
    let d = LinesData {
        series: vec![Series::new("a", &pts, palette::BLUE)],
        x_desc: "",
        y_desc: "",
        y: YAxis::Log,
        reference: Some((1.0 / 6.0, "baseline")),
        cursor: None,
        x_range: None,
        legend: Corner::UpperRight,
    };
    let (lo, hi) = y_range(&d);
    assert!(lo > 0.0 && lo < 0.01 && hi > 0.5);
    assert_eq!(x_range(&d), (0.0, 3.0));
    let empty = LinesData {
        series: Vec::new(),
        ..d.clone()
    };
    assert_eq!(x_range(&empty), (0.0, 1.0), "no point: a unit axis");
    let lin = LinesData {
        y: YAxis::Linear(None),
        reference: None,
        ..d.clone()
    };
    let (lo, hi) = y_range(&lin);
    assert!(lo < -3.0 && hi > 0.5);
}

/// A log-axis chart of `series` with nothing else on it.
fn log_chart(series: Vec<Series<'_>>) -> LinesData<'_> {
    LinesData {
        series,
        x_desc: "",
        y_desc: "",
        y: YAxis::Log,
        reference: None,
        cursor: None,
        x_range: None,
        legend: Corner::UpperRight,
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn a_narrow_log_range_is_a_decade_tall_about_the_data_s_middle() {
    let pts = [(0.0, 0.9), (1.0, 1.0)]; // an LSTM's max f_t
    let d = log_chart(vec![Series::new("", &pts, palette::GREEN)]);
    let (lo, hi) = y_range(&d);
    assert!((hi / lo - 10.0).abs() < 1e-9, "one decade: {lo} {hi}");
    let mid = (lo * hi).sqrt().log10();
    assert!(
        (mid - (0.9f64 * 1.0).sqrt().log10()).abs() < 1e-9,
        "centred: {lo} {hi}"
    );
    // A range wider than a decade keeps its 1.6× padding.
    let wide = [(0.0, 0.01), (1.0, 1.0)];
    let (lo, hi) = y_range(&LinesData {
        series: vec![Series::new("", &wide, palette::GREEN)],
        ..d
    });
    assert!(
        (lo - 0.01 / 1.6).abs() < 1e-12 && (hi - 1.6).abs() < 1e-12,
        "{lo} {hi}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_band_s_lower_edge_counts_for_the_axes() {
    let (hi, lo) = ([(1.0, 0.5), (2.0, 0.4)], [(1.0, 0.01), (2.0, 0.02)]);
    let d = log_chart(vec![Series {
        fill_to: Some(&lo),
        ..Series::new("", &hi, palette::BLUE)
    }]);
    let (y0, y1) = y_range(&d);
    assert!(y0 < 0.01 && y1 > 0.5, "{y0} {y1}");
    assert!(
        entries(&d).is_empty(),
        "an unlabelled band has no legend entry"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_vanished_gradient_lies_inside_the_log_axis_not_pinned_to_its_edge() {
    // An exploding-gradient RNN's ‖∂h_T/∂h_k‖ over the lag: 2.6e-100 at the far end.
    let pts = [(0.0, 1.0), (10.0, 1e-30), (49.0, 2.61e-100)];
    let (lo, hi) = y_range(&log_chart(vec![Series::new("", &pts, palette::BLUE)]));
    assert!(lo < 2.61e-100 && lo > 1e-105 && hi > 1.0, "{lo} {hi}");
    // 8 % of the 99.6 decades spanned, at most 4, is left free at each end: the top of a
    // curve is not drawn on the frame.
    assert!((hi.log10() - 4.0).abs() < 1e-9, "{lo} {hi}");
    let pts = [(0.0, 1e-5), (1.0, 1e-25)];
    let (_, hi) = y_range(&log_chart(vec![Series::new("", &pts, palette::BLUE)]));
    assert!(
        (hi.log10() - (-5.0 + 1.6)).abs() < 1e-9,
        "20 decades: 1.6 free: {hi}"
    );
    // Extremes stay finite: an exploding norm beside a vanished one.
    for pts in [[(0.0, 1e10), (1.0, 1e-300)], [(0.0, 1e300), (1.0, 1e-320)]] {
        let (lo, hi) = y_range(&log_chart(vec![Series::new("", &pts, palette::BLUE)]));
        assert!(
            lo.is_normal() && hi.is_finite() && hi > pts[0].1,
            "{lo} {hi}"
        );
    }
    // Subnormal and smaller values do not make the range degenerate.
    let pts = [(0.0, 1.0), (1.0, 1e-320)];
    let (lo, hi) = y_range(&log_chart(vec![Series::new("", &pts, palette::BLUE)]));
    assert!(lo.is_normal() && lo > 0.0 && hi > 1.0, "{lo} {hi}");
}

#[wasm_bindgen_test(unsupported = test)]
fn x_labels_are_whole_on_whole_axes_even_before_the_first_point() {
    // Before training: no point, a 0…1 axis labelled 0 and 1, not 0.2, 0.4, …
    let empty = log_chart(Vec::new());
    let (x0, x1) = x_range(&empty);
    assert_eq!(x_ticks(x0, x1, 7, x_labels(&empty, x0, x1)), vec![0.0, 1.0]);
    // Three training steps: 0, 1, 2, 3.
    let steps = [(0.0, 1.0), (3.0, 0.5)];
    let d = log_chart(vec![Series::new("a", &steps, palette::BLUE)]);
    let (x0, x1) = x_range(&d);
    assert_eq!(
        x_ticks(x0, x1, 7, x_labels(&d, x0, x1)),
        vec![0.0, 1.0, 2.0, 3.0]
    );
    // Seconds: fractional values, fractional labels.
    let secs = [(0.05, 1.0), (0.6, 0.5)];
    let d = log_chart(vec![Series::new("a", &secs, palette::BLUE)]);
    let (x0, x1) = x_range(&d);
    let t = x_ticks(x0, x1, 7, x_labels(&d, x0, x1));
    assert!(t.len() >= 3 && t.iter().any(|v| v.fract() != 0.0), "{t:?}");
}

#[wasm_bindgen_test(unsupported = test)]
fn x_labels_thin_out_where_they_would_run_together() {
    // A 379 px loss chart in presenter mode (text × 1.6): 6,000 steps took 7 labels
    // ("1000200030004000…"); four-digit labels of 12 px type at 1.6× need ~62 px each.
    let big = Look { px: 1.0, text: 1.6 };
    let n = x_label_count(300, big, 0.0, 6000.0, Labels::Whole);
    assert!((2..=4).contains(&n), "{n}");
    let steps = [(0.0, 1.0), (6000.0, 0.5)];
    let d = log_chart(vec![Series::new("a", &steps, palette::BLUE)]);
    let t = x_ticks(0.0, 6000.0, n, x_labels(&d, 0.0, 6000.0));
    assert!(t.len() <= n && t.len() >= 2, "{t:?}");
    // A wide chart at normal text keeps all seven.
    assert_eq!(
        x_label_count(900, Look { px: 1.0, text: 1.0 }, 0.0, 6000.0, Labels::Whole),
        7
    );
}

// Native only: the legend measures its text, which plotters does through the DOM on wasm,
// and the unit tests there run in Node.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_lone_point_is_drawn_as_a_dot() {
    // A sweep over one length: each model's "ms per step vs T" is one point; a line through
    // it drew nothing, and the chart showed a legend over an empty plot.
    let one = [(40.0, 4.1)];
    let d = LinesData {
        y: YAxis::Linear(None),
        ..log_chart(vec![Series::new("GRU", &one, palette::BLUE)])
    };
    let buf = std::cell::RefCell::new(String::new());
    let surface = crate::charts::surface::Surface {
        target: crate::charts::surface::Target::Svg(&buf, (400, 300)),
        look: Look::default(),
    };
    draw(&surface, &d).expect("draws");
    assert_eq!(buf.into_inner().matches("<circle").count(), 1);
}

#[wasm_bindgen_test(unsupported = test)]
fn two_digit_lengths_keep_several_labels_on_a_narrow_presenter_chart() {
    // A 250 px sweep chart over T = 20…80 in presenter mode: assuming four characters a label
    // left room for 3, and the round values at most 3 apart over 20…80 are just "50".
    let big = Look { px: 1.0, text: 1.6 };
    let n = x_label_count(250, big, 20.0, 80.0, Labels::Whole);
    let lengths = [(20.0, 1.0), (40.0, 0.5), (80.0, 0.2)];
    let d = log_chart(vec![Series::new("a", &lengths, palette::BLUE)]);
    assert_eq!(
        x_ticks(20.0, 80.0, n, x_labels(&d, 20.0, 80.0)),
        [20.0, 40.0, 60.0, 80.0],
        "{n}"
    );
    // Seconds with one decimal take more room than whole steps of the same magnitude.
    assert!(
        x_label_count(250, big, 0.0, 9.0, Labels::OneDecimal)
            < x_label_count(250, big, 0.0, 9.0, Labels::Whole)
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn the_y_label_area_fits_the_widest_label() {
    let area = |labels: &[&str]| y_label_area(labels.iter().map(|l| l.to_string()));
    assert_eq!(area(&["1e0", "1e1"]), 58.0, "short labels: the usual width");
    // "1e-15" at 13 px is ~35 px wide: with the axis title and ticks it needs ~69 px.
    let wide = area(&["1e0", "1e-15", "1e-25"]);
    assert!(wide > area(&["1e-5"]) && wide > 66.0, "{wide}");
    assert_eq!(area(&[]), 58.0);
}
