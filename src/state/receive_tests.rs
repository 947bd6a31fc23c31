//! What the page shows after the engine refused a reset it already shows.

use super::*;

#[test]
fn a_refused_reset_goes_back_to_what_still_trains_keeping_the_page_look() {
    let running = Settings::from_query("cells=gru,lstm&T=30&hidden=12&lr=0.003").0;
    let shown = Settings::from_query("cells=gru&T=60&hidden=20&hide=loss&presenter=1").0;
    let AfterRefusal::Revert(next) = after_refused_reset(&shown, Some(&running.to_query())) else {
        panic!("reverts")
    };
    assert_eq!(
        (next.knob, next.hidden, next.lr),
        (running.knob, running.hidden, 0.003)
    );
    assert_eq!(next.cells, running.cells);
    assert_eq!(
        (next.hide.clone(), next.presenter),
        (shown.hide.clone(), true)
    );
}

#[test]
fn a_refused_first_reset_starts_the_defaults_once() {
    let shown = Settings::from_query("T=60&presenter=1").0;
    let AfterRefusal::StartDefaults(next) = after_refused_reset(&shown, None) else {
        panic!("starts the defaults")
    };
    assert_eq!(next, Settings::default().with_page_from(&shown));
    assert!(next.presenter);
    // Were the defaults refused too, the page would not ask again (no endless loop).
    assert_eq!(after_refused_reset(&next, None), AfterRefusal::Nothing);
}
