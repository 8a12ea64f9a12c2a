//! `Process::from_str` on any text: never panics; what it accepts is at most 100%, equals the
//! decimal number written (checked against the float parser), and renders to a form that parses
//! back to the same value.
#![no_main]
use cdn_task_core::Process;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(process) = text.parse::<Process>() else {
        return;
    };
    assert!(process.basis_points() <= 10_000, "{text:?} gave {process:?}");
    let number = text
        .strip_suffix('%')
        .unwrap_or_else(|| panic!("accepted {text:?} without `%`"));
    let reference: f64 = number
        .parse()
        .unwrap_or_else(|error| panic!("accepted {text:?}, which is not a number: {error}"));
    assert!(
        (reference * 100.0 - f64::from(process.basis_points())).abs() < 1e-6,
        "{text:?} gave {process:?}"
    );
    let rendered = process.to_string();
    assert_eq!(rendered.parse::<Process>(), Ok(process), "{rendered:?}");
});
