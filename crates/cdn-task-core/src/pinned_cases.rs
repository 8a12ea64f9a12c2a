//! Case counts for the properties that run more than proptest's default.

use proptest::test_runner::Config;

/// A proptest configuration running `pinned` cases, unless `PROPTEST_CASES` is set: then that count
/// wins, as it does for every property on `Config::default()`. One knob thus scales the whole suite,
/// up for a sweep (`PROPTEST_CASES=25600`) and down for a mutation run (`PROPTEST_CASES=16`).
pub(crate) fn pinned_cases(pinned: u32) -> Config {
    let from_env = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok());
    Config {
        cases: from_env.unwrap_or(pinned),
        ..Config::default()
    }
}
