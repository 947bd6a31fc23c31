//! Saved runs: save → load resumes bit for bit; bad files are refused with a named problem.

use super::*;
use crate::protocol::{Command, Report};
use crate::settings::Settings;
use crate::torch_export::torch_json;
use crate::Engine;

/// Settings that exercise every resumed stream: two cells, dropout (its own RNG), SGD momentum.
fn settings() -> Settings {
    let (s, errors) = Settings::from_query("cells=gru,lstm&T=12&hidden=6&dropout=0.1&rdropout=0.2");
    assert!(errors.is_empty(), "{errors:?}");
    s
}

/// Every run's parameters as bits.
fn bits(lab: &Lab) -> Vec<Vec<u32>> {
    lab.runs
        .iter()
        .map(|r| r.trainer.net.params().iter().map(|p| p.to_bits()).collect())
        .collect()
}

/// Steps `lab` once and returns each run's `(loss, grad norm)` bits.
fn step(lab: &mut Lab) -> Vec<(u64, u64)> {
    assert!(lab.step());
    lab.runs
        .iter_mut()
        .map(|r| {
            let s = r.take_status();
            let last = s.new_train.last().expect("a step was trained");
            (last.loss.to_bits(), last.grad_norm.to_bits())
        })
        .collect()
}

#[test]
fn save_then_load_continues_bit_for_bit() {
    for extra in ["", "&opt=sgd&lr=0.05"] {
        let (mut s, _) = Settings::from_query(&(settings().to_query() + extra));
        s.speed = crate::Speed::Max;
        let mut a = Lab::new(s).expect("valid");
        for _ in 0..7 {
            assert!(a.step());
        }
        a.pick.sample = 3;
        let json = to_json(&a).expect("saves");
        let mut b = from_bytes(json.as_bytes()).expect("loads");
        assert_eq!(b.settings, a.settings, "{extra}");
        assert_eq!((b.steps(), b.pick.sample), (7, 3));
        assert_eq!(bits(&b), bits(&a), "weights");
        assert_eq!(
            b.runs[0].loss_ema().map(f64::to_bits),
            a.runs[0].loss_ema().map(f64::to_bits),
            "the smoothed loss shown comes back"
        );
        for k in 0..3 {
            assert_eq!(step(&mut b), step(&mut a), "step {k} after loading {extra}");
            assert_eq!(bits(&b), bits(&a), "weights after step {k} {extra}");
        }
        assert_eq!(
            to_json(&b).expect("saves"),
            to_json(&a).expect("saves"),
            "the same state saves to the same file"
        );
    }
}

#[test]
fn what_the_runs_trained_with_survives_a_save_and_load() {
    let mut lab = Lab::new(settings()).expect("valid");
    let (lr, clip) = (lab.settings.lr, lab.settings.clip);
    lab.set_live(lr / 2.0, clip).expect("valid");
    (0..3).for_each(|_| assert!(lab.step()));
    lab.set_live(lr, clip).expect("valid");
    assert_eq!(lab.retuned_at(), Some(1));
    let loaded = from_bytes(to_json(&lab).expect("saves").as_bytes()).expect("loads");
    assert_eq!(loaded.trained_with, lab.trained_with);
    assert_eq!(
        loaded.retuned_at(),
        Some(1),
        "the interview still refuses these runs"
    );
    // A file without the field (older versions) reads as trained with the query's values.
    let mut doc: Value = serde_json::from_str(&to_json(&lab).expect("saves")).expect("json");
    doc.as_object_mut().expect("object").remove("trained_with");
    let old = from_bytes(doc.to_string().as_bytes()).expect("loads");
    assert_eq!(old.retuned_at(), None);
    // Runs trained with the query's values throughout write no such field, so older builds
    // (which refuse unknown fields) still read the file.
    let mut plain = Lab::new(settings()).expect("valid");
    assert!(plain.step());
    assert!(!to_json(&plain).expect("saves").contains("trained_with"));
}

#[test]
fn a_fresh_run_saves_and_loads() {
    let a = Lab::new(settings()).expect("valid");
    let b = from_bytes(to_json(&a).expect("saves").as_bytes()).expect("loads");
    assert_eq!((b.steps(), bits(&b)), (0, bits(&a)));
}

/// Rewrites the saved file of a 3-step run with `edit` and returns the load error.
fn load_error(edit: impl Fn(&mut Value)) -> String {
    let mut lab = Lab::new(settings()).expect("valid");
    for _ in 0..3 {
        lab.step();
    }
    let mut doc: Value = serde_json::from_str(&to_json(&lab).expect("saves")).expect("json");
    edit(&mut doc);
    match from_bytes(doc.to_string().as_bytes()) {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    }
}

#[test]
fn bad_and_foreign_files_are_refused_naming_the_problem() {
    let raw = |b: &[u8]| from_bytes(b).err().unwrap_or_default();
    assert!(raw(b"\xff\xfe").contains("not text"));
    assert!(raw(b"hello").contains("not JSON"));
    assert!(raw(b"[1, 2]").contains("not an object"));
    assert!(
        raw(b"{\"format\": \"gru-lens-checkpoint\", \"version\": 1}")
            .contains("bare model checkpoint")
    );
    assert!(raw(b"{\"format\": \"<script>\"}").contains("is not a saved run"));
    let big = vec![b' '; MAX_BYTES + 1];
    assert!(raw(&big).contains("at most"));
    // (what the message must say, the edit to a good save file)
    type Case<'a> = (&'a str, &'a dyn Fn(&mut Value));
    let cases: [Case; 14] = [
        ("version", &|d| d["version"] = 2.into()),
        ("unknown field", &|d| d["extra"] = 1.into()),
        ("query: ", &|d| d["query"] = "hidden=99999".into()),
        ("runs: the settings train 2 runs", &|d| {
            d["runs"].as_array_mut().expect("runs").pop();
        }),
        ("runs[0].checkpoint.train", &|d| {
            d["query"] = "cells=gru,lstm&T=12&hidden=6&dropout=0.1&rdropout=0.2&seed=5".into()
        }),
        ("runs[0].checkpoint: weights.", &|d| {
            d["runs"][0]["checkpoint"]["weights"]["head.b_o"] = serde_json::json!([]);
        }),
        ("runs[1].checkpoint.step", &|d| {
            d["runs"][1]["checkpoint"]["step"] = 4.into()
        }),
        ("runs[0].optimizer.m", &|d| {
            d["runs"][0]["optimizer"]["m"]
                .as_array_mut()
                .expect("m")
                .pop();
        }),
        ("runs[1].rng.data", &|d| {
            d["runs"][1]["rng"]["data"] = "-1".into()
        }),
        // Counts a run cannot have reached, found by an audit: Adam froze or overflowed.
        ("runs[0].optimizer.t: 2147483647 updates, but only", &|d| {
            d["runs"][0]["optimizer"]["t"] = 2_147_483_647u64.into()
        }),
        ("is more than 9007199254740992", &|d| {
            for r in 0..2 {
                d["runs"][r]["checkpoint"]["step"] = u64::MAX.into();
            }
        }),
        // A live span the settings would refuse, or out of order.
        ("trained_with[0].lr: '5' is not a number", &|d| {
            d["trained_with"] = serde_json::json!([{"from_step": 1, "lr": 5.0, "clip": 1.0}])
        }),
        ("trained_with[1]: from_step 1 does not follow 3", &|d| {
            d["trained_with"] = serde_json::json!([
                {"from_step": 3, "lr": 0.01, "clip": 1.0},
                {"from_step": 1, "lr": 0.01, "clip": 1.0}
            ])
        }),
        // Runs too big to hold are refused before any is built.
        ("query: memory: these", &|d| {
            d["query"] = "T=1000&hidden=128&layers=4&batch=256&bi=1".into()
        }),
    ];
    for (want, edit) in cases {
        let e = load_error(edit);
        assert!(e.contains(want), "expected {want:?} in {e:?}");
        assert!(!e.contains('\n'), "one line: {e}");
    }
}

#[test]
fn the_engine_saves_loads_and_keeps_its_runs_on_a_bad_file() {
    let mut e = Engine::new(&settings(), 0.0).expect("valid");
    for _ in 0..4 {
        e.handle(Command::Step, 0.0);
    }
    let Some(Report::Saved { name, json }) = e.handle(Command::Save, 0.0).pop() else {
        panic!("no file")
    };
    assert_eq!(name, "gru-lens-gru-lstm-adding-step4.json");
    e.handle(Command::Step, 0.0);
    let before = bits(e.lab());
    let r = e.handle(
        Command::Load {
            bytes: b"{\"format\": 1}".to_vec(),
        },
        0.0,
    );
    assert!(
        matches!(r.as_slice(), [Report::Rejected { message }] if message.contains("format") && message.contains("continues unchanged")),
        "{r:?}"
    );
    assert_eq!(
        (e.lab().steps(), bits(e.lab())),
        (5, before.clone()),
        "runs untouched"
    );
    let r = e.handle(
        Command::Load {
            bytes: json.into_bytes(),
        },
        0.0,
    );
    assert!(
        matches!(r.as_slice(), [Report::Loaded { step: 4, query }] if *query == settings().to_query()),
        "{r:?}"
    );
    assert_eq!(e.lab().steps(), 4);
    e.handle(Command::Step, 0.0);
    assert_eq!(bits(e.lab()), before, "the same 5th step again");
}

#[test]
fn the_pytorch_export_loads_back_into_the_same_weights() {
    let (s, _) = Settings::from_query("cells=gru,gru_torch,lstm&T=12&hidden=6");
    let mut lab = Lab::new(s).expect("valid");
    for _ in 0..3 {
        lab.step();
    }
    let e = torch_json(&lab, 0).expect_err("the page's GRU has no torch twin");
    assert!(e.contains("GRU (PyTorch)"), "{e}");
    assert!(torch_json(&lab, 3).is_err());
    for run in [1, 2] {
        let json = torch_json(&lab, run).expect("exports");
        assert!(json.contains("\"weight_hh_l0\"") && json.contains("\"head.bias\""));
        let m = lab.runs[run].trainer.model().expect("recurrent");
        let mut back = gru_core::model::Model::<f32>::zeros(m.config.clone()).expect("shape");
        let head = gru_core::state_dict::import(&mut back, &json).expect("imports");
        assert_eq!(head, gru_core::state_dict::HeadImport::Loaded);
        let bits = |p: &[f32]| p.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bits(&back.params),
            bits(&m.params),
            "run {run}: bit for bit"
        );
    }
}

/// While a past step is viewed, the saved run and the PyTorch export carry that snapshot's
/// weights and step (what the views show), not the live model's.
#[test]
fn exports_while_viewing_the_past_carry_the_snapshots_weights_and_step() {
    let (s, _) = Settings::from_query("cells=gru_torch,rnn&T=10&hidden=5");
    let mut lab = Lab::new(s).expect("valid");
    let every = crate::timeline::FIRST_EVERY;
    for _ in 0..every {
        assert!(lab.step());
        lab.travel.record(&lab.runs);
    }
    let past = bits(&lab);
    for _ in 0..7 {
        assert!(lab.step());
        lab.travel.record(&lab.runs);
    }
    let live = bits(&lab);
    assert_ne!(live, past);
    lab.view(Some(every)).expect("kept");
    let saved = to_json(&lab).expect("saves");
    let back = from_bytes(saved.as_bytes()).expect("loads");
    assert_eq!(bits(&back), past, "the snapshot's weights, bit for bit");
    assert_eq!(back.steps(), every, "the snapshot's step");
    assert_eq!(viewed_step(&lab), every);
    let json = torch_json(&lab, 0).expect("exports");
    let m = lab.runs[0].trainer.model().expect("recurrent");
    let mut torch = gru_core::model::Model::<f32>::zeros(m.config.clone()).expect("shape");
    gru_core::state_dict::import(&mut torch, &json).expect("imports");
    let b = |p: &[f32]| p.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(b(&torch.params), past[0], "PyTorch export = the snapshot");
    assert_eq!(bits(&lab), live, "the live weights are untouched");
    lab.view(None).expect("live");
    let back = from_bytes(to_json(&lab).expect("saves").as_bytes()).expect("loads");
    assert_eq!((bits(&back), back.steps()), (live, every + 7), "live again");
}

#[test]
fn tcn_and_attention_runs_save_and_load_bit_for_bit() {
    let (s, e) = Settings::from_query("cells=gru,tcn,attn&T=12&hidden=8&tcn_kernel=3&heads=2");
    assert!(e.is_empty(), "{e:?}");
    let mut a = Lab::new(s).expect("valid");
    for _ in 0..6 {
        assert!(a.step());
    }
    let json = to_json(&a).expect("saves");
    let doc: Value = serde_json::from_str(&json).expect("json");
    assert!(doc["runs"][0]["checkpoint"].is_object() && doc["runs"][0].get("net").is_none());
    assert_eq!(doc["runs"][1]["net"]["kind"]["tcn"]["kernel"], 3);
    assert_eq!(doc["runs"][2]["net"]["kind"]["attention"]["heads"], 2);
    let mut b = from_bytes(json.as_bytes()).expect("loads");
    assert_eq!((b.settings.clone(), b.steps()), (a.settings.clone(), 6));
    assert_eq!(bits(&b), bits(&a), "weights");
    for (ra, rb) in a.runs.iter().zip(&b.runs) {
        let (x, y) = (ra.trainer.resume_state(), rb.trainer.resume_state());
        assert_eq!(
            (x.opt_t, x.data_word_pos),
            (y.opt_t, y.data_word_pos),
            "{}",
            ra.label
        );
        let m = |v: &[f32]| v.iter().map(|p| p.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            (m(&x.opt_m), m(&x.opt_v)),
            (m(&y.opt_m), m(&y.opt_v)),
            "Adam moments"
        );
    }
    for k in 0..3 {
        assert_eq!(step(&mut b), step(&mut a), "step {k} after loading");
        assert_eq!(bits(&b), bits(&a), "weights after step {k}");
    }
    assert_eq!(to_json(&b).expect("saves"), to_json(&a).expect("saves"));
}

#[test]
fn a_tcn_or_attention_run_that_does_not_match_the_settings_is_refused_by_name() {
    let (s, _) = Settings::from_query("cells=gru,tcn,attn&T=12&hidden=8&heads=2");
    let mut a = Lab::new(s).expect("valid");
    assert!(a.step());
    let json = to_json(&a).expect("saves");
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut doc: Value = serde_json::from_str(&json).expect("json");
        f(&mut doc);
        from_bytes(doc.to_string().as_bytes())
            .err()
            .expect("refused")
    };
    let e = edit(&|d| d["runs"][2]["net"]["kind"]["attention"]["heads"] = 4.into());
    assert_eq!(
        e,
        "runs[2].net: not the Attention the settings in \"query\" describe"
    );
    let e = edit(&|d| d["query"] = "cells=gru,tcn,attn&T=12&hidden=8&heads=4".into());
    assert!(e.starts_with("runs[2].net: not the Attention"), "{e}");
    let e = edit(&|d| {
        if let Some(p) = d["runs"][1]["net"]["params"].as_array_mut() {
            p.pop();
        }
    });
    assert!(e.starts_with("runs[1].weights: expected"), "{e}");
    let e = edit(&|d| {
        let net = d["runs"][1]["net"].take();
        d["runs"][1]["checkpoint"] = net;
        if let Some(o) = d["runs"][1].as_object_mut() {
            o.remove("net");
        }
    });
    assert_eq!(
        e,
        "runs[1]: the TCN needs a \"net\" (and no \"checkpoint\")"
    );
    let e = edit(&|d| d["runs"][1]["net"]["step"] = 5.into());
    assert_eq!(
        e,
        "runs[1].net.step: 5, but runs[0] is at step 1; runs train in lock-step"
    );
}

#[test]
fn a_file_too_big_to_load_is_not_written() {
    // Three 4-layer bidirectional H = 128 cells, once trained (Adam's moments), come to ~130
    // MB: Load run would refuse that file, so Save run says so instead of writing it.
    let err = loadable(130_000_000).expect_err("too big");
    assert!(
        err.contains("a 130 MB file and Load run reads at most 52 MB"),
        "{err}"
    );
    assert_eq!(loadable(MAX_BYTES), Ok(()));
}
