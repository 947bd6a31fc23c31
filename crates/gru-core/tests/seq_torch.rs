//! The TCN and the attention model against PyTorch: `fixtures/seq_models.json`, written by
//! `fixtures/gen_seq_models.py` from `torch.nn` modules (`Conv1d`, `TransformerEncoderLayer`
//! with `norm_first=True`, …) in float64 autograd. Every head output, the loss, the gradient
//! of every parameter block, dL/dx and the attention weights must agree to 1e-9 relative
//! (with a 1e-12 absolute floor for values that are nearly zero).

use gru_core::loss::{loss_and_grad, LossKind, Targets};
use gru_core::model::{BackwardOpts, Mode};
use gru_core::seq::{Attention, AttentionConfig, Net, NetCache, Tcn, TcnConfig};
use serde_json::Value;

const REL: f64 = 1e-9;
const ABS: f64 = 1e-12;

/// Every number of a nested JSON array, in row-major order.
fn flat(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a) => a.iter().flat_map(flat).collect(),
        Value::Number(n) => vec![n.as_f64().expect("a float")],
        other => panic!("not a number or array: {other}"),
    }
}

/// Worst relative error seen over a case, and where.
#[derive(Default)]
struct Worst {
    rel: f64,
    at: String,
    numbers: usize,
}

impl Worst {
    fn check(&mut self, ours: &[f64], want: &[f64], what: &str) {
        assert_eq!(ours.len(), want.len(), "{what}: length");
        for (k, (&a, &b)) in ours.iter().zip(want).enumerate() {
            let err = (a - b).abs();
            assert!(
                err <= REL * a.abs().max(b.abs()) + ABS,
                "{what}[{k}]: ours {a}, torch {b}"
            );
            let rel = err / b.abs().max(1e-300);
            if b.abs() > 1e-8 && rel > self.rel {
                (self.rel, self.at) = (rel, format!("{what}[{k}]"));
            }
            self.numbers += 1;
        }
    }
}

fn build(case: &Value) -> Net<f64> {
    let cfg = case["config"].clone();
    let mut net = match case["model"].as_str() {
        Some("tcn") => {
            let c: TcnConfig = serde_json::from_value(cfg).expect("tcn config");
            Net::Tcn(Tcn::zeros(c).expect("valid"))
        }
        Some("attention") => {
            let c: AttentionConfig = serde_json::from_value(cfg).expect("attention config");
            Net::Attention(Attention::zeros(c).expect("valid"))
        }
        other => panic!("unknown model {other:?}"),
    };
    let params = &case["params"];
    let blocks = net.layout().blocks.clone();
    assert_eq!(
        params.as_object().map(|o| o.len()),
        Some(blocks.len()),
        "block count"
    );
    for blk in &blocks {
        let v = flat(&params[&blk.name]);
        assert_eq!(v.len(), blk.len(), "{}: shape", blk.name);
        net.params_mut()[blk.range()].copy_from_slice(&v);
    }
    net
}

#[test]
fn tcn_and_attention_match_pytorch() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/seq_models.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture present");
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    let cases = doc["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 4);
    for case in cases {
        let name = case["name"].as_str().unwrap_or("?");
        let net = build(case);
        let (t, b) = (
            case["T"].as_u64().unwrap() as usize,
            case["B"].as_u64().unwrap() as usize,
        );
        let x = flat(&case["x"]);
        net.check_input(&x, t, b).expect("fits");
        let mut cache = NetCache::default();
        net.forward(&mut cache, &x, t, b, Mode::Eval);
        let mut w = Worst::default();
        w.check(cache.y(), &flat(&case["y"]), "y");

        let o = net.output_size();
        let (kind, targets) = match case["loss"]["type"].as_str() {
            Some("mse") => (
                LossKind::Mse,
                Targets::Values(flat(&case["loss"]["target"])),
            ),
            Some("cross_entropy") => {
                let c = flat(&case["loss"]["classes"])
                    .iter()
                    .map(|&v| v as usize)
                    .collect();
                (LossKind::CrossEntropy, Targets::Classes(c))
            }
            other => panic!("unknown loss {other:?}"),
        };
        let (y, dy) = cache.y_dy();
        let stats = loss_and_grad(kind, y, o, &targets, None, dy);
        w.check(
            &[stats.loss],
            &[case["loss_value"].as_f64().unwrap()],
            "loss",
        );
        let opts = BackwardOpts {
            truncate: None,
            input_grad: true,
            ..BackwardOpts::default()
        };
        net.backward(&mut cache, opts);
        for blk in &net.layout().blocks {
            let want = flat(&case["grads"][&blk.name]);
            w.check(
                &cache.grads()[blk.range()],
                &want,
                &format!("d{}", blk.name),
            );
        }
        w.check(cache.dx(), &flat(&case["dx"]), "dx");
        if let NetCache::Attention(c) = &cache {
            let want = flat(&case["attention_weights"]); // (B, heads, T, T)
            let per = want.len() / b;
            for s in 0..b {
                let ours = c.weights(s).expect("sample");
                w.check(ours, &want[s * per..(s + 1) * per], &format!("P[{s}]"));
            }
        }
        println!(
            "{name}: {} numbers, worst relative error {:.2e} at {}",
            w.numbers, w.rel, w.at
        );
    }
}
