//! [`AppState::receive`]: how each [`Report`] from the engine changes the page's signals
//! (snapshots folded into the history and acked after paint, files offered, refusals shown).

use super::*;

impl AppState {
    /// The engine's first runs, from the page's settings, and what the link asks of them
    /// (the inspected pick and sequence; paused for a question or the kernel benchmark).
    fn start(&self) {
        self.send(Command::Reset {
            query: self.settings.with_untracked(Settings::to_query),
        });
        self.send(Command::Publish {
            every_ms: gru_lab::engine::PUBLISH_MS,
        });
        if let Some(pick) = self.first_pick.get_value() {
            self.send(Command::Inspect { pick });
        }
        if let Some(text) = self.first_sequence.get_value() {
            self.send(Command::Sequence { text });
        }
        // A link to an interview question opens paused: predict first, then play.
        if self
            .settings
            .with_untracked(|s| s.question.is_some_and(|n| n > 0))
        {
            self.send(Command::Pause);
        }
        // Benchmark mode: paused, so training does not share the worker's time.
        if self.settings.with_untracked(|s| s.bench_kernels) {
            self.send(Command::Pause);
            self.kernels.set(KernelBench::Running);
            self.send(Command::BenchKernels {
                ms_per_shape: gru_lab::kernel_bench::PAGE_MS_PER_SHAPE,
            });
        }
    }

    /// Handles one report from the engine.
    pub(super) fn receive(&self, report: Report) {
        match report {
            Report::Ready => self.start(),
            Report::Kernels(figures) => self
                .kernels
                .set(KernelBench::Done(gru_lab::kernel_bench::rows(&figures))),
            Report::Snapshot(snap) => {
                let stop = snap
                    .runs
                    .iter()
                    .find_map(|r| Some(gru_lab::lab::stop_notice(&r.label, r.error.as_deref()?)));
                self.history.update(|h| h.apply(*snap));
                let t = self.history.with_untracked(History::seq_len);
                self.cursor.keep_within(t);
                if let Some(message) = stop {
                    self.notice.set(Some(message));
                }
                self.answer_after_paint();
            }
            Report::Rejected { message } => self.notice.set(Some(message)),
            Report::ResetRefused {
                message,
                refused,
                running,
            } => self.reset_refused(&message, &refused, running.as_deref()),
            Report::SweepProgress { done, total } => self.sweep.update(|s| {
                if !s.running {
                    // A new sweep was accepted: the last one's results no longer apply.
                    s.table = None;
                }
                s.running = true;
                s.progress = (done, total);
            }),
            Report::SweepDone(table) => self.sweep.update(|s| {
                s.running = false;
                s.progress = (s.progress.1, s.progress.1);
                s.table = Some(table);
            }),
            Report::Saved { name, json } => {
                if let Err(e) = crate::download::download_text(&name, "application/json", &json) {
                    self.notice.set(Some(e));
                }
            }
            Report::Imported {
                query,
                summary,
                parity,
            } => {
                let errors = self.adopt(&query);
                self.origin.set(Some(Origin { summary, parity }));
                self.notice.set(
                    (!errors.is_empty())
                        .then(|| format!("The form could not show: {}", errors.join("; "))),
                );
            }
            Report::Loaded { query, step } => {
                let errors = self.adopt(&query);
                self.origin.set(None);
                self.notice.set(Some(if errors.is_empty() {
                    format!("Loaded a saved run at step {step}; training continues from there.")
                } else {
                    format!(
                        "Loaded a saved run at step {step}; the form could not show: {}",
                        errors.join("; ")
                    )
                }));
            }
        }
    }

    /// The engine refused a reset the page may still show: see [`after_refused_reset`].
    fn reset_refused(&self, message: &str, refused: &str, running: Option<&str>) {
        let shown = self.settings.get_untracked();
        match after_refused_reset(&shown, refused, running) {
            AfterRefusal::Revert(settings) => {
                self.settings.set(settings);
                self.origin.set(self.origin_held.get_value());
                self.notice.set(Some(format!("Not applied: {message}.")));
            }
            AfterRefusal::StartDefaults(settings) => {
                self.draft.set(settings.clone());
                self.settings.set(settings);
                self.start();
                self.notice.set(Some(format!(
                    "Not started: {message} — training the default settings instead."
                )));
            }
            AfterRefusal::Keep => self.notice.set(Some(format!("Not applied: {message}."))),
            AfterRefusal::Nothing => self.notice.set(Some(format!("Not started: {message}."))),
        }
    }
}

/// What the page does after the engine refused a reset.
#[derive(Debug, PartialEq)]
pub(super) enum AfterRefusal {
    /// Shows the settings the runs still train with (the form keeps the refused draft).
    Revert(Settings),
    /// No runs exist yet (the first reset was refused): starts these, the defaults.
    StartDefaults(Settings),
    /// The page has sent another reset since: what it shows is that one's, so it stays.
    Keep,
    /// The defaults themselves were refused: nothing is left to start.
    Nothing,
}

/// The page's next settings after the engine refused the reset to `refused` (a query), from
/// `shown` (what the page shows now) and `running` (what the runs still train with, `None`
/// before any run). Only a page still showing the refused settings changes; how it looks
/// (`Settings::with_page_from`) stays as shown, and so do live values (learning rate, clip,
/// speed) changed since the refused reset: the engine applied those to the runs that go on.
pub(super) fn after_refused_reset(
    shown: &Settings,
    refused: &str,
    running: Option<&str>,
) -> AfterRefusal {
    let refused = Settings::from_query(refused).0;
    if shown.needs_reset(&refused) {
        return AfterRefusal::Keep;
    }
    let live_changed_since = !shown.same_training_live(&refused);
    match running {
        Some(query) => {
            let back = Settings::from_query(query).0.with_page_from(shown);
            AfterRefusal::Revert(if live_changed_since {
                back.with_live_from(shown)
            } else {
                back
            })
        }
        None => {
            let defaults = Settings::default().with_page_from(shown);
            if defaults == *shown {
                AfterRefusal::Nothing
            } else {
                AfterRefusal::StartDefaults(defaults)
            }
        }
    }
}

#[cfg(test)]
#[path = "receive_tests.rs"]
mod tests;
