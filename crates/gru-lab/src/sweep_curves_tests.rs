//! The multi-seed comparison's tests.

use super::*;
use crate::settings::Settings;
use crate::sweep::{curve_steps, Sweep, SweepPoint};
use gru_core::cell::CellKind;
use gru_core::Trainer;

fn point(cell: usize, seed: u64, curve: Vec<(u64, f64)>) -> SweepPoint {
    SweepPoint {
        cell,
        len: 10,
        seed,
        val_loss: curve.last().map_or(f64::NAN, |p| p.1),
        accuracy: None,
        baseline: 1.0,
        curve,
        ms_per_step: 1.0,
        flops_per_step: 1.0,
    }
}

#[test]
fn curve_steps_end_at_the_budget_without_repeats() {
    assert_eq!(curve_steps(3), vec![1, 2, 3]);
    assert_eq!(curve_steps(40), (1..=20).map(|k| 2 * k).collect::<Vec<_>>());
    let v = curve_steps(55);
    assert_eq!((v.len(), v[0], v[19]), (20, 3, 55));
    assert!(v.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn every_seeds_curve_equals_a_plain_trainer_run_with_that_seed() {
    let s = Settings {
        cells: vec![CellKind::Gru, CellKind::Lstm],
        hidden: 8,
        batch: 8,
        knob: 12,
        ..Settings::default()
    };
    let steps = 9;
    let mut sw = Sweep::new(&s, &[12], steps, 3).expect("valid");
    // Slices of 4 steps cut jobs mid-way: the curve must not notice.
    while !sw.advance(4, &|| 0.0) {}
    let t = sw.table();
    assert!(t.is_multi_seed());
    assert_eq!(t.points.len(), 6);
    for p in &t.points {
        let cfg = Settings {
            seed: p.seed,
            ..s.clone()
        }
        .train_config(s.cells[p.cell])
        .expect("valid");
        let mut tr = Trainer::<f32>::new(cfg).expect("valid");
        let mut want = Vec::new();
        for step in 1..=steps {
            tr.train_step().expect("finite");
            if curve_steps(steps).contains(&step) {
                want.push((step, tr.evaluate().loss));
            }
        }
        assert_eq!(p.curve, want, "{p:?}");
        assert_eq!(p.val_loss, want[want.len() - 1].1);
    }
    // Seeds differ, so their curves do (the band has a width).
    assert_ne!(t.points[0].curve, t.points[2].curve);
}

#[test]
fn bands_are_mean_min_max_over_the_seeds_per_step() {
    let t = SweepTable {
        cells: vec!["GRU".into(), "RNN".into()],
        lengths: vec![10],
        steps: 4,
        seeds: 3,
        points: vec![
            point(0, 1, vec![(2, 0.6), (4, 0.3)]),
            point(1, 1, vec![(2, 0.9), (4, 0.8)]),
            point(0, 2, vec![(2, 0.3), (4, 0.1)]),
            // Diverged at step 4 after a finite first validation.
            point(1, 2, vec![(2, 0.5), (4, f64::NAN)]),
            point(0, 3, vec![(2, 0.9), (4, 0.2)]),
        ],
        cancelled: true,
        ..SweepTable::default()
    };
    let b = t.seed_bands();
    assert_eq!(b.len(), 2);
    let g = &b[0];
    assert_eq!(g.len(), 2);
    assert_eq!((g[0].step, g[0].min, g[0].max, g[0].n), (2, 0.3, 0.9, 3));
    assert!((g[0].mean - 0.6).abs() < 1e-12);
    assert!((g[1].mean - 0.2).abs() < 1e-12 && g[1].min == 0.1 && g[1].max == 0.3);
    // The RNN: the diverged seed is left out of every step's band (also step 2, where it
    // was still finite), so the mean does not jump where it drops out.
    assert_eq!((b[1][0].n, b[1][0].mean, b[1][1].n), (1, 0.9, 1));
    assert_eq!(t.finals()[0], vec![0.3, 0.1, 0.2]);
    assert!(t.finals()[1][1].is_nan());
    // Not every model has three finite seeds: no ranking.
    assert_eq!(seed_ranking(&t.finals(), 3), None);
    // The page says which seed is missing from the RNN's mean (a cancelled job is not one).
    assert_eq!(t.diverged(), vec![(1, 10, 1)]);
    assert_eq!(
        t.diverged_note(),
        "Left out: RNN at T 10 diverged in 1 of 2 seeds (NaN or ∞ loss); its mean and range \
         are of the other 1."
    );
}

#[test]
fn a_diverged_run_without_other_seeds_is_named_as_a_missing_point() {
    let mut t = SweepTable {
        cells: vec!["GRU".into()],
        lengths: vec![10],
        steps: 4,
        seeds: 1,
        points: vec![point(0, 1, vec![(2, f64::INFINITY)])],
        knob: crate::sweep_knob::SweepKnob::Delay { symbols: 10 },
        ..SweepTable::default()
    };
    assert_eq!(
        t.diverged_note(),
        "Left out: GRU at delay 10: its run diverged (NaN or ∞ loss), so no point."
    );
    t.points[0].val_loss = 0.5;
    assert_eq!(t.diverged_note(), "");
}

#[test]
fn ranking_names_the_lowest_mean_and_every_overlapping_range() {
    let finals = vec![
        vec![0.30, 0.10, 0.20],
        vec![0.25, 0.50, 0.60],
        vec![0.9, 0.8, 0.7],
    ];
    let r = seed_ranking(&finals, 3).expect("complete");
    assert_eq!(r.best, 0);
    // Model 1's lowest (0.25) is under model 0's highest (0.30); model 2's (0.7) is not.
    assert_eq!(r.overlaps, vec![1]);
    let (mean, lo, hi) = r.stats[2];
    assert!((mean - 0.8).abs() < 1e-12 && (lo, hi) == (0.7, 0.9));
    let apart = vec![vec![0.1, 0.2, 0.15], vec![0.25, 0.5, 0.6]];
    assert_eq!(
        seed_ranking(&apart, 3).expect("complete").overlaps,
        Vec::<usize>::new()
    );
    // A seed missing (cancelled) is not enough.
    assert_eq!(
        seed_ranking(&[vec![0.1, 0.2], vec![0.3, 0.4, 0.5]], 3),
        None
    );
}
