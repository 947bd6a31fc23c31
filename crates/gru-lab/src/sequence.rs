//! "Your sequence": an input sequence the learner types, in the task's own terms, read strictly
//! into a one-sample batch the trained model can be inspected on.
//!
//! The adding problem's form is `V1 V2 … VT | A B`: the `T` values (each in 0…1, separated by
//! spaces or commas), then after `|` (or `;`) the two marked steps `A` and `B` (1…T, different).
//! Its target is `V_A + V_B`, as the task defines it. In a link it travels as
//! `seq=V1,V2,…,VT;A,B` (the [`to_text`] form with commas), only while `T ≤` [`URL_MAX_STEPS`].
//! Other tasks do not take a typed sequence yet; asking for one gets a message saying so.

use gru_core::loss::Targets;
use gru_core::task::{Batch, TaskConfig};

/// The URL key.
pub const KEY: &str = "seq";
/// Longest sequence written into a link.
pub const URL_MAX_STEPS: usize = 60;
/// Longest text read (a value is at most a few characters; this bounds the work on bad input).
pub const MAX_CHARS: usize = 40_000;

/// A sequence the learner typed, checked against the task.
#[derive(Clone, Debug, PartialEq)]
pub struct Yours {
    /// Steps `T`.
    pub t: usize,
    /// `(T)`: the value channel.
    pub values: Vec<f32>,
    /// The two marked steps, 1-based, in increasing order.
    pub marks: [usize; 2],
}

impl Yours {
    /// The one-sample batch the model reads: `x` `(T, 1, 2)` = (value, marker) per step,
    /// target `(1, 1, 1)` = the sum of the two marked values.
    pub fn batch(&self) -> Batch<f32> {
        let mut b = Batch::empty();
        b.t = self.t;
        b.b = 1;
        b.x = vec![0.0; self.t * 2];
        for (s, &v) in self.values.iter().enumerate() {
            b.x[s * 2] = v;
        }
        for &m in &self.marks {
            b.x[(m - 1) * 2 + 1] = 1.0;
        }
        let sum = self.values[self.marks[0] - 1] + self.values[self.marks[1] - 1];
        b.targets = Targets::Values(vec![sum]);
        b.weights = None;
        b
    }
}

/// The canonical text of `y` (`sep` between numbers: `" "` on the page, `","` in a link).
pub fn to_text(y: &Yours, sep: &str) -> String {
    let values: Vec<String> = y.values.iter().map(|v| format!("{v}")).collect();
    let mid = if sep == "," { ";" } else { " | " };
    format!("{}{mid}{}{sep}{}", values.join(sep), y.marks[0], y.marks[1])
}

/// The link value for `y`, `None` when it is too long for a link.
pub fn url_value(y: &Yours) -> Option<String> {
    (y.t <= URL_MAX_STEPS).then(|| to_text(y, ","))
}

/// Reads `text` as a sequence for `task` (see the module docs for the form).
///
/// # Errors
/// One line starting "your sequence:" that names the position of the first problem.
pub fn parse(task: &TaskConfig, text: &str) -> Result<Yours, String> {
    let err = |m: String| Err(format!("your sequence: {m}"));
    let TaskConfig::Adding { len: t } = *task else {
        return err(format!(
            "only the adding problem takes a typed sequence in this version (this task is {})",
            task.label()
        ));
    };
    if text.len() > MAX_CHARS {
        return err(format!("{} characters; at most {MAX_CHARS}", text.len()));
    }
    let form = format!(
        "write {t} values in 0…1, then '|' and the two marked steps, e.g. \"0.3 0.9 … | 2 {}\"",
        t.max(2)
    );
    let Some((vals, marks)) = text.split_once(['|', ';']) else {
        return err(format!("no '|' before the marked steps; {form}"));
    };
    let words = |s: &str| -> Vec<String> {
        s.split([' ', ',', '\t', '\n', '\r'])
            .filter(|w| !w.is_empty())
            .map(|w| w.chars().take(12).collect())
            .collect()
    };
    let vals = words(vals);
    if vals.len() != t {
        return err(format!("{} values, but T = {t} steps; {form}", vals.len()));
    }
    let mut values = Vec::with_capacity(t);
    for (i, w) in vals.iter().enumerate() {
        match w.parse::<f32>() {
            Ok(v) if (0.0..=1.0).contains(&v) => values.push(v),
            _ => {
                return err(format!(
                    "value at step {} ('{w}') is not a number in 0…1",
                    i + 1
                ))
            }
        }
    }
    let marks = words(marks);
    if marks.len() != 2 {
        return err(format!(
            "{} marked steps after '|'; the adding problem marks exactly 2",
            marks.len()
        ));
    }
    let mut m = [0usize; 2];
    for (k, w) in marks.iter().enumerate() {
        match w.parse::<usize>() {
            Ok(s) if (1..=t).contains(&s) => m[k] = s,
            _ => {
                return err(format!(
                    "marked step {} ('{w}') is not a step number in 1…{t}",
                    k + 1
                ))
            }
        }
    }
    if m[0] == m[1] {
        return err(format!(
            "both marks are on step {}; mark two different steps",
            m[0]
        ));
    }
    m.sort_unstable();
    Ok(Yours {
        t,
        values,
        marks: m,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADD5: TaskConfig = TaskConfig::Adding { len: 5 };

    #[test]
    fn a_typed_adding_sequence_becomes_the_batch_the_task_would_make() {
        let y = parse(&ADD5, "0.1, 0.5 1 0 0.25 | 4 2").expect("valid");
        assert_eq!(y.marks, [2, 4], "marks sorted");
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

    #[test]
    fn every_bad_sequence_names_its_position() {
        let cases = [
            ("0.1 0.2 0.3 0.4 | 1 2", "4 values, but T = 5"),
            ("0.1 0.2 x 0.4 0.5 | 1 2", "value at step 3 ('x')"),
            ("0.1 0.2 0.3 1.5 0.5 | 1 2", "value at step 4 ('1.5')"),
            ("0.1 0.2 0.3 NaN 0.5 | 1 2", "value at step 4 ('NaN')"),
            ("0.1 0.2 0.3 0.4 0.5 | 1 6", "marked step 2 ('6')"),
            ("0.1 0.2 0.3 0.4 0.5 | 0 2", "marked step 1 ('0')"),
            ("0.1 0.2 0.3 0.4 0.5 | 3", "1 marked steps"),
            ("0.1 0.2 0.3 0.4 0.5 | 3 3", "both marks are on step 3"),
            ("0.1 0.2 0.3 0.4 0.5", "no '|'"),
        ];
        for (text, want) in cases {
            let e = parse(&ADD5, text).expect_err(text);
            assert!(
                e.starts_with("your sequence: ") && e.contains(want),
                "{text}: {e}"
            );
            assert!(!e.contains('\n'), "one line: {e}");
        }
        let sine = TaskConfig::Sine {
            len: 5,
            waves: 2,
            min_period: 6.0,
            max_period: 24.0,
        };
        let e = parse(&sine, "0 | 1 2").expect_err("sine");
        assert!(e.contains("only the adding problem"), "{e}");
    }

    #[test]
    fn long_sequences_stay_out_of_links() {
        let task = TaskConfig::Adding { len: 61 };
        let text = format!("{} | 1 61", vec!["0.5"; 61].join(" "));
        let y = parse(&task, &text).expect("valid");
        assert_eq!(url_value(&y), None);
    }
}
