//! The lookahead task and the one-way twins in links: old links keep one run per cell, the
//! twin only exists with bidirectional layers, and it is the same cell one-way at the same H.

use gru_core::model::Direction;
use gru_core::task::TaskConfig;

use super::*;

#[test]
fn old_links_train_one_run_per_cell_and_round_trip() {
    for q in [
        "cells=gru&layers=2&bi=1",
        "cells=gru,lstm,rnn",
        "task=sine&T=30",
        "T=100&cells=gru,lstm&hidden=32",
    ] {
        let (s, e) = Settings::from_query(q);
        assert!(e.is_empty(), "{q}: {e:?}");
        assert!(!s.oneway_twin);
        let specs = s.run_specs();
        assert_eq!(specs.len(), s.cells.len(), "{q}");
        assert!(specs.iter().all(|r| !r.twin));
        assert_eq!(s.to_query(), q, "canonical");
        assert!(crate::lab::Lab::new(s).is_ok(), "{q}");
    }
}

#[test]
fn the_lookahead_task_and_its_one_way_twins() {
    let (s, e) = Settings::from_query("task=lookahead&T=20&cells=gru,lstm&hidden=12&bi=1&oneway=1");
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(
        s.task_config().expect("valid"),
        TaskConfig::Lookahead { len: 20, ahead: 2 }
    );
    let specs = s.run_specs();
    let labels: Vec<String> = specs.iter().map(RunSpec::label).collect();
    assert_eq!(labels, ["GRU", "LSTM", "GRU one-way", "LSTM one-way"]);
    for spec in &specs {
        let cfg = s.spec_config(spec).expect("valid");
        let want = if spec.twin {
            Direction::Forward
        } else {
            Direction::Bidirectional
        };
        assert_eq!((cfg.direction, cfg.hidden, cfg.seed), (want, 12, s.seed));
    }
    let lab = crate::lab::Lab::new(s.clone()).expect("valid");
    let names: Vec<&str> = lab.runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(names, ["GRU", "LSTM", "GRU one-way", "LSTM one-way"]);
    // Without bidirectional layers the switch adds nothing (and still round-trips).
    let one_way = Settings {
        direction: Direction::Forward,
        ..s.clone()
    };
    assert_eq!(one_way.run_specs().len(), 2);
    assert_eq!(Settings::from_query(&one_way.to_query()).0, one_way);
    assert!(s.needs_reset(&Settings {
        oneway_twin: false,
        ..s.clone()
    }));
    // The knob's lower end is d + 1 = 3.
    let e = Settings::from_query("task=lookahead&T=2").1;
    assert!(e[0].starts_with("T: 2 must be between 3 and 1000"), "{e:?}");
}

#[test]
fn a_twin_cannot_be_inspected_backwards() {
    let s = Settings::from_query("task=lookahead&T=10&cells=gru&bi=1&oneway=1").0;
    let mut lab = crate::lab::Lab::new(s).expect("valid");
    let pick = |run, dir| crate::protocol::InspectPick {
        run,
        dir,
        ..Default::default()
    };
    assert!(lab.set_pick(pick(0, 1)).is_ok());
    assert!(
        lab.inspect().is_ok(),
        "the twin's light insight uses its only direction"
    );
    let e = lab.set_pick(pick(1, 1)).unwrap_err();
    assert_eq!(e, "direction: 1 is not below 1");
    assert!(lab.set_pick(pick(1, 0)).is_ok());
    assert!(lab.inspect().is_ok());
}
