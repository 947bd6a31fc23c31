//! Shared by the fuzz tests (`tests/fuzz_*.rs`): the proptest runner (fixed seed, case count
//! printed).
//!
//! `GRU_FUZZ_CASES=n` runs `n` cases per property instead of the default.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestError, TestRunner};

/// Runs `test` on `default_cases` inputs from `strategy` (fixed seed), panics with the shrunk
/// input on failure; prints the case count.
pub fn check<S: Strategy>(
    name: &str,
    default_cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let cases = std::env::var("GRU_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_cases);
    let config = Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x7572_6c2d_7175_6572),
        max_shrink_iters: 4096,
        ..Config::default()
    };
    match TestRunner::new(config).run(&strategy, test) {
        Ok(()) => println!("fuzz {name}: {cases} cases passed"),
        Err(TestError::Fail(why, input)) => {
            panic!("fuzz {name}: {why}\nminimal failing input: {input:?}")
        }
        Err(e) => panic!("fuzz {name}: {e}"),
    }
}
