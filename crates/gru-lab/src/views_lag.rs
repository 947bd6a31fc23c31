//! How far the inspection views lag training, said on the status line when a big model's
//! analysis is too costly to refresh often: the scheduler gives inspection at most
//! [`INSPECT_DUTY`] of the worker's time, so a T = 1000 H = 128 analysis of 6–9 s (in slices)
//! completes every few minutes while the loss curves move on every snapshot.

use crate::history::History;
use crate::protocol::Inspected;
use crate::schedule::{INSPECT_DUTY, INSPECT_MS};

/// Below this gap between analyses (ms) the views are as good as live and nothing is said.
const SAID_FROM_MS: f64 = 2000.0;

/// Whether the worker trains (then analyses rerun on the duty cycle) or is paused (a pause
/// asks for a fresh analysis, but a sweep holding training runs none until it ends).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Training {
    /// Training; the next analysis comes on the periodic refresh's cycle.
    On,
    /// Training, and an analysis the page asked for (or a new model's second) is under way.
    OnAsked,
    Paused,
}

/// `Some(" · views from step 1200: …")` when `h`'s views show an older live model than its
/// loss curves and analyses are at least [`SAID_FROM_MS`] apart; `None` otherwise (no views
/// yet, views of a kept step, views up to date, or quick analyses). Paused, only the step.
pub fn views_lag(h: &History) -> Option<String> {
    let training = match (h.playing, h.rates.asked_analysis) {
        (false, _) => Training::Paused,
        (true, true) => Training::OnAsked,
        (true, false) => Training::On,
    };
    let has_views = !h.insights.is_empty();
    lag_note(
        h.steps(),
        &h.inspected,
        has_views,
        h.rates.inspect_ms,
        training,
    )
}

/// [`views_lag`] from its parts: the step trained, what the views show, whether there are
/// views, the last analysis' cost (ms) and whether training runs.
fn lag_note(
    step: u64,
    shown: &Inspected,
    has_views: bool,
    inspect_ms: f64,
    training: Training,
) -> Option<String> {
    let gap_ms = INSPECT_MS.max(inspect_ms / INSPECT_DUTY);
    if !has_views || shown.at.is_some() || shown.step >= step || gap_ms < SAID_FROM_MS {
        return None;
    }
    Some(match training {
        Training::Paused => format!(" · views from step {}", shown.step),
        Training::OnAsked => format!(
            " · views from step {}: a newer analysis is under way (one takes {:.1} s at this size)",
            shown.step,
            inspect_ms / 1000.0
        ),
        Training::On => format!(
            " · views from step {}: one analysis takes {:.1} s at this size, so while training it reruns about every {} (Pause refreshes them)",
            shown.step,
            inspect_ms / 1000.0,
            duration(gap_ms / 1000.0)
        ),
    })
}

/// `"40 s"`, `"3 min"`.
fn duration(seconds: f64) -> String {
    if seconds < 90.0 {
        format!("{seconds:.0} s")
    } else {
        format!("{:.0} min", seconds / 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(step: u64, at: Option<u64>) -> Inspected {
        Inspected {
            step,
            at,
            ..Inspected::default()
        }
    }

    #[test]
    fn a_slow_analysis_of_an_older_step_is_said_with_its_real_interval() {
        // 8.4 s per analysis at 5 % of the time: every 168 s.
        let note = lag_note(951, &shown(290, None), true, 8400.0, Training::On).expect("said");
        assert_eq!(
            note,
            " · views from step 290: one analysis takes 8.4 s at this size, so while training it reruns about every 3 min (Pause refreshes them)"
        );
        // 0.33 s: every 6.6 s.
        let note = lag_note(383, &shown(300, None), true, 330.0, Training::On).expect("said");
        assert!(note.contains("about every 7 s"), "{note}");
        // Paused: the step alone (a sweep may hold the analysis back).
        let note = lag_note(951, &shown(290, None), true, 8400.0, Training::Paused);
        assert_eq!(note.as_deref(), Some(" · views from step 290"));
        // A new model's first views, while its second analysis runs at the asked share.
        let note = lag_note(440, &shown(0, None), true, 6500.0, Training::OnAsked);
        assert_eq!(
            note.as_deref(),
            Some(" · views from step 0: a newer analysis is under way (one takes 6.5 s at this size)")
        );
    }

    #[test]
    fn nothing_is_said_when_the_views_are_current_quick_kept_or_absent() {
        let on = Training::On;
        let note = |step, s: Inspected, views, ms| lag_note(step, &s, views, ms, on);
        assert_eq!(
            note(500, shown(500, None), true, 8400.0),
            None,
            "up to date"
        );
        assert_eq!(note(500, shown(400, None), true, 50.0), None, "every 1 s");
        assert_eq!(
            note(500, shown(400, Some(400)), true, 8400.0),
            None,
            "a kept step"
        );
        assert_eq!(
            note(500, shown(0, None), false, 8400.0),
            None,
            "no views yet"
        );
    }
}
