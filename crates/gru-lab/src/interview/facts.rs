//! The numbers an interview answer and a quiz verdict may use, read from the live run: the
//! settings' costs per cell and, per run, the latest status and inspection the page shows.
//! Nothing here is invented: a number the run has not produced yet is `None`.

use gru_core::cell::CellKind;

use crate::cost::cost_of;
use crate::history::History;
use crate::settings::Settings;
use crate::sweep::SweepTable;

use super::seeds::SeedFacts;

/// One compared cell.
#[derive(Clone, Debug, PartialEq)]
pub struct CellFacts {
    /// The cell.
    pub kind: CellKind,
    /// Its label on the page ("GRU", "LSTM", "GRU one-way", …).
    pub label: String,
    /// The one-way twin of a bidirectional cell ([`crate::settings::RunSpec`]).
    pub twin: bool,
    /// Its hidden units per layer and direction (a parameter budget sizes each cell's own).
    pub hidden: usize,
    /// Weights of one layer, one direction, first layer (`G·(I+H+n_b)·H`).
    pub layer_params: usize,
    /// Weights of the recurrent layers (all layers and directions, no head).
    pub recurrent_params: usize,
    /// Weights of the whole model, head included (the cost table's "params").
    pub params: u64,
    /// Matrix FLOPs of one training step (forward + backward ≈ 3 × forward) over the batch
    /// (the cost table's "FLOPs/step").
    pub flops_step: f64,
    /// Bytes of activations kept for backprop over one batch, f32 (the cost table's "memory").
    pub activation_bytes: f64,
    /// Steps trained (0 before the run has reported).
    pub step: u64,
    /// Smoothed training loss.
    pub loss: Option<f64>,
    /// Latest validation loss.
    pub val_loss: Option<f64>,
    /// Step of the latest validation, as it ran ([`crate::history::RunHistory::last_val_step`]).
    pub val_step: Option<u64>,
    /// Latest validation accuracy, where the task has one.
    pub val_accuracy: Option<f64>,
    /// Loss of the best constant prediction.
    pub baseline: Option<f64>,
    /// First training step at which the validation loss was below half the baseline.
    pub half_baseline_at: Option<u64>,
    /// `‖∂h_T/∂h_0‖₂` of the latest inspection (the Compare table's column).
    pub far: Option<f64>,
    /// GRU cells: the mean over steps of the spectral norms of the Jacobian's three terms
    /// `[A, B, C]` (carry `diag(1−z)`, candidate path, update-gate path).
    pub terms: Option<[f64; 3]>,
    /// GRU cells looked inside: mean of `z` over the sample's steps and units.
    pub mean_z: Option<f64>,
    /// GRU cells looked inside: `‖∏_t diag(1 − z_t)‖₂ = max_j ∏_t (1 − z_t[j])`, the norm of
    /// the carry path alone through the sample's T steps (candidate and gate terms left out).
    pub carry_only: Option<f64>,
    /// GRU cells looked inside: `(1 − mean z)^T` over the same T steps, what the average
    /// gate would make of the carry.
    pub carry_of_mean: Option<f64>,
    /// Measured milliseconds per training step of this cell alone (median of its latest steps).
    pub step_ms: Option<f64>,
    /// `‖∂y_T/∂x_1‖`: the last output's sensitivity to the first input (lag `T − 1`), of the
    /// latest inspection (the sensitivity chart's last point).
    pub far_input: Option<f64>,
}

/// One compared model without recurrence (TCN, attention), as its run reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelFacts {
    /// Its label on the page ("TCN", "Attention").
    pub label: String,
    /// Weights of the whole model (the cost table's "params").
    pub params: u64,
    /// Steps trained.
    pub step: u64,
    /// Latest validation loss.
    pub val_loss: Option<f64>,
    /// Measured milliseconds per training step (median of its latest steps).
    pub step_ms: Option<f64>,
    /// `‖∂y_T/∂x_1‖` (the first input) of the latest inspection.
    pub far_input: Option<f64>,
    /// The TCN's receptive field.
    pub receptive_field: Option<usize>,
}

/// Everything an answer may quote.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    /// Input width `I` of the task.
    pub input: usize,
    /// Hidden units per layer and direction `H` (of the GRU, under a parameter budget).
    pub hidden: usize,
    /// Stacked layers.
    pub layers: usize,
    /// Directions (2 = bidirectional).
    pub dirs: usize,
    /// Sequence length `T`: the steps of one sequence (the task's, not its knob: copy memory's
    /// knob is the delay, its sequences `delay + 2n + 1` steps).
    pub seq_len: usize,
    /// Sequences per step.
    pub batch: usize,
    /// Sequences in the fixed training set, 0 = fresh sequences every step.
    pub train_n: usize,
    /// Input dropout probability.
    pub input_dropout: f64,
    /// Recurrent dropout probability.
    pub recurrent_dropout: f64,
    /// The task is lookahead (its target lies in the future).
    pub lookahead: bool,
    /// The runs: the compared cells in the settings' order, then any one-way twins.
    pub cells: Vec<CellFacts>,
    /// The compared TCN and attention models, after the cells (numbers only when the runs
    /// match the settings).
    pub models: Vec<ModelFacts>,
    /// The multi-seed run of these settings, once there is one ([`Facts::with_sweep`]).
    pub seeds: Option<SeedFacts>,
    /// The training step of the model the views (`far`, `terms`, `mean_z`, `far_input`)
    /// analysed: it can lag training, or be a kept step while time travelling.
    pub views_step: Option<u64>,
    /// The first step the runs trained with a learning rate or clip other than the settings'
    /// now ([`History::retuned_at`]): they are not the runs of these settings.
    pub retuned_at: Option<u64>,
}

impl Facts {
    /// The facts of `settings` and what `history` holds of their runs. Runs whose labels do
    /// not match the settings' cells (a reset still on its way) contribute no numbers.
    pub fn gather(settings: &Settings, history: &History) -> Facts {
        let (input, _) = task_io(settings).unwrap_or((0, 0));
        // The steps of a sequence, not the knob (copy memory's knob is its delay).
        let seq_len = settings
            .task_config()
            .ok()
            .and_then(|t| t.build().ok())
            .map_or(settings.knob, |t| t.seq_len());
        let specs = settings.run_specs();
        let matches = history.runs.len() == settings.n_runs()
            && history
                .runs
                .iter()
                .map(|r| r.status.label.as_str())
                .eq(settings.run_labels().iter().map(String::as_str));
        let cells = specs
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let kind = spec.cell;
                let hidden = settings.hidden_for(kind).unwrap_or(settings.hidden);
                let mut c = CellFacts {
                    hidden,
                    layer_params: kind.layer_params(input, hidden),
                    twin: spec.twin,
                    label: spec.label(),
                    ..CellFacts::empty(kind)
                };
                // The cost table's own numbers (`crate::cost`, the one source of the formulas).
                if let Ok(cost) = settings.spec_config(spec).and_then(|cfg| cost_of(&cfg)) {
                    c.recurrent_params = cost.recurrent_params;
                    c.params = cost.params as u64;
                    c.flops_step = cost.flops_per_step as f64;
                    c.activation_bytes = cost.activation_bytes as f64;
                }
                if matches {
                    c.read_run(history, i);
                }
                c
            })
            .collect();
        let n = specs.len();
        let models = settings
            .models
            .iter()
            .enumerate()
            .map(|(k, &m)| {
                let finite = |v: f64| v.is_finite().then_some(v);
                let run = history.runs.get(n + k).filter(|_| matches);
                let ins = history.insights.get(n + k).filter(|_| matches);
                ModelFacts {
                    label: m.label().to_string(),
                    params: crate::model_cost::model_cost(settings, m)
                        .map_or(0, |c| c.params as u64),
                    step: run.map_or(0, |r| r.status.step),
                    val_loss: run.and_then(|r| r.status.val_loss).and_then(finite),
                    step_ms: run.and_then(|r| finite(r.status.step_ms)),
                    far_input: ins
                        .and_then(|x| x.sensitivity.last().copied())
                        .and_then(finite),
                    receptive_field: ins.and_then(|x| x.receptive_field),
                }
            })
            .collect();
        Facts {
            seeds: None,
            views_step: (matches && !history.insights.is_empty()).then_some(history.inspected.step),
            retuned_at: history.retuned_at,
            models,
            input,
            hidden: settings.hidden,
            layers: settings.layers,
            dirs: settings.direction.count(),
            seq_len,
            batch: settings.batch,
            train_n: settings.train_n,
            input_dropout: settings.input_dropout,
            recurrent_dropout: settings.recurrent_dropout,
            lookahead: settings.task == "lookahead",
            cells,
        }
    }

    /// These facts with the page's last sweep, when it is a multi-seed run of `settings`.
    pub fn with_sweep(mut self, settings: &Settings, table: Option<&SweepTable>) -> Self {
        self.seeds = table.and_then(|t| SeedFacts::of(settings, t));
        self
    }

    /// The compared cell of kind `kind` (not a twin).
    pub fn cell(&self, kind: CellKind) -> Option<&CellFacts> {
        self.cells.iter().find(|c| c.kind == kind && !c.twin)
    }

    /// The one-way twin of the compared cell of kind `kind`, if one is trained.
    pub fn twin(&self, kind: CellKind) -> Option<&CellFacts> {
        self.cells.iter().find(|c| c.kind == kind && c.twin)
    }

    /// Steps trained by every run (the smallest).
    pub fn step(&self) -> u64 {
        self.cells.iter().map(|c| c.step).min().unwrap_or(0)
    }
}

/// Input and output widths of the task the settings name.
///
/// # Errors
/// A message when the task or its knob is invalid.
pub fn task_io(s: &Settings) -> Result<(usize, usize), String> {
    let task = s.task_config()?.build().map_err(|e| e.to_string())?;
    Ok((task.input_size(), task.output_size()))
}

impl CellFacts {
    /// A cell with no numbers yet.
    pub fn empty(kind: CellKind) -> Self {
        Self {
            kind,
            label: kind.label().to_string(),
            twin: false,
            hidden: 0,
            layer_params: 0,
            recurrent_params: 0,
            params: 0,
            flops_step: f64::NAN,
            activation_bytes: f64::NAN,
            step: 0,
            loss: None,
            val_loss: None,
            val_step: None,
            val_accuracy: None,
            baseline: None,
            half_baseline_at: None,
            far: None,
            terms: None,
            mean_z: None,
            carry_only: None,
            carry_of_mean: None,
            step_ms: None,
            far_input: None,
        }
    }

    /// Reads run `i` of `h`.
    fn read_run(&mut self, h: &History, i: usize) {
        let Some(r) = h.runs.get(i) else { return };
        let s = &r.status;
        let finite = |v: f64| v.is_finite().then_some(v);
        self.step = s.step;
        self.loss = (s.step > 0).then_some(s.loss).and_then(finite);
        self.val_loss = s.val_loss.and_then(finite);
        self.val_step = r.last_val_step;
        self.val_accuracy = s.val_accuracy.and_then(finite);
        self.baseline = finite(s.baseline);
        self.step_ms = finite(s.step_ms);
        self.half_baseline_at = r.half_baseline_at;
        if let Some(ins) = h.insights.get(i) {
            self.far = ins.flow.last().copied().and_then(finite);
            self.far_input = ins.sensitivity.last().copied().and_then(finite);
            let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
            if let (Some(a), Some(b), Some(c)) = (
                mean(&ins.carry),
                mean(&ins.candidate),
                mean(&ins.update_gate),
            ) {
                self.terms = Some([a, b, c]);
            }
            let z = ins.gates.iter().find(|g| g.name == "z");
            self.mean_z = z.and_then(|g| {
                let v = &g.values;
                (!v.is_empty())
                    .then(|| v.iter().map(|&x| f64::from(x)).sum::<f64>() / v.len() as f64)
            });
            self.carry_only = z.and_then(|g| carry_only(&g.values, ins.hidden));
            // T = the z buffer's rows (the sample's steps, not the task's knob).
            let rows = z.map_or(0, |g| g.values.len() / ins.hidden.max(1));
            self.carry_of_mean = self
                .mean_z
                .map(|m| (1.0 - m).powi(i32::try_from(rows).unwrap_or(i32::MAX)));
        }
    }
}

/// `max_j ∏_t (1 − z[t][j])` of the `(T, hidden)` row-major `z`: the spectral norm of the
/// product of the diagonal carries `diag(1 − z_t)`. `None` for no steps or a ragged buffer.
pub fn carry_only(z: &[f32], hidden: usize) -> Option<f64> {
    if hidden == 0 || z.is_empty() || !z.len().is_multiple_of(hidden) {
        return None;
    }
    (0..hidden)
        .map(|j| {
            z.chunks_exact(hidden)
                .map(|row| 1.0 - f64::from(row[j]))
                .product::<f64>()
        })
        .reduce(f64::max)
}
