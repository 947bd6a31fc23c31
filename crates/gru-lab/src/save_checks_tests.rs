//! The checks before anything is built: the header, mistyped fields, and each run's problems
//! found by [`check_file`], which builds no lab.

use serde_json::Value;

use super::*;
use crate::save::{from_bytes, to_json};

/// A small saved file of two recurrent runs after 3 steps, as a tree to edit.
fn saved() -> Value {
    let (s, errors) = Settings::from_query("cells=gru,lstm&T=12&hidden=6");
    assert!(errors.is_empty(), "{errors:?}");
    let mut lab = Lab::new(s).expect("valid");
    (0..3).for_each(|_| assert!(lab.step()));
    serde_json::from_str(&to_json(&lab).expect("saves")).expect("json")
}

fn refused(text: &str) -> String {
    match check_file(text.as_bytes()) {
        Ok(_) => panic!("accepted: {text:.80}"),
        Err(e) => e,
    }
}

/// What a foreign or damaged head is told, for each kind.
#[test]
fn the_header_names_what_a_foreign_file_is() {
    let v = "version: not supported (this build reads version 1)";
    let cases = [
        ("[1, 2]", "the file is JSON but not an object; a saved run is a JSON object"),
        ("\"gru-lens-run\"", "the file is JSON but not an object; a saved run is a JSON object"),
        ("{}", "format: missing (a saved run has \"format\": \"gru-lens-run\")"),
        // Not a string: as missing (a nested object's own "format" is not the file's).
        ("{\"format\": {\"format\": \"gru-lens-run\"}, \"version\": 1}", "format: missing (a saved run has \"format\": \"gru-lens-run\")"),
        ("{\"format\": 7}", "format: missing (a saved run has \"format\": \"gru-lens-run\")"),
        ("{\"version\": 1, \"format\": \"gru-lens-checkpoint\"}", "format: this is a bare model checkpoint (\"gru-lens-checkpoint\"), not a saved run (\"gru-lens-run\")"),
        ("{\"format\": \"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz\"}", "format: \"abcdefghijklmnopqrstuvwxyzabcdefghijklmn\" is not a saved run (expected \"gru-lens-run\")"),
        ("{\"format\": \"gru-lens-run\"}", v),
        ("{\"format\": \"gru-lens-run\", \"version\": 1.0}", v),
        ("{\"format\": \"gru-lens-run\", \"version\": \"1\"}", v),
        ("{\"format\": \"gru-lens-run\", \"version\": -1}", v),
        ("{\"format\": \"gru-lens-run\", \"version\": 2}", v),
        // Repeated: the last counts, as in a parsed tree.
        ("{\"format\": \"gru-lens-run\", \"version\": 1, \"version\": 2}", v),
    ];
    for (text, want) in cases {
        assert_eq!(refused(text), want, "{text}");
    }
    // Syntax anywhere in the file.
    let e = refused("{\"format\": \"gru-lens-run\", \"version\": 1, \"runs\": [1, }");
    assert!(
        e.starts_with("the file is not JSON (") && e.ends_with("; a saved run is a JSON file"),
        "{e}"
    );
}

/// A field of the wrong type, a number out of range and an unknown field are each refused in
/// one line saying what is wrong.
#[test]
fn a_mistyped_field_is_refused_in_one_line() {
    let mut d = saved();
    d["runs"][1]["optimizer"]["t"] = "3".into();
    let e = refused(&d.to_string());
    assert_eq!(e, "run file: invalid type: string \"3\", expected u64");
    let text = saved().to_string().replacen("\"m\":[", "\"m\":[1e400,", 1);
    let e = refused(&text);
    assert!(
        e.starts_with("the file is not JSON (number out of range"),
        "{e}"
    );
    let mut d = saved();
    d["extra"] = 1.into();
    assert!(refused(&d.to_string()).starts_with("run file: unknown field `extra`"));
}

/// Every per-run problem is found by `check_file`, which builds no lab (its result holds none):
/// a damaged checkpoint in the last run, a wrong `train`, a step out of lock-step, an
/// optimiser moment of the wrong length, more Adam updates than steps.
#[test]
fn each_run_is_checked_before_any_lab_is_built() {
    type Case<'a> = (&'a str, &'a dyn Fn(&mut Value));
    let cases: [Case; 5] = [
        ("runs[1].checkpoint: weights.head.b_o: ", &|d| {
            d["runs"][1]["checkpoint"]["weights"]["head.b_o"] = serde_json::json!([]);
        }),
        (
            "runs[1].checkpoint.train: not the LSTM run the settings in \"query\" describe",
            &|d| {
                d["runs"][1]["checkpoint"]["train"]["batch"] = 3.into();
            },
        ),
        (
            "runs[1].checkpoint.step: 2, but runs[0] is at step 3; runs train in lock-step",
            &|d| d["runs"][1]["checkpoint"]["step"] = 2.into(),
        ),
        ("runs[1].optimizer.v: expected ", &|d| {
            d["runs"][1]["optimizer"]["v"]
                .as_array_mut()
                .expect("v")
                .push(0.into());
        }),
        (
            "runs[0].optimizer.t: 4 updates, but only 3 steps were trained",
            &|d| d["runs"][0]["optimizer"]["t"] = 4.into(),
        ),
    ];
    for (want, edit) in cases {
        let mut d = saved();
        edit(&mut d);
        let text = d.to_string();
        let e = refused(&text);
        assert!(e.starts_with(want), "expected {want:?}, got {e:?}");
        assert_eq!(
            from_bytes(text.as_bytes()).err(),
            Some(e),
            "the load says the same"
        );
    }
    // A good file passes with each run's weights and state, ready for the lab.
    let good = check_file(saved().to_string().as_bytes()).expect("checks");
    assert_eq!(good.runs.len(), 2);
    assert!(good
        .runs
        .iter()
        .all(|r| r.state.step == 3 && r.params.len() == r.state.opt_m.len()));
}
