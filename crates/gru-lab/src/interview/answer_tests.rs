//! The answers on synthetic and live facts: they quote exactly the numbers they were given,
//! and the carry-path norm question 9 quotes.

use gru_core::cell::CellKind;

use super::tests::{by_kind, facts};
use super::*;
use crate::settings::Settings;

#[test]
fn answers_quote_the_numbers_they_are_given() {
    let f = facts(1, 0, |_| {});
    let a = (question(1).expect("q").answer)(&f).join(" ");
    assert!(
        a.contains("GRU 3·(I+H+1)·H = 912; LSTM 4·(I+H+2)·H = 1\u{2009}280"),
        "{a}"
    );
    assert!(
        a.contains("nn.GRU(2, 16) would have 3·(I+H+2)·H = 960"),
        "{a}"
    );
    assert!(a.contains("No validation loss yet"), "{a}");
    assert!(
        a.contains("(the cost table's params): GRU 929, LSTM 1\u{2009}297."),
        "912 + 17, 1280 + 17: {a}"
    );
    let f = facts(1, 412, |c| {
        c.val_loss = by_kind(&[(CellKind::Gru, 0.0123), (CellKind::Lstm, 0.04567)])(c)
    });
    let a = (question(1).expect("q").answer)(&f).join(" ");
    assert!(
        a.contains("At step 412, validation loss: GRU 0.0123, LSTM 0.0457."),
        "{a}"
    );
    let f = facts(3, 300, |c| {
        c.far = by_kind(&[(CellKind::Gru, 0.731), (CellKind::RnnTanh, 2.5e-9)])(c);
        if c.kind == CellKind::Gru {
            c.terms = Some([0.9, 0.3, 0.05]);
        }
    });
    let a = (question(3).expect("q").answer)(&f).join(" ");
    assert!(
        a.contains("diag(h̃_t − h_{t−1})·∂z_t/∂h_{t−1}"),
        "the third term is there"
    );
    assert!(a.contains("‖A‖ 0.9000, ‖B‖ 0.3000, ‖C‖ 0.0500"), "{a}");
    assert!(a.contains("GRU 0.7310, RNN 2.50e-9"), "{a}");
    let f = facts(5, 500, |c| {
        c.loss = by_kind(&[(CellKind::Gru, 0.02), (CellKind::Lstm, 0.05)])(c);
        c.val_loss = by_kind(&[(CellKind::Gru, 0.09), (CellKind::Lstm, 0.08)])(c);
    });
    let a = (question(5).expect("q").answer)(&f).join(" ");
    assert!(
        a.contains("Validation loss (step 500) minus the smoothed training loss (step 500), the memorising gap: GRU 0.0700, LSTM 0.0300."),
        "validation minus training, per cell: {a}"
    );
    assert!(
        !a.contains("can overfit less;"),
        "no law of fewer weights: {a}"
    );
    let a = (question(7).expect("q").answer)(&facts(7, 0, |_| {})).join(" ");
    assert!(
        a.contains("nn.GRU has no recurrent dropout") && a.contains("recurrent dropout 0.3"),
        "{a}"
    );
    let a = (question(4).expect("q").answer)(&facts(4, 0, |_| {})).join(" ");
    assert!(a.contains("(ratio 0.75)"), "3 gate blocks against 4: {a}");
    assert!(a.contains("appears in the cost table"), "{a}");
    let a = (question(4).expect("q").answer)(&facts(4, 9, |c| {
        c.step_ms = Some(if c.kind == CellKind::Gru { 1.5 } else { 2.0 })
    }))
    .join(" ");
    assert!(
        a.contains("GRU 1.50 ms, LSTM 2.00 ms"),
        "as the cost table writes them: {a}"
    );
    let a = (question(9).expect("q").answer)(&facts(9, 50, |c| {
        c.mean_z = Some(0.1);
        c.carry_only = Some(1e-20);
        c.carry_of_mean = Some(0.9f64.powi(300));
    }))
    .join(" ");
    assert!(
        a.contains("= 1.00e-20, against (1 − mean z)^T = 1.87e-14 with mean z = 0.1000 (the carry far below it)."),
        "0.9^300: {a}"
    );
    for q in QUESTIONS {
        for p in (q.answer)(&facts(q.n, 0, |_| {})) {
            let words = p.split(|c: char| !c.is_alphanumeric());
            assert!(
                !words.into_iter().any(|w| w == "NaN" || w == "inf"),
                "{}: {p}",
                q.n
            );
        }
    }
}

#[test]
fn q9_and_q10_quote_the_live_tcn_and_attention_numbers_when_the_run_has_them() {
    let mut f = facts(9, 100, |c| {
        c.far_input = Some(2.5e-7);
        c.step_ms = Some(4.0);
        c.val_loss = Some(0.17);
    });
    assert_eq!(
        f.models
            .iter()
            .map(|m| m.label.as_str())
            .collect::<Vec<_>>(),
        ["TCN", "Attention"],
        "Q9's preset compares a GRU with a TCN and attention"
    );
    let waiting = answer::long(&f).join(" ");
    assert!(
        waiting.contains("appear once the runs have trained"),
        "{waiting}"
    );
    for (m, (far, ms)) in f.models.iter_mut().zip([(0.031, 2.25), (0.0125, 7.5)]) {
        m.far_input = Some(far);
        m.step_ms = Some(ms);
        m.val_loss = Some(0.05);
        m.receptive_field = (m.label == "TCN").then_some(512);
    }
    let text = answer::long(&f).join(" ");
    for want in [
        "GRU 2.50e-7",
        "TCN 0.0310",
        "Attention 0.0125",
        "receptive field is 512",
        &crate::fmt::fmt_ms(7.5),
        "T = 300",
    ] {
        assert!(text.contains(want), "'{want}' missing in: {text}");
    }
    // Q10 quotes them only when its run has such models.
    assert!(!answer::evaluate(&facts(10, 100, |_| {}))
        .join(" ")
        .contains("Beside the cells"));
    let mut ten = f.clone();
    ten.seq_len = 300;
    assert!(answer::evaluate(&ten)
        .join(" ")
        .contains("Attention 0.0125"));
}

#[test]
fn the_carry_only_norm_is_the_keeping_unit_s_product_not_the_average_gate_s() {
    // Two units over 3 steps: unit 0 keeps its state (z = 0), unit 1 overwrites (z = 0.9).
    let z = [0.0, 0.9, 0.0, 0.9, 0.0, 0.9];
    assert_eq!(facts::carry_only(&z, 2), Some(1.0));
    // Unit 1 alone: 0.1³.
    let only = [0.9f32, 0.9, 0.9];
    let want = (1.0 - f64::from(0.9f32)).powi(3);
    assert!((facts::carry_only(&only, 1).expect("one unit") - want).abs() < 1e-15);
    assert_eq!(facts::carry_only(&[], 2), None);
    assert_eq!(facts::carry_only(&z[..5], 2), None, "ragged");
    // Question 9's answer quotes it beside (1 − mean z)^T and says which is larger.
    let f = facts(9, 150, |c| {
        c.mean_z = Some(0.45);
        c.carry_only = Some(0.5);
        c.carry_of_mean = Some(0.55f64.powi(300));
    });
    let text = (question(9).expect("q9").answer)(&f).join(" ");
    let average = crate::fmt::fmt_num(0.55f64.powi(300));
    assert!(
        text.contains(&format!(
            "= 0.5000, against (1 − mean z)^T = {average} with mean z = 0.4500 (the carry far above it)."
        )),
        "{text}"
    );
}

#[test]
fn q9_states_the_factor_between_the_carry_and_the_average_gate_when_within_ten() {
    let f = facts(9, 150, |c| {
        c.mean_z = Some(0.5);
        c.carry_only = Some(2.0e-5);
        c.carry_of_mean = Some(8.0e-5);
    });
    let text = (question(9).expect("q9").answer)(&f).join(" ");
    assert!(
        text.contains("= 2.00e-5, against (1 − mean z)^T = 8.00e-5 with mean z = 0.5000 (the carry 0.2500 times it)."),
        "a factor of 4 is not 'close to': {text}"
    );
    assert!(!text.contains("close to"), "{text}");
    let nan = facts(9, 150, |c| {
        c.mean_z = Some(1.0);
        c.carry_only = Some(0.0);
        c.carry_of_mean = Some(0.0);
    });
    let text = (question(9).expect("q9").answer)(&nan).join(" ");
    assert!(
        text.contains("with mean z = 1.000. A product"),
        "no relation to 0/0: {text}"
    );
}

#[test]
fn a_cell_sized_by_the_parameter_budget_names_its_own_h() {
    let s = Settings::from_query("cells=gru,lstm&hidden=16&budget=gru").0;
    let f = Facts::gather(&s, &crate::history::History::default());
    let lstm = f.cell(CellKind::Lstm).expect("lstm");
    assert_ne!(lstm.hidden, 16, "the budget shrinks the LSTM");
    let a = answer::differ(&f).join(" ");
    assert!(
        a.contains(&format!(
            "GRU 3·(I+H+1)·H = 912; LSTM (H = {}) 4·(I+H+2)·H = ",
            lstm.hidden
        )),
        "{a}"
    );
}

#[test]
fn t_in_the_answers_is_the_sequence_length_not_the_task_knob() {
    // Copy memory's knob is its delay; its sequences are delay + 2n + 1 steps.
    let s = Settings::from_query("task=copy&T=20").0;
    let f = Facts::gather(&s, &crate::history::History::default());
    let task = s.task_config().expect("task").build().expect("task");
    assert_eq!(f.seq_len, task.seq_len());
    assert!(f.seq_len > s.knob, "{} vs knob {}", f.seq_len, s.knob);
}
