//! The TCN / attention PyTorch export, against real torch without torch: the committed
//! `page_{tcn,attn}{,_per_step}.pytorch.json` are what the page's "PyTorch JSON" button wrote
//! (`examples/torch_export.rs`: the adding problem, T = 10, read at the last step, sinusoidal
//! positions; the sine task, T = 12, every step, kernel 3, three heads, learned positions), and
//! `page_*.torch.json` is the output torch 2.15 computed after loading each into
//! `scripts/seq_models.py`'s `Tcn` / `Attn` with `load_state_dict(strict=True)`, in float32,
//! on the file's check input (`scripts/torch_roundtrip.py`, measured there: ≤ 3.0e-7 from the
//! file's own check).
//!
//! Here each file is read back into a gru-core model through the export's own mapping, inverted
//! (export a model whose parameter `n` is the number `n`: every exported value names its source),
//! and our f32 forward pass on the check input must give torch's output to 1e-6 and the file's
//! check exactly. A mapping that moved a value to the wrong place, in the export or in torch's
//! module, would fail here.

use gru_core::model::{Mode, Readout};
use gru_core::seq::state_dict::{attention_tensors, tcn_tensors};
use gru_core::seq::{
    Activation, Attention, AttentionConfig, Net, NetCache, Positions, Tcn, TcnConfig,
};
use serde_json::{Map, Value};

/// f32 with different sum orders (torch's conv / matmul vs ours).
const TOL: f32 = 1e-6;

fn fixture(name: &str) -> Map<String, Value> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match serde_json::from_str(&text) {
        Ok(Value::Object(m)) => m,
        other => panic!("{path}: not an object: {other:?}"),
    }
}

fn flat(v: &Value) -> Vec<f32> {
    match v {
        Value::Array(a) => a.iter().flat_map(flat).collect(),
        Value::Number(n) => vec![n.as_f64().expect("a float") as f32],
        other => panic!("not a tensor: {other}"),
    }
}

fn size(v: &Value, key: &str) -> usize {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key}: not a size")) as usize
}

/// An all-zero model of the module and arguments the file names.
fn model(meta: &Value) -> Net<f32> {
    let a = &meta["args"];
    let readout = if a["per_step"] == Value::Bool(true) {
        Readout::PerStep
    } else {
        Readout::Final
    };
    match meta["module"].as_str() {
        Some("Tcn") => Net::Tcn(
            Tcn::zeros(TcnConfig {
                input: size(a, "input"),
                channels: size(a, "channels"),
                levels: size(a, "levels"),
                kernel: size(a, "kernel"),
                activation: match a["activation"].as_str() {
                    Some("relu") => Activation::Relu,
                    Some("tanh") => Activation::Tanh,
                    other => panic!("activation {other:?}"),
                },
                output: size(a, "output"),
                readout,
            })
            .expect("valid"),
        ),
        Some("Attn") => Net::Attention(
            Attention::zeros(AttentionConfig {
                input: size(a, "input"),
                d_model: size(a, "d_model"),
                heads: size(a, "heads"),
                ffn: size(a, "ffn"),
                positions: match a["max_len"].as_u64() {
                    Some(n) => Positions::Learned {
                        max_len: n as usize,
                    },
                    None => Positions::Sinusoidal,
                },
                output: size(a, "output"),
                readout,
            })
            .expect("valid"),
        ),
        other => panic!("module {other:?}"),
    }
}

/// The export's tensors (names and values in torch's order) of `net`.
fn tensors(net: &Net<f32>) -> Vec<(String, Vec<f32>)> {
    let t = match net {
        Net::Tcn(m) => tcn_tensors(m),
        Net::Attention(m) => attention_tensors(m),
        Net::Recurrent(_) => panic!("not a sequence model"),
    };
    t.expect("tensors")
        .into_iter()
        .map(|t| (t.name, t.values))
        .collect()
}

/// Loads the file's tensors into `net` through the export mapping, inverted.
fn load(net: &mut Net<f32>, dict: &Map<String, Value>) {
    let n = net.n_params();
    assert!(n < 1 << 24, "indices exact in f32");
    net.params_mut()
        .iter_mut()
        .enumerate()
        .for_each(|(i, p)| *p = i as f32);
    let index = tensors(net);
    let mut seen = vec![false; n];
    let mut params = vec![f32::NAN; n];
    for (name, sources) in &index {
        let values = flat(&dict[name]);
        assert_eq!(values.len(), sources.len(), "{name}: size");
        for (&src, v) in sources.iter().zip(values) {
            let i = src as usize;
            assert!(!seen[i], "{name}: parameter {i} exported twice");
            seen[i] = true;
            params[i] = v;
        }
    }
    assert!(seen.iter().all(|&s| s), "every parameter exported");
    assert_eq!(
        dict.len(),
        index.len() + 1,
        "the tensors and gru_lens, nothing else"
    );
    net.params_mut().copy_from_slice(&params);
}

#[test]
fn the_page_s_tcn_and_attention_exports_give_torch_s_outputs() {
    for stem in [
        "page_tcn",
        "page_attn",
        "page_tcn_per_step",
        "page_attn_per_step",
    ] {
        let dict = fixture(&format!("{stem}.pytorch.json"));
        let torch = flat(&fixture(&format!("{stem}.torch.json"))["y"]);
        let meta = &dict["gru_lens"];
        let mut net = model(meta);
        load(&mut net, &dict);
        let x = flat(&meta["check"]["input"]);
        let t = x.len() / net.input_size();
        let mut cache = NetCache::default();
        net.forward(&mut cache, &x, t, 1, Mode::Eval);
        let y = cache.y();
        assert_eq!(
            y,
            &flat(&meta["check"]["y"])[..],
            "{stem}: the file's check"
        );
        assert_eq!(y.len(), torch.len(), "{stem}");
        let worst = y
            .iter()
            .zip(&torch)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        println!(
            "{stem}: ours vs torch max |diff| {worst:.2e} over {} numbers",
            y.len()
        );
        assert!(worst <= TOL, "{stem}: {worst:e}");
    }
}

/// The exports are what the page writes today for their weights: rebuilt, exported again,
/// every tensor is the same f32 and the check the same.
#[test]
fn re_exporting_a_loaded_file_gives_the_same_numbers() {
    for stem in ["page_tcn", "page_attn_per_step"] {
        let dict = fixture(&format!("{stem}.pytorch.json"));
        let meta = &dict["gru_lens"];
        let mut net = model(meta);
        load(&mut net, &dict);
        let t = flat(&meta["check"]["input"]).len() / net.input_size();
        let text = gru_core::seq::state_dict::export(&net, t).expect("exports");
        let back: Map<String, Value> = serde_json::from_str(&text).expect("JSON");
        assert_eq!(back.len(), dict.len(), "{stem}");
        for (k, v) in &dict {
            if k != "gru_lens" {
                assert_eq!(flat(&back[k]), flat(v), "{stem}: {k}");
            }
        }
        assert_eq!(
            back["gru_lens"], dict["gru_lens"],
            "{stem}: module, args, check"
        );
    }
}
