//! Reading the text form of each task (the table in the module docs) strictly: every problem
//! is one line starting "your sequence:" that names the step (and line and column) at fault,
//! the channels the task expects and the allowed range.

use gru_core::task::TaskConfig;

use super::{symbols, Steps, Yours, MAX_CHARS};
use crate::settings::param::clip_for_message;

/// One word of the text and where it starts (1-based line and column, in characters).
struct Word {
    text: String,
    line: usize,
    col: usize,
}

impl Word {
    fn at(&self) -> String {
        format!("line {}, column {}", self.line, self.col)
    }

    /// The word as a message may quote it: control and direction characters escaped.
    fn shown(&self) -> String {
        clip_for_message(&self.text)
    }
}

/// The words of `s` (split at spaces, commas, tabs and line breaks), each cut to 12
/// characters; `line0`/`col0` = where `s` starts.
fn words(s: &str, line0: usize, col0: usize) -> Vec<Word> {
    let (mut line, mut col) = (line0, col0);
    let mut out: Vec<Word> = Vec::new();
    let mut cur: Option<Word> = None;
    for c in s.chars() {
        if matches!(c, ' ' | ',' | '\t' | '\n' | '\r') {
            out.extend(cur.take());
        } else {
            let w = cur.get_or_insert_with(|| Word {
                text: String::new(),
                line,
                col,
            });
            if w.text.chars().count() < 12 {
                w.text.push(c);
            }
        }
        if c == '\n' {
            (line, col) = (line + 1, 1);
        } else {
            col += 1;
        }
    }
    out.extend(cur);
    out
}

/// Splits `text` at its first `|` or `;`: the part before, the part after and where the
/// part after starts (line, column).
fn split_bar(text: &str) -> Option<(&str, &str, usize, usize)> {
    let i = text.find(['|', ';'])?;
    let before = &text[..i];
    let line = 1 + before.matches('\n').count();
    let col = 2 + before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    Some((before, &text[i + 1..], line, col))
}

/// Reads every word as a number in `lo…hi`; `first` = the step number of the first word.
fn numbers(ws: &[Word], lo: f32, hi: f32, first: usize, what: &str) -> Result<Vec<f32>, String> {
    ws.iter()
        .enumerate()
        .map(|(k, w)| match w.text.parse::<f32>() {
            Ok(v) if (lo..=hi).contains(&v) => Ok(v),
            _ => Err(format!(
                "{what} at step {} ('{}', {}) is not a number in {lo}…{hi}",
                first + k,
                w.shown(),
                w.at()
            )),
        })
        .collect()
}

/// Reads `text` as a sequence for `task` (see the module docs for each task's form).
///
/// # Errors
/// One line starting "your sequence:" that names the position of the first problem.
pub fn parse(task: &TaskConfig, text: &str) -> Result<Yours, String> {
    read(task, text).map_err(|m| format!("your sequence: {m}"))
}

fn read(task: &TaskConfig, text: &str) -> Result<Yours, String> {
    if text.chars().count() > MAX_CHARS {
        return Err(format!(
            "{} characters; at most {MAX_CHARS}",
            text.chars().count()
        ));
    }
    let built = task.build().map_err(|e| e.to_string())?;
    let t = built.seq_len();
    let count = |n: usize, want: usize, form: &str| {
        Err(format!("{n} steps, but this task has {want}; {form}"))
    };
    let steps = match *task {
        TaskConfig::Adding { .. } => {
            let form = format!(
                "write {t} values in 0…1 (channel 1), then '|' and the two marked steps (channel 2), e.g. \"0.3 0.9 … | 2 {}\"",
                t.max(2)
            );
            let Some((vals, marks, line, col)) = split_bar(text) else {
                return Err(format!("no '|' before the marked steps; {form}"));
            };
            let vals = words(vals, 1, 1);
            if vals.len() != t {
                return Err(format!("{} values, but T = {t} steps; {form}", vals.len()));
            }
            let values = numbers(&vals, 0.0, 1.0, 1, "value")?;
            let marks = words(marks, line, col);
            if marks.len() != 2 {
                return Err(format!(
                    "{} marked steps after '|'; the adding problem marks exactly 2",
                    marks.len()
                ));
            }
            let mut m = [0usize; 2];
            for (k, w) in marks.iter().enumerate() {
                match w.text.parse::<usize>() {
                    Ok(s) if (1..=t).contains(&s) => m[k] = s,
                    _ => {
                        return Err(format!(
                            "marked step {} ('{}', {}) is not a step number in 1…{t}",
                            k + 1,
                            w.shown(),
                            w.at()
                        ))
                    }
                }
            }
            if m[0] == m[1] {
                return Err(format!(
                    "both marks are on step {}; mark two different steps",
                    m[0]
                ));
            }
            m.sort_unstable();
            Steps::Adding { values, marks: m }
        }
        TaskConfig::Parity { .. } => {
            let ws = words(text, 1, 1);
            if ws.len() != t {
                return count(
                    ws.len(),
                    t,
                    &format!("write {t} bits, each 0 or 1 (1 channel)"),
                );
            }
            let bits = ws
                .iter()
                .enumerate()
                .map(|(k, w)| match w.text.as_str() {
                    "0" => Ok(0u8),
                    "1" => Ok(1),
                    _ => Err(format!(
                        "bit at step {} ('{}', {}) is not 0 or 1",
                        k + 1,
                        w.shown(),
                        w.at()
                    )),
                })
                .collect::<Result<Vec<u8>, String>>()?;
            Steps::Bits(bits)
        }
        TaskConfig::Latch { .. } => {
            let form = format!(
                "write the cue -1 or 1 (channel 1, step 1), then '|' and {} noise values in -1…1 (channel 2, steps 2…{t})",
                t - 1
            );
            let Some((cue, noise, line, col)) = split_bar(text) else {
                return Err(format!("no '|' after the cue; {form}"));
            };
            let cue = words(cue, 1, 1);
            let cue = match cue.as_slice() {
                [w] => match w.text.parse::<f32>() {
                    Ok(v) if v == 1.0 || v == -1.0 => v,
                    _ => {
                        return Err(format!(
                            "the cue ('{}', {}) is not -1 or 1",
                            w.shown(),
                            w.at()
                        ))
                    }
                },
                _ => return Err(format!("{} cues before '|'; {form}", cue.len())),
            };
            let noise = words(noise, line, col);
            if noise.len() != t - 1 {
                return Err(format!(
                    "{} noise values, but T = {t} steps; {form}",
                    noise.len()
                ));
            }
            Steps::Latch {
                cue,
                noise: numbers(&noise, -1.0, 1.0, 2, "noise")?,
            }
        }
        TaskConfig::Sine { .. } | TaskConfig::Lookahead { .. } => {
            let ws = words(text, 1, 1);
            if ws.len() != t {
                return count(
                    ws.len(),
                    t,
                    &format!("write {t} values in -1…1 (1 channel)"),
                );
            }
            Steps::Wave(numbers(&ws, -1.0, 1.0, 1, "value")?)
        }
        TaskConfig::TemporalOrder { .. } | TaskConfig::CopyMemory { .. } => {
            let names = symbols(task);
            let list = match names.len() {
                n if n > 12 => format!("{} {} … {} . go", names[0], names[1], names[n - 3]),
                _ => names.join(" "),
            };
            let ws = words(text, 1, 1);
            if ws.len() != t {
                return count(
                    ws.len(),
                    t,
                    &format!("write {t} symbols, each one of: {list}"),
                );
            }
            let ks = ws
                .iter()
                .enumerate()
                .map(|(k, w)| {
                    names.iter().position(|n| *n == w.text).ok_or_else(|| {
                        format!(
                            "step {} ('{}', {}) is not one of: {list} (upper and lower case differ)",
                            k + 1,
                            w.shown(),
                            w.at()
                        )
                    })
                })
                .collect::<Result<Vec<usize>, String>>()?;
            Steps::Symbols(ks)
        }
    };
    Ok(Yours {
        task: task.clone(),
        t,
        steps,
    })
}
