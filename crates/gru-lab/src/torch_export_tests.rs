//! The "PyTorch JSON" button: every run but this page's GRU exports, under its own file name;
//! a TCN or attention run's file holds its viewed weights in torch's layout and a check that
//! is gru-core's own forward pass.

use gru_core::model::Mode;
use gru_core::seq::state_dict::{attention_tensors, check_input, tcn_tensors};
use gru_core::seq::{Net, NetCache};
use serde_json::Value;

use super::*;
use crate::protocol::{Command, Report};
use crate::Engine;

fn settings(query: &str) -> Settings {
    let (s, errors) = Settings::from_query(query);
    assert!(errors.is_empty(), "{query}: {errors:?}");
    s
}

/// Every number of a nested list, row-major, as f32 (what the page's f32 weights print as).
fn flat(v: &Value) -> Vec<f32> {
    match v {
        Value::Array(a) => a.iter().flat_map(flat).collect(),
        Value::Number(n) => vec![n.as_f64().expect("a float") as f32],
        other => panic!("not a tensor: {other}"),
    }
}

#[test]
fn every_run_but_the_page_s_gru_exports_under_its_own_name() {
    let s = settings("cells=gru,gru_torch,lstm&bi=1&oneway=1&T=12&hidden=6");
    // Runs: GRU, GRU (PyTorch), LSTM, then their one-way twins.
    assert_eq!(s.n_runs(), 6);
    let e = exportable(&s);
    assert_eq!(e.runs, vec![1, 2, 4, 5], "all but the GRU and its twin");
    assert_eq!(e.none, None);
    let ids: Vec<String> = e.runs.iter().map(|&r| run_id(&s, r)).collect();
    assert_eq!(
        ids,
        ["gru_torch", "lstm", "gru_torch-oneway", "lstm-oneway"]
    );
    let s = settings("cells=gru,rnn,tcn,attn&T=12&hidden=6&heads=2");
    let e = exportable(&s);
    assert_eq!(e.runs, vec![1, 2, 3]);
    let ids: Vec<String> = e.runs.iter().map(|&r| run_id(&s, r)).collect();
    assert_eq!(ids, ["rnn", "tcn", "attn"]);
    let only_gru = exportable(&settings("cells=gru&T=12"));
    assert!(only_gru.runs.is_empty());
    assert!(only_gru
        .none
        .is_some_and(|m| m.starts_with("Not exported:") && m.contains("GRU (PyTorch)")));
}

/// The run's tensors as gru-core maps them, against the JSON, number for number.
fn assert_tensors(json: &Value, net: &Net<f32>) {
    let tensors = match net {
        Net::Tcn(m) => tcn_tensors(m).expect("tensors"),
        Net::Attention(m) => attention_tensors(m).expect("tensors"),
        Net::Recurrent(_) => panic!("not a sequence model"),
    };
    let n: usize = tensors.iter().map(|t| t.values.len()).sum();
    assert_eq!(n, net.n_params(), "every parameter exported once");
    for t in &tensors {
        assert_eq!(flat(&json[&t.name]), t.values, "{}", t.name);
    }
}

#[test]
fn tcn_and_attention_runs_export_their_weights_and_a_check_of_their_forward_pass() {
    let mut e = Engine::new(
        &settings("cells=gru,tcn,attn&T=12&hidden=8&heads=2&positions=learned"),
        0.0,
    )
    .expect("valid");
    for _ in 0..3 {
        e.handle(Command::Step, 0.0);
    }
    for (run, module, stem) in [(1, "Tcn", "tcn"), (2, "Attn", "attn")] {
        let Some(Report::Saved { name, json }) = e.handle(Command::ExportTorch { run }, 0.0).pop()
        else {
            panic!("run {run}: no file")
        };
        assert_eq!(name, format!("gru-lens-{stem}-adding-step3.pytorch.json"));
        let doc: Value = serde_json::from_str(&json).expect("JSON");
        let net = &e.lab().runs[run].trainer.net;
        assert_tensors(&doc, net);
        let meta = &doc["gru_lens"];
        assert_eq!(meta["module"], module);
        assert_eq!(
            meta["args"]["input"], 2,
            "the adding problem's two channels"
        );
        // The check: the adding problem's T = 12 steps, gru-core's forward pass on them.
        let x = check_input::<f32>(12, 2);
        assert_eq!(flat(&meta["check"]["input"]), x);
        let mut cache = NetCache::default();
        net.forward(&mut cache, &x, 12, 1, Mode::Eval);
        assert_eq!(flat(&meta["check"]["y"]), cache.y(), "run {run}");
    }
    let r = e.handle(Command::ExportTorch { run: 0 }, 0.0);
    assert!(
        matches!(r.as_slice(), [Report::Rejected { message }] if message.starts_with("Not exported: this page's GRU")),
        "{r:?}"
    );
}

/// While a past step is viewed, a TCN's export carries that snapshot's weights and step.
#[test]
fn a_tcn_export_while_viewing_the_past_carries_the_snapshot() {
    let mut lab = Lab::new(settings("cells=rnn,tcn&T=10&hidden=5")).expect("valid");
    let every = crate::timeline::FIRST_EVERY;
    for _ in 0..every {
        assert!(lab.step());
        lab.travel.record(&lab.runs);
    }
    let past = lab.runs[1].trainer.net.clone();
    for _ in 0..5 {
        assert!(lab.step());
        lab.travel.record(&lab.runs);
    }
    assert_ne!(past.params(), lab.runs[1].trainer.net.params());
    lab.view(Some(every)).expect("kept");
    let doc: Value = serde_json::from_str(&torch_json(&lab, 1).expect("exports")).expect("JSON");
    assert_tensors(&doc, &past);
    assert_eq!(
        file_name(&lab, 1),
        format!("gru-lens-tcn-adding-step{every}.pytorch.json")
    );
}

/// The page does not import a TCN or attention state_dict: "Load run" says so by name and the
/// runs go on untouched.
#[test]
fn loading_a_tcn_export_back_is_refused_by_name() {
    let mut e = Engine::new(&settings("cells=rnn,tcn&T=10&hidden=5"), 0.0).expect("valid");
    e.handle(Command::Step, 0.0);
    let Some(Report::Saved { json, .. }) = e.handle(Command::ExportTorch { run: 1 }, 0.0).pop()
    else {
        panic!("no file")
    };
    assert!(crate::torch_import::looks_like_state_dict(json.as_bytes()));
    let before = e.lab().runs[1].trainer.net.params().to_vec();
    let r = e.handle(
        Command::Load {
            bytes: json.into_bytes(),
        },
        0.0,
    );
    let [Report::Rejected { message }] = r.as_slice() else {
        panic!("{r:?}")
    };
    assert!(
        message.starts_with("Not loaded: PyTorch state_dict: a Tcn state_dict is for PyTorch")
            && message.contains("Save run")
            && !message.contains('\n'),
        "{message}"
    );
    assert_eq!(e.lab().runs[1].trainer.net.params(), &before[..]);
    assert_eq!(e.lab().steps(), 1);
}
