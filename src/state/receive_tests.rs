//! What the page shows after the engine refused a reset.

use super::*;

fn settings(query: &str) -> Settings {
    let (s, errors) = Settings::from_query(query);
    assert!(errors.is_empty(), "{errors:?}");
    s
}

#[test]
fn a_refused_reset_goes_back_to_what_still_trains_keeping_the_page_look() {
    let running = settings("cells=gru,lstm&T=30&hidden=12&lr=0.003");
    let refused = "cells=gru&T=60&hidden=20&lr=0.02";
    let shown = settings(&format!("{refused}&hide=loss&presenter=1"));
    let AfterRefusal::Revert(next) =
        after_refused_reset(&shown, refused, Some(&running.to_query()))
    else {
        panic!("reverts")
    };
    assert_eq!(
        (next.knob, next.hidden, next.lr),
        (running.knob, running.hidden, 0.003),
        "the refused reset's learning rate never reached the runs"
    );
    assert_eq!(next.cells, running.cells);
    assert_eq!(
        (next.hide.clone(), next.presenter),
        (shown.hide.clone(), true)
    );
}

#[test]
fn a_live_change_sent_after_the_refused_reset_stays_shown() {
    let running = settings("cells=gru&T=30&lr=0.003");
    let refused = "cells=gru&T=60&lr=0.02";
    let shown = settings("cells=gru&T=60&lr=0.005");
    let AfterRefusal::Revert(next) =
        after_refused_reset(&shown, refused, Some(&running.to_query()))
    else {
        panic!("reverts")
    };
    assert_eq!((next.knob, next.lr), (running.knob, 0.005));
}

#[test]
fn a_page_that_sent_another_reset_since_keeps_what_it_shows() {
    let running = settings("cells=gru&T=30");
    let shown = settings("cells=gru&T=80");
    assert_eq!(
        after_refused_reset(&shown, "cells=gru&T=60", Some(&running.to_query())),
        AfterRefusal::Keep
    );
    assert_eq!(
        after_refused_reset(&shown, "cells=gru&T=60", None),
        AfterRefusal::Keep,
        "nor starts the defaults over the later reset"
    );
}

#[test]
fn a_refused_first_reset_starts_the_defaults_once() {
    let shown = settings("T=60&presenter=1");
    let AfterRefusal::StartDefaults(next) = after_refused_reset(&shown, "T=60", None) else {
        panic!("starts the defaults")
    };
    assert_eq!(next, Settings::default().with_page_from(&shown));
    assert!(next.presenter);
    // Were the defaults refused too, the page would not ask again (no endless loop).
    assert_eq!(
        after_refused_reset(&next, &next.to_query(), None),
        AfterRefusal::Nothing
    );
}
