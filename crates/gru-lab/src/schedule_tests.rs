//! The scheduling policy, simulated on a fake clock with fixed job costs.

use super::*;

/// Costs of each job in a simulation (ms).
#[derive(Clone, Copy)]
struct Costs {
    step: f64,
    inspect: f64,
    validate: f64,
    publish: f64,
    /// How long the page takes to answer a snapshot.
    page: f64,
    /// Slices of `inspect` ms each that one inspection takes.
    slices: u32,
}

/// What a simulation saw.
#[derive(Default)]
struct Trace {
    publishes: Vec<f64>,
    inspections: Vec<f64>,
    /// When each inspection's last slice ended.
    finished: Vec<f64>,
    validations: usize,
    steps: u64,
    inspect_ms: f64,
}

fn simulate(s: &mut Scheduler, costs: Costs, from: f64, until: f64) -> Trace {
    let mut now = from;
    let mut trace = Trace::default();
    let mut page_answers_at = f64::INFINITY;
    let mut slices_done = 0;
    while now < until {
        if now >= page_answers_at {
            s.page_ready();
            page_answers_at = f64::INFINITY;
        }
        let job = s.next(now);
        let (cost, steps) = match job {
            Job::Publish => {
                trace.publishes.push(now);
                page_answers_at = now + costs.publish + costs.page;
                (costs.publish, 0)
            }
            Job::Validate => {
                trace.validations += 1;
                (costs.validate, 0)
            }
            Job::Inspect => {
                trace.inspections.push(now);
                trace.inspect_ms += costs.inspect;
                (costs.inspect, 0)
            }
            Job::Train { steps, until } => {
                let n = f64::from(steps).min(((until - now) / costs.step).ceil().max(1.0));
                trace.steps += n as u64;
                (costs.step * n, n as u64)
            }
            Job::Idle(ms) => {
                assert!(ms > 0.0, "an idle wait is positive");
                (ms.min(page_answers_at - now).max(0.01), 0)
            }
        };
        s.done(job, now, now + cost, steps);
        now += cost;
        if job == Job::Inspect {
            slices_done += 1;
            if slices_done == costs.slices {
                slices_done = 0;
                s.inspection_finished();
                trace.finished.push(now);
            }
        }
    }
    trace
}

const FAST: Costs = Costs {
    step: 3.0,
    inspect: 2.0,
    validate: 4.0,
    publish: 0.2,
    page: 5.0,
    slices: 1,
};

fn max_gap(times: &[f64]) -> f64 {
    times.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max)
}

#[test]
fn at_full_speed_training_takes_most_of_the_time_and_snapshots_keep_their_rhythm() {
    let mut s = Scheduler::new(0.0, 100.0);
    let t = simulate(&mut s, FAST, 0.0, 10_000.0);
    let busy = t.steps as f64 * FAST.step / 10_000.0;
    assert!(busy > 0.9, "training share {busy}");
    assert!(
        (95..=101).contains(&t.publishes.len()),
        "{}",
        t.publishes.len()
    );
    assert!(max_gap(&t.publishes) <= 100.0 + FAST.step + FAST.inspect + 1e-9);
    assert!((19..=21).contains(&t.validations), "{}", t.validations);
    let (train, wall) = (s.rates.train, s.rates.wall);
    assert!(
        (train - 1000.0 / FAST.step).abs() < 1.0,
        "train rate {train}"
    );
    assert!(wall > 0.9 * train && wall <= train, "wall rate {wall}");
}

#[test]
fn a_slow_inspection_is_spaced_out_and_delays_a_snapshot_by_at_most_its_own_cost() {
    let slow = Costs {
        inspect: 400.0,
        ..FAST
    };
    let mut s = Scheduler::new(0.0, 100.0);
    let t = simulate(&mut s, slow, 0.0, 30_000.0);
    let share = t.inspect_ms / 30_000.0;
    assert!(share <= INSPECT_DUTY + 0.02, "inspection share {share}");
    assert!(
        t.inspections.len() >= 3,
        "still refreshed: {}",
        t.inspections.len()
    );
    assert!(
        max_gap(&t.publishes) <= 100.0 + slow.inspect + slow.step + 1e-9,
        "gap {}",
        max_gap(&t.publishes)
    );
    // After the new model's two asked inspections (the second right after the first).
    assert!(
        t.inspections[1] - t.inspections[0] < 2.0 * slow.inspect,
        "{:?}",
        t.inspections
    );
    let gaps: Vec<f64> = t.inspections[1..].windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        gaps.iter()
            .all(|&g| g >= slow.inspect / INSPECT_DUTY - 1e-9),
        "{gaps:?}"
    );
}

#[test]
fn a_long_inspection_in_slices_keeps_its_share_and_the_snapshots_their_rhythm() {
    // T=1000 H=128: ~8 s of analysis in 15 ms slices.
    let big = Costs {
        step: 12.0,
        inspect: INSPECT_SLICE_MS,
        slices: 540,
        ..FAST
    };
    let mut s = Scheduler::new(0.0, 100.0);
    let t = simulate(&mut s, big, 0.0, 400_000.0);
    // The first, asked for by the new model, takes about half the time until it is done
    // (not 5 %); so does the next (the first showed the initial weights), right after it.
    let analysed = 540.0 * INSPECT_SLICE_MS;
    let (first, second) = (t.finished[0], t.finished[1]);
    assert!(
        first <= analysed / ASKED_DUTY * 1.1,
        "first views at {first} ms"
    );
    assert!(
        second - first <= analysed / ASKED_DUTY * 1.1,
        "second views at {second} ms"
    );
    // The refreshes after them keep to their share.
    let share = (t.inspect_ms - 2.0 * analysed) / (400_000.0 - second);
    assert!(share <= INSPECT_DUTY + 0.01, "inspection share {share}");
    assert!(share >= INSPECT_DUTY * 0.8, "still analysing: {share}");
    // No snapshot waits for more than one slice or one training step.
    let gap = max_gap(&t.publishes);
    assert!(
        gap <= 100.0 + INSPECT_SLICE_MS + big.step + 1e-9,
        "gap {gap}"
    );
    // Refreshes complete about every (8.1 s / duty) ≈ 160 s; an inspection's cost is the sum
    // of its slices.
    assert!(t.finished.len() >= 4, "{:?}", t.finished);
    assert!((s.costs().0 - analysed).abs() < 1e-6, "{:?}", s.costs());
    let every = t.finished[3] - t.finished[2];
    assert!((150_000.0..190_000.0).contains(&every), "every {every} ms");
}

#[test]
fn paused_the_slices_of_an_inspection_follow_one_another() {
    let big = Costs {
        inspect: INSPECT_SLICE_MS,
        slices: 20,
        ..FAST
    };
    let mut s = Scheduler::new(0.0, 100.0);
    s.pause(0.0);
    let t = simulate(&mut s, big, 0.0, 2000.0);
    assert_eq!(t.steps, 0, "paused");
    assert_eq!(
        t.finished.len(),
        1,
        "one inspection, then nothing is wanted"
    );
    // 20 slices of 15 ms, with only the snapshots (0.2 ms each) in between.
    assert!(
        t.finished[0] <= 20.0 * INSPECT_SLICE_MS + 5.0 * 0.2 + 1e-9,
        "{:?}",
        t.finished
    );
}

#[test]
fn a_slow_validation_is_spaced_out_so_training_keeps_ninety_percent_of_the_time() {
    // T=1000 H=128 B=1: a validation pass costs ~80 training steps, an inspection ~25.
    let big = Costs {
        step: 20.0,
        inspect: 500.0,
        validate: 1600.0,
        ..FAST
    };
    let mut s = Scheduler::new(0.0, 100.0);
    let t = simulate(&mut s, big, 0.0, 120_000.0);
    let busy = t.steps as f64 * big.step / 120_000.0;
    assert!(busy >= 0.9, "training share {busy}");
    assert!(
        t.validations >= 2,
        "validation still runs: {}",
        t.validations
    );
    let (train, wall) = (s.rates.train, s.rates.wall);
    assert!(wall >= 0.85 * train, "wall {wall} against training {train}");
}

#[test]
fn slow_motion_trains_at_the_chosen_rate() {
    for rate in [0.5, 2.0, 5.0, 50.0] {
        let mut s = Scheduler::new(0.0, 100.0);
        s.speed = Speed::PerSecond(rate);
        let t = simulate(&mut s, FAST, 0.0, 20_000.0);
        let want = rate * 20.0;
        assert!(
            (t.steps as f64 - want).abs() <= 1.0 + want * 0.02,
            "{rate}/s: {} steps in 20 s",
            t.steps
        );
    }
}

#[test]
fn paused_it_trains_nothing_inspects_once_and_keeps_publishing_when_asked() {
    let mut s = Scheduler::new(0.0, 100.0);
    simulate(&mut s, FAST, 0.0, 1000.0);
    s.pause(1000.0);
    let t = simulate(&mut s, FAST, 1000.0, 5000.0);
    assert_eq!(t.steps, 0);
    assert_eq!(
        t.inspections.len(),
        1,
        "one fresh inspection after the pause"
    );
    assert!(!t.publishes.is_empty() && t.publishes[0] < 1001.0);
    assert!(t.inspections[0] < 1010.0, "the inspection follows at once");
}

#[test]
fn a_page_that_does_not_answer_gets_no_more_snapshots() {
    let mut s = Scheduler::new(0.0, 100.0);
    let mut now = 0.0;
    let mut publishes = 0;
    while now < 2000.0 {
        let job = s.next(now);
        let cost = match job {
            Job::Publish => {
                publishes += 1;
                0.2
            }
            Job::Train { steps, .. } => 3.0 * f64::from(steps),
            Job::Idle(ms) => ms,
            _ => 2.0,
        };
        let steps = if let Job::Train { steps, .. } = job {
            u64::from(steps)
        } else {
            0
        };
        s.done(job, now, now + cost, steps);
        if job == Job::Inspect {
            s.inspection_finished(); // one slice does the whole of it here
        }
        now += cost;
    }
    assert_eq!(publishes, 1);
}

#[test]
fn an_inspection_asked_for_mid_way_starts_over_and_a_dropped_one_keeps_the_last_cost() {
    let mut s = Scheduler::new(0.0, 100.0);
    s.pause(0.0);
    // A complete inspection of 3 slices of 10 ms.
    let mut now = 0.0;
    for _ in 0..3 {
        assert_eq!(next_past_publish(&mut s, now), Job::Inspect);
        s.done(Job::Inspect, now, now + 10.0, 0);
        now += 10.0;
    }
    s.inspection_finished();
    assert_eq!(s.costs().0, 30.0);
    // Paused already: Pause again asks for nothing.
    s.pause(now);
    assert!(!s.inspect_wanted);
    // Two slices of the next, then the page asks (a new pick): the third slice begins anew,
    // and only its own time counts.
    s.inspect_wanted = true;
    for _ in 0..2 {
        assert_eq!(next_past_publish(&mut s, now), Job::Inspect);
        s.done(Job::Inspect, now, now + 10.0, 0);
        now += 10.0;
    }
    s.inspect_wanted = true;
    s.done(Job::Inspect, now, now + 7.0, 0);
    s.inspection_finished();
    assert_eq!(s.costs().0, 7.0, "the abandoned slices are not counted");
    // A dropped inspection keeps the last real cost, and nothing is left to do.
    s.inspect_wanted = true;
    s.done(Job::Inspect, now, now + 1.0, 0);
    s.inspection_dropped();
    assert_eq!(s.costs().0, 7.0);
    assert!(matches!(s.next(now + 200.0), Job::Publish | Job::Idle(_)));
}

/// `s.next(now)`, after answering any snapshot it wants to send first.
fn next_past_publish(s: &mut Scheduler, now: f64) -> Job {
    loop {
        match s.next(now) {
            Job::Publish => {
                s.done(Job::Publish, now, now, 0);
                s.page_ready();
            }
            job => return job,
        }
    }
}

#[test]
fn a_new_model_s_second_analysis_is_asked_for_once_while_training() {
    let mut s = Scheduler::new(0.0, 100.0);
    assert!(s.asked_analysis(), "the first is wanted");
    s.done(Job::Inspect, 0.0, 5.0, 0);
    s.inspection_finished();
    assert!(
        s.inspect_wanted && s.asked_analysis(),
        "the follow-up, at once"
    );
    s.done(Job::Inspect, 10.0, 15.0, 0);
    assert!(s.asked_analysis(), "under way");
    s.inspection_finished();
    assert!(
        !s.inspect_wanted && !s.asked_analysis(),
        "then the refresh cycle"
    );
    s.done(Job::Inspect, 500.0, 505.0, 0);
    assert!(!s.asked_analysis(), "a refresh is not asked for");
    s.inspection_finished();
    assert!(!s.inspect_wanted, "a refresh asks for nothing");
    // A new model re-arms it; a dropped first inspection disarms it.
    s.new_model();
    s.done(Job::Inspect, 600.0, 605.0, 0);
    s.inspection_dropped();
    s.inspect_wanted = true; // a new pick, later
    s.done(Job::Inspect, 700.0, 705.0, 0);
    s.inspection_finished();
    assert!(!s.inspect_wanted, "no follow-up after a dropped first");
    // A model that starts paused gets none.
    s.new_model();
    s.pause(800.0);
    s.done(Job::Inspect, 800.0, 805.0, 0);
    s.inspection_finished();
    assert!(!s.inspect_wanted && !s.asked_analysis());
}
