//! Untrusted files: no number in a document, and no shape it declares, makes a parser allocate
//! more than the document itself holds. A global allocator records the largest single
//! allocation on the current thread; each test feeds a small document that declares something
//! huge and checks both the one-line error and that nothing big was allocated. Before these
//! fixes several of these aborted the process ("memory allocation of … bytes failed").

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use gru_core::cell::{CellKind, Nonlinearity};
use gru_core::checkpoint::{from_json, MAX_BYTES};
use gru_core::model::{Model, ModelConfig};
use gru_core::state_dict::{import, infer_config};
use gru_core::trace::spec::parse;
use gru_core::Error;

struct Largest;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
}

unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        note(new);
        // SAFETY: as for `alloc`/`dealloc`.
        unsafe { System.realloc(ptr, layout, new) }
    }
}

#[global_allocator]
static GLOBAL: Largest = Largest;

/// Runs `f` and returns its result with the largest single allocation it made, in bytes.
fn largest<R>(f: impl FnOnce() -> R) -> (R, usize) {
    LARGEST.with(|l| l.set(0));
    let r = f();
    (r, LARGEST.with(Cell::get))
}

fn format_message<T>(r: Result<T, Error>) -> String {
    match r {
        Err(Error::Format(m)) => m,
        Err(e) => panic!("expected a format error, got {e:?}"),
        Ok(_) => panic!("expected a format error, got Ok"),
    }
}

/// The largest model a config may declare (LSTM, 4096 inputs and outputs, 1024 hidden, 8
/// bidirectional layers: 218 million parameters) in a 300-byte checkpoint.
#[test]
fn a_checkpoint_declaring_the_largest_model_allocates_no_parameters() {
    let m = r#"{"cell":"lstm","input":4096,"hidden":1024,"layers":8,"direction":"bidirectional","output":4096,
                "readout":"final","input_dropout":0,"recurrent_dropout":0}"#;
    let doc = format!(
        r#"{{"format":"gru-lens-checkpoint","version":1,"model":{m},"weights":{{"l0.fwd.W":[[1]]}}}}"#
    );
    let (r, big) = largest(|| from_json::<f64>(&doc));
    let msg = format_message(r);
    assert!(
        msg.starts_with("weights.l0.fwd.W: expected 4096×4096, got 1×1"),
        "{msg}"
    );
    // Before: the 218M-parameter vector (1.7 GB as f64) was allocated before any block was read.
    assert!(big < 1 << 20, "largest allocation {big} bytes");
}

/// A ragged list whose first row is long and whose other rows are empty: `rows × cols` of
/// the first row was reserved before the rows were checked.
fn ragged(n: usize) -> String {
    format!("[[{}0], {}[]]", "0,".repeat(n - 1), "[], ".repeat(n - 2))
}

#[test]
fn a_ragged_tensor_in_a_checkpoint_or_state_dict_reserves_nothing_big() {
    let n = 100_000; // rows × cols × 8 bytes = 80 GB
    let doc = format!(
        r#"{{"format":"gru-lens-checkpoint","version":1,"model":{{"cell":"rnn_tanh","input":1,"hidden":1,"layers":1,
           "direction":"forward","output":1,"readout":"final","input_dropout":0,"recurrent_dropout":0}},
           "weights":{{"l0.fwd.W":{}}}}}"#,
        ragged(n)
    );
    let (r, big) = largest(|| from_json::<f32>(&doc));
    let msg = format_message(r);
    assert_eq!(
        msg,
        format!("weights.l0.fwd.W: row 1 has 0 numbers, row 0 has {n}")
    );
    assert!(big < 64 << 20, "largest allocation {big} bytes");
    let sd = format!(
        r#"{{"weight_ih_l0": {}, "weight_hh_l0": [[0]]}}"#,
        ragged(n)
    );
    let (r, big) = largest(|| infer_config(&sd, Nonlinearity::Tanh));
    let msg = format_message(r);
    assert_eq!(
        msg,
        format!("weight_ih_l0: row 1 has 0 numbers, row 0 has {n}")
    );
    assert!(big < 64 << 20, "largest allocation {big} bytes");
}

/// `"input_size": 4096` with a million empty steps: `T × I` (32 GB) was reserved for `x`
/// before its rows were read. Now the trace budget refuses it first.
#[test]
fn a_spec_with_many_empty_steps_reserves_nothing_big() {
    let spec = format!(
        r#"{{"cell": "rnn", "input_size": 4096, "weights": {{"W_ih": [[{}0]], "W_hh": [[0]]}}, "x": [{}[]]}}"#,
        "0,".repeat(4095),
        "[],".repeat(999_999)
    );
    let (r, big) = largest(|| parse(&spec));
    let msg = r.expect_err("refused");
    assert!(
        msg.starts_with("x: 1000000 steps × (1² state Jacobian + 4096 inputs"),
        "{msg}"
    );
    assert!(big < 64 << 20, "largest allocation {big} bytes");
}

/// A head of 4096 outputs and 100 000 steps of one input: the broadcast loss target alone
/// was `T × O` = 3.3 GB, and the run keeps every `S × S` step Jacobian.
#[test]
fn a_spec_whose_trace_would_be_huge_is_refused_before_running() {
    let spec = format!(
        r#"{{"cell": "rnn", "weights": {{"W_ih": [[0]], "W_hh": [[0]]}}, "x": [{}[0]],
            "head": {{"W_o": [{}[0]]}}, "loss": {{"type": "mse", "target": [{}0]}}}}"#,
        "[0],".repeat(99_999),
        "[0],".repeat(4095),
        "0,".repeat(4095)
    );
    let (r, big) = largest(|| parse(&spec));
    let msg = r.expect_err("refused");
    assert!(
        msg.starts_with("x: 100000 steps × (1² state Jacobian + 1 inputs + 4096 outputs)"),
        "{msg}"
    );
    assert!(msg.contains("over gru-trace's limit of 16777216"), "{msg}");
    assert!(big < 64 << 20, "largest allocation {big} bytes");
    // A 512-unit LSTM (S = 1024) over 100 steps: 10⁸ Jacobian entries.
    let h = 512;
    let row = format!("[{}0]", "0,".repeat(h - 1));
    let square = format!("[{}{row}]", format!("{row},").repeat(h - 1));
    let weights: Vec<String> = ["W_hi", "W_hf", "W_hg", "W_ho"]
        .iter()
        .map(|w| format!("\"{w}\": {square}"))
        .chain(
            ["W_ii", "W_if", "W_ig", "W_io"]
                .iter()
                .map(|w| format!("\"{w}\": [{}[0]]", "[0],".repeat(h - 1))),
        )
        .collect();
    let spec = format!(
        r#"{{"cell": "lstm", "weights": {{{}}}, "x": [{}[0]]}}"#,
        weights.join(", "),
        "[0],".repeat(99)
    );
    let msg = parse(&spec).expect_err("refused");
    assert!(
        msg.starts_with("x: 100 steps × (1024² state Jacobian"),
        "{msg}"
    );
}

/// `infer_config` counted layers by the names present, not by their tensors: a 100-byte
/// state dict gave an 8-layer bidirectional config. Now every tensor is checked too.
#[test]
fn infer_config_only_returns_configs_the_document_fills() {
    let mut sd = String::from(
        r#"{"weight_ih_l0": [[0]], "weight_hh_l0": [[0]], "bias_ih_l0": [0], "bias_hh_l0": [0]"#,
    );
    for l in 1..8 {
        sd.push_str(&format!(r#", "weight_ih_l{l}": 0"#));
    }
    sd.push('}');
    let msg = format_message(infer_config(&sd, Nonlinearity::Tanh));
    assert!(
        msg.starts_with("weight_ih_l1: expected a list, got 0"),
        "{msg}"
    );
    // A consistent document still gives its config, and imports.
    let ok = r#"{"weight_ih_l0": [[1, 2]], "weight_hh_l0": [[3]], "bias_ih_l0": [4], "bias_hh_l0": [5]}"#;
    let c = infer_config(ok, Nonlinearity::Tanh).expect("consistent");
    assert_eq!(
        (c.cell, c.input, c.hidden, c.layers),
        (CellKind::RnnTanh, 2, 1, 1)
    );
    let mut m = Model::<f32>::zeros(c).expect("valid");
    import(&mut m, ok).expect("imports");
}

#[test]
fn documents_over_50_mib_are_refused_unread() {
    let doc = format!("[{}0]", " ".repeat(MAX_BYTES));
    let (r, big) = largest(|| from_json::<f32>(&doc));
    let msg = format_message(r);
    assert_eq!(
        msg,
        format!(
            "checkpoint: {} bytes is over the limit of 52428800 bytes (50 MiB)",
            MAX_BYTES + 3
        )
    );
    assert!(big < 1 << 20, "largest allocation {big} bytes");
    let mut m = Model::<f32>::zeros(ModelConfig::new(CellKind::Lstm, 1, 1, 1)).expect("valid");
    let msg = format_message(import(&mut m, &doc));
    assert!(
        msg.starts_with("state_dict: 52428803 bytes is over the limit"),
        "{msg}"
    );
    let msg = format_message(infer_config(&doc, Nonlinearity::Tanh));
    assert!(
        msg.starts_with("state_dict: 52428803 bytes is over the limit"),
        "{msg}"
    );
}
