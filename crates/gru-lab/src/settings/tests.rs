//! Settings tests: which changes need a reset, the train config the settings give (and a bad
//! knob refused), the GRU parameter budget, and bad combinations refused with a message.

use super::*;

#[test]
fn only_live_settings_skip_the_reset() {
    let a = Settings::default();
    let live = Settings {
        lr: 0.1,
        clip: 0.0,
        speed: Speed::PerSecond(3.0),
        ..a.clone()
    };
    assert!(!a.needs_reset(&live));
    assert_eq!(a.with_live_from(&live), live);
    for changed in [
        Settings {
            hidden: 8,
            ..a.clone()
        },
        Settings {
            seed: 2,
            ..a.clone()
        },
        Settings {
            cells: vec![CellKind::Lstm],
            ..a.clone()
        },
    ] {
        assert!(a.needs_reset(&changed), "{changed:?}");
    }
}

#[test]
fn a_loaded_files_settings_keep_how_this_page_looks() {
    let (page, e) = Settings::from_query(
        "hide=settings,loss&presenter=1&q=3&bench=kernels&seeds=5&sweep_steps=40",
    );
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(page.hide, [Panel::Settings, Panel::Loss]);
    let (file, e) = Settings::from_query("hidden=8&lr=0.1&q=7&seeds=2&cells=lstm");
    assert!(e.is_empty(), "{e:?}");
    let kept = file.with_page_from(&page);
    assert_eq!(
        (
            &kept.hide,
            kept.presenter,
            kept.question,
            kept.bench_kernels
        ),
        (&page.hide, true, page.question, true)
    );
    assert_eq!((kept.sweep_seeds, kept.sweep_steps), (5, 40));
    // The model and training settings are the file's.
    assert_eq!(
        (kept.hidden, kept.lr, &kept.cells),
        (8, 0.1, &vec![CellKind::Lstm])
    );
}

#[test]
fn the_train_config_follows_the_settings_and_refuses_a_bad_knob() {
    let s = Settings {
        knob: 1000,
        hidden: 128,
        clip: 0.0,
        ..Settings::default()
    };
    let c = s.train_config(CellKind::Lstm).expect("valid");
    assert_eq!((c.hidden, c.clip, c.task.knob()), (128, None, 1000));
    let bad = Settings {
        task: "order",
        knob: 3,
        ..Settings::default()
    };
    let e = bad.train_config(CellKind::Gru).unwrap_err();
    assert!(e.starts_with("T: 3 must be between 10 and 1000"), "{e}");
}

#[test]
fn the_gru_budget_sizes_the_other_cells_to_at_most_the_grus_parameters() {
    let (s, e) = Settings::from_query("cells=gru,lstm,rnn&budget=gru&hidden=32&layers=2");
    assert!(e.is_empty(), "{e:?}");
    let cost = |c: CellKind| {
        let cfg = s.train_config(c).expect("valid");
        (
            cfg.hidden,
            crate::cost::cost_of(&cfg).expect("valid").params,
        )
    };
    let (gru_h, gru_p) = cost(CellKind::Gru);
    let (lstm_h, lstm_p) = cost(CellKind::Lstm);
    let (rnn_h, rnn_p) = cost(CellKind::RnnTanh);
    assert_eq!(gru_h, 32);
    assert!(lstm_h < 32 && rnn_h > 32, "LSTM {lstm_h}, RNN {rnn_h}");
    assert!(lstm_p <= gru_p && rnn_p <= gru_p);
    // One more unit would break the budget.
    let over = |c: CellKind, h: usize| {
        let cfg = TrainConfig {
            hidden: h + 1,
            ..s.train_config(c).expect("valid")
        };
        crate::cost::cost_of(&cfg).expect("valid").params > gru_p
    };
    assert!(over(CellKind::Lstm, lstm_h) && over(CellKind::RnnTanh, rnn_h));
    let off = Settings {
        budget: Budget::Off,
        ..s.clone()
    };
    assert_eq!(off.train_config(CellKind::Lstm).expect("valid").hidden, 32);
    assert!(s.needs_reset(&off));
}

#[test]
fn bad_combinations_are_refused_with_a_message_and_fall_back() {
    let (s, e) = Settings::from_query("task=sine&bi=1&T=30");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("bi: ") && e[0].contains("x(t+1)"), "{e:?}");
    assert_eq!((s.task, s.direction), ("sine", Direction::Forward));
    let bad = Settings {
        direction: Direction::Bidirectional,
        ..s.clone()
    };
    assert!(bad.train_config(CellKind::Gru).is_err());
    let (s, e) = Settings::from_query("train_n=5");
    assert!(e[0].starts_with("train_n: 5 is not 0"), "{e:?}");
    assert_eq!(s.train_n, 0);
    let (s, e) = Settings::from_query("train_n=64&bi=1");
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(
        s.train_config(CellKind::Gru).expect("valid").train_set,
        Some(64)
    );
    assert!(Settings::from_query("train_n=5000").1[0].starts_with("train_n: '5000'"));
}

#[test]
fn a_query_is_read_up_to_its_first_256_parameters() {
    use super::query::MAX_QUERY_PAIRS;
    // 200 000 distinct unknown keys between two real settings: only the first is read.
    let junk: String = (0..200_000).map(|k| format!("k{k}=1&")).collect();
    let q = format!("hidden=8&{junk}lr=0.1");
    let (s, e) = Settings::from_query(&q);
    assert_eq!((s.hidden, s.lr), (8, Settings::default().lr));
    let unread = 200_001 - (MAX_QUERY_PAIRS - 1);
    assert_eq!(
        e[0],
        format!("{unread} parameters after the first 256 were not read")
    );
    assert!(e.last().is_some_and(|m| m.starts_with("and ")), "{e:?}");
    // Long values are not the problem: each is read and quoted clipped.
    let (s, e) = Settings::from_query(&format!("hidden=8&task={}", "x".repeat(100_000)));
    assert_eq!(s.hidden, 8);
    assert!(e[0].starts_with("task: unknown 'xxxx"), "{e:?}");
}

#[test]
fn same_training_live_compares_learning_rate_clip_and_speed_not_the_page_look() {
    let a = Settings::from_query("lr=0.01&clip=1&sps=max").0;
    let look = Settings::from_query("lr=0.01&clip=1&sps=max&presenter=1&hide=loss").0;
    assert!(a.same_training_live(&look));
    for other in ["lr=0.02&clip=1", "lr=0.01&clip=0", "lr=0.01&clip=1&sps=5"] {
        let b = Settings::from_query(other).0;
        assert!(!a.same_training_live(&b), "{other}");
    }
}

/// A live value goes through the table as a link's does: accepted values set the field and
/// nothing else, a refused one and an unknown key give one-line messages and no settings.
#[test]
fn live_values_are_checked_by_the_table() {
    let a = Settings::default();
    let next = a.with_live_values(0.003, 0.5).expect("in range");
    assert_eq!((next.lr, next.clip), (0.003, 0.5));
    assert_eq!(next.with_live_from(&a), a, "only lr and clip changed");
    let e = a.with_live_values(f64::NAN, 1.0).expect_err("NaN lr");
    assert!(e.contains("lr") && !e.contains('\n'), "{e}");
    assert_eq!(a.with_text("sps", "max").map(|s| s.speed), Ok(Speed::Max));
    assert!(a.with_text("sps", "-2").is_err());
    assert_eq!(
        a.with_text("nope", "1"),
        Err("no setting is called nope".to_string())
    );
}
