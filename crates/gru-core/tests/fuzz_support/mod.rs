//! Shared by the parser fuzz tests (`tests/fuzz_*.rs`): the proptest runner (fixed seed, case
//! count printed), the error-message contract, and hostile mutations of valid documents.
//!
//! Environment: `GRU_FUZZ_CASES=n` runs `n` cases per property instead of the default;
//! `GRU_FUZZ_SEED=n` picks another fixed seed, `GRU_FUZZ_SEED=random` a fresh one.
#![allow(dead_code)] // each test crate uses part of it

mod mutate;

#[allow(unused_imports)] // each test crate uses part of it
pub use mutate::{mutate, mutation, second, top, Applied, Mutation, Op, Seg};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestError, TestRunner};
use serde_json::{json, Value};

/// Runs `test` on `default_cases` inputs (or `GRU_FUZZ_CASES`) drawn from `strategy`, panics
/// with the shrunk input on failure, and prints and returns the number of cases.
pub fn check<S: Strategy>(
    name: &str,
    default_cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> u32 {
    let cases = std::env::var("GRU_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_cases);
    let rng_seed = match std::env::var("GRU_FUZZ_SEED").as_deref() {
        Ok("random") => RngSeed::Random,
        Ok(s) => RngSeed::Fixed(s.parse().expect("GRU_FUZZ_SEED: a number or `random`")),
        Err(_) => RngSeed::Fixed(0x6772_752d_6c65_6e73),
    };
    let config = Config {
        cases,
        failure_persistence: None,
        rng_seed,
        max_shrink_iters: 4096,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    match runner.run(&strategy, test) {
        Ok(()) => println!("fuzz {name}: {cases} cases passed"),
        Err(TestError::Fail(why, input)) => {
            panic!("fuzz {name}: {why}\nminimal failing input: {input:?}")
        }
        Err(e) => panic!("fuzz {name}: {e}"),
    }
    cases
}

/// The message contract: not empty, one line (no control or line-separator character), at
/// most ~400 characters, `field: what` with a field first.
pub fn one_line(msg: &str) -> Result<(), TestCaseError> {
    prop_assert!(!msg.is_empty(), "empty message");
    prop_assert!(
        !msg.chars()
            .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202e}')),
        "message not on one line: {msg:?}"
    );
    prop_assert!(msg.chars().count() <= 401, "message too long: {msg:?}");
    prop_assert!(msg.contains(": "), "no `field: ` in {msg:?}");
    Ok(())
}

/// [`one_line`], and `msg` contains one of `needles` (the fields it may blame).
pub fn names_one_of(msg: &str, needles: &[String]) -> Result<(), TestCaseError> {
    one_line(msg)?;
    prop_assert!(
        needles.iter().any(|n| msg.contains(n.as_str())),
        "{msg:?} names none of {needles:?}"
    );
    Ok(())
}

/// The fields a mutated document's error may name: `needles`, or only the document itself when
/// the mutations made it larger than `limit` bytes (it is then refused unread).
pub fn blamed(needles: Vec<String>, text: &str, limit: usize, doc: &str) -> Vec<String> {
    match text.len() > limit {
        true => vec![format!("{doc}: {} bytes is over the limit", text.len())],
        false => needles,
    }
}

/// How a message shows the start of a key from the document (the first 8 characters, control
/// and bidi characters as `\u{…}`): enough to recognise it in any message.
pub fn shown(key: &str) -> String {
    key.chars()
        .take(8)
        .flat_map(|c| {
            let esc = c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200b}'..='\u{200f}'
                    | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}');
            if esc {
                c.escape_unicode().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

// ---- hostile values --------------------------------------------------------------------------

/// Tokens that JSON text can hold but a `serde_json::Value` cannot (or that are not JSON).
pub const RAW_TOKENS: &[&str] = &[
    "1e309",
    "-1e309",
    "1e99999999999999999999",
    "NaN",
    "Infinity",
    "-Infinity",
    "-0",
    "18446744073709551616",
    "-9223372036854775809",
    "1e-400",
    "00",
    "01",
    "1.",
    ".5",
    "+1",
    "0x10",
    "\"\\ud800\"",
    "\"\\u0000<script>\"",
    "tru",
    "[1,]",
    "{\"a\":1,}",
    "\"unterminated",
    "[",
    "}",
    "",
];

/// Keys worth trying: script payloads, control and bidi characters, very long, empty.
pub fn hostile_key(known: Vec<String>) -> impl Strategy<Value = String> {
    let known = prop::sample::select(if known.is_empty() {
        vec!["x".to_string()]
    } else {
        known
    });
    prop_oneof![
        3 => known,
        1 => Just("<script>alert(1)</script>".to_string()),
        1 => Just(String::new()),
        1 => Just("a\nb\r\u{2028}c".to_string()),
        1 => Just("\u{202e}txt.exe\u{0}".to_string()),
        1 => Just("é🙂 名前".to_string()),
        1 => Just("K".repeat(10_000)),
        2 => any::<String>(),
    ]
}

/// Values that break assumptions: wrong types, extreme numbers, long strings, big arrays.
pub fn hostile_value() -> impl Strategy<Value = Value> {
    let fixed: Vec<Value> = vec![
        Value::Null,
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(1),
        json!(2),
        json!(0.5),
        json!(-0.0),
        json!(1e-7),
        json!(9_007_199_254_740_993_u64),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(1e308),
        json!(-1e308),
        json!(5e-324),
        json!(3.5e38),
        json!(1024),
        json!(1025),
        json!(4096),
        json!(4097),
        json!(""),
        json!("<script>alert(1)</script>"),
        json!("é\u{202e}\n\t\u{0}\u{2028}"),
        Value::String("A".repeat(10_000)),
        json!([]),
        json!({}),
        json!([[]]),
        json!([null]),
        json!(["1"]),
        json!([[1, 2], [3]]),
        json!({"<script>": 1}),
        Value::Array(vec![json!(0); 10_000]),
        Value::Array(vec![json!([]); 3_000]),
    ];
    prop_oneof![
        6 => prop::sample::select(fixed),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        1 => any::<f64>().prop_map(Value::from), // NaN/∞ become null
        1 => any::<String>().prop_map(Value::from),
        1 => arbitrary_json(Vec::new()),
    ]
}

/// Arbitrary JSON, objects keyed mostly by `keys` (the format's own names) so that it gets
/// past the first checks.
pub fn arbitrary_json(keys: Vec<String>) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        (0u32..6).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 96, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((hostile_key(keys.clone()), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}
