//! The core's decoding of a `DescribeRefreshTasks` page, until the page's body type lands in the
//! core: the core's fast path (`cdn_task_core::differential`, cargo feature `differential`), then,
//! for a body it does not recognise, serde_json into [`TaskPage<Task>`] as the general decoder.
//! Once the type lands, the benchmarks call its `decode_json` instead.

use crate::baselines::TaskPage;
use cdn_task_core::Task;
use cdn_task_core::differential::{self, TaskPage as FastPage};

/// Decodes a page the way the core will: fast path first, general decoder as the fallback.
pub fn decode_json(body: &[u8]) -> Result<TaskPage<Task>, serde_json::Error> {
    match differential::task_page_json_fast(body) {
        Some(page) => Ok(from_fast(page)),
        None => serde_json::from_slice(body),
    }
}

/// The fast path's page in the benchmarks' page type.
pub fn from_fast(page: FastPage) -> TaskPage<Task> {
    TaskPage {
        request_id: page.request_id,
        page_number: page.page_number,
        page_size: page.page_size,
        total_count: page.total_count,
        tasks: crate::baselines::CdnTasks { cdn_task: page.tasks },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn the_fast_path_reads_the_fixture_page_as_serde_json_does() {
        let body = fixtures::task_page_json(fixtures::PAGE_TASK_COUNT);
        let fast =
            differential::task_page_json_fast(body.as_bytes()).expect("the fast path recognises the page");
        let general: TaskPage<Task> = serde_json::from_str(&body).unwrap();
        assert_eq!(from_fast(fast), general);
        assert_eq!(decode_json(body.as_bytes()).unwrap(), general);
    }
}
