//! Round trips of every message through `encode` / `decode`, and refusal of garbage.

use super::*;

#[test]
fn every_command_round_trips() {
    let all = [
        Command::Reset {
            query: "cells=gru,lstm&T=1000".into(),
        },
        Command::Play,
        Command::PlayUntil { step: 300 },
        Command::Pause,
        Command::Step,
        Command::Live {
            lr: 0.003,
            clip: 0.0,
            steps_per_s: Some(2.5),
        },
        Command::Live {
            lr: 1.0,
            clip: 5.0,
            steps_per_s: None,
        },
        Command::Inspect {
            pick: InspectPick::default(),
        },
        Command::Inspect {
            pick: InspectPick {
                run: 2,
                layer: 1,
                dir: 1,
                sample: SamplePick::Index(255),
            },
        },
        Command::Inspect {
            pick: InspectPick {
                sample: SamplePick::Worst,
                ..InspectPick::default()
            },
        },
        Command::Publish { every_ms: 100.0 },
        Command::Drawn,
        Command::Save,
        Command::Load {
            bytes: vec![0, 255, b'{'],
        },
        Command::ExportTorch { run: 2 },
        Command::Travel { to: Some(1200) },
        Command::Travel { to: None },
        Command::Rewind { step: u64::MAX },
        Command::Sequence {
            text: "0.5 1 | 1 2".into(),
        },
        Command::Inspect {
            pick: InspectPick {
                sample: SamplePick::Yours,
                ..InspectPick::default()
            },
        },
        Command::Sweep {
            lengths: vec![10, 1000],
            steps: 300,
            seeds: 3,
        },
        Command::CancelSweep,
    ];
    for c in all {
        assert_eq!(decode::<Command>(&encode(&c)), Ok(c));
    }
}

#[test]
fn a_snapshot_round_trips_bit_for_bit_and_garbage_is_refused() {
    let snap = Snapshot {
        epoch: 3,
        playing: true,
        runs: vec![RunStatus {
            label: "GRU".into(),
            step: 12,
            loss: 0.1234,
            val_loss: Some(1e-300),
            val_accuracy: None,
            baseline: 1.0 / 6.0,
            new_train: vec![
                TrainPoint {
                    step: 11,
                    loss: 0.2,
                    grad_norm: 3.5,
                    clipped: true,
                    seconds: 0.4,
                },
                TrainPoint {
                    step: 12,
                    loss: 0.19,
                    grad_norm: f64::INFINITY,
                    clipped: false,
                    seconds: 0.5,
                },
            ],
            new_val: vec![ValPoint {
                step: 12,
                loss: 0.18,
                seconds: 0.5,
            }],
            error: Some("NaN at step 13".into()),
            clip: Some(2.5),
            step_ms: 1.25,
            train_seconds: 0.5,
        }],
        insights: None,
        inspected: Some(Inspected {
            run: 1,
            layer: 1,
            dir: 1,
            sample: 17,
            worst_at: Some(400),
            layers: 2,
            dirs: 2,
            samples: 256,
            at: Some(300),
            step: 300,
            yours: true,
            yours_link: Some("0.5,1;1,2".into()),
            yours_id: 2,
        }),
        flow_column: Some(FlowColumn {
            step: 12,
            log_norms: vec![0.0, -1.5, -40.25],
        }),
        rates: Rates {
            train_steps_per_s: 330.5,
            wall_steps_per_s: 301.0,
            inspect_ms: 2.0,
            validate_ms: 1.0,
            asked_analysis: true,
        },
        timeline: vec![0, 25, 50],
        exact_resume: true,
        retuned_at: Some(20),
    };
    let r = Report::Snapshot(Box::new(snap));
    assert_eq!(decode::<Report>(&encode(&r)), Ok(r));
    for r in [
        Report::ResetRefused {
            message: "hidden: 9999 is not from 1 to 128".into(),
            refused: "hidden=9999".into(),
            running: Some("cells=gru&T=50".into()),
        },
        Report::ResetRefused {
            message: String::new(),
            refused: String::new(),
            running: None,
        },
    ] {
        assert_eq!(decode::<Report>(&encode(&r)), Ok(r));
    }
    assert!(decode::<Report>(&[0xff, 0xff, 0xff]).is_err());
    assert!(decode::<Command>(&[]).is_err());
}
