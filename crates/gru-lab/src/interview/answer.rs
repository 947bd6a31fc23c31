//! The answers, in our own words, with the live run's numbers ([`Facts`]). Every sentence is
//! either a fact about the maths, a number of this run (said as "here" / "at step N"), or
//! marked as a rule of thumb; where the run has no number yet, the sentence says so.

use gru_core::cell::CellKind;

use super::facts::{CellFacts, Facts};
use super::phrases::{
    beside, count, counted, each, each_count, seen, val_at, val_sentence, weights,
};
use crate::cost::torch_params;
use crate::fmt::{fmt_count, fmt_ms, fmt_num, fmt_si};

/// Q1.
pub fn differ(f: &Facts) -> Vec<String> {
    let mut out = vec![
        "A GRU has two gates — update z and reset r — and one state h. An LSTM has three gates (input, forget, output), a candidate, and a separate cell state c beside h. The GRU's single z does the work of the LSTM's input and forget gates together (z writes, 1 − z keeps), and with no output gate its whole state is exposed.".to_string(),
    ];
    let cells: Vec<String> = f.cells.iter().map(|c| weights(f, c)).collect();
    out.push(format!(
        "Weights per layer and direction here (I = {}, H = {}): {}. The page's GRU applies r before U_h, so one bias per gate suffices; the LSTM keeps PyTorch's two bias vectors. PyTorch's nn.GRU({}, {}) would have 3·(I+H+2)·H = {}.",
        f.input,
        f.hidden,
        cells.join("; "),
        f.input,
        f.hidden,
        count(torch_params(CellKind::Gru, f.input, f.hidden))
    ));
    if let Some(p) = each_count(f) {
        out.push(format!(
            "Whole models, head included (the cost table's params): {p}."
        ));
    }
    out.push(val_sentence(f));
    out.push("Fewer weights is a fact of the shapes; which one learns a task better is not fixed by them — the quiz lets this run decide.".into());
    out
}

/// Q2.
pub fn equations(f: &Facts) -> Vec<String> {
    let mut out = vec![
        "z_t = σ(W_z x_t + U_z h_{t−1} + b_z), r_t = σ(W_r x_t + U_r h_{t−1} + b_r), h̃_t = tanh(W_h x_t + U_h (r_t ⊙ h_{t−1}) + b_h), h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t. That is this page's convention: z weights the new candidate.".to_string(),
        "PyTorch, Keras and Flax call the gate that weights the old state the update gate: their z′ = 1 − z, h_t = z′ ⊙ h_{t−1} + (1 − z′) ⊙ n_t. They also apply r after the U_h product, with its own bias: n_t = tanh(W_n x_t + b_in + r_t ⊙ (U_n h_{t−1} + b_hn)) (Keras: reset_after=True, its default). Cho et al. (2014) apply r before U_h, as the page's GRU does, but their z weights the old state (h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃_t), like the frameworks' z′; the page's z, the weight of the new candidate, follows Chung et al. (2014). The two forms of r are different functions, not a renaming: no weights make one equal the other in general. Reset-after lets the three recurrent products be one matrix product per step (h_{t−1} times [U_z U_r U_n]), which is how cuDNN computes its GRU (hence the frameworks' choice).".to_string(),
    ];
    if let (Some(g), Some(t)) = (f.cell(CellKind::Gru), f.cell(CellKind::GruTorch)) {
        out.push(format!(
            "Here: {}; {} — the second bias vector of the reset-after form adds 3·H = {} weights, of which only b_hn (H of them) changes the function, because r multiplies it; b_hr and b_hz only add to b_ir and b_iz.",
            weights(f, g),
            weights(f, t),
            3 * t.hidden
        ));
    }
    out.push(match f.cell(CellKind::Gru).and_then(|c| c.mean_z) {
        Some(z) => format!(
            "At step {} (the views' model), the page's GRU has mean z = {} on the inspected sample (hover a cell of the gate maps: “One unit, one step” shows z at that unit and step).",
            seen(f),
            fmt_num(z)
        ),
        None => "Look inside the page's GRU (choose “GRU” in the cell picker above the gate maps) to see its z.".into(),
    });
    out
}

/// Q3.
pub fn vanishing(f: &Facts) -> Vec<String> {
    let mut out = vec![
        "In the page's convention, ∂h_t/∂h_{t−1} = diag(1 − z_t) + diag(z_t)·∂h̃_t/∂h_{t−1} + diag(h̃_t − h_{t−1})·∂z_t/∂h_{t−1} = A + B + C. A is the additive carry: where z_t is near 0 it is near the identity, so a product of many such factors need not shrink. A tanh RNN's factor diag(1 − h_t²)·U has no such path. C, the update-gate term, is often left out of study notes; it vanishes only where h̃_t = h_{t−1} or where z does not respond to h_{t−1} (held by gate surgery, or saturated at 0 or 1).".to_string(),
    ];
    out.push(match f.cell(CellKind::Gru).and_then(|c| c.terms) {
        Some([a, b, c]) => format!(
            "At step {} (the views' model), the GRU's terms on the inspected sample, spectral norm averaged over its {} steps: ‖A‖ {}, ‖B‖ {}, ‖C‖ {}.",
            seen(f),
            f.seq_len,
            fmt_num(a),
            fmt_num(b),
            fmt_num(c)
        ),
        None => "The Jacobian's terms appear once the GRU has been inspected.".into(),
    });
    out.push(match each(f, |c| c.far) {
        Some(v) => format!(
            "‖∂h_T/∂h_0‖ at step {} (the views' model; the Compare table's last column): {v}.",
            seen(f)
        ),
        None => {
            "‖∂h_T/∂h_0‖ appears in the Compare table once both runs have been inspected.".into()
        }
    });
    out.push("The gate only helps as long as z stays small along the path: that is a property of the trained weights, not a guarantee.".into());
    out
}

/// Q4.
pub fn faster(f: &Facts) -> Vec<String> {
    let mut out = vec!["Per step a GRU computes three gate blocks of matrix products where an LSTM computes four, so about 3/4 of the FLOPs and weights at the same I and H.".to_string()];
    if let (Some(g), Some(l)) = (f.cell(CellKind::Gru), f.cell(CellKind::Lstm)) {
        out.push(format!(
            "Here (I = {}, T = {}, batch {}; the cost table's numbers): matrix FLOPs per training step GRU {}, LSTM {} (ratio {:.2}); weights GRU {}, LSTM {}; activations kept for backprop over one batch GRU {}, LSTM {}.",
            f.input,
            f.seq_len,
            f.batch,
            fmt_si(g.flops_step, "FLOP"),
            fmt_si(l.flops_step, "FLOP"),
            g.flops_step / l.flops_step,
            fmt_count(g.params),
            fmt_count(l.params),
            fmt_si(g.activation_bytes, "B"),
            fmt_si(l.activation_bytes, "B")
        ));
        out.push(match (g.step_ms, l.step_ms) {
            (Some(a), Some(b)) => format!(
                "Measured time per training step of each run alone (the cost table's ms/step): GRU {} ms, LSTM {} ms. Both share one browser thread and this machine, so the figures move. Read the ratio with care: both steps use the same vectorised sigmoid and tanh, but the matrix products are not the whole step (element-wise gate work, memory traffic and the optimiser's update take time too), and the page's GRU needs r before U_h(r ⊙ h), so each of its steps makes two dependent recurrent products (h·U_zr, then (r ⊙ h)·U_h) where the LSTM makes one wider product; smaller products run less efficiently. The measured ratio need not equal the FLOP ratio.",
                fmt_ms(a),
                fmt_ms(b)
            ),
            _ => "The measured time per step of each run appears in the cost table once both have trained a few steps.".into(),
        });
    }
    out.push("Cheaper steps are a law of the shapes; needing fewer steps is not — it depends on task and tuning (rule of thumb: often similar). Time to a loss = steps × time per step. The quiz counts the steps this run needed.".into());
    out
}

/// Q5.
pub fn beat(f: &Facts) -> Vec<String> {
    let mut out = vec![
        "Rules of thumb, not laws: under a tight compute or memory budget, a GRU trains more steps or a wider layer for the same cost; on dependencies that are not very long, the LSTM's separate memory buys little. \"Fewer weights overfit less\" is often added, but the weight count is a weak guide: a cell that learns faster also memorises a small training set sooner, so compare each cell's gap between validation and training loss rather than the counts. Published comparisons (Chung et al. 2014, Jozefowicz et al. 2015) found no consistent winner.".to_string(),
    ];
    let cells: Vec<String> = f.cells.iter().map(|c| weights(f, c)).collect();
    out.push(format!(
        "This experiment is the small-budget side: H = {}, T = {}: {}.",
        f.hidden,
        f.seq_len,
        cells.join("; ")
    ));
    out.push(if f.train_n > 0 {
        format!("The little-data side: every step here cycles the same {} training sequences (train_n), so a model that memorises them shows a training loss well below its validation loss.", f.train_n)
    } else {
        "Every step here draws fresh sequences; set a small train_n to see the little-data side.".into()
    });
    out.push(val_sentence(f));
    if f.train_n > 0 && f.step() > 0 {
        if let Some(gaps) = each(f, train_val_gap) {
            out.push(format!(
                "Validation loss (step {}) minus the smoothed training loss (step {}), the memorising gap: {gaps}.",
                val_at(f),
                f.step()
            ));
        }
    }
    out
}

/// Validation loss minus the smoothed training loss, once both are known.
fn train_val_gap(c: &CellFacts) -> Option<f64> {
    Some(c.val_loss? - c.loss?)
}

/// Q6.
pub fn limits(f: &Facts) -> Vec<String> {
    let mut out = vec![
        "The GRU has no separate memory cell: h is both what it remembers and what it shows, and it stays inside (−1, 1) because each h_t is a convex mix of h_{t−1} and a tanh. The LSTM's c = f·c + i·g is unbounded and hidden behind the output gate, so it can count: Weiss, Goldberg & Yahav (2018) showed LSTMs learn counting languages such as aⁿbⁿ that GRUs fail on. On very long or complex dependencies the LSTM is often, not always, ahead (rule of thumb).".to_string(),
    ];
    out.push(match each(f, |c| c.val_accuracy.map(|a| 100.0 * a)) {
        Some(v) if f.step() > 0 => format!(
            "Parity of {} bits is counting mod 2 (chance: 50 %); it needs no unbounded counter, only two states, which a bounded h can hold — so this quiz tests what training finds, not what a GRU can represent. At step {}, validation accuracy in %: {v}.",
            f.seq_len,
            val_at(f)
        ),
        _ => "No validation accuracy yet: press \"Run this experiment\".".into(),
    });
    out
}

/// Q7.
pub fn dropout(f: &Facts) -> Vec<String> {
    vec![
        "Input dropout zeroes parts of the input x_t. Recurrent dropout zeroes units of h_{t−1} on their way into the recurrent weights, with one mask for the whole sequence (Gal & Ghahramani 2016); a fresh mask at every step keeps injecting noise into the memory. Either way only while training.".to_string(),
        "What the frameworks offer: Keras GRU(dropout=…, recurrent_dropout=…) has both. PyTorch's nn.GRU has no recurrent dropout: its dropout= acts only between stacked layers, on the outputs of every layer but the last, so with num_layers=1 it does nothing. In PyTorch you write the loop over GRUCell yourself, or drop weights of weight_hh (DropConnect, as in AWD-LSTM).".to_string(),
        format!(
            "This page: input dropout {}, recurrent dropout {}, each mask drawn once per sequence and scaled by 1/(1 − p); the carry (1 − z)·h_{{t−1}} uses the unmasked state; validation runs without dropout.",
            f.input_dropout, f.recurrent_dropout
        ),
        match f.cells.first() {
            Some(c) if c.loss.is_some() && c.val_loss.is_some() => format!(
                "{}: training loss (dropout on, smoothed) {} at step {}, validation loss (off) {} at step {}.",
                c.label,
                fmt_num(c.loss.unwrap_or(f64::NAN)),
                f.step(),
                fmt_num(c.val_loss.unwrap_or(f64::NAN)),
                c.val_step.unwrap_or(f.step())
            ),
            _ => "No losses yet: press \"Run this experiment\".".into(),
        },
    ]
}

/// Q8.
pub fn stacked(f: &Facts) -> Vec<String> {
    let mut out = vec![
        "Bidirectional: a second GRU reads the sequence backwards, so the output at t sees the whole sequence. It doubles the weights and compute of a layer, and it cannot stream: the backward direction needs the end of the sequence first. Stacked: layer l + 1 reads layer l's states — more processing per time step and more weights (above a bidirectional layer the input is 2H wide), and the gradient to the first layer crosses more Jacobians.".to_string(),
        "The task here needs the future: at step t the target is the input 2 steps later, x(t+2), drawn independently of everything before it. A one-way GRU at step t has read only x(0) … x(t), so the best it can do is the mean: its expected loss cannot get below the variance of U(−1, 1), 1/3 (the baseline line; a finite validation set scatters a little around it). The backward direction reads x(t+2) two steps before it reaches t and only has to hold it. The one-way twin (\"also one-way\" in the settings) has the same hidden size, data and seed.".to_string(),
    ];
    if let Some(c) = f.cell(CellKind::Gru).or(f.cells.first()) {
        out.push(match (c.val_loss, c.baseline, f.twin(c.kind)) {
            (Some(v), Some(b), Some(t)) if f.lookahead => format!(
                "At step {}: validation loss {} {}, {} {}; the one-way limit is {}.",
                val_at(f),
                c.label,
                fmt_num(v),
                t.label,
                t.val_loss.map_or("—".into(), fmt_num),
                fmt_num(b)
            ),
            _ => "No validation losses of a bidirectional GRU and its one-way twin on the lookahead task yet: press \"Run this experiment\".".into(),
        });
        out.push(format!(
            "Cost here: {} × {} of {} with H = {}: {} recurrent weights ({} in the first layer, one direction{}), {} per training step, {} of activations kept over one batch of {}.{}",
            counted(f.layers, "layer", "layers"),
            counted(f.dirs, "direction", "directions"),
            c.label,
            c.hidden,
            count(c.recurrent_params),
            count(c.layer_params),
            if f.layers > 1 {
                format!(
                    "; each layer above reads {} inputs, not {}",
                    f.dirs * c.hidden,
                    f.input
                )
            } else {
                String::new()
            },
            fmt_si(c.flops_step, "FLOP"),
            fmt_si(c.activation_bytes, "B"),
            f.batch,
            match c.step_ms {
                Some(ms) => format!(" Measured: {}\u{a0}ms per training step (the cost table's ms/step).", fmt_ms(ms)),
                None => String::new(),
            }
        ));
        if let Some(t) = f.twin(c.kind) {
            out.push(format!(
                "Its one-way twin: {} recurrent weights, {} per training step{}.",
                count(t.recurrent_params),
                fmt_si(t.flops_step, "FLOP"),
                match t.step_ms {
                    Some(ms) => format!(", {}\u{a0}ms measured", fmt_ms(ms)),
                    None => String::new(),
                }
            ));
        }
    }
    out.push("Pick a layer and direction above the gate maps to look inside each.".into());
    out
}

/// Q9.
pub fn long(f: &Facts) -> Vec<String> {
    let mut out = vec![
        "Gradients still decay in a GRU: along the carry, ∂h_T/∂h_0 multiplies T factors diag(1 − z_t), so only units whose z stays near 0 keep the path open (and those units then ignore their input). Training is sequential in time: step t needs h_{t−1}, so the T steps of a layer cannot run in parallel — only the input projections can (this page does them in one product). Streaming inference costs the same per step at any T (one step, a fixed-size state); training memory grows with T.".to_string(),
        "What people use instead or besides: truncated backpropagation through time, attention and Transformers (parallel over time, cost growing with T² per layer), temporal convolutional networks (dilated causal convolutions), and linear recurrences / state-space models that train in parallel.".to_string(),
    ];
    if let Some(g) = f.cell(CellKind::Gru) {
        out.push(format!(
            "Here T = {}: the GRU keeps {} of activations for backprop over one batch of {} (the cost table's memory), in proportion to T.",
            f.seq_len,
            fmt_si(g.activation_bytes, "B"),
            f.batch
        ));
        if let (Some(z), Some(carry), Some(average)) = (g.mean_z, g.carry_only, g.carry_of_mean) {
            let relation = carry_against_mean(carry, average);
            out.push(format!(
                "At step {} (the views' model), on the inspected sample: the carry path alone (the T factors diag(1 − z_t), candidate and gate terms left out) has norm max over units of ∏_t (1 − z_t) = {}, against (1 − mean z)^T = {} with mean z = {}{relation}. A product of gates is set by the units whose z stays near 0 at every step, not by the average gate; the exact ‖∂h_T/∂h_0‖ is in the Compare table.",
                seen(f),
                fmt_num(carry),
                fmt_num(average),
                fmt_num(z)
            ));
        }
    }
    out.push(match each(f, |c| c.far) {
        Some(v) => format!("‖∂h_T/∂h_0‖ at step {} (the views' model): {v}.", seen(f)),
        None => "‖∂h_T/∂h_0‖ appears once the runs have been inspected.".into(),
    });
    if let Some(s) = beside(f) {
        out.push(s);
    }
    out
}

/// How the carry path's norm compares with what the average gate makes of it, as a clause
/// after both are quoted: "(far above it)" / "(far below it)" past a factor of 10, else the
/// factor itself ("(0.2500 times it)"); nothing when the ratio is not a finite number.
fn carry_against_mean(carry: f64, average: f64) -> String {
    let ratio = carry / average;
    if !ratio.is_finite() {
        String::new()
    } else if ratio > 10.0 {
        " (the carry far above it)".into()
    } else if ratio < 0.1 {
        " (the carry far below it)".into()
    } else {
        format!(" (the carry {} times it)", fmt_num(ratio))
    }
}

/// Q10.
pub fn evaluate(f: &Facts) -> Vec<String> {
    let mut out = vec![
        "Same data, the same seed for every model's initialisation, the same budget (and say whether it is steps or seconds); several seeds (at least 3) with mean and spread; validation curves, not one final number; training against validation to see overfitting; time per step and memory; ablations that remove one thing at a time (the gate surgery here: hold z, cut the carry); and each model's learning rate tuned on its own, or the comparison measures the tuning.".to_string(),
        super::seeds::paragraph(f),
        if f.step() == 0 {
            "The live runs (the current seed only) train every cell on the same sequences; they have not trained yet, as the multi-seed run pauses them: press Play to train them after it.".to_string()
        } else {
            format!("The live runs (the current seed only) train every cell on the same sequences. {}", val_sentence(f))
        },
    ];
    if let Some(s) = beside(f) {
        out.push(s);
    }
    out
}
