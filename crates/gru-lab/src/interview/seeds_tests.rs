//! Question 10's multi-seed judge and answer, on synthetic tables and on a real sweep.

use super::*;
use crate::history::History;
use crate::interview::question;
use crate::sweep::{Sweep, SweepPoint};

fn q10() -> Settings {
    question(10).expect("q10").settings(&Settings::default())
}

/// A finished 3-seed table of Q10's models with final losses `finals[model][seed]`.
fn table(finals: &[[f64; 3]]) -> SweepTable {
    let s = q10();
    SweepTable {
        cells: vec!["GRU".into(), "LSTM".into(), "RNN".into()],
        lengths: vec![s.knob],
        steps: 400,
        seeds: 3,
        points: finals
            .iter()
            .enumerate()
            .flat_map(|(c, v)| {
                v.iter().enumerate().map(move |(k, &l)| SweepPoint {
                    cell: c,
                    len: 40,
                    seed: 1 + k as u64,
                    val_loss: l,
                    accuracy: None,
                    baseline: 0.17,
                    curve: vec![(400, l)],
                    ms_per_step: 1.0,
                    flops_per_step: 1.0,
                })
            })
            .collect(),
        cancelled: false,
        knob: Default::default(),
        query: s.to_query(),
    }
}

fn facts(t: Option<&SweepTable>) -> Facts {
    let s = q10();
    Facts::gather(&s, &History::default()).with_sweep(&s, t)
}

fn verdict(t: &SweepTable) -> (usize, String) {
    match judge(&facts(Some(t))) {
        Verdict::Decided { option, because } => (option, because),
        Verdict::Undecided { needs } => panic!("undecided: {needs}"),
    }
}

#[test]
fn the_preset_runs_three_seeds_of_the_three_cells() {
    let q = question(10).expect("q10");
    let s = q10();
    assert!(q.multi_seed());
    assert_eq!((s.sweep_seeds, s.sweep_steps, s.cells.len()), (3, 400, 3));
    assert!(!question(4).expect("q4").multi_seed());
}

#[test]
fn a_shared_q10_link_keeps_its_seeds_and_steps_and_a_single_seed_page_gets_the_presets() {
    let q = question(10).expect("q10");
    let (linked, e) = Settings::from_query("q=10&cells=gru,lstm,rnn&seeds=5&sweep_steps=800");
    assert!(e.is_empty(), "{e:?}");
    let s = q.settings(&linked);
    assert_eq!((s.sweep_seeds, s.sweep_steps), (5, 800));
    // A page on another question (one seed) gets the preset's 3 seeds and 400 steps.
    let (other, _) = Settings::from_query("q=4&sweep_steps=90");
    let s = q.settings(&other);
    assert_eq!((s.sweep_seeds, s.sweep_steps), (3, 400));
    // Questions without seeds never take the page's sweep settings.
    let s = question(4).expect("q4").settings(&linked);
    assert_eq!(s.sweep_seeds, 1);
}

#[test]
fn clear_winner_overlap_and_undecided_verdicts_follow_the_numbers() {
    // The LSTM's worst seed (0.03) is below every other seed: a clear LSTM.
    let clear = table(&[[0.05, 0.06, 0.07], [0.01, 0.02, 0.03], [0.1, 0.12, 0.14]]);
    let (opt, because) = verdict(&clear);
    assert_eq!(opt, 1);
    assert!(because.contains("LSTM 0.0200 [0.0100–0.0300]"), "{because}");
    assert!(because.contains("do not overlap"), "{because}");
    // The GRU has the lowest mean, but the LSTM's best seed beats the GRU's worst.
    let overlap = table(&[[0.02, 0.03, 0.04], [0.035, 0.05, 0.06], [0.1, 0.12, 0.14]]);
    let (opt, because) = verdict(&overlap);
    assert_eq!(opt, 3);
    assert!(because.contains("The GRU's range overlaps the LSTM's: with 3 seeds this is not a difference you can claim."), "{because}");
    let two = table(&[[0.02, 0.03, 0.06], [0.035, 0.05, 0.06], [0.05, 0.06, 0.07]]);
    let (opt, because) = verdict(&two);
    assert_eq!(opt, 3);
    assert!(
        because.contains("The GRU's range overlaps the LSTM's and the RNN's:"),
        "{because}"
    );
    // No sweep, another T, a NaN run: not decided, and the reason says so.
    assert!(
        matches!(judge(&facts(None)), Verdict::Undecided { needs } if needs.contains("Run this experiment"))
    );
    let mut other_t = clear.clone();
    other_t.lengths = vec![80];
    assert_eq!(facts(Some(&other_t)).seeds, None);
    let nan = table(&[
        [0.05, f64::NAN, 0.07],
        [0.01, 0.02, 0.03],
        [0.1, 0.12, 0.14],
    ]);
    assert!(
        matches!(judge(&facts(Some(&nan))), Verdict::Undecided { needs } if needs.contains("8 of 9")),
        "{:?}",
        judge(&facts(Some(&nan)))
    );
}

#[test]
fn the_answer_quotes_the_spread_and_names_a_misleading_seed() {
    // Seed 3 alone ranks the RNN first; the mean ranks the GRU first, overlapping the RNN.
    let t = table(&[[0.02, 0.03, 0.09], [0.1, 0.11, 0.12], [0.05, 0.06, 0.04]]);
    let p = paragraph(&facts(Some(&t)));
    for want in [
        "3 seeds of 400 steps each at T = 40",
        "GRU 0.0467 [0.0200–0.0900]",
        "RNN 0.0500 [0.0400–0.0600]",
        "The lowest mean is the GRU's.",
        "overlaps the RNN's",
        "seed 3 alone ranks the RNN first",
    ] {
        assert!(p.contains(want), "'{want}' missing in: {p}");
    }
    let agree = table(&[[0.01, 0.02, 0.03], [0.1, 0.11, 0.12], [0.05, 0.06, 0.04]]);
    let p = paragraph(&facts(Some(&agree)));
    assert!(
        p.contains("every seed on its own also ranks the GRU first"),
        "{p}"
    );
    assert!(!p.contains("can mislead"), "{p}");
    assert!(paragraph(&facts(None)).contains("One seed decides nothing"));
}

#[test]
fn a_real_multi_seed_sweep_of_the_preset_decides_the_quiz_with_its_own_numbers() {
    let s = Settings {
        hidden: 8,
        batch: 8,
        ..q10()
    };
    let mut sw = Sweep::new(&s, &[s.knob], 12, s.sweep_seeds).expect("valid");
    while !sw.advance(50, &|| 0.0) {}
    let f = Facts::gather(&s, &History::default()).with_sweep(&s, Some(sw.table()));
    let seeds = f.seeds.as_ref().expect("ours");
    let r = seeds.ranking().expect("complete");
    let (opt, because) = match judge(&f) {
        Verdict::Decided { option, because } => (option, because),
        Verdict::Undecided { needs } => panic!("{needs}"),
    };
    assert_eq!(opt, if r.overlaps.is_empty() { r.best } else { 3 });
    // The quoted means are the table's own.
    for (label, cv) in sw.table().cells.iter().zip(sw.table().curves()) {
        let want = format!("{label} {}", crate::fmt::fmt_num(cv[0].mean));
        assert!(because.contains(&want), "'{want}' missing in: {because}");
    }
    // A sweep cancelled half-way is not enough to decide.
    let mut half = Sweep::new(&s, &[s.knob], 12, 3).expect("valid");
    half.advance(40, &|| 0.0);
    half.cancel();
    let f = Facts::gather(&s, &History::default()).with_sweep(&s, Some(half.table()));
    assert!(matches!(judge(&f), Verdict::Undecided { needs } if needs.contains("cancelled")));
    // A sweep trained with another learning rate (live, then set back) or hidden size is
    // not this page's multi-seed run.
    for other in [
        Settings {
            lr: s.lr * 3.0,
            ..s.clone()
        },
        Settings {
            hidden: 9,
            ..s.clone()
        },
    ] {
        let mut sw = Sweep::new(&other, &[s.knob], 12, s.sweep_seeds).expect("valid");
        while !sw.advance(50, &|| 0.0) {}
        let f = Facts::gather(&s, &History::default()).with_sweep(&s, Some(sw.table()));
        assert!(f.seeds.is_none(), "lr {} hidden {}", other.lr, other.hidden);
    }
}
