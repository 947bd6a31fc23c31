//! The inside pick in a link: `inside=RUN.LAYER.DIR.SAMPLE` (0-based; e.g. `inside=1.0.1.17` is
//! the second run's first layer, backward direction, validation sample 17). It is not a
//! [`crate::Settings`] field: it chooses a view, not a model, so it never resets a run and the
//! page strips it before the settings are read. Links without it show run 0, layer 0, forward,
//! sample 0, as before.

use crate::protocol::{InspectPick, Inspected, SamplePick};

/// The URL key.
pub const KEY: &str = "inside";

/// Splits `KEY=…` out of a query (with or without `?`): the query without it, and its first
/// value (still URL-encoded; the value's characters are digits and dots).
pub fn split(query: &str) -> (String, Option<String>) {
    split_key(query, KEY)
}

/// Splits `key=…` out of a query (with or without `?`): the query without it, and its first
/// value, still URL-encoded (also for [`crate::sequence::KEY`]).
pub fn split_key(query: &str, key: &str) -> (String, Option<String>) {
    let mut value = None;
    let rest: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| match pair.split_once('=') {
            Some((k, v)) if k == key => {
                value.get_or_insert_with(|| v.to_string());
                false
            }
            _ => *pair != key,
        })
        .collect();
    (rest.join("&"), value)
}

/// Parses `RUN.LAYER.DIR.SAMPLE`; whether they exist is for the engine to say.
///
/// # Errors
/// A one-line message naming the key and the expected form.
pub fn parse(v: &str) -> Result<InspectPick, String> {
    let bad = || {
        format!(
            "{KEY}: '{}' is not run.layer.direction.sample (e.g. 1.0.0.17)",
            v.chars().take(40).collect::<String>()
        )
    };
    let n: Vec<usize> = v
        .split('.')
        .map(|p| p.parse::<usize>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    match n.as_slice() {
        &[run, layer, dir, sample] => Ok(InspectPick {
            run,
            layer,
            dir,
            sample: SamplePick::Index(sample),
        }),
        _ => Err(bad()),
    }
}

/// The value for what is shown; `None` for the default pick (so links stay short).
pub fn value(p: &Inspected) -> Option<String> {
    let v = [p.run, p.layer, p.dir, p.sample];
    (v != [0; 4]).then(|| format!("{}.{}.{}.{}", v[0], v[1], v[2], v[3]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Settings;

    #[test]
    fn a_pick_round_trips_through_a_link_and_the_settings_never_see_it() {
        let shown = Inspected {
            run: 1,
            layer: 0,
            dir: 1,
            sample: 17,
            ..Inspected::default()
        };
        let v = value(&shown).expect("not the default");
        assert_eq!(v, "1.0.1.17");
        let (rest, look) = split(&format!("?cells=gru,lstm&inside={v}&T=20&inside=9.9.9.9"));
        assert_eq!(rest, "cells=gru,lstm&T=20");
        let (_, errors) = Settings::from_query(&rest);
        assert!(errors.is_empty(), "{errors:?}");
        let p = parse(&look.expect("present")).expect("valid");
        assert_eq!(
            (p.run, p.layer, p.dir, p.sample),
            (1, 0, 1, SamplePick::Index(17))
        );
        assert_eq!(
            value(&Inspected::default()),
            None,
            "the default stays out of links"
        );
        assert_eq!(
            split("T=20"),
            ("T=20".to_string(), None),
            "old links are unchanged"
        );
    }

    #[test]
    fn a_bad_pick_is_named() {
        for bad in ["1.2.3", "a.b.c.d", "1.2.3.4.5", "", "-1.0.0.0"] {
            let e = parse(bad).expect_err(bad);
            assert!(e.starts_with("inside: ") && !e.contains('\n'), "{e}");
        }
    }
}
