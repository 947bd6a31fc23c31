//! The TCN and attention `state_dict` export (`gru_core::seq::state_dict`) against PyTorch's
//! own `state_dict()`: `fixtures/seq_models.json` holds, per case, the parameters in gru-core's
//! layout and `state_dict` as `m.state_dict()` of the `scripts/seq_models.py` module gave it
//! (float64, `gen_seq_models.py`). Exporting the case's model must give the same names in the
//! same order, the same shapes and the same numbers, exactly: the mapping only moves values.

use gru_core::model::{Mode, Readout};
use gru_core::seq::state_dict::{attention_tensors, check_input, export, tcn_tensors, TorchTensor};
use gru_core::seq::{Attention, AttentionConfig, Net, NetCache, Tcn, TcnConfig};
use serde_json::{Map, Value};

fn cases() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/seq_models.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture present");
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    doc["cases"].as_array().expect("cases").clone()
}

/// Every number of a nested list, row-major, and the list's shape.
fn tensor(v: &Value) -> (Vec<usize>, Vec<f64>) {
    fn walk(v: &Value, depth: usize, dims: &mut Vec<usize>, out: &mut Vec<f64>) {
        match v {
            Value::Array(a) => {
                if dims.len() == depth {
                    dims.push(a.len());
                }
                assert_eq!(dims[depth], a.len(), "ragged list");
                a.iter().for_each(|x| walk(x, depth + 1, dims, out));
            }
            Value::Number(n) => out.push(n.as_f64().expect("a float")),
            other => panic!("not a tensor: {other}"),
        }
    }
    let (mut dims, mut out) = (Vec::new(), Vec::new());
    walk(v, 0, &mut dims, &mut out);
    (dims, out)
}

/// The case's model with its parameters (gru-core layout) loaded.
fn build(case: &Value) -> Net<f64> {
    let cfg = case["config"].clone();
    let mut net = match case["model"].as_str() {
        Some("tcn") => Net::Tcn(
            Tcn::zeros(serde_json::from_value::<TcnConfig>(cfg).expect("tcn")).expect("valid"),
        ),
        Some("attention") => Net::Attention(
            Attention::zeros(serde_json::from_value::<AttentionConfig>(cfg).expect("attention"))
                .expect("valid"),
        ),
        other => panic!("unknown model {other:?}"),
    };
    for blk in net.layout().blocks.clone() {
        let (_, v) = tensor(&case["params"][&blk.name]);
        assert_eq!(v.len(), blk.len(), "{}", blk.name);
        net.params_mut()[blk.range()].copy_from_slice(&v);
    }
    net
}

/// The case's `state_dict`: `(name, tensor)` in `m.state_dict()` order.
fn torch_dict(case: &Value) -> Vec<(String, Value)> {
    let pairs = case["state_dict"].as_array().expect("state_dict pairs");
    pairs
        .iter()
        .map(|p| (p[0].as_str().expect("name").to_string(), p[1].clone()))
        .collect()
}

fn tensors(net: &Net<f64>) -> Vec<TorchTensor<f64>> {
    match net {
        Net::Tcn(m) => tcn_tensors(m).expect("tcn tensors"),
        Net::Attention(m) => attention_tensors(m).expect("attention tensors"),
        Net::Recurrent(_) => unreachable!(),
    }
}

#[test]
fn every_tensor_is_torch_s_own_name_shape_and_value() {
    for case in cases() {
        let name = case["name"].as_str().unwrap_or("?");
        let torch = torch_dict(&case);
        let ours = tensors(&build(&case));
        assert_eq!(
            ours.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            torch.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            "{name}: names and order of m.state_dict()"
        );
        for (t, (_, v)) in ours.iter().zip(&torch) {
            let (dims, values) = tensor(v);
            assert_eq!(t.dims, dims, "{name}: {} shape", t.name);
            assert_eq!(t.values, values, "{name}: {} values", t.name);
        }
        println!("{name}: {} tensors equal torch's", ours.len());
    }
}

#[test]
fn the_export_holds_those_tensors_the_module_and_a_check_that_is_our_forward_pass() {
    for case in cases() {
        let name = case["name"].as_str().unwrap_or("?");
        let net = build(&case);
        let text = export(&net, 9).expect("exports");
        let doc: Map<String, Value> = serde_json::from_str(&text).expect("valid JSON");
        let torch = torch_dict(&case);
        assert_eq!(
            doc.len(),
            torch.len() + 1,
            "{name}: the tensors and gru_lens"
        );
        // In torch's order (the parsed map sorts its keys, so look at the text).
        let mut at = 0;
        for (k, v) in &torch {
            assert_eq!(tensor(&doc[k]), tensor(v), "{name}: {k}");
            let here = text
                .find(&format!("\n  \"{k}\": "))
                .expect("a top-level key");
            assert!(here > at, "{name}: {k} out of order");
            at = here;
        }
        assert!(
            text.find("\n  \"gru_lens\": ").is_some_and(|g| g > at),
            "{name}: gru_lens last"
        );
        let meta = &doc["gru_lens"];
        let args = &meta["args"];
        let per_step = net.readout() == Readout::PerStep;
        assert_eq!(args["per_step"], Value::Bool(per_step), "{name}");
        assert_eq!(args["input"], case["config"]["input"], "{name}");
        assert_eq!(args["output"], case["config"]["output"], "{name}");
        let t = match (&net, meta["module"].as_str()) {
            (Net::Tcn(m), Some("Tcn")) => {
                assert_eq!(args["channels"], m.config.channels, "{name}");
                assert_eq!(args["levels"], m.config.levels, "{name}");
                assert_eq!(args["kernel"], m.config.kernel, "{name}");
                assert_eq!(args["activation"], case["config"]["activation"], "{name}");
                9
            }
            (Net::Attention(m), Some("Attn")) => {
                assert_eq!(args["heads"], m.config.heads, "{name}");
                assert_eq!(args["ffn"], m.config.ffn, "{name}");
                assert_eq!(args["d_model"], m.config.d_model, "{name}");
                match m.config.max_len() {
                    Some(n) => assert_eq!(args["max_len"], n, "{name}"),
                    None => assert!(args["max_len"].is_null(), "{name}"),
                }
                m.config.max_len().map_or(9, |n| n.min(9)) // learned: at most max_len
            }
            other => panic!("{name}: module {other:?}"),
        };
        let i = net.input_size();
        let x = check_input::<f64>(t, i);
        assert_eq!(
            tensor(&meta["check"]["input"]),
            (vec![t, i], x.clone()),
            "{name}"
        );
        let mut cache = NetCache::default();
        net.forward(&mut cache, &x, t, 1, Mode::Eval);
        let rows = if per_step { t } else { 1 };
        assert_eq!(
            tensor(&meta["check"]["y"]),
            (vec![rows, net.output_size()], cache.y().to_vec()),
            "{name}"
        );
    }
}

#[test]
fn a_recurrent_model_or_a_non_finite_weight_is_refused() {
    let case = &cases()[0];
    let mut net = build(case);
    net.params_mut()[3] = f64::NAN;
    let e = export(&net, 4).expect_err("NaN refused").to_string();
    assert!(e.contains("convs.0.weight") && e.contains("NaN"), "{e}");
    let rnn = gru_core::seq::ModelKind::Recurrent(gru_core::cell::CellKind::Lstm)
        .build::<f32>(
            &gru_core::model::ModelConfig::new(gru_core::cell::CellKind::Lstm, 2, 3, 1),
            Default::default(),
            1,
        )
        .expect("builds");
    assert!(export(&rnn, 4).is_err());
}
