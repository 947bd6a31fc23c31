//! [`Engine::handle`]: what each of the page's [`Command`]s does to the lab, the schedule and
//! the sweep; a refused one changes nothing and is answered with [`Report::Rejected`].

use super::{Engine, RunningSweep};
use crate::lab::Lab;
use crate::protocol::{Command, Report};
use crate::settings::{Settings, Speed};
use crate::sweep::Sweep;

impl Engine {
    /// Applies one command at time `now`; returns the reports it causes at once (a rejection).
    pub fn handle(&mut self, cmd: Command, now: f64) -> Vec<Report> {
        let reject = |message: String| vec![Report::Rejected { message }];
        match cmd {
            Command::Reset { query } => {
                let refuse = |problem: String| {
                    vec![Report::ResetRefused {
                        message: format!("{problem} — the current run continues unchanged"),
                        refused: query.clone(),
                        running: Some(self.lab.settings.to_query()),
                    }]
                };
                let (settings, errors) = Settings::from_query(&query);
                if !errors.is_empty() {
                    return refuse(errors.join("; "));
                }
                match Lab::new(settings) {
                    Ok(mut lab) => {
                        lab.keep_pick(&self.lab.pick);
                        lab.keep_sequence(&self.lab);
                        self.replace(lab);
                    }
                    Err(e) => return refuse(e),
                }
            }
            Command::Sweep {
                lengths,
                steps,
                seeds,
            } => {
                if self.sweep.is_some() {
                    return reject("A sweep is already running: cancel it first".into());
                }
                return match Sweep::new(&self.lab.settings, &lengths, steps, seeds) {
                    Ok(sw) => {
                        self.pause_at = None;
                        self.schedule.pause(now);
                        // Live training waits for the sweep: so does its analysis, whose
                        // buffers are freed; it is asked for again once the sweep ends.
                        self.schedule.inspect_wanted |= self.inspecting.take().is_some();
                        self.schedule.inspection_dropped();
                        let (done, total) = sw.progress();
                        self.sweep = Some(RunningSweep {
                            sweep: sw,
                            reported_at: now,
                        });
                        // A snapshot now, so the page shows the live runs as paused.
                        vec![
                            Report::Snapshot(Box::new(self.snapshot())),
                            Report::SweepProgress { done, total },
                        ]
                    }
                    Err(e) => reject(e),
                };
            }
            Command::CancelSweep => {
                if let Some(RunningSweep { sweep: mut sw, .. }) = self.sweep.take() {
                    sw.cancel();
                    return vec![Report::SweepDone(sw.table().clone())];
                }
            }
            Command::Play | Command::PlayUntil { .. } | Command::Step if self.sweep.is_some() => {
                return reject(
                    "Live training is paused while the length sweep runs: cancel the sweep to train"
                        .into(),
                );
            }
            Command::Play => self.play(None, now),
            Command::PlayUntil { step } => self.play(Some(step), now),
            Command::Pause => {
                self.pause_at = None;
                self.schedule.pause(now);
            }
            Command::Step => {
                self.pause_at = None;
                self.schedule.pause(now);
                self.lab.clear_errors();
                self.lab.step();
                self.lab.validate();
                self.schedule.inspect_wanted = true;
            }
            Command::Live {
                lr,
                clip,
                steps_per_s,
            } => {
                // The speed is checked first, so a refused one changes nothing either.
                let speed = match live_speed(steps_per_s) {
                    Ok(s) => s,
                    Err(e) => return reject(e),
                };
                if let Err(e) = self.lab.set_live(lr, clip) {
                    return reject(e);
                }
                self.lab.settings.speed = speed;
                self.schedule.speed = speed;
                self.schedule.publish_wanted = true;
            }
            Command::Inspect { pick } => {
                if let Err(e) = self.lab.set_pick(pick) {
                    return reject(e);
                }
                self.schedule.inspect_wanted = true;
            }
            Command::Travel { to } => {
                if let Err(e) = self.lab.view(to) {
                    return reject(e);
                }
                self.schedule.inspect_wanted = true;
            }
            Command::Rewind { step } => {
                if let Err(e) = self.lab.rewind(step) {
                    return reject(format!("{e} — the run continues unchanged"));
                }
                self.schedule.inspect_wanted = true;
                self.schedule.publish_wanted = true;
            }
            Command::Sequence { text } => {
                if let Err(e) = self.lab.set_sequence(&text) {
                    return reject(format!("{e} — the view is unchanged"));
                }
                self.schedule.inspect_wanted = true;
            }
            Command::Publish { every_ms } => {
                if every_ms.is_finite() {
                    self.schedule.publish_ms = every_ms.clamp(16.0, 5000.0);
                }
            }
            Command::Drawn => self.schedule.page_ready(),
            Command::Save => {
                return match crate::save::to_json(&self.lab) {
                    Ok(json) => vec![Report::Saved {
                        name: self.save_name(),
                        json,
                    }],
                    Err(e) => reject(format!("Not saved: {e}")),
                }
            }
            // Timing needs a clock, not one instant: `dispatch_clocked` answers it.
            Command::BenchKernels { .. } => {
                return reject("The kernel benchmark needs the worker's clock".into());
            }
            Command::ExportTorch { run } => {
                return match crate::torch_export::torch_json(&self.lab, run) {
                    Ok(json) => vec![Report::Saved {
                        name: crate::torch_export::file_name(&self.lab, run),
                        json,
                    }],
                    Err(e) => reject(format!("Not exported: {e}")),
                }
            }
            Command::Load { bytes } if crate::torch_import::looks_like_state_dict(&bytes) => {
                return match crate::torch_import::from_bytes(&bytes, &self.lab.settings) {
                    Ok(i) => {
                        let query = i.lab.settings.to_query();
                        self.replace(i.lab);
                        vec![Report::Imported {
                            query,
                            summary: i.summary,
                            parity: i.parity,
                        }]
                    }
                    Err(e) => reject(format!(
                        "Not loaded: PyTorch state_dict: {e} — the current run continues unchanged"
                    )),
                }
            }
            Command::Load { bytes } => match crate::save::from_bytes(&bytes) {
                Ok(lab) => {
                    let (query, step) = (lab.settings.to_query(), lab.steps());
                    self.replace(lab);
                    return vec![Report::Loaded { query, step }];
                }
                Err(e) => {
                    return reject(format!(
                        "Not loaded: {e} — the current run continues unchanged"
                    ))
                }
            },
        }
        Vec::new()
    }
}

/// A live speed as the settings table accepts it (`None` = as fast as possible), or why not.
fn live_speed(steps_per_s: Option<f64>) -> Result<Speed, String> {
    let text = steps_per_s.map_or_else(|| "max".to_string(), |r| r.to_string());
    Ok(Settings::default().with_text("sps", &text)?.speed)
}

#[cfg(test)]
#[path = "reset_tests.rs"]
mod reset_tests;
