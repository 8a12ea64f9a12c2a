//! How many files of a directory (a fuzz corpus) the fast paths take, and how many the general
//! decoders accept: a differential fuzz run that never reaches the fast path would check nothing.
//!
//! ```sh
//! cargo run --release -p cdn-task-benches --example fast_share -- json ../fuzz/corpus/fast_diff_json
//! cargo run --release -p cdn-task-benches --example fast_share -- xml ../fuzz/corpus/fast_diff_xml
//! ```
#![allow(missing_docs)]

use cdn_task_core::differential;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(format), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: fast_share json|xml DIR");
        return ExitCode::from(2);
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            eprintln!("cannot read {dir}: {error}");
            return ExitCode::from(2);
        }
    };
    let (mut files, mut fast, mut accepted, mut page, mut page_accepted) = (0, 0, 0, 0, 0);
    for body in entries
        .flatten()
        .filter_map(|entry| std::fs::read(entry.path()).ok())
    {
        files += 1;
        let (took, ok, page_took, page_ok) = match format.as_str() {
            "json" => (
                differential::by_id_json_fast(&body).is_some(),
                differential::by_id_json_general(&body).is_ok(),
                differential::task_page_json_fast(&body).is_some(),
                differential::task_page_json_general(&body).is_ok(),
            ),
            _ => (
                differential::by_id_xml_fast(&body).is_some(),
                differential::by_id_xml_general(&body).is_ok(),
                differential::task_page_xml_fast(&body).is_some(),
                differential::task_page_xml_general(&body).is_ok(),
            ),
        };
        fast += usize::from(took);
        accepted += usize::from(ok);
        page += usize::from(page_took);
        page_accepted += usize::from(page_ok);
    }
    println!(
        "{files} files: by-ID body: {accepted} accepted by the general decoder, {fast} of them on the fast path; \
         page: {page_accepted} accepted by the general decoder, {page} of them on the fast path"
    );
    ExitCode::SUCCESS
}
