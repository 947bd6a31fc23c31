use super::*;
use gru_core::task::FixedSet;
use gru_core::task::TaskConfig;

const ADD5: TaskConfig = TaskConfig::Adding { len: 5 };

#[test]
fn a_typed_adding_sequence_becomes_the_batch_the_task_would_make() {
    let y = parse(&ADD5, "0.1, 0.5 1 0 0.25 | 4 2").expect("valid");
    assert_eq!(
        y.steps,
        Steps::Adding {
            values: vec![0.1, 0.5, 1.0, 0.0, 0.25],
            marks: [2, 4]
        },
        "marks sorted"
    );
    let b = y.batch();
    assert_eq!((b.t, b.b), (5, 1));
    assert_eq!(b.x, [0.1, 0.0, 0.5, 1.0, 1.0, 0.0, 0.0, 1.0, 0.25, 0.0]);
    assert_eq!(
        b.targets,
        Targets::Values(vec![0.5]),
        "0.5 + 0 at steps 2 and 4"
    );
    assert_eq!(to_text(&y, " "), "0.1 0.5 1 0 0.25 | 2 4");
    let link = url_value(&y).expect("short");
    assert_eq!(link, "0.1,0.5,1,0,0.25;2,4");
    assert_eq!(parse(&ADD5, &link), Ok(y), "the link form reads back");
}

/// Every task: the generator's own samples, read back through the text form, give the same
/// inputs and the same targets and weights the task computed (the task's own rule).
#[test]
fn every_task_reads_its_own_samples_back_with_the_tasks_targets() {
    let tasks = [
        TaskConfig::Adding { len: 12 },
        TaskConfig::Parity { len: 9 },
        TaskConfig::Latch { len: 7 },
        TaskConfig::sine(10),
        TaskConfig::Lookahead { len: 12, ahead: 2 },
        TaskConfig::TemporalOrder { len: 20 },
        TaskConfig::copy_memory(4),
    ];
    for task in tasks {
        let gen = task.build().expect("valid");
        let set = FixedSet::<f32>::new(&gen, 8, 3).expect("eight samples");
        let mut b = Batch::<f32>::empty();
        set.fill(0, 1, &mut b); // the first one
                                // Round the values to 0.01 as the text box does, and recompute what the task would
                                // give for the rounded sample by its own rule below.
        let y = Yours::from_inputs(&task, &b.x).expect("a generated sample");
        let text = to_text(&y, " ");
        let back = parse(&task, &text).unwrap_or_else(|e| panic!("{task:?}: {e}\n{text}"));
        assert_eq!(back, y, "{task:?}");
        let mine = back.batch();
        assert_eq!(mine.x.len(), b.x.len(), "{task:?}");
        for (a, g) in mine.x.iter().zip(&b.x) {
            assert!((a - g).abs() <= 0.005 + 1e-6, "{task:?}: {a} vs {g}");
        }
        assert_eq!(
            mine.weights.is_some(),
            b.weights.is_some() || matches!(task, TaskConfig::Sine { .. }),
            "{task:?}"
        );
        match (&mine.targets, &b.targets) {
            (Targets::Classes(m), Targets::Classes(g)) => {
                let scored = |w: &Option<Vec<f32>>, r: usize| w.as_ref().is_none_or(|w| w[r] > 0.0);
                for r in 0..g.len() {
                    if scored(&b.weights, r) {
                        assert_eq!(m[r], g[r], "{task:?} row {r}");
                    }
                    assert_eq!(
                        scored(&mine.weights, r),
                        scored(&b.weights, r),
                        "{task:?} row {r}"
                    );
                }
            }
            (Targets::Values(m), Targets::Values(g)) => {
                // Adding: the sum of the rounded values; sine: the next rounded value (the
                // last row, which the generator scores with the unseen x_T, is unscored here);
                // lookahead: the rounded value d steps ahead (its last d rows unscored by both).
                let n = if matches!(task, TaskConfig::Sine { .. }) {
                    g.len() - 1
                } else {
                    g.len()
                };
                for r in 0..n {
                    assert!(
                        (m[r] - g[r]).abs() <= 0.01 + 1e-6,
                        "{task:?} row {r}: {} vs {}",
                        m[r],
                        g[r]
                    );
                }
            }
            _ => panic!("{task:?}: target kinds differ"),
        }
    }
}

#[test]
fn each_tasks_rule_gives_the_target_or_says_there_is_none() {
    let par = parse(&TaskConfig::Parity { len: 4 }, "1 0 1 1").expect("bits");
    assert_eq!(
        par.batch().targets,
        Targets::Classes(vec![1]),
        "three ones: odd"
    );
    let latch = parse(&TaskConfig::Latch { len: 3 }, "-1 | 0.5 -0.25").expect("latch");
    let b = latch.batch();
    assert_eq!(b.x, [-1.0, 0.0, 0.0, 0.5, 0.0, -0.25]);
    assert_eq!(b.targets, Targets::Classes(vec![0]), "cue −1 is class 0");
    let sine = parse(&TaskConfig::sine(3), "0.5 -1 0.25").expect("wave");
    let b = sine.batch();
    assert_eq!(b.targets, Targets::Values(vec![-1.0, 0.25, 0.0]));
    assert_eq!(
        b.weights,
        Some(vec![1.0, 1.0, 0.0]),
        "no next value after the last step"
    );
    let to = TaskConfig::TemporalOrder { len: 10 };
    let y = parse(&to, "B a Y b c X d a b E").expect("symbols");
    assert_eq!(
        y.batch().targets,
        Targets::Classes(vec![2]),
        "Y then X = YX"
    );
    assert!(y.targets().is_some());
    let none = parse(&to, "B a Y b c X d Y b E").expect("three relevant symbols");
    assert!(none.targets().is_none());
    assert_eq!(none.batch().weights, Some(vec![0.0]), "nothing scored");
    let cm = TaskConfig::copy_memory(2); // n = 3, K = 4: T = 9, recall = steps 7…9
    let y = parse(&cm, "C A D . . go . . .").expect("symbols");
    let b = y.batch();
    assert_eq!(b.targets, Targets::Classes(vec![0, 0, 0, 0, 0, 0, 2, 0, 3]));
    assert_eq!(b.weights, Some(vec![0., 0., 0., 0., 0., 0., 1., 1., 1.]));
    assert_eq!(to_text(&y, ","), "C,A,D,.,.,go,.,.,.");
    let blank = parse(&cm, "C . D . . go . . .").expect("symbols");
    assert!(
        blank.targets().is_none(),
        "a blank among the symbols to copy"
    );
}

#[test]
fn every_bad_sequence_names_its_position() {
    let cases = [
        (ADD5, "0.1 0.2 0.3 0.4 | 1 2", "4 values, but T = 5"),
        (
            ADD5,
            "0.1 0.2 x 0.4 0.5 | 1 2",
            "value at step 3 ('x', line 1, column 9)",
        ),
        (
            ADD5,
            "0.1 0.2 0.3\n1.5 0.5 | 1 2",
            "value at step 4 ('1.5', line 2, column 1)",
        ),
        (ADD5, "0.1 0.2 0.3 NaN 0.5 | 1 2", "value at step 4 ('NaN'"),
        (
            ADD5,
            "0.1 0.2 0.3 0.4 0.5 | 1 6",
            "marked step 2 ('6', line 1, column 25)",
        ),
        (ADD5, "0.1 0.2 0.3 0.4 0.5 | 0 2", "marked step 1 ('0'"),
        (ADD5, "0.1 0.2 0.3 0.4 0.5 | 3", "1 marked steps"),
        (
            ADD5,
            "0.1 0.2 0.3 0.4 0.5 | 3 3",
            "both marks are on step 3",
        ),
        (ADD5, "0.1 0.2 0.3 0.4 0.5", "no '|'"),
        (
            TaskConfig::Parity { len: 3 },
            "1 0",
            "2 steps, but this task has 3",
        ),
        (
            TaskConfig::Parity { len: 3 },
            "1 0 2",
            "bit at step 3 ('2', line 1, column 5) is not 0 or 1",
        ),
        // A direction override or control character is quoted escaped, not obeyed.
        (
            TaskConfig::Parity { len: 3 },
            "1 0 \u{202e}1\u{b}",
            "bit at step 3 ('\\u{202e}1\\u{b}', line 1, column 5)",
        ),
        (TaskConfig::Latch { len: 3 }, "0.5 | 0 0", "the cue ('0.5'"),
        (
            TaskConfig::Latch { len: 3 },
            "1 | 0 2",
            "noise at step 3 ('2'",
        ),
        (
            TaskConfig::Latch { len: 3 },
            "1 0 0",
            "no '|' after the cue",
        ),
        (TaskConfig::sine(3), "0 0 1.5", "value at step 3 ('1.5'"),
        (
            TaskConfig::TemporalOrder { len: 10 },
            "B a Y b c x d a b E",
            "step 6 ('x', line 1, column 11) is not one of: a b c d X Y B E",
        ),
        (
            TaskConfig::copy_memory(2),
            "C A D . . GO . . .",
            "step 6 ('GO'",
        ),
        (
            TaskConfig::copy_memory(2),
            "C A",
            "2 steps, but this task has 9",
        ),
    ];
    for (task, text, want) in cases {
        let e = parse(&task, text).expect_err(text);
        assert!(
            e.starts_with("your sequence: ") && e.contains(want),
            "{text}: {e}"
        );
        assert!(!e.contains('\n'), "one line: {e}");
    }
}

#[test]
fn drawing_changes_the_sequence_the_text_box_shows() {
    let mut y = parse(&ADD5, "0 0 0 0 0 | 1 5").expect("valid");
    y.draw(2, 0.734);
    y.draw(9, 1.0); // past the end: nothing
    y.draw(0, f32::NAN); // no height: the middle
    assert!(y.toggle_mark(1), "the adding problem has markers");
    assert_eq!(
        to_text(&y, " "),
        "0.5 0 0.73 0 0 | 2 5",
        "step 2 was nearer mark 1"
    );
    assert!(y.toggle_mark(3));
    assert_eq!(to_text(&y, " "), "0.5 0 0.73 0 0 | 2 4");
    assert_eq!(
        parse(&ADD5, &to_text(&y, " ")),
        Ok(y.clone()),
        "the box reads it back"
    );
    let mut to = parse(
        &TaskConfig::TemporalOrder { len: 10 },
        "B a a a a a a a a E",
    )
    .expect("ok");
    to.draw(3, 4.0 / 7.0); // channel 4 of 0…7 = X
    to.draw(6, 5.0 / 7.0);
    assert!(!to.toggle_mark(2), "no markers here");
    assert!(to.cycle(9) && to.cycle(9));
    assert_eq!(
        to_text(&to, " "),
        "B a a X a a Y a a b",
        "E wraps round to a, then b"
    );
    (0..6).for_each(|_| assert!(to.cycle(9)));
    assert_eq!(
        to_text(&to, " "),
        "B a a X a a Y a a E",
        "back to E after 8 clicks"
    );
    let mut bits = parse(&TaskConfig::Parity { len: 3 }, "0 1 1").expect("ok");
    assert!(bits.cycle(0) && !l_free_cycle());
    assert_eq!(to_text(&bits, " "), "1 1 1");
    assert_eq!(to_text(&to, " "), "B a a X a a Y a a E");
    assert_eq!(to.batch().targets, Targets::Classes(vec![1]), "XY");
    let mut l = parse(&TaskConfig::Latch { len: 3 }, "-1 | 0 0").expect("ok");
    l.draw(0, 0.9);
    l.draw(2, 0.0);
    assert_eq!(to_text(&l, " "), "1 | 0 -1");
}

/// Curves are dragged, not clicked.
fn l_free_cycle() -> bool {
    let mut w = parse(&TaskConfig::sine(2), "0 0").expect("ok");
    w.cycle(0)
}

#[test]
fn long_sequences_stay_out_of_links() {
    let task = TaskConfig::Adding { len: 61 };
    let text = format!("{} | 1 61", vec!["0.5"; 61].join(" "));
    let y = parse(&task, &text).expect("valid");
    assert_eq!(url_value(&y), None);
}
