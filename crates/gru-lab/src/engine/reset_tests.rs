//! A refused [`Command::Reset`] names what the runs still train with, so the page (which shows
//! a reset's settings as soon as it sends it) can go back to the truth.

use super::super::{dispatch, Engine};
use crate::protocol::{Command, Report};
use crate::settings::Settings;

#[test]
fn a_refused_reset_names_the_settings_still_training() {
    let settings = Settings::from_query("cells=gru,lstm&T=30&hidden=12&lr=0.003").0;
    let mut e = Engine::new(&settings, 0.0).expect("valid");
    let reports = e.handle(
        Command::Reset {
            query: "cells=gru&hidden=9999".into(),
        },
        1.0,
    );
    let [Report::ResetRefused {
        message,
        refused,
        running,
    }] = &reports[..]
    else {
        panic!("{reports:?}")
    };
    assert_eq!(
        refused, "cells=gru&hidden=9999",
        "the page matches it to what it shows"
    );
    assert!(
        message.starts_with("hidden: ") && message.ends_with("the current run continues unchanged"),
        "{message}"
    );
    let running = running.as_deref().expect("runs exist");
    assert_eq!(running, settings.to_query());
    assert_eq!(
        Settings::from_query(running).0,
        settings,
        "the page can adopt it back"
    );
    assert_eq!(e.lab().settings, settings, "the runs kept their settings");
}

#[test]
fn live_values_applied_since_are_part_of_what_is_still_training() {
    let mut e = Engine::new(&Settings::default(), 0.0).expect("valid");
    let live = Command::Live {
        lr: 0.002,
        clip: 0.5,
        steps_per_s: Some(4.0),
    };
    assert!(e.handle(live, 1.0).is_empty());
    let reports = e.handle(
        Command::Reset {
            query: "T=abc".into(),
        },
        2.0,
    );
    let [Report::ResetRefused {
        running: Some(q), ..
    }] = &reports[..]
    else {
        panic!("{reports:?}")
    };
    let back = Settings::from_query(q).0;
    assert_eq!((back.lr, back.clip), (0.002, 0.5), "{q}");
}

#[test]
fn a_refused_first_reset_says_there_are_no_runs() {
    let mut slot = None;
    let reports = dispatch(
        &mut slot,
        Command::Reset {
            query: "T=abc".into(),
        },
        0.0,
    );
    assert!(
        matches!(&reports[..], [Report::ResetRefused { running: None, message, refused }] if message.starts_with("T: ") && refused == "T=abc"),
        "{reports:?}"
    );
    assert!(slot.is_none());
    let ok = dispatch(
        &mut slot,
        Command::Reset {
            query: Settings::default().to_query(),
        },
        1.0,
    );
    assert!(ok.is_empty() && slot.is_some(), "{ok:?}");
}
