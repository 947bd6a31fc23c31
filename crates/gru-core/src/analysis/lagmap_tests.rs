//! Tests of the lag × time map: its rows are the products at each target, the divide-and-conquer
//! map equals the direct products (also on synthetic cancelling Jacobians), and
//! `lag_time_map_timing` prints the T = 100, H = 32 map time (`--nocapture`).

use super::tests::{filled, inputs, model, KINDS};
use super::*;
use crate::cell::CellKind;

#[test]
fn the_lag_time_map_rows_are_the_products_at_each_target() {
    for kind in [CellKind::Gru, CellKind::Lstm] {
        let steps = 7;
        let m = model(kind, 2, 3, 2);
        let ws = filled(&m, &inputs(steps, 2), steps);
        let j = step_jacobians(&m, &ws, CellSel::default()).expect("jacobians");
        for part in [Part::Hh, Part::State] {
            let map = lag_time_map(&j, part).expect("map");
            for t in 0..=steps {
                let p = products_at(&j, t, part, false).expect("products");
                for k in 0..=steps {
                    let got = map.get(t, k);
                    if k > t {
                        assert!(got.is_nan());
                    } else {
                        assert!(
                            (got - p.fro[k]).abs() <= 1e-13 * p.fro[k].max(1e-300),
                            "{kind:?} {part:?} t={t} k={k}"
                        );
                    }
                }
            }
        }
    }
}

/// Deterministic pseudo-random `(T, S, S)` Jacobians scaled by `gain`, with steps in
/// `flat` replaced by near-projections (onto `e_0` before `T/2`, `e_1` after) so that products
/// across the middle cancel almost completely.
fn synthetic(steps: usize, s: usize, gain: f64, flat: bool) -> StepJacobians {
    let mut jac: Vec<f64> = (0..steps * s * s)
        .map(|k| {
            gain * ((0.61 * k as f64).sin() + 0.3 * (1.7 * k as f64).cos()) / (s as f64).sqrt()
        })
        .collect();
    if flat {
        for st in 0..steps {
            let m = &mut jac[st * s * s..(st + 1) * s * s];
            let keep = usize::from(st >= steps / 2);
            for (k, v) in m.iter_mut().enumerate() {
                *v *= 1e-7;
                if k == keep * (s + 1) {
                    *v += 1.0;
                }
            }
        }
    }
    StepJacobians {
        steps,
        hidden: s,
        state: s,
        jac,
        additive: None,
    }
}

fn assert_maps_agree(fast: &LagTimeMap, slow: &LagTimeMap, tol: f64, what: &str) {
    assert_eq!(fast.fro.len(), slow.fro.len());
    let mut worst = 0.0f64;
    for (a, b) in fast.fro.iter().zip(&slow.fro) {
        if b.is_nan() {
            assert!(a.is_nan(), "{what}: {a} where the direct map has NaN");
            continue;
        }
        assert!(*b > 0.0 && b.is_finite(), "{what}: direct norm {b}");
        worst = worst.max((a - b).abs() / b);
    }
    assert!(worst <= tol, "{what}: worst relative difference {worst:e}");
}

#[test]
fn the_divide_and_conquer_map_equals_the_direct_products() {
    for kind in KINDS {
        let steps = 45;
        let m = model(kind, 2, 4, 8);
        let ws = filled(&m, &inputs(steps, 2), steps);
        let j = step_jacobians(&m, &ws, CellSel::default()).expect("jacobians");
        let parts: &[Part] = if j.state > j.hidden {
            &[Part::Hh, Part::State, Part::Hc, Part::Ch, Part::Cc]
        } else {
            &[Part::Hh]
        };
        for &part in parts {
            let fast = lag_time_map(&j, part).expect("fast");
            let slow = lag_time_map_direct(&j, part).expect("direct");
            assert_maps_agree(&fast, &slow, 1e-11, &format!("{kind:?} {part:?}"));
        }
    }
    // Vanishing to ~1e-250 and exploding past 1e80: no underflow, no overflow.
    for (gain, what) in [(1e-5, "vanishing"), (300.0, "exploding")] {
        let j = synthetic(50, 6, gain, false);
        let (fast, slow) = (
            lag_time_map(&j, Part::Hh).expect("fast"),
            lag_time_map_direct(&j, Part::Hh).expect("direct"),
        );
        assert_maps_agree(&fast, &slow, 1e-11, what);
        let far = fast.get(50, 50);
        assert!(
            far > 0.0 && far.is_finite() && !(1e-200..=1e80).contains(&far),
            "{what}: {far:e}"
        );
    }
    // Near-orthogonal halves: the Gram identity would cancel, the guard recomputes.
    let j = synthetic(40, 5, 1.0, true);
    let (fast, slow) = (
        lag_time_map(&j, Part::Hh).expect("fast"),
        lag_time_map_direct(&j, Part::Hh).expect("direct"),
    );
    assert!(
        slow.get(39, 39) < 1e-5,
        "the construction should cancel: {:e}",
        slow.get(39, 39)
    );
    assert_maps_agree(&fast, &slow, 1e-9, "cancelling");
}

#[test]
fn lag_time_map_timing() {
    let (steps, h) = (100, 32);
    let m = model(CellKind::Gru, 4, h, 1);
    let ws = filled(&m, &inputs(steps, 4), steps);
    let j = step_jacobians(&m, &ws, CellSel::default()).expect("jacobians");
    let (mut map, mut scratch) = (LagTimeMap::default(), ProductScratch::default());
    lag_time_map_into(&j, Part::Hh, &mut map, &mut scratch).expect("warm-up");
    let reps = 5;
    let t0 = std::time::Instant::now();
    for _ in 0..reps {
        lag_time_map_into(&j, Part::Hh, &mut map, &mut scratch).expect("map");
    }
    let per = t0.elapsed().as_secs_f64() * 1e3 / reps as f64;
    let t2 = std::time::Instant::now();
    let slow = lag_time_map_direct(&j, Part::Hh).expect("direct");
    let direct = t2.elapsed().as_secs_f64() * 1e3;
    assert_maps_agree(&map, &slow, 1e-11, "timing case");
    println!("lag x time Frobenius map, T={steps} H={h}: {per:.2} ms per map ({direct:.2} ms by direct products)");
    assert!(map.get(steps, steps).is_finite());
}
