//! Prints the latest criterion run as ratios, and the benchmark targets as met or missed.
//!
//! `cargo run -p cdn-task-benches --bin bench-ratios [CRITERION_DIR]`; the directory defaults to
//! `$CARGO_TARGET_DIR/criterion` (or `target/criterion`). Exits 1 if a measured target is missed.

use cdn_task_benches::ratios::{TARGETS, Verdict, judge, read_run, render_table};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args_os().nth(1).map_or_else(
        || {
            let target = std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into());
            PathBuf::from(target).join("criterion")
        },
        PathBuf::from,
    );
    let run = match read_run(&dir) {
        Ok(run) => run,
        Err(error) => {
            eprintln!("bench-ratios: {error}");
            return ExitCode::from(2);
        }
    };
    println!("{}", render_table(&run));
    let mut missed = false;
    for target in &TARGETS {
        let verdict = match judge(target, &run) {
            Verdict::Met(ratio) => format!(
                "met (x{ratio:.2} of {}, limit x{:.2})",
                target.baseline, target.max_ratio
            ),
            Verdict::Missed(ratio) => {
                missed = true;
                format!(
                    "MISSED (x{ratio:.2} of {}, limit x{:.2})",
                    target.baseline, target.max_ratio
                )
            }
            Verdict::NotMeasured => "not measured in this run".to_owned(),
        };
        println!("- {}: {verdict}", target.description);
    }
    if missed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
