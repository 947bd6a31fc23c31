//! The weights the answers quote ([`Facts`], from `crate::cost`) against gru-core's real
//! parameter vectors, for every cell, depth, direction and parameter budget.

use gru_core::cell::CellKind;
use gru_core::model::{Direction, Model};

use super::facts::task_io;
use super::Facts;
use crate::history::History;
use crate::settings::{Settings, CELLS};

/// gru-core's real parameter vector for `s` with `kind`.
fn real_count(s: &Settings, kind: CellKind) -> usize {
    let cfg = s.train_config(kind).expect("valid");
    let task = cfg.task.build().expect("task");
    Model::<f32>::zeros(cfg.model_config(&task))
        .expect("model")
        .n_params()
}

/// Checks every cell of `s`: recurrent weights + head = the model, and the first layer's
/// single direction is `G·(I+H+n_b)·H` of gru-core's own layout.
fn check(s: &Settings) {
    let f = Facts::gather(s, &History::default());
    let (_, out) = task_io(s).expect("io");
    for c in &f.cells {
        let real = real_count(s, c.kind);
        let head = (c.hidden * s.direction.count() + 1) * out;
        let what = format!(
            "{} {:?} L{} {:?} H{}",
            s.task, c.kind, s.layers, s.direction, c.hidden
        );
        assert_eq!(c.params as usize, real, "{what}");
        assert_eq!(c.recurrent_params + head, real, "{what}");
        let one = Settings {
            layers: 1,
            direction: Direction::Forward,
            hidden: c.hidden,
            budget: crate::settings::Budget::Off,
            cells: vec![c.kind],
            ..s.clone()
        };
        assert_eq!(
            c.layer_params + (c.hidden + 1) * out,
            real_count(&one, c.kind),
            "{what}"
        );
    }
}

#[test]
fn the_answers_count_exactly_the_weights_gru_core_trains() {
    for (task, layers, bi, hidden) in [
        ("adding", 1, false, 16),
        ("adding", 2, true, 8),
        ("copy", 3, false, 5),
        ("parity", 1, true, 32),
        ("lookahead", 2, true, 12),
    ] {
        let s = Settings {
            task,
            knob: 20,
            layers,
            hidden,
            cells: CELLS.iter().map(|c| c.1).take(3).collect(),
            direction: if bi {
                Direction::Bidirectional
            } else {
                Direction::Forward
            },
            ..Settings::default()
        };
        check(&s);
        check(&Settings {
            cells: vec![CellKind::GruTorch],
            ..s
        });
    }
}

#[test]
fn under_a_parameter_budget_each_cell_is_counted_at_its_own_width() {
    let s = Settings::from_query("cells=gru,lstm,rnn&budget=gru&hidden=32").0;
    let f = Facts::gather(&s, &History::default());
    assert!(f.cells[1].hidden < 32 && f.cells[2].hidden > 32);
    check(&s);
}
