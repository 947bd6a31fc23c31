//! Property-based tests of the URL query codec (`Settings::from_query` / `to_query`): arbitrary
//! text, valid queries with hostile mutations, and exact round trips of random valid settings.
//! Contract: never a panic; at most 9 messages, each one line, short, naming the key it is about
//! (or `and N more`); the settings that come out are always valid; valid settings round-trip.
//!
//! `GRU_FUZZ_CASES=n` runs `n` cases per property instead of the default.

mod fuzz_support;

use fuzz_support::check;
use gru_lab::settings::query::decode;
use gru_lab::settings::{Field, PARAMS};
use gru_lab::Settings;
use proptest::prelude::*;

/// Every key the codec knows (current and legacy).
fn known_keys() -> Vec<&'static str> {
    let mut keys: Vec<&str> = PARAMS.iter().map(|p| p.key).collect();
    keys.extend(PARAMS.iter().filter_map(|p| p.legacy.map(|l| l.key)));
    keys
}

/// One valid `key=value` text per parameter, drawn from its field's range.
fn valid_value(field: Field) -> BoxedStrategy<String> {
    match field {
        Field::Count { min, max, .. } => (min..=max).prop_map(|n| n.to_string()).boxed(),
        Field::Real { min, max, .. } => (min..=max).prop_map(|x| x.to_string()).boxed(),
        Field::Choice { options, .. } => prop::sample::select(options.to_vec())
            .prop_map(|o| o.0.to_string())
            .boxed(),
        Field::Switch { .. } => any::<bool>().prop_map(|b| u8::from(b).to_string()).boxed(),
        Field::Cells => prop::sample::subsequence(vec!["gru", "rnn", "lstm", "gru_torch"], 1..=3)
            .prop_shuffle()
            .prop_map(|c| c.join(","))
            .boxed(),
        Field::Optional { min, max, none, .. } => prop_oneof![
            1 => Just(none.to_string()),
            3 => (min..=max).prop_map(|x| x.to_string()),
        ]
        .boxed(),
        Field::Panels => prop::sample::subsequence(
            gru_lab::settings::Panel::ALL
                .iter()
                .map(|p| p.id())
                .collect::<Vec<_>>(),
            0..=3,
        )
        .prop_map(|c| c.join(","))
        .boxed(),
        Field::Rate { min, max } => prop_oneof![
            1 => Just("max".to_string()),
            3 => (min..=max).prop_map(|x| x.to_string()),
        ]
        .boxed(),
    }
}

/// Random valid settings: a valid text for a random subset of the parameters, applied in table
/// order to the defaults; a knob that does not fit the drawn task is put back in its range, and
/// a combination `check_combination` refuses is mended.
fn valid_settings() -> impl Strategy<Value = Settings> {
    let each: Vec<_> = PARAMS
        .iter()
        .map(|p| prop::option::of(valid_value(p.field)))
        .collect();
    each.prop_map(|values| {
        let mut s = Settings::default();
        for (p, v) in PARAMS.iter().zip(values) {
            if let Some(v) = v {
                p.set(&mut s, &v)
                    .expect("a value drawn from the field's range");
            }
        }
        if s.task_config().is_err() {
            let cfg = gru_lab::settings::task_config(s.task, 10).expect("a known task");
            let r = cfg.knob_range();
            s.knob = s
                .knob
                .clamp(*r.start(), (*r.end()).min(gru_lab::settings::MAX_KNOB));
        }
        // Combinations valid one by one but not together: sine + bidirectional, a fixed set
        // of fewer than 8 sequences.
        if s.task == "sine" {
            s.direction = gru_core::model::Direction::Forward;
        }
        if (1..8).contains(&s.train_n) {
            s.train_n = 8;
        }
        // Runs too big to hold together: smaller batches, then fewer layers, then narrower.
        while s.check_memory().is_err() {
            if s.batch > 1 {
                s.batch /= 2;
            } else if s.layers > 1 {
                s.layers -= 1;
            } else {
                s.hidden = (s.hidden / 2).max(1);
            }
        }
        assert!(s.check_combination().is_ok());
        s
    })
}

/// Values worth trying in any key.
fn hostile_value() -> impl Strategy<Value = String> {
    let fixed: Vec<String> = [
        "<script>alert(1)</script>",
        "%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E",
        "\"><svg onload=alert(1)>",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e309",
        "-1e309",
        "1e-400",
        "-1",
        "-0",
        "0x10",
        "18446744073709551616",
        "99999999999999999999999",
        "+1",
        "1.",
        ".5",
        " 1",
        "1 ",
        "%",
        "%z",
        "%zz",
        "%E2%82",
        "%FF%FE",
        "%00",
        "%0A%0D",
        "%E2%80%AE",
        "%2C%2C",
        ",",
        ",,",
        "gru,gru,gru,gru",
        "gru,rnn,lstm,gru_torch",
        "",
        "max",
        "MAX",
        "=",
        "&",
        "a=b=c",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    prop_oneof![
        4 => prop::sample::select(fixed),
        1 => Just("9".repeat(10_000)),
        1 => Just("%".repeat(3_000)),
        2 => any::<String>(),
        2 => "[ -~]{0,30}",
    ]
}

/// The contract on one message; `keys` are the (decoded) keys the query carried.
fn message_ok(msg: &str, keys: &[String]) -> Result<(), TestCaseError> {
    prop_assert!(!msg.is_empty(), "empty message");
    prop_assert!(
        !msg.chars()
            .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202e}')),
        "message not on one line: {msg:?}"
    );
    prop_assert!(msg.chars().count() <= 200, "message too long: {msg:?}");
    if msg.starts_with("and ") && msg.ends_with(" more") {
        return Ok(());
    }
    let named = PARAMS
        .iter()
        .any(|p| msg.starts_with(&format!("{}: ", p.key)))
        || PARAMS
            .iter()
            .filter_map(|p| p.legacy)
            .any(|l| msg.starts_with(&format!("{}: ", l.key)))
        || (msg.starts_with("unknown parameter '") && !keys.is_empty())
        // Not one key's: the runs together (which settings fall back it says), or a query
        // with more parameters than any valid one.
        || msg.starts_with("memory: ")
        || msg.ends_with(" parameters after the first 256 were not read");
    prop_assert!(named, "{msg:?} names no key");
    Ok(())
}

/// The contract on a whole parse.
fn parse_ok(query: &str) -> Result<(Settings, Vec<String>), TestCaseError> {
    let (s, errors) = Settings::from_query(query);
    let keys: Vec<String> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').map_or(p, |kv| kv.0).to_string())
        .collect();
    prop_assert!(errors.len() <= 9, "{} messages", errors.len());
    for e in &errors {
        message_ok(e, &keys)?;
    }
    // What comes out is always valid settings: the task fits and it writes and reads back clean.
    prop_assert!(s.task_config().is_ok(), "{:?}", s.task_config());
    let (again, e2) = Settings::from_query(&s.to_query());
    prop_assert!(e2.is_empty(), "{e2:?}");
    prop_assert_eq!(&again, &s);
    Ok((s, errors))
}

#[test]
fn arbitrary_text_never_panics_and_every_message_names_a_key() {
    let query = prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9=&%.,+_-]{0,80}",
        prop::collection::vec((prop::sample::select(known_keys()), hostile_value()), 0..6)
            .prop_map(|kv| kv
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")),
    ];
    check("query: arbitrary", 3000, query, |q| {
        parse_ok(&q).map(|_| ())
    });
}

#[test]
fn valid_settings_round_trip_exactly() {
    check("query: round trip", 2000, valid_settings(), |s| {
        let q = s.to_query();
        let (back, errors) = Settings::from_query(&format!("?{q}"));
        prop_assert!(errors.is_empty(), "{q}: {errors:?}");
        prop_assert_eq!(back, s, "{}", q);
        Ok(())
    });
}

/// A hostile change to a valid query's list of pairs.
#[derive(Clone, Debug)]
enum Mutation {
    /// Replace pair `i`'s value.
    Value(usize, String),
    /// Append a pair with a known key and a hostile value (a repeat when the key is present).
    Append(&'static str, String),
    /// Append an unknown key.
    Unknown(String),
    /// Cut the query text at byte `i` (a broken escape or pair).
    Truncate(usize),
    /// Insert a raw `%`, `&` or `=` at byte `i`.
    Insert(usize, char),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (0usize..16, hostile_value()).prop_map(|(i, v)| Mutation::Value(i, v)),
        2 => (prop::sample::select(known_keys()), hostile_value())
            .prop_map(|(k, v)| Mutation::Append(k, v)),
        1 => hostile_value().prop_map(Mutation::Unknown),
        1 => (0usize..400).prop_map(Mutation::Truncate),
        1 => (0usize..400, prop::sample::select(vec!['%', '&', '=', '+', '?', '#']))
            .prop_map(|(i, c)| Mutation::Insert(i, c)),
    ]
}

fn apply(query: &str, m: &Mutation) -> String {
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect();
    match m {
        Mutation::Value(i, v) if !pairs.is_empty() => {
            let i = i % pairs.len();
            let k = pairs[i]
                .split_once('=')
                .map_or(pairs[i].clone(), |kv| kv.0.to_string());
            pairs[i] = format!("{k}={v}");
        }
        Mutation::Value(..) => {}
        Mutation::Append(k, v) => pairs.push(format!("{k}={v}")),
        Mutation::Unknown(k) => pairs.push(format!("{k}=1")),
        Mutation::Truncate(i) | Mutation::Insert(i, _) => {
            let mut q = pairs.join("&");
            let mut at = (*i).min(q.len());
            while !q.is_char_boundary(at) {
                at -= 1;
            }
            match m {
                Mutation::Insert(_, c) => q.insert(at, *c),
                _ => q.truncate(at),
            }
            return q;
        }
    }
    pairs.join("&")
}

#[test]
fn mutated_valid_queries_keep_valid_settings_and_name_what_they_ignore() {
    let case = (valid_settings(), prop::collection::vec(mutation(), 1..5));
    check("query: mutated valid", 3000, case, |(s, ms)| {
        let mut q = s.to_query();
        for m in &ms {
            q = apply(&q, m);
        }
        let (out, errors) = parse_ok(&q)?;
        // A pair the mutations left alone still applies: a parameter whose original
        // `key=value` pair is still in the query, and whose key (current or legacy, after
        // decoding) occurs once, has exactly its value (the knob may fall back to fit the task).
        let original: Vec<String> = s.to_query().split('&').map(String::from).collect();
        let pairs: Vec<&str> = q.split('&').collect();
        let keys: Vec<String> = pairs
            .iter()
            .map(|p| decode(p.split_once('=').map_or(*p, |kv| kv.0)))
            .collect();
        let knob_fell_back = errors.iter().any(|e| e.starts_with("T: "));
        // Runs too big to hold fall back batch, layers, hidden, direction, cells in turn.
        let memory_fell_back = errors.iter().any(|e| e.starts_with("memory: "));
        let sized = ["batch", "layers", "hidden", "bi", "oneway", "cells"];
        for p in PARAMS {
            let Some(pair) = original
                .iter()
                .find(|o| o.starts_with(&format!("{}=", p.key)))
            else {
                continue;
            };
            let given = keys
                .iter()
                .filter(|k| *k == p.key || p.legacy.is_some_and(|l| l.key == *k))
                .count();
            if given == 1
                && pairs.contains(&pair.as_str())
                && !(p.key == "T" && knob_fell_back)
                && !(memory_fell_back && sized.contains(&p.key))
            {
                prop_assert_eq!(
                    p.text(&out),
                    p.text(&s),
                    "{} in {:?}: {:?}",
                    p.key,
                    q,
                    errors
                );
            }
        }
        Ok(())
    });
}
