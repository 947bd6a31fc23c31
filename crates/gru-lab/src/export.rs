//! Data out of the page, from what it holds ([`History`]): the loss curves as CSV and the
//! inspected sample as JSON. Both are exactly the numbers the charts draw (docs/FORMATS.md).

use serde_json::{json, Value};

use crate::history::History;

/// The CSV header of [`loss_csv`].
pub const CSV_HEADER: &str = "step,run,train_loss,val_loss,grad_norm";

/// The loss curves of every run as CSV: one row per point of the training curve (train loss
/// and the gradient norm before clipping; `val_loss` empty) and one per validation point
/// (`train_loss` and `grad_norm` empty), run by run, each in step order. Past 800 points a
/// curve holds averages of 2^k consecutive steps (as drawn), so `step` may be fractional.
pub fn loss_csv(h: &History) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for r in &h.runs {
        let run = csv_field(&r.status.label);
        let mut rows: Vec<(f64, String)> = Vec::new();
        for (k, &(step, loss)) in r.train.points.iter().enumerate() {
            let g = r.grad_norm.points.get(k).map(|p| p.1);
            rows.push((
                step,
                format!(
                    "{step},{run},{},,{}",
                    num(loss),
                    g.map_or(String::new(), num)
                ),
            ));
        }
        for &(step, loss) in &r.val.points {
            rows.push((step, format!("{step},{run},,{},", num(loss))));
        }
        // Stable: at equal steps the training row comes first.
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (_, row) in rows {
            out.push_str(&row);
            out.push('\n');
        }
    }
    out
}

/// A number in its shortest round-trip form; non-finite values as `nan`/`inf`/`-inf`.
fn num(v: f64) -> String {
    if v.is_finite() {
        v.to_string()
    } else if v.is_nan() {
        "nan".into()
    } else if v > 0.0 {
        "inf".into()
    } else {
        "-inf".into()
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The inspected validation sample of every run as JSON (`gru-lens-sample` v1): the sample
/// index, the training step of the inspection and one `Insight` per run with every field as
/// the page holds it (gates, states, Jacobian and gradient norms, and `data`: the sample's
/// inputs and targets and the run's prediction; docs/FORMATS.md).
///
/// # Errors
/// A message when there is no inspection yet.
pub fn sample_json(h: &History) -> Result<String, String> {
    if h.insights.is_empty() {
        return Err("nothing inspected yet".into());
    }
    let runs = serde_json::to_value(&h.insights).map_err(|e| format!("sample: {e}"))?;
    // The step of the model inspected: the viewed snapshot's while time travelling, else the
    // live step the analysis ran at (a big model's views can lag training).
    let step = h.inspected.step;
    let doc: Value = json!({
        "format": "gru-lens-sample",
        "version": 1,
        "convention": "h_t = (1 - z_t) * h_{t-1} + z_t * h_tilde_t (z weights the new candidate)",
        "sample": h.inspected.sample,
        "step": step,
        "runs": runs,
    });
    serde_json::to_string_pretty(&doc).map_err(|e| format!("sample: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lab;
    use crate::protocol::Snapshot;
    use crate::Settings;

    /// A history of a real 30-step default lab (two runs), inspected at the end.
    fn history() -> History {
        let mut lab = Lab::new(Settings::default()).expect("default");
        let mut h = History::default();
        for _ in 0..30 {
            lab.step();
        }
        lab.validate();
        let (insights, flow_column) = lab.inspect().expect("sample 0");
        // As the engine publishes an inspection: its insights with what they show.
        h.apply(Snapshot {
            runs: lab.take_statuses(),
            insights: Some(insights),
            inspected: Some(crate::protocol::Inspected {
                step: 30,
                ..Default::default()
            }),
            flow_column,
            ..Snapshot::default()
        });
        h
    }

    #[test]
    fn the_csv_holds_every_point_of_every_curve_as_drawn() {
        let h = history();
        let csv = loss_csv(&h);
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(CSV_HEADER));
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let want: usize = h
            .runs
            .iter()
            .map(|r| r.train.points.len() + r.val.points.len())
            .sum();
        assert_eq!(rows.len(), want);
        assert_eq!(want, 2 * (30 + 2), "30 steps and 2 validations per run");
        assert!(rows.iter().all(|r| r.len() == 5));
        let gru: Vec<&Vec<&str>> = rows.iter().filter(|r| r[1] == "GRU").collect();
        // Step 0 is the initial validation; step 30 has a training and a validation row.
        assert_eq!((gru[0][0], gru[0][2], gru[0][4]), ("0", "", ""));
        let last_train = gru
            .iter()
            .rev()
            .find(|r| !r[2].is_empty())
            .expect("train rows");
        let (step, loss) = h.runs[0].train.last().expect("points");
        assert_eq!(last_train[0].parse::<f64>(), Ok(step));
        assert_eq!(last_train[2].parse::<f64>(), Ok(loss), "exact, not rounded");
        let g = h.runs[0].grad_norm.last().expect("points").1;
        assert_eq!(last_train[4].parse::<f64>(), Ok(g));
        let v = h.runs[0].val.last().expect("points").1;
        assert!(gru.iter().any(|r| r[3].parse::<f64>() == Ok(v)));
        assert_eq!(csv_field("GRU (PyTorch)"), "GRU (PyTorch)");
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
    }

    #[test]
    fn the_sample_json_holds_every_run_s_inspection() {
        assert!(sample_json(&History::default()).is_err());
        let h = history();
        let doc: Value = serde_json::from_str(&sample_json(&h).expect("inspected")).expect("json");
        assert_eq!(
            (doc["format"].as_str(), doc["step"].as_u64()),
            (Some("gru-lens-sample"), Some(30))
        );
        let runs = doc["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), 2);
        let (t, hid) = (h.insights[0].steps, h.insights[0].hidden);
        assert_eq!(runs[0]["gates"][0]["name"], "z");
        assert_eq!(
            runs[0]["gates"][0]["values"].as_array().map(Vec::len),
            Some(t * hid)
        );
        assert_eq!(runs[0]["h"].as_array().map(Vec::len), Some((t + 1) * hid));
        assert_eq!(runs[0]["flow"].as_array().map(Vec::len), Some(t + 1));
        let z = h.insights[0].gate("z", 1, 0).expect("z");
        assert_eq!(
            runs[0]["gates"][0]["values"][0].as_f64().map(|v| v as f32),
            Some(z as f32)
        );
    }

    #[test]
    fn the_sample_json_holds_the_inputs_targets_and_each_run_s_prediction() {
        let h = history();
        let doc: Value = serde_json::from_str(&sample_json(&h).expect("inspected")).expect("json");
        let t = h.insights[0].steps;
        let nums = |v: &Value| -> Vec<f64> {
            v.as_array()
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default()
        };
        for (k, run) in doc["runs"].as_array().expect("runs").iter().enumerate() {
            let d = &run["data"];
            // Adding problem: 2 channels (value, marker) per step, one regression answer.
            assert_eq!(
                (
                    d["input_size"].as_u64(),
                    d["rows"].as_u64(),
                    d["output_size"].as_u64()
                ),
                (Some(2), Some(1), Some(1))
            );
            assert_eq!(d["target_kind"], "values");
            let x = nums(&d["inputs"]);
            assert_eq!(x.len(), 2 * t);
            // The target is the sum of the two marked values (exact in f32 terms).
            let marked: f64 = x.chunks(2).filter(|c| c[1] == 1.0).map(|c| c[0]).sum();
            assert_eq!(
                x.chunks(2).filter(|c| c[1] == 1.0).count(),
                2,
                "two markers"
            );
            let target = nums(&d["targets"]);
            assert!((target[0] - marked).abs() < 1e-6, "{target:?} vs {marked}");
            // The prediction is the run's own, the one the strip draws in its last column.
            let y = nums(&d["prediction"]);
            let ins = &h.insights[k];
            assert_eq!(y.len(), 1);
            assert_eq!(y[0] as f32, ins.data.prediction[0]);
            if k == 0 {
                // The picked run's strip draws the same prediction in its last column.
                let lane = ins
                    .strip
                    .lanes
                    .iter()
                    .find(|l| l.name == "predict")
                    .expect("lane");
                assert_eq!(lane.values.last().copied(), Some(y[0] as f32));
            }
        }
        let (a, b) = (
            &doc["runs"][0]["data"]["prediction"],
            &doc["runs"][1]["data"]["prediction"],
        );
        assert_ne!(a, b, "GRU and RNN predict differently");
        assert_eq!(
            doc["runs"][0]["data"]["inputs"], doc["runs"][1]["data"]["inputs"],
            "same sample"
        );
    }
}
