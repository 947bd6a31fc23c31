//! The timing sentence's tests.

use super::*;
use crate::sweep::SweepPoint;

fn pt(cell: usize, len: usize, ms: f64, flops: f64) -> SweepPoint {
    SweepPoint {
        cell,
        len,
        seed: 0,
        val_loss: 0.1,
        accuracy: None,
        baseline: 1.0,
        curve: Vec::new(),
        ms_per_step: ms,
        flops_per_step: flops,
    }
}

#[test]
fn the_sentence_gives_each_models_measured_and_formula_ratio_between_its_extreme_lengths() {
    let t = SweepTable {
        cells: vec!["GRU".into(), "Attention".into()],
        lengths: vec![20, 80, 40],
        points: vec![
            pt(0, 20, 1.0, 100.0),
            pt(1, 20, 0.5, 50.0),
            pt(0, 40, 2.1, 200.0),
            pt(1, 40, 1.5, 180.0),
            pt(0, 80, 3.9, 400.0),
            // Two seeds at T 80 for attention: the mean 4.55 ms.
            pt(1, 80, 4.5, 580.0),
            SweepPoint {
                seed: 1,
                ..pt(1, 80, 4.6, 580.0)
            },
        ],
        ..SweepTable::default()
    };
    let g = growth(&t);
    assert_eq!((g[0].from, g[0].to), (20, 80));
    assert!((g[0].measured - 3.9).abs() < 1e-12 && (g[0].formula - 4.0).abs() < 1e-12);
    assert!((g[1].measured - 9.1).abs() < 1e-9 && (g[1].formula - 11.6).abs() < 1e-9);
    assert_eq!(
        timing_sentence(&t),
        "From T 20 to T 80 (×4.0) the time per training step grew: GRU ×3.9 measured \
         (×4.0 by the FLOPs formula); Attention ×9.1 measured (×11.6)."
    );
}

#[test]
fn a_model_measured_at_one_length_only_is_left_out() {
    let t = SweepTable {
        cells: vec!["GRU".into(), "TCN".into(), "Attention".into()],
        lengths: vec![10, 30],
        points: vec![
            pt(0, 10, 1.0, 10.0),
            pt(1, 10, 1.0, 10.0),
            pt(2, 10, 1.0, 10.0),
            pt(0, 30, 2.0, 30.0),
            // The TCN's job at 30 failed (NaN time): its line ends at 10.
            pt(1, 30, f64::NAN, 30.0),
        ],
        cancelled: true,
        ..SweepTable::default()
    };
    let g = growth(&t);
    assert_eq!(g.len(), 1, "{g:?}");
    assert_eq!(
        timing_sentence(&t),
        "From T 10 to T 30 (×3.0) the time per training step grew: GRU ×2.0 measured \
         (×3.0 by the FLOPs formula)."
    );
    let none = SweepTable::default();
    assert_eq!(timing_sentence(&none), "");
}

#[test]
fn a_copy_memory_sweep_names_its_delays_and_the_growth_of_t() {
    // n = 10 symbols: T = delay + 21, so delays 9 → 79 are T 30 → 100 (×3.3, not ×8.8).
    let t = SweepTable {
        cells: vec!["GRU".into()],
        lengths: vec![9, 79],
        points: vec![pt(0, 9, 1.0, 30.0), pt(0, 79, 3.2, 100.0)],
        knob: SweepKnob::Delay { symbols: 10 },
        ..SweepTable::default()
    };
    assert_eq!(
        timing_sentence(&t),
        "From delay 9 to delay 79 (T 30 → 100, ×3.3) the time per training step grew: GRU \
         ×3.2 measured (×3.3 by the FLOPs formula)."
    );
}
