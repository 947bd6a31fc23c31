//! A PyTorch model brought to the page: a `torch.nn.GRU` / `LSTM` / `RNN` state_dict (+ an
//! `nn.Linear` head as `head.weight`, `head.bias`) as JSON, optionally with a `"reference"`
//! ([`crate::torch_parity`]). The file sizes the model (cell from the gate count, H, layers,
//! direction); the task is the current one when its input and output sizes fit, else the
//! first that fits. The lab then trains that one run from the imported weights.
//!
//! ```jsonc
//! { "weight_ih_l0": [[…I]…G·H], "weight_hh_l0": …, "bias_ih_l0": …, "bias_hh_l0": …,  // any
//!   "head.weight": [[…D]…O], "head.bias": [O],      // optional (both or neither)
//!   "nonlinearity": "tanh",                          // optional, nn.RNN only ("relu" refused)
//!   "reference": { "input": …, "h_T": …, "y": … } }  // optional
//! ```

use gru_core::cell::{CellKind, Nonlinearity};
use gru_core::state_dict::{self, HeadImport, MAX_BYTES};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::lab::Lab;
use crate::settings::{task_config, Budget, Settings, MAX_KNOB, TASKS};
use crate::torch_parity;

/// An imported model, ready to replace the runs.
pub struct Imported {
    /// One run: the imported model, at step 0 with fresh optimiser moments.
    pub lab: Lab,
    /// "Loaded from PyTorch: GRU, H=8, 1 layer, …".
    pub summary: String,
    /// The parity line, when the file has a reference.
    pub parity: Option<String>,
}

/// The names a PyTorch recurrent state_dict has (with any module prefix).
const TORCH_NAMES: [&str; 4] = ["weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l"];

/// The non-tensor entry of a TCN / attention export (`gru_core::seq::state_dict`).
const SEQ_EXPORT: &str = "gru_lens";

/// Whether `bytes` look like a PyTorch state_dict rather than a saved run: a JSON object with
/// no `"format"` and a name of `nn.GRU`/`LSTM`/`RNN`'s parameters, or the `"gru_lens"` entry of
/// a TCN / attention export (which [`from_bytes`] refuses by name).
pub fn looks_like_state_dict(bytes: &[u8]) -> bool {
    if bytes.len() > MAX_BYTES {
        return false;
    }
    // The top-level names only: every value is skipped unkept (a saved run near MAX_BYTES
    // is sniffed here on every Load, so no tree of it is built).
    let Ok(TopNames(names)) = serde_json::from_slice::<TopNames>(bytes) else {
        return false;
    };
    !names.iter().any(|k| k == "format")
        && (names.iter().any(|k| k == SEQ_EXPORT)
            || names
                .iter()
                .any(|k| TORCH_NAMES.iter().any(|n| k.contains(n))))
}

/// The names of a JSON object's entries (its values skipped); any other JSON is refused.
struct TopNames(Vec<String>);

impl<'de> Deserialize<'de> for TopNames {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Names;
        impl<'de> Visitor<'de> for Names {
            type Value = TopNames;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopNames, A::Error> {
                let mut names = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    names.push(k);
                }
                Ok(TopNames(names))
            }
        }
        d.deserialize_map(Names)
    }
}

/// Reads a PyTorch state_dict file into a new one-run [`Lab`] built from `current` (its
/// optimiser, learning rate, batch, seed and view settings; no gate surgery, which torch has
/// not). Nothing of the caller's is touched.
///
/// # Errors
/// One line naming the first problem (field and what was expected).
pub fn from_bytes(bytes: &[u8], current: &Settings) -> Result<Imported, String> {
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "the file is {} bytes; a state_dict is at most {MAX_BYTES}",
            bytes.len()
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "the file is not text".to_string())?;
    let mut dict: Map<String, Value> = match serde_json::from_str(text) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err("the file is JSON but not an object of tensors".into()),
        Err(e) => return Err(format!("the file is not JSON ({e})")),
    };
    if let Some(meta) = dict.get(SEQ_EXPORT) {
        let module = meta["module"].as_str().unwrap_or("sequence model");
        return Err(format!(
            "a {module} state_dict is for PyTorch (scripts/seq_models.py); the page loads torch.nn.GRU / LSTM / RNN ones only. To train a TCN or attention run on here, load the file \"Save run\" wrote"
        ));
    }
    let reference = dict.remove("reference");
    match dict.remove("nonlinearity") {
        None => {}
        Some(Value::String(s)) if s == "tanh" => {}
        Some(Value::String(s)) if s == "relu" => {
            return Err(
                "nonlinearity: \"relu\": this page's RNN is the tanh one (nn.RNN's default)".into(),
            )
        }
        Some(_) => return Err("nonlinearity: expected \"tanh\"".into()),
    }
    // The file is parsed once: gru-core reads the tensors from this tree.
    let core = state_dict::infer_config_parsed(&dict, Nonlinearity::Tanh).map_err(|e| inner(&e))?;
    let (task, knob) = pick_task(current, core.input, core.output)?;
    let settings = Settings {
        task,
        knob,
        cells: vec![core.cell],
        hidden: core.hidden,
        layers: core.layers,
        direction: core.direction,
        surgery: Default::default(),
        // The file's one model alone: no parameter budget resizing it, no TCN or attention
        // runs, no one-way twin beside it.
        budget: Budget::Off,
        models: Vec::new(),
        oneway_twin: false,
        ..current.clone()
    };
    // The page's own ranges (hidden ≤ 128, …): the settings must survive their own link.
    let (_, errors) = Settings::from_query(&settings.to_query());
    if !errors.is_empty() {
        return Err(format!(
            "this model is outside what the page offers: {}",
            errors.join("; ")
        ));
    }
    let mut lab = Lab::new(settings)?;
    let run = lab.runs.first_mut().ok_or("no run was built")?;
    let mut model = run
        .trainer
        .model()
        .ok_or("the page built no recurrent model")?
        .clone();
    let head = state_dict::import_parsed(&mut model, &dict).map_err(|e| inner(&e))?;
    drop(dict);
    let state = run.trainer.resume_state();
    run.resume(&model.params, state, None)
        .map_err(|e| inner(&e))?;
    // Step 0 was kept with the page's random init; keep the imported weights instead.
    lab.restart_timeline();
    let parity = match reference {
        None => None,
        Some(r) => {
            let r = torch_parity::read(&r, &model)?;
            Some(torch_parity::check(&model, &r, head).line())
        }
    };
    let summary = summary(&lab, head);
    Ok(Imported {
        lab,
        summary,
        parity,
    })
}

/// "Loaded from PyTorch: GRU, H=8, 1 layer, one direction, nn.Linear head (1 output); it runs
/// here as "GRU (PyTorch)" on Adding problem (T = 40), training from these weights."
fn summary(lab: &Lab, head: HeadImport) -> String {
    let s = &lab.settings;
    let (torch, shown) = match s.cells.first() {
        Some(CellKind::GruTorch) => ("GRU", "GRU (PyTorch)"),
        Some(CellKind::Lstm) => ("LSTM", "LSTM"),
        _ => ("RNN (tanh)", "RNN"),
    };
    let layers = if s.layers == 1 {
        "1 layer".to_string()
    } else {
        format!("{} layers", s.layers)
    };
    let dirs = match s.direction {
        gru_core::model::Direction::Forward => "one direction",
        gru_core::model::Direction::Bidirectional => "bidirectional",
    };
    let head = match head {
        HeadImport::Loaded => {
            let o = lab.runs.first().map_or(0, |r| r.trainer.task.output_size());
            format!(
                "nn.Linear head ({o} output{})",
                if o == 1 { "" } else { "s" }
            )
        }
        HeadImport::Kept => "no head in the file (the head starts from this page's init)".into(),
    };
    let task = s
        .task_config()
        .map_or_else(|_| s.task.to_string(), |t| t.label().to_string());
    format!(
        "Loaded from PyTorch: {torch}, H={}, {layers}, {dirs}, {head}; it runs here as \u{201c}{shown}\u{201d} on {task} (T={}), training from these weights.",
        s.hidden, s.knob
    )
}

/// The current task when it reads `input` channels and gives `output` values, else the first
/// of [`TASKS`] that does (knob clamped into its range).
fn pick_task(
    current: &Settings,
    input: usize,
    output: usize,
) -> Result<(&'static str, usize), String> {
    let others = TASKS.iter().map(|t| t.0).filter(|&id| id != current.task);
    let ids = std::iter::once(current.task).chain(others);
    let mut offered = Vec::new();
    for id in ids {
        let Some(cfg) = task_config(id, current.knob) else {
            continue;
        };
        let range = cfg.knob_range();
        let knob = current
            .knob
            .clamp(*range.start(), (*range.end()).min(MAX_KNOB));
        let Some(task) = task_config(id, knob).and_then(|c| c.build().ok()) else {
            continue;
        };
        if (task.input_size(), task.output_size()) == (input, output) {
            return Ok((id, knob));
        }
        offered.push(format!("{id} {}→{}", task.input_size(), task.output_size()));
    }
    Err(format!(
        "weight_ih_l0: the model reads {input} input{} and gives {output} output{}; no task of the page fits (inputs→outputs: {})",
        if input == 1 { "" } else { "s" },
        if output == 1 { "" } else { "s" },
        offered.join(", ")
    ))
}

/// An error's message without its kind prefix.
fn inner(e: &gru_core::Error) -> String {
    match e {
        gru_core::Error::Format(m) | gru_core::Error::Config(m) => m.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
#[path = "torch_import_tests.rs"]
mod tests;
