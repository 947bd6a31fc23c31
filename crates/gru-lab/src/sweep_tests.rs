//! The length sweep's tests.

use super::*;
use crate::settings::models::SeqModel;
use gru_core::cell::CellKind;

fn settings() -> Settings {
    Settings {
        cells: vec![CellKind::Gru, CellKind::RnnTanh],
        hidden: 8,
        batch: 8,
        ..Settings::default()
    }
}

#[test]
fn jobs_run_length_then_seed_then_cell_and_equal_a_plain_trainer() {
    let s = settings();
    let mut sw = Sweep::new(&s, &[5, 12], 7, 2).expect("valid");
    assert_eq!(sw.progress(), (0, 8 * 7));
    let mut slices = 0;
    while !sw.advance(3, &|| 0.0) {
        slices += 1;
        assert!(slices < 100);
    }
    assert_eq!(sw.progress(), (56, 56));
    let order: Vec<(usize, usize, u64)> = sw
        .table()
        .points
        .iter()
        .map(|p| (p.len, p.cell, p.seed))
        .collect();
    assert_eq!(
        order,
        vec![
            (5, 0, 1),
            (5, 1, 1),
            (5, 0, 2),
            (5, 1, 2),
            (12, 0, 1),
            (12, 1, 1),
            (12, 0, 2),
            (12, 1, 2)
        ]
    );
    // Every point is what a plain Trainer gives for that config after 7 steps.
    for p in &sw.table().points {
        let cfg = Settings {
            knob: p.len,
            seed: p.seed,
            ..s.clone()
        }
        .train_config(s.cells[p.cell])
        .expect("valid");
        let mut tr = Trainer::<f32>::new(cfg).expect("valid");
        for _ in 0..7 {
            tr.train_step().expect("finite");
        }
        let e = tr.evaluate();
        assert_eq!((p.val_loss, p.accuracy), (e.loss, e.accuracy()), "{p:?}");
        assert_eq!(p.baseline, tr.task.baseline().loss);
    }
    assert_eq!(sw.table().cells, vec!["GRU", "RNN"]);
}

#[test]
fn curves_give_mean_and_spread_per_cell_and_length() {
    let pt = |cell, len, val_loss| SweepPoint {
        cell,
        len,
        seed: 0,
        val_loss,
        accuracy: None,
        baseline: 1.0,
        curve: Vec::new(),
        ms_per_step: 1.0,
        flops_per_step: 1.0,
    };
    let t = SweepTable {
        cells: vec!["GRU".into(), "RNN".into()],
        lengths: vec![20, 10],
        points: vec![
            pt(0, 20, 0.5),
            pt(0, 20, 0.1),
            pt(1, 20, f64::NAN),
            pt(0, 10, 0.3),
            pt(1, 10, 0.4),
        ],
        ..SweepTable::default()
    };
    let c = t.curves();
    assert_eq!(c[0].len(), 2);
    assert_eq!((c[0][0].len, c[0][0].mean, c[0][0].n), (10, 0.3, 1));
    let s = c[0][1];
    assert_eq!((s.len, s.min, s.max, s.n), (20, 0.1, 0.5, 2));
    assert!((s.mean - 0.3).abs() < 1e-12);
    assert_eq!(c[1].len(), 1, "a NaN run leaves its length out");
}

#[test]
fn a_cancelled_sweep_stops_and_keeps_what_it_finished() {
    let mut sw = Sweep::new(&settings(), &[5, 6, 7], 4, 1).expect("valid");
    assert!(!sw.advance(9, &|| 0.0)); // two jobs done, the third one step in
    assert_eq!(sw.table().points.len(), 2);
    assert_eq!(sw.progress(), (9, 24));
    sw.cancel();
    assert!(sw.finished() && sw.cancelled());
    assert!(sw.advance(100, &|| 0.0));
    assert_eq!(sw.table().points.len(), 2, "nothing trains after a cancel");
}

#[test]
fn lengths_parse_from_commas_or_spaces() {
    assert_eq!(parse_lengths(" 20, 40 80,"), Ok(vec![20, 40, 80]));
    assert!(parse_lengths("20, x").unwrap_err().contains("'x'"));
    assert!(parse_lengths(" , ").is_err());
}

#[test]
fn bad_sweeps_are_refused_by_name() {
    let s = settings();
    assert!(Sweep::new(&s, &[], 5, 1)
        .err()
        .unwrap_or_default()
        .starts_with("sweep:"));
    assert!(Sweep::new(&s, &[5], 0, 1).is_err());
    assert!(Sweep::new(&s, &[5], 5, 0).is_err());
    // A message from outside the form: the same limits as the fields.
    let e = Sweep::new(&s, &[5], u64::MAX, 1)
        .err()
        .expect("too many steps");
    assert_eq!(
        e,
        format!("sweep: {} steps per run is more than 100000", u64::MAX)
    );
    // Lengths whose runs could not be held are refused before any job runs.
    let wide = Settings {
        hidden: 128,
        layers: 4,
        batch: 256,
        ..s.clone()
    };
    let e = Sweep::new(&wide, &[10, 1000], 5, 1)
        .err()
        .expect("too big at T 1000");
    assert!(e.starts_with("sweep at T 1000: memory: "), "{e}");
    let e = Sweep::new(&s, &[5], 5, u32::MAX)
        .err()
        .expect("too many seeds");
    assert!(e.contains("seeds is more than 10"), "{e}");
    let e = Sweep::new(&s, &[1], 5, 1)
        .err()
        .expect("T = 1 is too short");
    assert!(e.starts_with("sweep: T: 1"), "{e}");
    // Copy memory's T is its delay: the refusal says so.
    let cm = Settings {
        task: "copy",
        ..s.clone()
    };
    let e = Sweep::new(&cm, &[5000], 5, 1)
        .err()
        .expect("too long a delay");
    assert!(
        e.starts_with("sweep: T: 5000 must be between 0 and") && e.ends_with("(T sets its delay)"),
        "{e}"
    );
    let many: Vec<usize> = (2..80).collect();
    assert!(Sweep::new(&s, &many, 5, 1)
        .err()
        .unwrap_or_default()
        .contains("more than"));
}

#[test]
fn tcn_and_attention_join_the_sweep_after_the_cells_and_equal_a_plain_trainer() {
    let s = Settings {
        models: vec![SeqModel::Tcn, SeqModel::Attention],
        ..settings()
    };
    let mut sw = Sweep::new(&s, &[6, 16], 4, 1).expect("valid");
    while !sw.advance(50, &|| 0.0) {}
    let t = sw.table();
    assert_eq!(t.cells, vec!["GRU", "RNN", "TCN", "Attention"]);
    let order: Vec<(usize, usize)> = t.points.iter().map(|p| (p.len, p.cell)).collect();
    assert_eq!(
        order,
        vec![
            (6, 0),
            (6, 1),
            (6, 2),
            (6, 3),
            (16, 0),
            (16, 1),
            (16, 2),
            (16, 3)
        ]
    );
    for p in t.points.iter().filter(|p| p.cell >= 2) {
        let at = Settings {
            knob: p.len,
            ..s.clone()
        };
        let (cfg, kind) = at.model_train_config(s.models[p.cell - 2]).expect("valid");
        let mut tr = Trainer::<f32>::with_model(cfg, kind).expect("valid");
        for _ in 0..4 {
            tr.train_step().expect("finite");
        }
        let e = tr.evaluate();
        assert!(e.loss.is_finite(), "{p:?}");
        assert_eq!((p.val_loss, p.accuracy), (e.loss, e.accuracy()), "{p:?}");
    }
}

#[test]
fn a_length_attention_cannot_take_refuses_the_sweep_by_name() {
    let s = Settings {
        models: vec![SeqModel::Attention],
        batch: 256,
        ..settings()
    };
    let e = Sweep::new(&s, &[20, 1000], 4, 1).err().expect("refused");
    assert!(e.starts_with("sweep: T = 1000: "), "{e}");
}

#[test]
fn every_job_records_its_training_time_per_step_from_the_loop_clock_and_its_formula_flops() {
    use std::cell::Cell;
    let s = Settings {
        models: vec![SeqModel::Tcn, SeqModel::Attention],
        ..settings()
    };
    // A clock that advances 0.25 ms at every read, counting its reads.
    let (now, reads) = (Cell::new(0.0), Cell::new(0u64));
    let clock = || {
        reads.set(reads.get() + 1);
        now.set(now.get() + 0.25);
        now.get()
    };
    let mut sw = Sweep::new(&s, &[6, 24], 5, 2).expect("valid");
    let mut slices = 0;
    while !sw.advance(3, &clock) {
        slices += 1;
        assert!(slices < 100);
    }
    let t = sw.table();
    assert_eq!(t.points.len(), 16);
    // Read once before and once after each training step, never around validation.
    assert_eq!(reads.get(), 2 * 16 * 5, "only the training steps are timed");
    for p in &t.points {
        assert_eq!(p.ms_per_step, 0.25, "{p:?}");
        let at = Settings {
            knob: p.len,
            seed: p.seed,
            ..s.clone()
        };
        let want = if p.cell < 2 {
            let cfg = at.train_config(s.cells[p.cell]).expect("valid");
            crate::cost::cost_of(&cfg).expect("cost").flops_per_step
        } else {
            crate::model_cost::model_cost(&at, s.models[p.cell - 2])
                .expect("cost")
                .flops_per_step
        };
        assert_eq!(p.flops_per_step, want as f64, "{p:?}");
        assert!(p.flops_per_step > 0.0);
    }
    let g = crate::sweep_time::growth(t);
    assert_eq!(g.len(), 4);
    assert!(g.iter().all(|x| (x.from, x.to, x.measured) == (6, 24, 1.0)));
    // The formula: attention's T × T scores grow faster than T; a GRU's step work is T-linear.
    let (gru, attn) = (&g[0], &g[3]);
    assert!((gru.formula - 4.0).abs() < 0.5, "{gru:?}");
    assert!(attn.formula > gru.formula, "{attn:?} vs {gru:?}");
}

#[test]
fn a_job_trained_over_several_slices_sums_its_step_times() {
    use std::cell::Cell;
    // Steps of job 1 take 1 ms, of job 2 3 ms: the clock jumps by the job's cost per step.
    let s = settings();
    let mut sw = Sweep::new(&s, &[5], 4, 1).expect("valid");
    let now = Cell::new(0.0);
    let (cost, fresh) = (Cell::new(1.0), Cell::new(true));
    let clock = || {
        // Odd reads end a step: the step took `cost` ms.
        let t = now.get() + if fresh.get() { 0.0 } else { cost.get() };
        fresh.set(!fresh.get());
        now.set(t);
        t
    };
    while !sw.advance(1, &clock) {
        if sw.table().points.len() == 1 {
            cost.set(3.0);
        }
    }
    let ms: Vec<f64> = sw.table().points.iter().map(|p| p.ms_per_step).collect();
    assert_eq!(ms, vec![1.0, 3.0]);
}

#[test]
fn a_jobs_first_step_sizes_its_buffers_and_is_left_out_of_its_time_per_step() {
    use std::cell::Cell;
    // Every job's first step takes 10 ms, the others 1 ms: the mean is the steady 1 ms.
    let s = settings();
    let mut sw = Sweep::new(&s, &[5], 4, 1).expect("valid");
    let (now, reads) = (Cell::new(0.0), Cell::new(0u64));
    let clock = || {
        let r = reads.get();
        reads.set(r + 1);
        // Reads come in pairs around a step; each job has 4 steps, so 8 reads.
        if r % 2 == 1 {
            now.set(now.get() + if r % 8 == 1 { 10.0 } else { 1.0 });
        }
        now.get()
    };
    while !sw.advance(3, &clock) {}
    let ms: Vec<f64> = sw.table().points.iter().map(|p| p.ms_per_step).collect();
    assert_eq!(ms, vec![1.0, 1.0]);
    // A job of one step keeps that step's time rather than no figure.
    let mut one = Sweep::new(&s, &[5], 1, 1).expect("valid");
    let ten = || {
        reads.set(reads.get() + 1);
        now.set(now.get() + if reads.get() % 2 == 0 { 10.0 } else { 0.0 });
        now.get()
    };
    reads.set(0);
    while !one.advance(3, &ten) {}
    let ms: Vec<f64> = one.table().points.iter().map(|p| p.ms_per_step).collect();
    assert_eq!(ms, vec![10.0, 10.0]);
}
