//! What the page accumulates from the worker's snapshots: the loss and gradient-norm curves
//! of every run, the lag × training-step map, and the latest inspection. Plain data, updated
//! in place by [`History::apply`], read by the views.

use crate::curve::Curve;
use crate::insight::Insight;
use crate::protocol::{Inspected, Rates, RunStatus, Snapshot, TrainPoint};

/// Training steps over which the page counts how often clipping fired.
pub const CLIP_WINDOW: usize = 100;

/// Columns kept in the lag × training-step map.
pub const FLOW_HISTORY: usize = 120;

/// One run's curves.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunHistory {
    /// The latest status (its `new_*` fields already folded into the curves).
    pub status: RunStatus,
    /// Training loss over steps.
    pub train: Curve,
    /// Validation loss over steps.
    pub val: Curve,
    /// Gradient norm before clipping over steps.
    pub grad_norm: Curve,
    /// Training loss over this run's own training seconds.
    pub train_s: Curve,
    /// Validation loss over this run's own training seconds.
    pub val_s: Curve,
    /// Whether clipping fired, for each of the last (at most) [`CLIP_WINDOW`] steps, oldest first.
    pub recent_clipped: std::collections::VecDeque<bool>,
    /// Step of the latest validation, as it ran (`val` averages old points once it is full).
    pub last_val_step: Option<u64>,
    /// The latest training step, as it ran (`grad_norm` and `train` average old points once
    /// they are full, so their last point can be a mean of several steps).
    pub last_train: Option<TrainPoint>,
    /// First step whose validation loss was below half the baseline, as it ran.
    pub half_baseline_at: Option<u64>,
}

impl RunHistory {
    /// `(steps clipped, steps counted)` over the last (at most) [`CLIP_WINDOW`] steps.
    pub fn clip_count(&self) -> (usize, usize) {
        let fired = self.recent_clipped.iter().filter(|&&c| c).count();
        (fired, self.recent_clipped.len())
    }
}

/// Everything the views draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// The epoch the curves belong to.
    pub epoch: u32,
    /// Whether the worker trains continuously.
    pub playing: bool,
    /// One entry per run.
    pub runs: Vec<RunHistory>,
    /// The latest inspection, one per run.
    pub insights: Vec<Insight>,
    /// Training steps of the map's columns, oldest first.
    pub flow_steps: Vec<u64>,
    /// The map's columns: `log10 ‖∂h_T/∂h_{T−k}‖₂` at index `k`.
    pub flow_columns: Vec<Vec<f32>>,
    /// What every column is of; a column of another layer, direction or sample starts the
    /// map afresh (a change of pick alone must not read as a change over training).
    pub flow_of: FlowOf,
    /// Throughput and costs.
    pub rates: Rates,
    /// What the insights show (run, layer, direction, sample).
    pub inspected: Inspected,
    /// Whether a snapshot has arrived yet.
    pub started: bool,
    /// Training steps whose model is kept for time travel ([`Snapshot::timeline`]).
    pub timeline: Vec<u64>,
    /// Whether a rewind resumes bit for bit ([`Snapshot::exact_resume`]).
    pub exact_resume: bool,
    /// The first step trained with another lr/clip than the settings' now
    /// ([`Snapshot::retuned_at`]).
    pub retuned_at: Option<u64>,
    /// Counts the snapshots that changed what the inspection views show (new insights, pick,
    /// flow-map column, or a new epoch), so those views redraw only then, not per loss point.
    pub inspections: u64,
}

/// The pick a flow-map column is of: the first run's `‖∂h_T/∂h_{T−k}‖` on this layer and
/// direction, for this validation sample or the learner's own sequence.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlowOf {
    /// Layer.
    pub layer: usize,
    /// Direction.
    pub dir: usize,
    /// Validation sample (when not `yours`).
    pub sample: usize,
    /// Which of the learner's sequences, when one is inspected ([`Inspected::yours_id`]).
    pub yours: Option<u32>,
}

impl FlowOf {
    /// What an inspection of `p` puts on the map.
    pub fn of(p: &Inspected) -> Self {
        FlowOf {
            layer: p.layer,
            dir: p.dir,
            sample: if p.yours { 0 } else { p.sample },
            yours: p.yours.then_some(p.yours_id),
        }
    }
}

impl History {
    /// Folds a snapshot in; a new epoch starts the history over.
    pub fn apply(&mut self, snap: Snapshot) {
        let seen = self.inspections;
        let fresh = snap.epoch != self.epoch || self.runs.len() != snap.runs.len();
        if fresh {
            *self = History {
                epoch: snap.epoch,
                ..History::default()
            };
        }
        let flow_len = self.flow_steps.len();
        let inspected = snap.insights.is_some() || snap.inspected.is_some();
        let column = snap.flow_column.is_some();
        self.started = true;
        self.playing = snap.playing;
        self.rates = snap.rates;
        self.runs.resize_with(snap.runs.len(), RunHistory::default);
        for (h, mut s) in self.runs.iter_mut().zip(snap.runs) {
            if s.step < h.status.step {
                // A rewind: the steps after `s.step` will be trained again.
                let to = s.step as f64;
                h.train.truncate_after(to);
                h.grad_norm.truncate_after(to);
                h.val.truncate_after(to);
                h.recent_clipped.clear();
                h.last_val_step = h.last_val_step.filter(|&v| v <= s.step);
                h.last_train = h.last_train.take().filter(|p| p.step <= s.step);
                h.half_baseline_at = h.half_baseline_at.filter(|&v| v <= s.step);
            }
            // A new threshold starts the count, so the sentence's count is of steps clipped
            // at the threshold it names (up to the steps of this one snapshot).
            if s.clip != h.status.clip {
                h.recent_clipped.clear();
            }
            for p in s.new_train.drain(..) {
                h.train.push(p.step as f64, p.loss);
                h.grad_norm.push(p.step as f64, p.grad_norm);
                h.train_s.push(p.seconds, p.loss);
                if h.recent_clipped.len() == CLIP_WINDOW {
                    h.recent_clipped.pop_front();
                }
                h.recent_clipped.push_back(p.clipped);
                h.last_train = Some(p);
            }
            for p in s.new_val.drain(..) {
                h.last_val_step = Some(p.step);
                if h.half_baseline_at.is_none() && p.loss < 0.5 * s.baseline {
                    h.half_baseline_at = Some(p.step);
                }
                h.val.push(p.step as f64, p.loss);
                h.val_s.push(p.seconds, p.loss);
            }
            h.status = s;
        }
        if let Some(ins) = snap.insights {
            self.insights = ins;
        }
        if let Some(p) = snap.inspected {
            self.inspected = p;
        }
        if let Some(first) = self.runs.first() {
            let now = first.status.step;
            while self.flow_steps.last().is_some_and(|&s| s > now) {
                self.flow_steps.pop();
                self.flow_columns.pop();
            }
        }
        self.timeline = snap.timeline;
        self.exact_resume = snap.exact_resume;
        self.retuned_at = snap.retuned_at;
        if let Some(col) = snap.flow_column {
            let same_shape = self
                .flow_columns
                .last()
                .is_none_or(|c| c.len() == col.log_norms.len());
            let of = FlowOf::of(&self.inspected);
            if !same_shape || of != self.flow_of {
                self.flow_of = of;
                self.flow_steps.clear();
                self.flow_columns.clear();
            }
            if self.flow_steps.last() != Some(&col.step) {
                self.flow_steps.push(col.step);
                self.flow_columns.push(col.log_norms);
                if self.flow_steps.len() > FLOW_HISTORY {
                    self.flow_steps.remove(0);
                    self.flow_columns.remove(0);
                }
            }
        }
        let changed = fresh || inspected || column || self.flow_steps.len() != flow_len;
        self.inspections = seen + u64::from(changed);
    }

    /// Steps trained (first run).
    pub fn steps(&self) -> u64 {
        self.runs.first().map_or(0, |r| r.status.step)
    }

    /// Sequence length of the inspected sample.
    pub fn seq_len(&self) -> usize {
        self.insights.first().map_or(0, |i| i.steps)
    }

    /// The run looked inside (the one full insight), if any.
    pub fn picked(&self) -> Option<&Insight> {
        self.insights.get(self.inspected.run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{FlowColumn, TrainPoint, ValPoint};

    fn snap(epoch: u32, step: u64, col: Option<Vec<f32>>) -> Snapshot {
        snap_clipped(epoch, step, col, false)
    }

    fn snap_clipped(epoch: u32, step: u64, col: Option<Vec<f32>>, clipped: bool) -> Snapshot {
        Snapshot {
            epoch,
            runs: vec![RunStatus {
                step,
                new_train: vec![TrainPoint {
                    step,
                    loss: 0.5,
                    grad_norm: 2.0,
                    clipped,
                    seconds: step as f64 * 0.25,
                }],
                new_val: vec![ValPoint {
                    step,
                    loss: 0.4,
                    seconds: step as f64 * 0.25,
                }],
                ..RunStatus::default()
            }],
            flow_column: col.map(|log_norms| FlowColumn { step, log_norms }),
            ..Snapshot::default()
        }
    }

    #[test]
    fn snapshots_accumulate_and_a_new_epoch_starts_over() {
        let mut h = History::default();
        h.apply(snap(0, 1, Some(vec![0.0, -1.0])));
        h.apply(snap(0, 2, None));
        h.apply(snap(0, 3, Some(vec![0.0, -2.0])));
        assert_eq!(
            h.runs[0].train.points,
            vec![(1.0, 0.5), (2.0, 0.5), (3.0, 0.5)]
        );
        assert_eq!(h.runs[0].grad_norm.last(), Some((3.0, 2.0)));
        // The same losses against the run's own training seconds.
        assert_eq!(
            h.runs[0].train_s.points,
            vec![(0.25, 0.5), (0.5, 0.5), (0.75, 0.5)]
        );
        assert_eq!(h.runs[0].val_s.last(), Some((0.75, 0.4)));
        assert_eq!(h.flow_steps, vec![1, 3]);
        assert_eq!(h.flow_columns, [vec![0.0, -1.0], vec![0.0, -2.0]]);
        h.apply(snap(1, 1, None));
        assert_eq!(h.runs[0].train.points.len(), 1);
        assert!(h.flow_steps.is_empty());
    }

    #[test]
    fn clipping_is_counted_over_the_last_window_of_steps() {
        let mut h = History::default();
        for step in 0..(CLIP_WINDOW as u64 + 20) {
            // The first 20 steps fired, then every third one.
            h.apply(snap_clipped(0, step, None, step < 20 || step % 3 == 0));
        }
        let want = (20..CLIP_WINDOW as u64 + 20).filter(|s| s % 3 == 0).count();
        assert_eq!(h.runs[0].clip_count(), (want, CLIP_WINDOW));
        h.apply(snap(1, 1, None));
        assert_eq!(
            h.runs[0].clip_count(),
            (0, 1),
            "a new epoch starts the count over: only its one unclipped step"
        );
        // A live change of the threshold starts it over too.
        for (step, clip) in [(2, Some(1.0)), (3, Some(1.0)), (4, Some(0.5))] {
            let mut sn = snap_clipped(1, step, None, true);
            sn.runs[0].clip = clip;
            h.apply(sn);
        }
        assert_eq!(h.runs[0].clip_count(), (1, 1));
    }

    #[test]
    fn only_snapshots_that_change_the_inspection_views_count_as_inspections() {
        let mut h = History::default();
        h.apply(snap(0, 1, None)); // a new history: the views show it empty
        assert_eq!(h.inspections, 1);
        h.apply(snap(0, 2, None)); // loss points only
        h.apply(snap(0, 3, None));
        assert_eq!(h.inspections, 1);
        h.apply(snap(0, 4, Some(vec![0.0, -1.0]))); // a flow-map column
        assert_eq!(h.inspections, 2);
        let mut s = snap(0, 5, None);
        s.insights = Some(Vec::new()); // fresh insights
        h.apply(s);
        assert_eq!(h.inspections, 3);
        h.apply(snap(0, 2, None)); // a rewind cuts the map back
        assert_eq!((h.inspections, h.flow_steps.len()), (4, 0));
        h.apply(snap(1, 1, None)); // a new epoch
        assert_eq!(
            h.inspections, 5,
            "the count never goes back, so a reset redraws"
        );
    }

    #[test]
    fn the_map_is_bounded_and_restarts_when_the_length_changes() {
        let mut h = History::default();
        for s in 0..(FLOW_HISTORY as u64 + 30) {
            h.apply(snap(0, s, Some(vec![0.0; 5])));
        }
        assert_eq!(h.flow_columns.len(), FLOW_HISTORY);
        assert_eq!(h.flow_steps[0], 30);
        h.apply(snap(0, 500, Some(vec![0.0; 9])));
        assert_eq!((h.flow_columns.len(), h.flow_columns[0].len()), (1, 9));
    }

    #[test]
    fn the_map_restarts_when_another_layer_direction_or_sample_is_picked() {
        let mut h = History::default();
        h.apply(snap(0, 10, Some(vec![0.0, -1.0])));
        h.apply(snap(0, 20, Some(vec![0.0, -2.0])));
        assert_eq!(h.flow_steps, [10, 20]);
        // Layer 1 of the same sample: its first column starts a new map.
        let mut s = snap(0, 30, Some(vec![0.0, -9.0]));
        s.inspected = Some(Inspected {
            layer: 1,
            ..h.inspected.clone()
        });
        h.apply(s);
        assert_eq!(h.flow_steps, [30]);
        assert_eq!(h.flow_of.layer, 1);
        h.apply(snap(0, 40, Some(vec![0.0, -8.0])));
        assert_eq!(h.flow_steps, [30, 40], "the same pick goes on");
        // The learner's own sequence, then another one (long: no link form): each starts
        // afresh.
        for (step, id) in [(50, 1), (60, 2)] {
            let mut s = snap(0, step, Some(vec![0.0, -3.0]));
            s.inspected = Some(Inspected {
                yours: true,
                yours_link: None,
                yours_id: id,
                ..h.inspected.clone()
            });
            h.apply(s);
            assert_eq!(h.flow_steps, [step], "sequence {id}");
        }
    }
}
