//! The parameter table's own checks.

use super::*;
use crate::settings::Settings;

#[test]
fn keys_are_unique_and_every_default_is_accepted_by_its_own_field() {
    let d = Settings::default();
    for (i, p) in PARAMS.iter().enumerate() {
        assert!(
            PARAMS[i + 1..].iter().all(|q| q.key != p.key),
            "duplicate key {}",
            p.key
        );
        let mut s = d.clone();
        p.set(&mut s, &p.text(&d))
            .unwrap_or_else(|e| panic!("{}: {e}", p.key));
        assert_eq!(s, d, "{} round-trips its default", p.key);
    }
}

#[test]
fn ranges_and_messages_name_the_key() {
    let mut s = Settings::default();
    let hidden = param("hidden").expect("hidden");
    assert_eq!(
        hidden.set(&mut s, "999").unwrap_err(),
        "hidden: '999' is not a number from 1 to 128"
    );
    let lr = param("lr").expect("lr");
    for bad in ["NaN", "inf", "1e309", "-0.1", "", "0x10"] {
        let e = lr.set(&mut s, bad).unwrap_err();
        assert!(e.starts_with("lr: '"), "{e}");
    }
    let long = "x".repeat(10_000);
    let e = param("task").expect("task").set(&mut s, &long).unwrap_err();
    assert!(
        e.len() < 200,
        "long values are clipped in messages: {}",
        e.len()
    );
    assert_eq!(s, Settings::default(), "nothing changed");
}

#[test]
fn the_interview_question_round_trips_and_refuses_bad_values() {
    for (q, want) in [
        ("list", Some(0)),
        ("0", Some(0)),
        ("4", Some(4)),
        ("10", Some(10)),
    ] {
        let (s, e) = Settings::from_query(&format!("q={q}&T=20"));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(s.question, want);
        let again = Settings::from_query(&s.to_query()).0;
        assert_eq!(again, s, "q={q} survives a round trip as {}", s.to_query());
    }
    assert_eq!(Settings::from_query("q=4").0.to_query(), "q=4");
    assert_eq!(Settings::from_query("q=0").0.to_query(), "q=list");
    for bad in ["99", "<script>", "11", "-1", "1.5"] {
        let (s, e) = Settings::from_query(&format!("q={bad}&hidden=8"));
        assert_eq!(s.question, None, "{bad}");
        assert_eq!(s.hidden, 8, "the rest of the link still applies");
        assert_eq!(e.len(), 1);
        assert!(e[0].starts_with("q: unknown '"), "{}", e[0]);
        assert!(!e[0].contains('\n'));
    }
    assert!(!Settings::default().needs_reset(&Settings {
        question: Some(3),
        ..Settings::default()
    }));
}

#[test]
fn old_speed_links_map_to_rates() {
    assert_eq!(legacy_speed("12").as_deref(), Ok("max"));
    assert_eq!(legacy_speed("4").as_deref(), Ok("28"));
    assert!(legacy_speed("40").is_err());
}

#[test]
fn sweep_seeds_and_steps_are_view_settings_in_the_link() {
    let (s, e) = Settings::from_query("seeds=3&sweep_steps=120&T=20");
    assert!(e.is_empty(), "{e:?}");
    assert_eq!((s.sweep_seeds, s.sweep_steps, s.knob), (3, 120, 20));
    assert_eq!(Settings::from_query(&s.to_query()).0, s);
    // Changing them never restarts the runs.
    let d = Settings::default();
    assert!(!d.needs_reset(&Settings {
        sweep_seeds: 5,
        sweep_steps: 50,
        ..d.clone()
    }));
    // Old links (without them) keep the defaults: one seed, 300 steps.
    assert_eq!((d.sweep_seeds, d.sweep_steps), (1, 300));
    for bad in ["seeds=0", "seeds=11", "seeds=x", "sweep_steps=0"] {
        let (s, e) = Settings::from_query(&format!("{bad}&hidden=8"));
        assert_eq!(e.len(), 1, "{bad}");
        assert_eq!(
            (s.sweep_seeds, s.sweep_steps, s.hidden),
            (1, 300, 8),
            "{bad}"
        );
    }
}
