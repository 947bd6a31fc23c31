//! Tests of the query codec: round trips of every setting, old keys, bad values named.

use super::*;
use crate::settings::{Optimizer, Panel, Speed};
use gru_core::cell::{Carry, CellKind, GateMode, Surgery};
use gru_core::model::Direction;

#[test]
fn default_is_an_empty_query_and_round_trips() {
    assert_eq!(Settings::default().to_query(), "");
    let (s, e) = Settings::from_query("");
    assert!(e.is_empty());
    assert_eq!(s, Settings::default());
}

#[test]
fn every_parameter_round_trips() {
    let s = Settings {
        task: "copy",
        knob: 20,
        cells: vec![CellKind::Lstm, CellKind::Gru],
        models: Vec::new(),
        tcn_levels: 3,
        tcn_kernel: 3,
        heads: 4,
        positions: crate::settings::PositionKind::Learned,
        hidden: 128,
        budget: crate::settings::Budget::Gru,
        train_n: 100,
        layers: 2,
        direction: Direction::Bidirectional,
        oneway_twin: true,
        lr: 0.003,
        optimizer: Optimizer::Sgd,
        clip: 0.0,
        batch: 8,
        seed: 77,
        input_dropout: 0.1,
        recurrent_dropout: 0.25,
        speed: Speed::PerSecond(2.5),
        surgery: Surgery {
            update: GateMode::Fixed(0.25),
            reset: GateMode::Fixed(1.0),
            carry: Carry::Cut,
            forget: GateMode::Fixed(1.0),
            update_bias: Some(-2.0),
            forget_bias: Some(1.0),
            recurrent_scale: Some(2.5),
        },
        hide: vec![Panel::Settings, Panel::Loss],
        presenter: true,
        question: Some(4),
        bench_kernels: true,
        sweep_seeds: 4,
        sweep_steps: 150,
    };
    let q = s.to_query();
    assert!(
        q.contains("hide=settings%2Closs") || q.contains("hide=settings,loss"),
        "{q}"
    );
    assert_eq!(
        q.matches('&').count() + 1,
        PARAMS.len(),
        "every key written: {q}"
    );
    let (back, e) = Settings::from_query(&format!("?{q}"));
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(back, s, "{q}");
}

#[test]
fn links_made_before_the_parameter_table_still_load() {
    // Every key the 2026-11 build wrote, with its old value syntax.
    let (s, e) = Settings::from_query(
        "task=copy&T=20&cells=lstm,gru&hidden=24&layers=2&bi=1&lr=0.003&opt=sgd&clip=0&batch=8&seed=77&dropout=0.1&rdropout=0.25&speed=4",
    );
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(s.speed, Speed::PerSecond(28.0));
    assert_eq!((s.task, s.knob, s.hidden, s.seed), ("copy", 20, 24, 77));
    let (s, e) = Settings::from_query("speed=12&T=200");
    assert!(
        e.is_empty() && s.speed == Speed::Max && s.knob == 200,
        "{e:?}"
    );
}

#[test]
fn bad_parameters_keep_their_defaults_and_are_named() {
    let (s, e) = Settings::from_query(
        "hidden=9999&lr=abc&cells=gru,transformer&task=adding&T=1&zzz=1&seed=5&speed=99",
    );
    let d = Settings::default();
    assert_eq!((s.hidden, s.lr, &s.cells), (d.hidden, d.lr, &d.cells));
    assert_eq!(s.knob, d.knob, "a knob out of the task's range falls back");
    assert_eq!(s.seed, 5, "good parameters still apply");
    let joined = e.join("\n");
    for name in ["hidden", "lr", "cells", "T:", "zzz", "speed"] {
        assert!(joined.contains(name), "{name} missing from {joined}");
    }
}

#[test]
fn a_classroom_link_hides_known_parts_and_names_unknown_ones() {
    let (s, e) = Settings::from_query("hide=loss,bogus,settings,loss&presenter=1&seed=3");
    assert_eq!(
        s.hide,
        [Panel::Settings, Panel::Loss],
        "known ids, once each, in table order"
    );
    assert!(s.presenter);
    assert_eq!(s.seed, 3);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("hide: unknown 'bogus' (known: settings,"),
        "{e:?}"
    );
    let (back, e) = Settings::from_query(&s.to_query());
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(back, s);
    let view_only = Settings {
        hide: vec![Panel::Gates],
        presenter: true,
        ..Settings::default()
    };
    assert!(!Settings::default().needs_reset(&view_only));
}

#[test]
fn panel_ids_are_the_ones_shared_links_carry() {
    // The `hide=` ids links were written with: they must never change.
    let ids = ["settings", "equations", "files", "loss", "flow", "gates"];
    assert_eq!(Panel::ALL.map(Panel::id), ids);
    for (panel, id) in Panel::ALL.into_iter().zip(ids) {
        assert_eq!(Panel::from_id(id), Some(panel));
        let (s, e) = Settings::from_query(&format!("hide={id}"));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(s.hide, [panel]);
        assert_eq!(s.to_query(), format!("hide={id}"), "written back as it was");
    }
    let (s, e) = Settings::from_query("hide=gates,flow,x");
    assert_eq!(s.hide, [Panel::Flow, Panel::Gates]);
    assert_eq!(
        e,
        ["hide: unknown 'x' (known: settings, equations, files, loss, flow, gates)"]
    );
}

#[test]
fn hostile_queries_are_named_briefly_and_change_nothing() {
    let script = "%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    let huge = "9".repeat(10_000);
    let many = (0..500)
        .map(|i| format!("k{i}=1"))
        .collect::<Vec<_>>()
        .join("&");
    for q in [
        format!("task={script}&cells={script}&{script}=1"),
        format!("hidden={huge}&lr=1e309&clip=NaN&batch=-1&sps=Infinity"),
        "seed=1&seed=2&T=%zz&%=%&&&=&hidden=%E2%82".to_string(),
        many,
    ] {
        let (s, e) = Settings::from_query(&q);
        assert!(!e.is_empty(), "{q}");
        assert!(e.len() <= MAX_MESSAGES + 1, "{}", e.len());
        assert!(
            e.iter().all(|m| m.len() < 200 && !m.contains('\n')),
            "{e:?}"
        );
        assert!(s.seed <= 1, "a repeated key keeps its first value");
    }
}

#[test]
fn surgery_links_round_trip_and_reach_the_trainer() {
    let q = "cells=gru,lstm&wscale=3&z=0.5&r1=1&f=1&bz=-2&bf=1";
    let (s, e) = Settings::from_query(q);
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(s.to_query(), q);
    let c = s.train_config(CellKind::Gru).expect("valid");
    assert_eq!(c.surgery.update, GateMode::Fixed(0.5));
    assert_eq!(c.surgery.reset, GateMode::Fixed(1.0));
    assert_eq!(c.surgery.forget, GateMode::Fixed(1.0));
    assert_eq!(
        (c.surgery.update_bias, c.surgery.forget_bias),
        (Some(-2.0), Some(1.0))
    );
    assert_eq!(c.surgery.recurrent_scale, Some(3.0));
    // The words for "none" and an empty value both mean learned / the init's own.
    let (back, e) = Settings::from_query("z=learned&f=&bz=init&wscale=1");
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(back, Settings::default());
    // Cutting the carry wins over a held z (gru-core refuses the two together).
    let (cut, e) = Settings::from_query("cut=1&z=0.3");
    assert!(e.is_empty(), "{e:?}");
    let c = cut.train_config(CellKind::Gru).expect("valid");
    assert_eq!(
        (c.surgery.carry, c.surgery.update),
        (Carry::Cut, GateMode::Learned)
    );
    assert_eq!(
        cut.surgery_in_force(),
        vec!["GRU: carry path cut, h_t = h̃_t".to_string()]
    );
    assert!(Settings::default().surgery_in_force().is_empty());
    let (lstm_only, _) = Settings::from_query("cells=lstm&z=0&f=0.5");
    assert_eq!(
        lstm_only.surgery_in_force(),
        vec!["LSTM: f held at 0.5".to_string()]
    );
}

#[test]
fn hostile_surgery_values_are_refused_and_keep_the_defaults() {
    let bad = [
        "z=1.5",
        "z=-0",
        "z=NaN",
        "z=inf",
        "z=0x1",
        "f=-0.1",
        "f=2",
        "f=learnedd",
        "r1=2",
        "r1=yes",
        "cut=-1",
        "cut=",
        "bz=21",
        "bz=-1e309",
        "bf=NaN",
        "bf=%00",
        "wscale=0",
        "wscale=-3",
        "wscale=11",
        "wscale=1e400",
        "wscale=",
    ];
    for q in bad {
        let (s, e) = Settings::from_query(q);
        let key = q.split('=').next().unwrap_or_default();
        if q == "z=-0" {
            // −0 parses as 0, a valid hold; not hostile after all.
            assert!(e.is_empty(), "{e:?}");
            continue;
        }
        assert_eq!(e.len(), 1, "{q}: {e:?}");
        assert!(e[0].starts_with(&format!("{key}: '")), "{q}: {}", e[0]);
        assert!(e[0].len() < 200, "{}", e[0]);
        assert_eq!(s, Settings::default(), "{q} changed nothing");
        s.train_config(CellKind::Gru)
            .expect("the defaults still train");
    }
    let huge = format!("bz={}", "9".repeat(10_000));
    let (s, e) = Settings::from_query(&huge);
    assert!(
        e.len() == 1 && e[0].len() < 200 && s == Settings::default(),
        "{e:?}"
    );
}

#[test]
fn decoding_handles_escapes_and_garbage() {
    assert_eq!(decode("gru%2Crnn"), "gru,rnn");
    assert_eq!(decode("a+b"), "a b");
    assert_eq!(decode("%zz%"), "%zz%");
    assert_eq!(decode("%4"), "%4");
    assert_eq!(decode(&encode("a b&c=d%")), "a b&c=d%");
}
