//! Every judge and answer on synthetic facts: each option can come out, the "not decided
//! yet" case says what decides it, and a quiz judges only its own experiment.

use gru_core::cell::CellKind;

use super::*;
use crate::history::History;
use crate::settings::Settings;

/// Facts of question `n`'s own preset, with each run at `step` (its latest validation too)
/// and `set` applied per cell.
pub(super) fn facts(n: usize, step: u64, set: impl Fn(&mut CellFacts)) -> Facts {
    let q = question(n).expect("question");
    let mut f = Facts::gather(&q.settings(&Settings::default()), &History::default());
    for c in &mut f.cells {
        c.step = step;
        c.val_step = Some(step);
        set(c);
    }
    f.views_step = Some(step);
    f
}

pub(super) fn decided(v: &Verdict) -> usize {
    match v {
        Verdict::Decided { option, .. } => *option,
        Verdict::Undecided { needs } => panic!("undecided: {needs}"),
    }
}

pub(super) fn undecided(v: &Verdict) -> &str {
    match v {
        Verdict::Undecided { needs } => needs,
        Verdict::Decided { because, .. } => panic!("decided: {because}"),
    }
}

pub(super) fn by_kind(vals: &'static [(CellKind, f64)]) -> impl Fn(&CellFacts) -> Option<f64> {
    move |c| vals.iter().find(|v| v.0 == c.kind).map(|v| v.1)
}

#[test]
fn a_validation_older_than_the_budget_leaves_the_quiz_open_and_the_verdict_quotes_its_step() {
    // Q8 at step 320, but the latest validation is from step 250: not decided yet.
    let stale = facts(8, 320, |c| {
        c.val_step = Some(250);
        c.val_loss = Some(if c.twin { 0.34 } else { 0.05 });
    });
    let verdict = (question(8).expect("q8").quiz.judge)(&stale);
    let needs = undecided(&verdict);
    assert!(needs.contains("from step 250"), "{needs}");
    let fresh = facts(8, 320, |c| {
        c.val_step = Some(310);
        c.val_loss = Some(if c.twin { 0.34 } else { 0.05 });
    });
    match (question(8).expect("q8").quiz.judge)(&fresh) {
        Verdict::Decided { because, .. } => {
            assert!(because.starts_with("At step 310:"), "{because}")
        }
        Verdict::Undecided { needs } => panic!("undecided: {needs}"),
    }
}

#[test]
fn every_question_has_a_valid_canonical_preset_a_view_and_options() {
    assert_eq!(QUESTIONS.len(), 10);
    for (i, q) in QUESTIONS.iter().enumerate() {
        assert_eq!(q.n, i + 1);
        let (s, e) = Settings::from_query(q.preset);
        assert!(e.is_empty(), "{}: {e:?}", q.n);
        assert_eq!(s.to_query(), q.preset, "{} is canonical", q.n);
        let link = q.link();
        assert!(link.ends_with(&format!("q={}", q.n)), "{link}");
        assert_eq!(Settings::from_query(&link).0.question, Some(q.n));
        assert!(q.view.starts_with("v-") && q.quiz.options.len() >= 2);
    }
}

#[test]
fn lower_loss_judges_pick_each_option_from_the_numbers() {
    let f = facts(1, 450, |c| {
        c.val_loss = by_kind(&[(CellKind::Gru, 0.01), (CellKind::Lstm, 0.05)])(c)
    });
    assert_eq!(decided(&judge::gru_vs_lstm(&f)), 0);
    let f = facts(1, 450, |c| {
        c.val_loss = by_kind(&[(CellKind::Gru, 0.05), (CellKind::Lstm, 0.01)])(c)
    });
    let v = judge::gru_vs_lstm(&f);
    assert_eq!(decided(&v), 1);
    let Verdict::Decided { because, .. } = &v else {
        unreachable!()
    };
    assert_eq!(
        because,
        "At step 450: validation loss GRU 0.0500, LSTM 0.0100 (a tie means within 10 %)."
    );
    let f = facts(1, 450, |c| {
        c.val_loss = by_kind(&[(CellKind::Gru, 0.050), (CellKind::Lstm, 0.047)])(c)
    });
    assert_eq!(decided(&judge::gru_vs_lstm(&f)), 2);
    // Too early: says at which step it decides.
    let f = facts(1, 120, |c| c.val_loss = Some(0.1));
    assert_eq!(
        undecided(&judge::gru_vs_lstm(&f)),
        "the runs are compared at step 400 or later (now at step 120)"
    );
    // Question 5 the same way at step 500.
    let f = facts(5, 499, |c| c.val_loss = Some(0.1));
    assert!(undecided(&judge::small_budget(&f)).contains("step 500"));
    // A different experiment (no LSTM) cannot decide question 1.
    let f = facts(3, 999, |c| c.val_loss = Some(0.1));
    assert!(undecided(&judge::gru_vs_lstm(&f)).contains("Run this experiment"));
}

#[test]
fn the_update_gate_judge_reads_mean_z_and_refuses_a_coin_toss() {
    let f = facts(2, 300, |c| c.mean_z = Some(0.2));
    assert_eq!(decided(&judge::keeps_or_writes(&f)), 0);
    let f = facts(2, 300, |c| c.mean_z = Some(0.7));
    assert_eq!(decided(&judge::keeps_or_writes(&f)), 1);
    let f = facts(2, 300, |c| c.mean_z = Some(0.51));
    assert!(undecided(&judge::keeps_or_writes(&f)).contains("too close to 0.5"));
    let f = facts(2, 300, |_| {});
    assert!(undecided(&judge::keeps_or_writes(&f)).contains("look inside"));
}

#[test]
fn gradient_judges_compare_by_factors_of_ten() {
    let f = facts(3, 300, |c| {
        c.far = by_kind(&[(CellKind::Gru, 0.5), (CellKind::RnnTanh, 1e-9)])(c)
    });
    assert_eq!(decided(&judge::far_gradient(&f)), 0);
    let f = facts(3, 300, |c| {
        c.far = by_kind(&[(CellKind::Gru, 1e-6), (CellKind::RnnTanh, 1e-2)])(c)
    });
    assert_eq!(decided(&judge::far_gradient(&f)), 1);
    let f = facts(3, 300, |c| {
        c.far = by_kind(&[(CellKind::Gru, 0.5), (CellKind::RnnTanh, 0.1)])(c)
    });
    assert_eq!(decided(&judge::far_gradient(&f)), 2);
    let f = facts(3, 300, |_| {});
    assert!(undecided(&judge::far_gradient(&f)).contains("inspection"));
    let f = facts(9, 100, |c| c.far = Some(2e-3));
    assert_eq!(decided(&judge::long_gradient(&f)), 0);
    let f = facts(9, 100, |c| c.far = Some(1e-5));
    assert_eq!(decided(&judge::long_gradient(&f)), 1);
    let f = facts(9, 99, |c| c.far = Some(1e-5));
    assert!(undecided(&judge::long_gradient(&f)).contains("step 100"));
}

#[test]
fn view_judges_wait_for_views_of_the_asked_step_and_quote_that_step() {
    // Trained to step 320, but the views (‖∂h_T/∂h_0‖, z) are of step 250: a big model's
    // analysis lags, or the learner is time travelling.
    let mut f = facts(3, 320, |c| {
        c.far = by_kind(&[(CellKind::Gru, 0.5), (CellKind::RnnTanh, 1e-9)])(c);
        c.mean_z = Some(0.2);
    });
    f.views_step = Some(250);
    let needs = undecided(&judge::far_gradient(&f)).to_string();
    assert!(
        needs.contains("views show the model at step 250"),
        "{needs}"
    );
    let mut q9 = facts(9, 150, |c| c.far = Some(1e-5));
    q9.views_step = Some(80);
    assert!(undecided(&judge::long_gradient(&q9)).contains("at step 80"));
    f.views_step = Some(310);
    match judge::far_gradient(&f) {
        Verdict::Decided { because, option } => {
            assert_eq!(option, 0);
            assert!(
                because.starts_with("At step 310 (the inspection)"),
                "{because}"
            );
        }
        Verdict::Undecided { needs } => panic!("undecided: {needs}"),
    }
    let mut q2 = facts(2, 320, |c| c.mean_z = Some(0.2));
    q2.views_step = None;
    assert!(undecided(&judge::keeps_or_writes(&q2)).contains("inspection"));
}

#[test]
fn steps_to_half_the_baseline_decide_as_soon_as_one_cell_gets_there() {
    let at = |g: Option<u64>, l: Option<u64>| {
        facts(4, 700, move |c| {
            c.half_baseline_at = if c.kind == CellKind::Gru { g } else { l }
        })
    };
    assert!(undecided(&judge::fewer_steps(&at(None, None))).contains("half the baseline"));
    assert_eq!(decided(&judge::fewer_steps(&at(Some(300), None))), 0);
    assert_eq!(decided(&judge::fewer_steps(&at(None, Some(300)))), 1);
    // The GRU crossed at 200; the LSTM, validated only up to step 210, may still cross
    // by step 222 (|200 − 222| ≤ 22, a tie; 223 is not): undecided until its validation
    // reaches 222, and a crossing found there or earlier is a tie.
    let open = |lstm_val: u64| {
        facts(4, 230, move |c| {
            c.half_baseline_at = (c.kind == CellKind::Gru).then_some(200);
            if c.kind == CellKind::Lstm {
                c.val_step = Some(lstm_val);
            }
        })
    };
    let needs = undecided(&judge::fewer_steps(&open(210))).to_string();
    assert!(
        needs.contains("GRU crossed at step 200") && needs.contains("reaches step 222"),
        "{needs}"
    );
    assert!(!undecided(&judge::fewer_steps(&open(221))).is_empty());
    assert_eq!(decided(&judge::fewer_steps(&open(222))), 0);
    assert_eq!(decided(&judge::fewer_steps(&at(Some(200), Some(222)))), 2);
    assert_eq!(decided(&judge::fewer_steps(&at(Some(200), Some(223)))), 0);
    // The last tying step over many crossings, by brute force on the rule.
    for a in 1..2000u64 {
        let want = (a..3000).filter(|&b| b - a <= b / 10).max();
        assert_eq!(Some(super::judge::last_tie(a)), want, "a = {a}");
    }
    assert_eq!(decided(&judge::fewer_steps(&at(Some(600), Some(300)))), 1);
    assert_eq!(decided(&judge::fewer_steps(&at(Some(300), Some(320)))), 2);
}

#[test]
fn accuracy_dropout_and_ranking_judges() {
    let f = facts(6, 600, |c| {
        c.val_accuracy = by_kind(&[(CellKind::Gru, 0.51), (CellKind::Lstm, 0.93)])(c)
    });
    assert_eq!(decided(&judge::accuracy(&f)), 1);
    let f = facts(6, 600, |c| c.val_accuracy = Some(0.5));
    assert_eq!(decided(&judge::accuracy(&f)), 2);
    // 51.6 % against 48.8 %: both within chance (± 6.25 points on 256 sequences), a tie.
    let f = facts(6, 600, |c| {
        c.val_accuracy = by_kind(&[(CellKind::Gru, 0.516), (CellKind::Lstm, 0.488)])(c)
    });
    let v = judge::accuracy(&f);
    assert_eq!(decided(&v), 2, "{v:?}");
    assert!(matches!(&v, Verdict::Decided { because, .. }
        if because.contains("neither has learnt parity") && because.contains("± 6.25 points")));
    // 56.25 % (144 of 256) is on the band's edge: still chance, as the sentence's numbers say.
    let f = facts(6, 600, |c| {
        c.val_accuracy = by_kind(&[(CellKind::Gru, 0.5625), (CellKind::Lstm, 0.49)])(c)
    });
    assert_eq!(decided(&judge::accuracy(&f)), 2);
    // 60 % against 55 %: the GRU has learnt something; 5 points is no tie.
    let f = facts(6, 600, |c| {
        c.val_accuracy = by_kind(&[(CellKind::Gru, 0.60), (CellKind::Lstm, 0.55)])(c)
    });
    assert_eq!(decided(&judge::accuracy(&f)), 0);
    assert!(undecided(&judge::accuracy(&facts(6, 10, |_| {}))).contains("step 600"));
    let f = facts(7, 300, |c| (c.loss, c.val_loss) = (Some(0.2), Some(0.1)));
    assert_eq!(decided(&judge::dropout_gap(&f)), 0);
    let f = facts(7, 300, |c| (c.loss, c.val_loss) = (Some(0.1), Some(0.2)));
    assert_eq!(decided(&judge::dropout_gap(&f)), 1);
    let f = facts(7, 300, |c| (c.loss, c.val_loss) = (Some(0.1), Some(0.102)));
    assert_eq!(decided(&judge::dropout_gap(&f)), 2);
    // 7 % apart, as the smoothing lag alone gives without dropout: still a tie; 30 % is not.
    let f = facts(7, 300, |c| (c.loss, c.val_loss) = (Some(0.107), Some(0.1)));
    assert_eq!(decided(&judge::dropout_gap(&f)), 2);
    let f = facts(7, 300, |c| (c.loss, c.val_loss) = (Some(0.13), Some(0.1)));
    assert_eq!(decided(&judge::dropout_gap(&f)), 0);
    // Metrics of a validation older than the asked step do not decide.
    let stale = facts(6, 650, |c| {
        c.val_accuracy = Some(0.5);
        c.val_step = Some(560);
    });
    assert!(undecided(&judge::accuracy(&stale)).contains("from step 560"));
    let stale = facts(7, 320, |c| {
        (c.loss, c.val_loss) = (Some(0.2), Some(0.1));
        c.val_step = Some(280);
    });
    assert!(undecided(&judge::dropout_gap(&stale)).contains("from step 280"));
}

#[test]
fn the_future_context_judge_compares_the_bidirectional_gru_with_its_one_way_twin() {
    let third = 1.0 / 3.0;
    for (bi, one, want) in [(0.01, 0.33, 0), (0.34, 0.2, 1), (0.32, 0.33, 2)] {
        let f = facts(8, 300, |c| {
            c.val_loss = Some(if c.twin { one } else { bi });
            c.baseline = Some(third);
        });
        assert_eq!(
            f.cells.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
            ["GRU", "GRU one-way"]
        );
        let verdict = judge::future_context(&f);
        assert_eq!(decided(&verdict), want, "{bi} {one}");
    }
    assert!(undecided(&judge::future_context(&facts(8, 299, |_| {}))).contains("step 300"));
    let adding = Facts::gather(
        &Settings::from_query("bi=1&oneway=1").0,
        &History::default(),
    );
    assert!(undecided(&judge::future_context(&adding)).contains("lookahead"));
    let no_twin = Facts::gather(
        &Settings::from_query("task=lookahead&bi=1").0,
        &History::default(),
    );
    assert!(undecided(&judge::future_context(&no_twin)).contains("one-way twin"));
}

#[test]
fn the_reveal_sentence_compares_the_prediction_with_the_run() {
    let opts = ["GRU", "LSTM", "about equal"];
    let v = Verdict::Decided {
        option: 1,
        because: "At step 400: …".into(),
    };
    assert_eq!(
        v.check(1, &opts),
        "Your prediction held: LSTM. At step 400: …"
    );
    assert_eq!(
        v.check(0, &opts),
        "Not this time: you predicted GRU, the run gave LSTM. At step 400: …"
    );
    let u = Verdict::Undecided { needs: "x".into() };
    assert_eq!(u.check(0, &opts), "Not decided yet — keep training: x");
}

#[test]
fn a_quiz_judges_only_its_own_experiment() {
    let q3 = question(3).expect("q3");
    let page = Settings::default(); // T = 40, where question 3 asks about T = 100
    assert!(!q3.runs_on(&page));
    let f = facts(3, 400, |c| {
        c.far = by_kind(&[(CellKind::Gru, 0.5), (CellKind::RnnTanh, 1e-9)])(c)
    });
    let needs = undecided(&q3.verdict(&page, &f)).to_string();
    assert!(
        needs.contains("Run this experiment") && needs.contains("T=100"),
        "{needs}"
    );
    // The experiment's own settings decide, whatever the seed, speed and looks.
    let mut run = q3.settings(&page);
    assert!(q3.runs_on(&run));
    assert_eq!(decided(&q3.verdict(&run, &f)), 0);
    run.seed = 7;
    run.presenter = true;
    run.speed = Settings::from_query("sps=5").0.speed;
    assert!(q3.runs_on(&run));
    // Runs trained for a while under a live change are not the experiment's, even with the
    // preset's values back.
    let retuned = Facts {
        retuned_at: Some(120),
        ..f.clone()
    };
    let needs = undecided(&q3.verdict(&run, &retuned)).to_string();
    assert!(
        needs.contains("another learning rate") && needs.contains("from step 120"),
        "{needs}"
    );
    // A changed experiment (a live learning rate) does not.
    run.lr = 0.5;
    assert!(!q3.runs_on(&run));
    // Every question runs on its own link's settings.
    for q in QUESTIONS {
        assert!(
            q.runs_on(&Settings::from_query(&q.link()).0),
            "question {}",
            q.n
        );
    }
}

#[test]
fn each_quiz_pauses_at_the_step_its_prompt_names_and_its_judge_waits_for() {
    for q in QUESTIONS {
        let Some(n) = q.quiz.steps else {
            continue;
        };
        assert!(
            q.quiz.prompt.contains(&format!("{n} steps")),
            "q{}: the prompt names step {n}: {}",
            q.n,
            q.quiz.prompt
        );
        // One step short, the judge waits for exactly that step.
        let needs = undecided(&(q.quiz.judge)(&facts(q.n, n - 1, |_| {}))).to_string();
        assert!(
            needs.contains(&format!("step {n} or later")),
            "q{}: {needs}",
            q.n
        );
    }
    let paused: Vec<usize> = QUESTIONS
        .iter()
        .filter(|q| q.quiz.steps.is_some())
        .map(|q| q.n)
        .collect();
    assert_eq!(paused, [1, 2, 3, 5, 6, 7, 8, 9]);
}
