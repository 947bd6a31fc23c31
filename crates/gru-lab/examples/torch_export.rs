//! Writes what the page's "PyTorch JSON" button writes, for `scripts/torch_roundtrip.py` to
//! load into real torch: a small lab (GRU (PyTorch), LSTM, RNN on the adding problem, T = 10,
//! H = 6) trained 30 steps, then per run `page_<cell>.pytorch.json` (exactly
//! `gru_lab::torch_export::torch_json`) and `page_<cell>.reference.json` (`{"input": (T, I), "h_T":
//! (L·D, H), "y": (O)}`: what gru-core computes on one fixed input, in f32).
//!
//! Then the TCN and attention runs of two more labs, 30 steps each, as
//! `page_{tcn,attn}{,_per_step}.pytorch.json` (exactly `torch_json`, the check inside): the
//! adding problem (T = 10, read at the last step, sinusoidal positions) and the sine task
//! (T = 12, read every step, kernel 3, three heads, learned positions).
//!
//! `cargo run -p gru-lab --example torch_export -- crates/gru-lab/tests/fixtures`

use gru_lab::lab::Lab;
use gru_lab::settings::{cell_id, Settings};
use gru_lab::torch_export::{run_id, torch_json};
use gru_lab::torch_parity::outputs;
use serde_json::json;

fn main() -> Result<(), String> {
    let dir = std::env::args().nth(1).ok_or("usage: torch_export <dir>")?;
    let (settings, errors) = Settings::from_query("cells=gru_torch,lstm,rnn&T=10&hidden=6");
    if !errors.is_empty() {
        return Err(errors.join("; "));
    }
    let mut lab = Lab::new(settings)?;
    for _ in 0..30 {
        lab.step();
    }
    for (k, run) in lab.runs.iter().enumerate() {
        let cell = cell_id(run.trainer.config.cell);
        let model = run.trainer.model().ok_or("not recurrent")?;
        let (t, i) = (10, model.config.input);
        // A fixed input (T, I) with both signs and every channel.
        let input: Vec<f32> = (0..t * i).map(|n| (1.0 + 0.7 * n as f32).sin()).collect();
        let (h_t, y) = outputs(model, &input, t);
        let rows =
            |v: &[f32], w: usize| -> Vec<Vec<f32>> { v.chunks(w).map(<[f32]>::to_vec).collect() };
        let reference = json!({
            "input": rows(&input, i),
            "h_T": rows(&h_t, model.config.hidden),
            "y": y,
        });
        let write = |name: String, text: String| {
            std::fs::write(format!("{dir}/{name}"), text).map_err(|e| format!("{name}: {e}"))
        };
        write(format!("page_{cell}.pytorch.json"), torch_json(&lab, k)?)?;
        write(format!("page_{cell}.reference.json"), reference.to_string())?;
        println!("wrote page_{cell}.pytorch.json and page_{cell}.reference.json");
    }
    let seq = [
        ("cells=rnn,tcn,attn&T=10&hidden=6&heads=2", ""),
        (
            "task=sine&cells=rnn,tcn,attn&T=12&hidden=6&heads=3&tcn_kernel=3&positions=learned",
            "_per_step",
        ),
    ];
    for (query, suffix) in seq {
        let (settings, errors) = Settings::from_query(query);
        if !errors.is_empty() {
            return Err(errors.join("; "));
        }
        let mut lab = Lab::new(settings)?;
        for _ in 0..30 {
            lab.step();
        }
        for run in 1..lab.runs.len() {
            let name = format!("page_{}{suffix}.pytorch.json", run_id(&lab.settings, run));
            std::fs::write(format!("{dir}/{name}"), torch_json(&lab, run)?)
                .map_err(|e| format!("{name}: {e}"))?;
            println!("wrote {name}");
        }
    }
    Ok(())
}
