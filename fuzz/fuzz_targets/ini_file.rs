//! `IniFile::parse` (the ini credentials file) and every section it lists: never panics; a
//! section error names the section asked for, and every line number is within the text.
#![no_main]
use cdn_task_core::credentials::{IniError, IniFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let lines = text.lines().count();
    let file = match IniFile::parse(text) {
        Ok(file) => file,
        Err(
            IniError::Syntax { line, .. }
            | IniError::DuplicateSection { line, .. }
            | IniError::DuplicateKey { line, .. },
        ) => {
            assert!((1..=lines).contains(&line), "line {line} of {lines}");
            return;
        }
        Err(other) => panic!("parse gave a section error: {other}"),
    };
    for name in file.section_names() {
        match file.profile(name) {
            Ok(profile) => {
                let _ = profile.kind();
            }
            Err(IniError::Field { section, line, .. } | IniError::UnsupportedType { section, line, .. }) => {
                assert_eq!(section, name);
                assert!((1..=lines).contains(&line), "line {line} of {lines}");
            }
            Err(IniError::NoSuchSection { name: asked }) => assert_eq!(asked, name),
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
});
