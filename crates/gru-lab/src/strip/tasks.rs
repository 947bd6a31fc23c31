//! The strip in each task's own terms: its lanes and the caption saying what the sample asks
//! and what the model answered ([`strip_of`]), and the caption of a sequence without a target.

use gru_core::task::TaskConfig;
use gru_core::Inspection;

use super::reader::{zero_loss, Reader};
use super::{line, Lane, Strip};

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_string()).collect()
}

/// Steps (1-based, processing order) where `lane` holds a value.
fn steps_with(lane: &[f32], pred: impl Fn(f32) -> bool) -> Vec<usize> {
    (0..lane.len())
        .filter(|&c| pred(lane[c]))
        .map(|c| c + 1)
        .collect()
}

/// A classification task's strip: `lanes`, then the target and predicted class lanes, and
/// the caption `caption(target name, predicted name)`.
fn classified(
    rd: &Reader<'_>,
    mut lanes: Vec<Lane>,
    classes: &[String],
    caption: impl FnOnce(String, String) -> String,
) -> Strip {
    lanes.extend(rd.answer(0.0, classes.len().saturating_sub(1) as f32, classes));
    let (truth, said) = rd.said(classes);
    Strip {
        lanes,
        caption: caption(truth, said),
    }
}

/// The caption of a sequence without a target: why there is none, and what the model says.
pub(super) fn untargeted_caption(task: &TaskConfig, rd: &Reader<'_>) -> String {
    let why = match task {
        TaskConfig::TemporalOrder { .. } => "the order is asked of exactly two X/Y symbols",
        TaskConfig::CopyMemory { symbols, .. } => {
            return format!(
                "No target: the first {symbols} steps must all be symbols to copy; the prediction only (the model's symbol at every step)."
            )
        }
        _ => "the task's rule gives none for this sequence",
    };
    let classes = names(&["XX", "XY", "YX", "YY"]);
    let said = match task {
        TaskConfig::TemporalOrder { .. } => classes
            .get(rd.predicted(0) as usize)
            .cloned()
            .unwrap_or_default(),
        _ => format!("{:.3}", rd.predicted(0)),
    };
    format!("No target: {why}; the prediction only: the model says {said}.")
}

/// The strip as the task reads it (targets as given).
pub(super) fn strip_of(task: &TaskConfig, ins: &Inspection) -> Strip {
    let t = ins.trace.steps;
    let rows = ins.weights.len().max(1);
    let outs = ins.y.len() / rows;
    let rd = Reader {
        ins,
        t,
        r: rows,
        o: outs.max(1),
    };
    if t == 0 || ins.x.len() < t * ins.input {
        return Strip::default();
    }
    match task {
        TaskConfig::Adding { .. } => {
            let (value, marker) = (rd.channel(0), rd.channel(1));
            let marked = steps_with(&marker, |m| m > 0.5);
            let at: Vec<String> = marked
                .iter()
                .map(|&s| format!("step {s} ({:.3})", value[s - 1]))
                .collect();
            let (tg, pr) = (rd.target(0), rd.predicted(0));
            let mut lanes = vec![
                line("value", value, 0.0, 1.0),
                line("marker", marker, 0.0, 1.0),
            ];
            lanes.extend(rd.answer(0.0, 2.0, &[]));
            Strip {
                lanes,
                caption: format!(
                    "Marked: {}. Target: their sum {tg:.3}; the model predicts {pr:.3} at the last step.",
                    at.join(" and ")
                ),
            }
        }
        TaskConfig::CopyMemory { alphabet, .. } => {
            let k = *alphabet;
            let mut sym: Vec<String> = (0..k)
                .map(|i| char::from(b'A' + (i % 26) as u8).to_string())
                .collect();
            let shown = rd.symbols(|s| s < k || s == k + 1);
            sym.push("·".into());
            sym.push("go".into());
            let recall = steps_with(&rd.place(|r| rd.target(r)), |v| !v.is_nan());
            let (ok, n) = rd.right();
            let mut lanes = vec![Lane {
                name: "input".into(),
                values: shown,
                lo: 0.0,
                hi: (k + 1) as f32,
                symbols: sym.clone(),
            }];
            lanes.extend(rd.answer(0.0, (k + 1) as f32, &sym));
            let window = match (recall.first(), recall.last()) {
                (Some(a), Some(b)) => format!("steps {a}–{b}"),
                _ => "none".into(),
            };
            Strip {
                lanes,
                caption: format!("Recall window {window}: {ok} of {n} symbols copied right."),
            }
        }
        TaskConfig::TemporalOrder { .. } => {
            let sym = names(&["a", "b", "c", "d", "X", "Y", "B", "E"]);
            let classes = names(&["XX", "XY", "YX", "YY"]);
            let input = rd.symbols(|_| true);
            let relevant = steps_with(&input, |v| v == 4.0 || v == 5.0);
            let lanes = vec![Lane {
                name: "input".into(),
                values: input,
                lo: 0.0,
                hi: 7.0,
                symbols: sym,
            }];
            classified(&rd, lanes, &classes, |truth, said| {
                format!("X/Y at steps {relevant:?}. Answer {truth}; the model says {said}.")
            })
        }
        TaskConfig::Latch { .. } => {
            let classes = names(&["−1", "+1"]);
            let cue = rd.channel(0);
            let lanes = vec![
                line("cue", cue, -1.0, 1.0),
                line("noise", rd.channel(1), -1.0, 1.0),
            ];
            classified(&rd, lanes, &classes, |truth, said| {
                format!("The bit shown at the first input step is {truth}; the model reports {said} at the end.")
            })
        }
        TaskConfig::Parity { .. } => {
            let bits = names(&["0", "1"]);
            let classes = names(&["even", "odd"]);
            let input = rd
                .channel(0)
                .into_iter()
                .map(|b| b.round())
                .collect::<Vec<f32>>();
            let ones = input.iter().filter(|&&b| b == 1.0).count();
            let lanes = vec![Lane {
                name: "bit".into(),
                values: input,
                lo: 0.0,
                hi: 1.0,
                symbols: bits,
            }];
            classified(&rd, lanes, &classes, |truth, said| {
                format!("{ones} ones among {t} bits: {truth}; the model says {said}.")
            })
        }
        TaskConfig::Sine { .. } => {
            let mut lanes = vec![line("input", rd.channel(0), -1.0, 1.0)];
            lanes.extend(rd.answer(-1.0, 1.0, &[]));
            Strip {
                lanes,
                caption: format!(
                    "Each step's target is the next input value; the sample's loss is {:.4}.",
                    ins.loss
                ),
            }
        }
        TaskConfig::Lookahead { ahead, .. } => {
            let mut lanes = vec![line("input", rd.channel(0), -1.0, 1.0)];
            lanes.extend(rd.answer(-1.0, 1.0, &[]));
            Strip {
                lanes,
                caption: format!(
                    "Each step's target is the input {ahead} steps later (the last {ahead} are \
                     not scored); the sample's loss is {:.4}. Predicting 0 everywhere, the best \
                     a model that cannot see ahead does on random inputs (0.3333 on average), \
                     scores {:.4} on this sample.",
                    ins.loss,
                    zero_loss(ins, rd.o)
                ),
            }
        }
    }
}
