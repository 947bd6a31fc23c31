//! Task tests: configs round-trip through JSON, the knob helpers, and batches that are
//! consistent, deterministic and reuse their buffers.

use super::*;
use rand::SeedableRng;

fn all() -> Vec<TaskConfig> {
    vec![
        TaskConfig::Adding { len: 12 },
        TaskConfig::copy_memory(5),
        TaskConfig::TemporalOrder { len: 20 },
        TaskConfig::Latch { len: 9 },
        TaskConfig::Parity { len: 7 },
        TaskConfig::sine(15),
        TaskConfig::Lookahead { len: 10, ahead: 3 },
    ]
}

#[test]
fn configs_round_trip_through_json_with_snake_case_tags() {
    let tags = [
        "adding",
        "copy_memory",
        "temporal_order",
        "latch",
        "parity",
        "sine",
        "lookahead",
    ];
    for (c, tag) in all().into_iter().zip(tags) {
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains(&format!("\"task\":\"{tag}\"")), "{json}");
        assert_eq!(serde_json::from_str::<TaskConfig>(&json).unwrap(), c);
        assert!(!c.label().is_empty() && !c.knob_name().is_empty());
    }
    let c: TaskConfig = serde_json::from_str(r#"{"task":"copy_memory","delay":7}"#).unwrap();
    assert_eq!(c, TaskConfig::copy_memory(7));
    assert!(serde_json::from_str::<TaskConfig>(r#"{"task":"parity","len":3,"x":1}"#).is_err());
    let c: TaskConfig = serde_json::from_str(r#"{"task":"lookahead","len":9}"#).unwrap();
    assert_eq!(c, TaskConfig::Lookahead { len: 9, ahead: 2 });
}

#[test]
fn knob_helpers_set_and_bound_the_difficulty() {
    for c in all() {
        let r = c.knob_range();
        for n in [*r.start(), *r.end(), c.knob() + 3] {
            let d = c.with_knob(n);
            assert_eq!(d.knob(), n);
            assert!(d.build().is_ok(), "{d:?}");
        }
        if *r.start() > 0 {
            assert!(c.with_knob(r.start() - 1).build().is_err(), "{c:?}");
        }
        assert!(c.with_knob(r.end() + 1).build().is_err(), "{c:?}");
    }
    assert_eq!(
        TaskConfig::copy_memory(5).build().unwrap().seq_len(),
        2 * 3 + 5 + 1
    );
}

#[test]
fn batches_have_consistent_shapes_are_deterministic_and_reuse_buffers() {
    for c in all() {
        let task = c.build().unwrap();
        let (t, b) = (task.seq_len(), 5);
        let rows = if task.readout() == Readout::Final {
            b
        } else {
            t * b
        };
        let mut batch = Batch::<f32>::empty();
        task.fill(&mut ChaCha8Rng::seed_from_u64(1), b, &mut batch);
        assert_eq!(
            (batch.t, batch.b, batch.x.len()),
            (t, b, t * b * task.input_size()),
            "{c:?}"
        );
        match (&batch.targets, task.loss()) {
            (Targets::Values(v), LossKind::Mse) => {
                assert_eq!(v.len(), rows * task.output_size())
            }
            (Targets::Classes(v), LossKind::CrossEntropy) => {
                assert_eq!(v.len(), rows);
                assert!(v.iter().all(|&k| k < task.output_size()));
            }
            _ => panic!("{c:?}: targets do not match the loss"),
        }
        if let Some(w) = &batch.weights {
            assert_eq!(w.len(), rows);
        }
        assert!(batch.x.iter().all(|v| v.is_finite()));
        let mut again = Batch::<f32>::empty();
        task.fill(&mut ChaCha8Rng::seed_from_u64(1), b, &mut again);
        assert_eq!(batch, again, "{c:?}: same seed, same data");
        // Refilling after the buffers have grown must not reallocate.
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let caps = |bt: &Batch<f32>| {
            let tc = match &bt.targets {
                Targets::Values(v) => v.as_ptr() as usize,
                Targets::Classes(v) => v.as_ptr() as usize,
            };
            (
                bt.x.as_ptr() as usize,
                tc,
                bt.weights.as_ref().map(|w| w.as_ptr() as usize),
            )
        };
        let before = caps(&batch);
        task.fill(&mut rng, b, &mut batch);
        assert_eq!(caps(&batch), before, "{c:?}");
    }
}
