//! Property-based tests of `seq=` (your sequence, `gru_lab::sequence`): any text, for any task,
//! gives a sequence of the task's shape or one line starting "your sequence:" — never a panic;
//! valid sequences round-trip through links.
//!
//! `GRU_FUZZ_CASES=n` runs `n` cases per property instead of the default.

mod fuzz_support;

use fuzz_support::check;
use proptest::prelude::*;

/// `seq=` (your sequence, `gru_lab::sequence`): any text, for any adding-problem length, gives
/// a sequence that fits that length or one line starting "your sequence:" — never a panic.
#[test]
fn arbitrary_sequences_never_panic_and_every_message_is_one_line() {
    use gru_core::task::TaskConfig;
    use gru_lab::sequence::{self, MAX_CHARS};
    let word = prop_oneof![
        "[0-9]{1,3}",
        "0\\.[0-9]{1,4}",
        "-?[0-9.eE+-]{1,8}",
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("|".to_string()),
        Just(";".to_string()),
        "\\PC{1,6}",
    ];
    let text = joined(word, 70);
    check("seq: arbitrary", 3000, (2usize..=65, text), |(t, text)| {
        let task = TaskConfig::Adding { len: t };
        match sequence::parse(&task, &text) {
            Ok(y) => {
                prop_assert_eq!(y.t, t);
                let sequence::Steps::Adding { values, marks } = &y.steps else {
                    return Err(TestCaseError::fail("adding steps"));
                };
                prop_assert_eq!(values.len(), t);
                prop_assert!(values.iter().all(|v| (0.0..=1.0).contains(v)));
                prop_assert!(marks[0] >= 1 && marks[0] < marks[1] && marks[1] <= t);
                let b = y.batch();
                prop_assert_eq!(b.x.len(), 2 * t);
                reads_back(&task, y)
            }
            Err(e) => one_line(&e),
        }
    });
    let huge = "0.5 ".repeat(MAX_CHARS);
    let e = sequence::parse(&TaskConfig::Adding { len: 40 }, &huge).expect_err("too long");
    assert!(e.contains("characters"), "{e}");
}

/// `seq=` for every other task: any text of numbers, symbols and separators gives a sequence
/// of the task's shape (finite inputs, reading back from its link) or one line starting
/// "your sequence:" — never a panic.
#[test]
fn arbitrary_sequences_for_every_task_never_panic() {
    use gru_core::task::TaskConfig;
    use gru_lab::sequence;
    let word = prop_oneof![
        "[01]",
        "-?[01]\\.[0-9]{1,2}",
        prop::sample::select(vec![
            "a", "b", "X", "Y", "B", "E", "A", "C", ".", "go", "GO", "|", ";", "-1", "1"
        ])
        .prop_map(String::from),
        "\\PC{1,4}",
    ];
    let text = joined(word, 40);
    check(
        "seq: every task",
        2000,
        (0usize..5, 2usize..=20, text),
        |(k, n, text)| {
            let task = match k {
                0 => TaskConfig::Parity { len: n },
                1 => TaskConfig::Latch { len: n },
                2 => TaskConfig::sine(n),
                3 => TaskConfig::TemporalOrder { len: n + 8 },
                _ => TaskConfig::copy_memory(n),
            };
            match sequence::parse(&task, &text) {
                Ok(y) => {
                    let b = y.batch();
                    prop_assert_eq!(b.x.len(), y.t * y.channels());
                    prop_assert!(b.x.iter().all(|v| v.is_finite()));
                    reads_back(&task, y)
                }
                Err(e) => one_line(&e),
            }
        },
    );
}

/// Valid sequences written as links read back exactly, and `seq=` splits out of a query.
#[test]
fn valid_sequences_round_trip_through_links() {
    use gru_core::task::TaskConfig;
    use gru_lab::look::split_key;
    use gru_lab::sequence::{self, Steps, Yours};
    let case = (2usize..=60).prop_flat_map(|t| {
        (
            prop::collection::vec(0u32..=1000, t),
            (1..=t, 1..=t).prop_filter("two steps", |(a, b)| a != b),
        )
    });
    check("seq: round trip", 1000, case, |(vals, (a, b))| {
        let t = vals.len();
        let y = Yours {
            task: TaskConfig::Adding { len: t },
            t,
            steps: Steps::Adding {
                values: vals.iter().map(|&v| v as f32 / 1000.0).collect(),
                marks: [a.min(b), a.max(b)],
            },
        };
        let link = sequence::url_value(&y).expect("T ≤ 60");
        let query = format!("cells=gru&T={t}&seq={link}&inside=0.0.0.3");
        let (rest, got) = split_key(&query, sequence::KEY);
        prop_assert_eq!(rest, format!("cells=gru&T={t}&inside=0.0.0.3"));
        let got = got.expect("seq present");
        prop_assert_eq!(sequence::parse(&TaskConfig::Adding { len: t }, &got), Ok(y));
        Ok(())
    });
}

/// Up to `max − 1` words from `word`, each followed by a space, comma, newline or nothing.
fn joined(word: impl Strategy<Value = String>, max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        (word, prop::sample::select(vec![" ", ",", "", "\n"])),
        0..max,
    )
    .prop_map(|ws| {
        ws.into_iter()
            .map(|(w, s)| format!("{w}{s}"))
            .collect::<String>()
    })
}

/// A parsed sequence with a link form reads back from it exactly.
fn reads_back(
    task: &gru_core::task::TaskConfig,
    y: gru_lab::sequence::Yours,
) -> Result<(), TestCaseError> {
    if let Some(link) = gru_lab::sequence::url_value(&y) {
        prop_assert_eq!(gru_lab::sequence::parse(task, &link), Ok(y));
    }
    Ok(())
}

/// A refusal is one line of at most 200 characters starting "your sequence: ".
fn one_line(e: &str) -> Result<(), TestCaseError> {
    prop_assert!(e.starts_with("your sequence: "), "{}", e);
    prop_assert!(!e.contains('\n') && e.chars().count() <= 200, "{}", e);
    Ok(())
}
