//! `CliConfig::parse` (the aliyun CLI's config.json) and every profile it lists: never panics;
//! every listed name is found (never `NoSuchProfile`), and `current` is one of the file's values.
#![no_main]
use cdn_task_core::credentials::{CliConfig, ProfileError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(config) = CliConfig::parse(text) else {
        return;
    };
    for name in config.profile_names() {
        let result = config.profile(name);
        assert!(
            !matches!(result, Err(ProfileError::NoSuchProfile { .. })),
            "listed profile `{name}` not found"
        );
        let _ = result.map(|profile| profile.mode());
    }
});
