//! One run's inspected validation sample as the page draws it: plain numbers, `f32` where only
//! a colour or a pixel depends on them, `f64` for norms that span hundreds of decades.

use gru_core::analysis::{Anatomy, Norms};
use gru_core::cell::CellKind;
use gru_core::pca::pca2;
use gru_core::task::TaskConfig;
use gru_core::Inspection;
use serde::{Deserialize, Serialize};

use crate::sample::SampleData;
use crate::strip::{strip, Strip};

/// A named gate (or cached quantity) over the sequence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gate {
    /// Name in the app's convention ("z", "r", "h_tilde", "i", "f", …).
    pub name: String,
    /// `(T, H)`: row `s − 1` is step `s`.
    pub values: Vec<f32>,
}

/// One run's inspected sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Insight {
    /// The cell (for a TCN or attention run: its config's cell, unused; see `recurrent`).
    pub cell: CellKind,
    /// The model's label: the cell's, "TCN" or "Attention".
    pub model: String,
    /// Whether the model is a recurrent cell (only then are there gates, states and flows).
    pub recurrent: bool,
    /// `(T)`: `‖∂y_T/∂x_{T−1−k}‖_F` at index `k` (lag 0 = the last input), every model.
    pub sensitivity: Vec<f64>,
    /// `(T, T)`, attention runs only (else empty): row `i` = how much position `i` reads each
    /// position `j` (0 for `j > i`, rows sum to 1), averaged over the heads; a light insight
    /// keeps it up to [`LIGHT_ATTENTION`] values (T ≤ 128).
    pub attention: Vec<f32>,
    /// Input steps one TCN output sees (its receptive field), TCN runs only.
    pub receptive_field: Option<usize>,
    /// The direction inspected (0 forward, 1 the backward pass): a one-way twin's is 0 even
    /// when the pick's is 1, so its per-step curves are in forward order.
    pub dir: usize,
    /// Steps `T`.
    pub steps: usize,
    /// Hidden size `H`.
    pub hidden: usize,
    /// The cached gates of the picked layer and direction (GRU `z r h_tilde`, LSTM `i f g o`,
    /// RNN `pre` and `slope` = `act'(pre)`, for tanh `1 − tanh²`); empty in a light insight.
    pub gates: Vec<Gate>,
    /// `(T+1, H)`: `h_0 … h_T`; empty in a light insight.
    pub h: Vec<f32>,
    /// `(T+1, H)`: the LSTM's cell state `c_0 … c_T`; empty for other cells and light insights.
    pub c: Vec<f32>,
    /// `(T)`, LSTM only: `‖diag(f_s)‖₂ = max f_s`, the norm of its additive path on `c → c`.
    pub forget_path: Vec<f64>,
    /// The data under the gates (inputs, target, prediction); empty in a light insight.
    pub strip: Strip,
    /// The sample's inputs and targets and this run's prediction, whole (kept in a light
    /// insight too: the sample JSON has every run's prediction).
    pub data: SampleData,
    /// `(T+1, 2)`: `h_t` projected on its two principal components.
    pub pca: Vec<[f32; 2]>,
    /// Variance explained by PC1 and PC2.
    pub explained: [f64; 2],
    /// `(T+1)`: `‖∂h_T/∂h_{T−k}‖₂` at index `k`.
    pub flow: Vec<f64>,
    /// `(T+1)`: `‖∂L/∂h_t‖₂` at index `t`.
    pub grad_h: Vec<f64>,
    /// `(T)`, GRU only (empty otherwise): spectral norms at index `s − 1` of the three terms
    /// of `∂h_s/∂h_{s−1} = A + B + C` — the carry `A = diag(1 − z_s)`…
    pub carry: Vec<f64>,
    /// …`B = diag(z_s)·∂h̃_s/∂h_{s−1}`…
    pub candidate: Vec<f64>,
    /// …and `C = diag(h̃_s − h_{s−1})·∂z_s/∂h_{s−1}` (the term textbooks drop).
    pub update_gate: Vec<f64>,
    /// `(T)`: spectral norm of the whole one-step Jacobian `∂h_s/∂h_{s−1}`.
    pub one_step: Vec<f64>,
}

impl Insight {
    /// Turns gru-core's inspection of a run with cell `cell` on `task` into the page's numbers.
    pub fn new(cell: CellKind, task: &TaskConfig, ins: Inspection) -> Self {
        Self::of_model(cell.label(), cell, task, ins)
    }

    /// [`Insight::new`] for a run of any model labelled `model` ("TCN", "Attention" or the
    /// cell's label); the model is recurrent when the inspection traced cell steps.
    pub fn of_model(model: &str, cell: CellKind, task: &TaskConfig, mut ins: Inspection) -> Self {
        let recurrent = ins.trace.steps > 0;
        let dir = ins.pick.dir;
        let sensitivity = std::mem::take(&mut ins.sensitivity);
        let receptive_field = ins.receptive_field;
        let attention = ins.attention.take().map_or_else(Vec::new, mean_over_heads);
        let strip = strip(task, &ins);
        let data = SampleData::new(&ins);
        // A sequence without a target has no loss, so no ‖∂L/∂h_t‖ to show.
        let scored = ins.weights.iter().any(|&w| w > 0.0);
        let tr = ins.trace;
        let (steps, hidden) = (tr.steps, tr.hidden);
        let p = pca2(&tr.h, steps + 1, hidden);
        let f32s = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
        let spec = |v: &[Norms]| v.iter().map(|n| n.spec).collect::<Vec<f64>>();
        let (carry, candidate, update_gate) = match &tr.anatomy {
            Anatomy::Gru(g) => (spec(&g.carry), spec(&g.candidate), spec(&g.update_gate)),
            _ => Default::default(),
        };
        let forget_path = match &tr.anatomy {
            Anatomy::Lstm(l) => spec(&l.norms),
            _ => Vec::new(),
        };
        let mut gates: Vec<Gate> = tr
            .gates
            .into_iter()
            .map(|(name, v)| Gate {
                values: f32s(&v),
                name,
            })
            .collect();
        if let Anatomy::Rnn(r) = &tr.anatomy {
            gates.push(Gate {
                name: "slope".into(),
                values: f32s(&r.slope),
            });
        }
        Self {
            cell,
            model: model.to_string(),
            recurrent,
            sensitivity,
            attention,
            receptive_field,
            dir,
            steps,
            hidden,
            pca: p
                .coords
                .chunks_exact(2)
                .map(|c| [c[0] as f32, c[1] as f32])
                .collect(),
            explained: [p.explained[0], p.explained[1]],
            flow: spec(&tr.flow),
            grad_h: tr.grad_h.filter(|_| scored).unwrap_or_default(),
            carry,
            candidate,
            update_gate,
            one_step: spec(&tr.one_step),
            gates,
            h: f32s(&tr.h),
            c: tr.c.as_deref().map(f32s).unwrap_or_default(),
            forget_path,
            strip,
            data,
        }
    }

    /// The same insight without the per-unit data (gates, states, projection, strip): what a
    /// run that is not looked inside sends, for the comparison curves only.
    pub fn light(self) -> Self {
        Self {
            gates: Vec::new(),
            h: Vec::new(),
            c: Vec::new(),
            pca: Vec::new(),
            strip: Strip::default(),
            attention: if self.attention.len() <= LIGHT_ATTENTION {
                self.attention
            } else {
                Vec::new()
            },
            ..self
        }
    }

    /// `c_t[j]` for `t = 0..=T` (LSTM).
    pub fn c_at(&self, t: usize, j: usize) -> Option<f64> {
        if j >= self.hidden {
            return None;
        }
        self.c.get(t * self.hidden + j).map(|&v| f64::from(v))
    }

    /// The cell state as `(H, T)` for steps 1..=T (the heatmap's layout); empty if absent.
    pub fn cell_state_by_time(&self) -> Vec<f64> {
        let (t, h) = (self.steps, self.hidden);
        if self.c.len() < (t + 1) * h {
            return Vec::new();
        }
        (0..h)
            .flat_map(|j| (1..=t).map(move |s| f64::from(self.c[s * h + j])))
            .collect()
    }

    /// The short name of the model ("GRU", "LSTM", …, "TCN", "Attention").
    pub fn label(&self) -> &str {
        &self.model
    }

    /// Positions `T` of the attention map (0 when there is none).
    pub fn attention_steps(&self) -> usize {
        (self.attention.len() as f64).sqrt().round() as usize
    }

    /// Gate `name` at step `s` (1-based) and unit `j`.
    pub fn gate(&self, name: &str, s: usize, j: usize) -> Option<f64> {
        let g = self.gates.iter().find(|g| g.name == name)?;
        if s == 0 || j >= self.hidden {
            return None;
        }
        g.values
            .get((s - 1) * self.hidden + j)
            .map(|&v| f64::from(v))
    }

    /// `h_t[j]` for `t = 0..=T`.
    pub fn h_at(&self, t: usize, j: usize) -> Option<f64> {
        if j >= self.hidden {
            return None;
        }
        self.h.get(t * self.hidden + j).map(|&v| f64::from(v))
    }

    /// Gate `name` as `(H, T)`: unit rows, step columns (the heatmap's layout).
    pub fn unit_by_time(&self, name: &str) -> Vec<f64> {
        let (t, h) = (self.steps, self.hidden);
        let Some(g) = self.gates.iter().find(|g| g.name == name) else {
            return Vec::new();
        };
        if g.values.len() < t * h {
            return Vec::new();
        }
        (0..h)
            .flat_map(|j| (0..t).map(move |s| f64::from(g.values[s * h + j])))
            .collect()
    }
}

/// Most attention weights a light insight keeps (T ≤ 128); longer maps only for the picked run.
pub const LIGHT_ATTENTION: usize = 128 * 128;

/// `(T, T)`: the attention weights averaged over the heads (a row still sums to 1).
fn mean_over_heads(a: gru_core::AttentionMap) -> Vec<f32> {
    let (n, tt) = (a.heads.max(1), a.steps * a.steps);
    (0..tt)
        .map(|k| {
            let sum: f64 = (0..n).filter_map(|h| a.weights.get(h * tt + k)).sum();
            (sum / n as f64) as f32
        })
        .collect()
}

/// `values[i]` as points `(first + i, values[i])`.
pub fn indexed(values: &[f64], first: usize) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| ((i + first) as f64, v))
        .collect()
}

/// At most about `max` points of a line (x ascending): each bucket of consecutive points keeps
/// its first, its lowest and its highest, so spikes survive and a canvas gets ≤ ~2 points
/// per pixel.
pub fn decimate(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    if points.len() <= max.max(3) {
        return points.to_vec();
    }
    let bucket = points.len().div_ceil(max.max(3) / 3);
    let mut out = Vec::with_capacity(max + 1);
    for chunk in points.chunks(bucket) {
        let lo = chunk
            .iter()
            .copied()
            .fold(chunk[0], |a, p| if p.1 < a.1 { p } else { a });
        let hi = chunk
            .iter()
            .copied()
            .fold(chunk[0], |a, p| if p.1 > a.1 { p } else { a });
        let mut three = [chunk[0], lo, hi];
        three.sort_by(|a, b| a.0.total_cmp(&b.0));
        for p in three {
            if out.last() != Some(&p) {
                out.push(p);
            }
        }
    }
    if let Some(&last) = points.last() {
        if out.last() != Some(&last) {
            out.push(last);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use gru_core::task::TaskConfig;
    use gru_core::{TrainConfig, Trainer};

    #[test]
    fn an_insight_keeps_the_inspection_numbers_in_the_heatmap_layout() {
        let tr = Trainer::<f32>::new(TrainConfig {
            task: TaskConfig::Adding { len: 12 },
            hidden: 5,
            ..TrainConfig::default()
        })
        .expect("config");
        let ins = tr.inspect(gru_core::Pick::sample(2)).expect("sample 2");
        let z = ins.trace.gates[0].1.clone();
        let x = Insight::new(CellKind::Gru, &TaskConfig::Adding { len: 12 }, ins);
        assert_eq!(
            (x.steps, x.hidden, x.h.len(), x.flow.len()),
            (12, 5, 13 * 5, 13)
        );
        assert_eq!(x.gate("z", 3, 4), Some(f64::from(z[2 * 5 + 4] as f32)));
        assert_eq!(x.gate("z", 0, 0), None);
        assert_eq!(x.gate("z", 13, 0), None);
        let map = x.unit_by_time("z");
        assert_eq!(
            map[4 * 12 + 2],
            f64::from(z[2 * 5 + 4] as f32),
            "unit 4, step 3"
        );
        assert_eq!(
            (x.carry.len(), x.candidate.len(), x.update_gate.len()),
            (12, 12, 12)
        );
        assert!(
            x.carry.iter().all(|&a| a > 0.0 && a <= 1.0),
            "‖diag(1 − z)‖ ∈ (0, 1]"
        );
    }

    #[test]
    fn decimation_bounds_the_points_and_keeps_the_extremes() {
        let pts: Vec<(f64, f64)> = (0..10_000)
            .map(|i| (i as f64, if i == 4321 { 50.0 } else { (i as f64).sin() }))
            .collect();
        let d = decimate(&pts, 600);
        assert!(d.len() <= 602, "{}", d.len());
        assert!(d.contains(&(4321.0, 50.0)), "the spike survives");
        assert_eq!(d.first(), pts.first());
        assert_eq!(d.last(), pts.last());
        assert!(d.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(decimate(&pts[..10], 600), pts[..10].to_vec());
    }
}
