//! The time cursor the per-step views share: the step they highlight, whether it animates
//! along t, and the gate cell under the pointer.

use leptos::prelude::*;

/// A cell of the gate heatmaps: unit `unit` at step `step` (1..=T).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Hidden unit.
    pub unit: usize,
    /// Time step, 1-based.
    pub step: usize,
}

/// The time cursor (Copy signals).
#[derive(Clone, Copy)]
pub struct TimeCursor {
    /// Step `s` (1..=T) highlighted in the per-step views.
    pub at: RwSignal<usize>,
    /// Whether the cursor animates along t.
    pub playing: RwSignal<bool>,
    /// The gate cell under the pointer.
    pub selected: RwSignal<Option<Selection>>,
}

impl TimeCursor {
    /// At step 1, still, nothing selected.
    pub fn new() -> Self {
        Self {
            at: RwSignal::new(1),
            playing: RwSignal::new(false),
            selected: RwSignal::new(None),
        }
    }

    /// Moves the cursor back inside a sequence of `t` steps (a new inspection may be shorter).
    pub fn keep_within(&self, t: usize) {
        if t > 0 && self.at.get_untracked() > t {
            self.at.set(t);
        }
    }

    /// Stops the animation and puts the cursor at step `s`.
    pub fn stop_at(&self, s: usize) {
        self.playing.set(false);
        self.at.set(s);
    }
}

impl Default for TimeCursor {
    fn default() -> Self {
        Self::new()
    }
}
