//! The inspected sample's raw data: its inputs, targets and the model's prediction, in time
//! order (the strip draws the same numbers in the task's terms; this keeps them whole for the
//! sample JSON, docs/FORMATS.md).

use gru_core::loss::Targets;
use gru_core::Inspection;
use serde::{Deserialize, Serialize};

/// One validation sample and one run's prediction on it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SampleData {
    /// Input channels `I`.
    pub input_size: usize,
    /// `(T, I)` row-major: `x_0 … x_{T−1}` in time order (whatever direction is picked).
    pub inputs: Vec<f32>,
    /// Output rows `R`: 1 (read after the last step) or `T` (one per step).
    pub rows: usize,
    /// Outputs per row `O` (classes for classification).
    pub output_size: usize,
    /// `"values"` (regression, `targets` is `(R, O)`) or `"classes"` (`targets` is `(R)`
    /// class indices).
    pub target_kind: String,
    /// `(R, O)` values or `(R)` class indices.
    pub targets: Vec<f32>,
    /// `(R, O)`: the model's outputs (regression values, or class logits).
    pub prediction: Vec<f32>,
    /// `(R)`: 1 where the row is scored, 0 where not (e.g. before copy memory's recall).
    pub scored: Vec<f32>,
}

impl SampleData {
    /// The sample and prediction of an inspection.
    pub fn new(ins: &Inspection) -> Self {
        let f32s = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
        let (target_kind, targets) = match &ins.target {
            Targets::Values(v) => ("values", f32s(v)),
            Targets::Classes(c) => ("classes", c.iter().map(|&k| k as f32).collect()),
        };
        let rows = ins.weights.len();
        Self {
            input_size: ins.input,
            inputs: f32s(&ins.x),
            rows,
            output_size: ins.y.len() / rows.max(1),
            target_kind: target_kind.into(),
            targets,
            prediction: f32s(&ins.y),
            scored: f32s(&ins.weights),
        }
    }
}
