//! Reads one criterion run and states it as ratios: each benchmark beside the core's in the same
//! group and input, and the targets as met or missed.
//!
//! Benchmarks are named `group/function/input`; the core's function is named [`OURS`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The function name of the core's own benchmark in every group.
pub const OURS: &str = "cdn-task";

/// One benchmark's result: its id and its median time per iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Criterion's group (`decode_json`).
    pub group: String,
    /// The function measured (`cdn-task`, `serde_json Value`, …).
    pub function: String,
    /// The input (`10 tasks`).
    pub input: String,
    /// Median nanoseconds per iteration.
    pub median_ns: f64,
}

/// A performance target: `ours` takes at most `max_ratio` times as long as `baseline` on `input`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// The group.
    pub group: &'static str,
    /// The input.
    pub input: &'static str,
    /// The function held to the target (the core's).
    pub ours: &'static str,
    /// What it is compared with.
    pub baseline: &'static str,
    /// Most time `ours` may take, as a multiple of `baseline`'s.
    pub max_ratio: f64,
    /// The target in words.
    pub description: &'static str,
}

/// The targets of the decoder fast-path issue: the 10-task body and the 100-task page must meet
/// them; the 1-task body must not get worse than before the fast paths (the limits are the ratios
/// recorded then, in `README.md`'s run 2).
pub const TARGETS: [Target; 9] = [
    Target {
        group: "decode_xml",
        input: "10 tasks",
        ours: OURS,
        baseline: "quick-xml event walk",
        max_ratio: 1.0,
        description: "XML decode no slower than the bare quick-xml event walk",
    },
    Target {
        group: "decode_xml",
        input: "10 tasks",
        ours: OURS,
        baseline: "quick-xml serde String struct",
        max_ratio: 1.0 / 3.0,
        description: "XML decode at least 3x faster than quick-xml's serde path",
    },
    Target {
        group: "decode_json",
        input: "10 tasks",
        ours: OURS,
        baseline: "serde_json String struct",
        max_ratio: 0.7,
        description: "JSON decode within 0.7x of serde_json into the all-String struct",
    },
    Target {
        group: "decode_json",
        input: "10 tasks",
        ours: OURS,
        baseline: "serde_json &str struct",
        max_ratio: 1.0,
        description: "JSON decode no slower than serde_json into the struct borrowing &str",
    },
    Target {
        group: "decode_json",
        input: "page of 100",
        ours: OURS,
        baseline: "serde_json String struct",
        max_ratio: 0.8,
        description: "100-task page JSON decode within 0.8x of serde_json into the all-String struct",
    },
    Target {
        group: "decode_xml",
        input: "1 task",
        ours: OURS,
        baseline: "quick-xml event walk",
        max_ratio: 1.89,
        description: "1-task XML decode no worse than before vs the event walk (x1.89)",
    },
    Target {
        group: "decode_xml",
        input: "1 task",
        ours: OURS,
        baseline: "quick-xml serde String struct",
        max_ratio: 0.50,
        description: "1-task XML decode no worse than before vs quick-xml serde (x0.50)",
    },
    Target {
        group: "decode_json",
        input: "1 task",
        ours: OURS,
        baseline: "serde_json String struct",
        max_ratio: 1.04,
        description: "1-task JSON decode no worse than before vs the all-String struct (x1.04)",
    },
    Target {
        group: "decode_json",
        input: "1 task",
        ours: OURS,
        baseline: "serde_json &str struct",
        max_ratio: 1.47,
        description: "1-task JSON decode no worse than before vs the &str struct (x1.47)",
    },
];

/// Why a run could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// Which.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A criterion file is not what criterion writes.
    #[error("{path} is not a criterion {what} file: {detail}")]
    Format {
        /// Which.
        path: PathBuf,
        /// `benchmark.json` or `estimates.json`.
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
}

/// Reads every benchmark of the latest run under `criterion_dir` (`<target dir>/criterion`),
/// sorted by group, input and function.
pub fn read_run(criterion_dir: &Path) -> Result<Vec<Measurement>, ReadError> {
    let mut found = Vec::new();
    collect(criterion_dir, &mut found)?;
    found.sort_by(|a: &Measurement, b| {
        (&a.group, &a.input, &a.function).cmp(&(&b.group, &b.input, &b.function))
    });
    Ok(found)
}

fn collect(dir: &Path, found: &mut Vec<Measurement>) -> Result<(), ReadError> {
    let io = |source| ReadError::Io {
        path: dir.to_owned(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name == "new") {
                if path.join("benchmark.json").is_file() {
                    found.push(read_measurement(&path)?);
                }
            } else {
                collect(&path, found)?;
            }
        }
    }
    Ok(())
}

fn read_json(path: &Path, what: &'static str) -> Result<serde_json::Value, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|error| ReadError::Format {
        path: path.to_owned(),
        what,
        detail: error.to_string(),
    })
}

fn read_measurement(new_dir: &Path) -> Result<Measurement, ReadError> {
    let benchmark_path = new_dir.join("benchmark.json");
    let benchmark = read_json(&benchmark_path, "benchmark.json")?;
    let field = |name: &'static str| -> Result<String, ReadError> {
        benchmark[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| ReadError::Format {
                path: benchmark_path.clone(),
                what: "benchmark.json",
                detail: format!("no string `{name}`"),
            })
    };
    let estimates_path = new_dir.join("estimates.json");
    let median_ns = read_json(&estimates_path, "estimates.json")?["median"]["point_estimate"]
        .as_f64()
        .ok_or_else(|| ReadError::Format {
            path: estimates_path.clone(),
            what: "estimates.json",
            detail: "no number `median.point_estimate`".into(),
        })?;
    Ok(Measurement {
        group: field("group_id")?,
        function: field("function_id")?,
        input: benchmark["value_str"].as_str().unwrap_or("").to_owned(),
        median_ns,
    })
}

/// Renders a time in the unit that suits it (`812 ns`, `12.3 µs`).
pub fn format_time(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.0} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{:.2} ms", ns / 1_000_000.0)
    }
}

fn median_of<'a>(
    run: &'a [Measurement],
    group: &str,
    input: &str,
    function: &str,
) -> Option<&'a Measurement> {
    run.iter()
        .find(|m| m.group == group && m.input == input && m.function == function)
}

/// A Markdown table of the run: every benchmark, its median, and its time as a multiple of the
/// core's in the same group and input (`x2.00` means twice as long as ours).
pub fn render_table(run: &[Measurement]) -> String {
    let mut out =
        String::from("| group | input | function | median | vs cdn-task |\n|---|---|---|---:|---:|\n");
    for m in run {
        let ratio = median_of(run, &m.group, &m.input, OURS).map_or_else(
            || "—".to_owned(),
            |ours| format!("x{:.2}", m.median_ns / ours.median_ns),
        );
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            m.group,
            m.input,
            m.function,
            format_time(m.median_ns),
            ratio
        );
    }
    out
}

/// The outcome of one target in a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Met, with the measured ratio.
    Met(f64),
    /// Missed, with the measured ratio.
    Missed(f64),
    /// The run does not hold both benchmarks.
    NotMeasured,
}

/// Judges `target` on `run`.
pub fn judge(target: &Target, run: &[Measurement]) -> Verdict {
    match (
        median_of(run, target.group, target.input, target.ours),
        median_of(run, target.group, target.input, target.baseline),
    ) {
        (Some(ours), Some(baseline)) => {
            let ratio = ours.median_ns / baseline.median_ns;
            if ratio <= target.max_ratio {
                Verdict::Met(ratio)
            } else {
                Verdict::Missed(ratio)
            }
        }
        _ => Verdict::NotMeasured,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_benchmark(root: &Path, group: &str, function: &str, input: &str, median: f64) {
        let dir = root.join(group).join(function).join(input).join("new");
        std::fs::create_dir_all(&dir).unwrap();
        let benchmark = serde_json::json!({"group_id": group, "function_id": function, "value_str": input});
        std::fs::write(dir.join("benchmark.json"), benchmark.to_string()).unwrap();
        let estimates = serde_json::json!({"median": {"point_estimate": median}});
        std::fs::write(dir.join("estimates.json"), estimates.to_string()).unwrap();
    }

    #[test]
    fn reads_a_run_and_judges_the_targets() {
        let root = tempfile::tempdir().unwrap();
        write_benchmark(root.path(), "decode_xml", OURS, "10 tasks", 1_500.0);
        write_benchmark(
            root.path(),
            "decode_xml",
            "quick-xml event walk",
            "10 tasks",
            1_000.0,
        );
        write_benchmark(
            root.path(),
            "decode_xml",
            "quick-xml serde String struct",
            "10 tasks",
            3_000.0,
        );
        // criterion's own "base" copy and report directories are not results of this run.
        std::fs::create_dir_all(root.path().join("decode_xml/report")).unwrap();
        let run = read_run(root.path()).unwrap();
        assert_eq!(run.len(), 3);
        // No JSON in this run; the walk took 1 µs, ours 1.5 µs, quick-xml serde 3 µs.
        assert_eq!(judge(&TARGETS[2], &run), Verdict::NotMeasured);
        assert_eq!(judge(&TARGETS[0], &run), Verdict::Missed(1.5));
        assert_eq!(judge(&TARGETS[1], &run), Verdict::Missed(0.5));
        let lenient = Target {
            max_ratio: 1.5,
            ..TARGETS[0]
        };
        assert_eq!(judge(&lenient, &run), Verdict::Met(1.5));
        let table = render_table(&run);
        assert!(
            table.contains("| decode_xml | 10 tasks | quick-xml serde String struct | 3.00 µs | x2.00 |"),
            "{table}"
        );
    }

    #[test]
    fn a_broken_file_is_named() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("g/f/new");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("benchmark.json"), "{").unwrap();
        let error = read_run(root.path()).unwrap_err().to_string();
        assert!(error.contains("benchmark.json"), "{error}");
    }

    #[test]
    fn times_pick_their_unit() {
        assert_eq!(format_time(812.4), "812 ns");
        assert_eq!(format_time(12_345.0), "12.35 µs");
        assert_eq!(format_time(2_500_000.0), "2.50 ms");
    }
}
