//! "The data under the gates": the inspected sample's input channels, target and prediction as
//! lanes on the gate heatmaps' time axis (column `s − 1` = step `s` in the picked direction's
//! processing order), in the task's own terms, plus one sentence saying what the sample asks.

mod reader;
mod tasks;

use gru_core::task::TaskConfig;
use gru_core::Inspection;
use serde::{Deserialize, Serialize};

use reader::Reader;
use tasks::{strip_of, untargeted_caption};

/// One row of the strip.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Lane {
    /// Short name (≤ 7 characters, it sits in the axis margin): "value", "marker", "target", …
    pub name: String,
    /// `(T)`: the value at each step in processing order; NaN = nothing at that step.
    pub values: Vec<f32>,
    /// The lane's value range, bottom to top.
    pub lo: f32,
    /// Top of the range.
    pub hi: f32,
    /// When non-empty the values are indices into these names (drawn as text, not a curve).
    pub symbols: Vec<String>,
}

/// The strip of one inspected sample.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Strip {
    /// Lanes top to bottom: inputs first, then target and prediction.
    pub lanes: Vec<Lane>,
    /// What this sample asks and how the model answered, in the task's words.
    pub caption: String,
}

fn line(name: &str, values: Vec<f32>, lo: f32, hi: f32) -> Lane {
    Lane {
        name: name.into(),
        values,
        lo,
        hi,
        symbols: Vec::new(),
    }
}

/// The strip of `ins` (a recurrent model's inspection of `task`); empty lanes when the
/// inspection holds no steps.
pub fn strip(task: &TaskConfig, ins: &Inspection) -> Strip {
    let mut s = strip_of(task, ins);
    let rows = ins.weights.len().max(1);
    let outs = ins.y.len() / rows;
    let rd = Reader {
        ins,
        t: ins.trace.steps,
        r: rows,
        o: outs.max(1),
    };
    if !s.lanes.is_empty() && rd.untargeted() {
        s.caption = untargeted_caption(task, &rd);
    }
    s
}

#[cfg(test)]
mod tests;
