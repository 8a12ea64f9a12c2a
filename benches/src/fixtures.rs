//! Realistic inputs: what the service answers for 1 and 10 tasks, the 100-task page of the
//! sibling `DescribeRefreshTasks` (`"Tasks":{"CDNTask":[…]}`), `TaskId` parameters, the request
//! the signing benchmarks sign and a deploy's path list to plan. Deterministic, so every run and every baseline sees the same bytes.

use cdn_task_core::{
    ApiRequest, DescribeRefreshTaskById, DescribeRefreshTaskByIdResponse, FailureReason, Format, ObjectType,
    Process, Task, TaskId, TaskIdList, TaskStatus, WireBody,
};
use chrono::{DateTime, TimeDelta, Utc};

/// Task counts of the `DescribeRefreshTaskById` bodies benchmarked (one call takes 1 to 10 IDs).
pub const TASK_COUNTS: [usize; 2] = [1, 10];

/// Task count of the sibling list page benchmarked (`DescribeRefreshTasks`' largest `PageSize`).
pub const PAGE_TASK_COUNT: usize = 100;

/// How benchmarks name the input of `tasks` tasks (`1 task`, `10 tasks`).
pub fn label(tasks: usize) -> String {
    if tasks == 1 {
        "1 task".to_owned()
    } else {
        format!("{tasks} tasks")
    }
}

/// The request ID every fixture carries.
pub const REQUEST_ID: &str = "E0C2EF95-B1EC-4C93-855E-2059A7DA2B7B";

/// The `index`th task of a fixture: mostly complete file refreshes with query strings (so the
/// XML carries `&amp;`), with directory, prefetch and regex tasks, one refreshing and one failed
/// in every five.
pub fn task(index: usize) -> Task {
    let n = u64::try_from(index).unwrap_or(u64::MAX);
    let (object_type, object_path) = match index % 5 {
        3 => (
            ObjectType::Directory,
            format!("https://static.example-shop.com/assets/v2.14.{index}/"),
        ),
        4 if index % 10 == 4 => (
            ObjectType::Preload,
            format!("https://video.example-shop.com/hls/launch-{index}/index.m3u8"),
        ),
        4 => (
            ObjectType::Regex,
            "https://static.example-shop.com/assets/v2/.*[.]css".to_owned(),
        ),
        _ => (
            ObjectType::File,
            format!(
                "https://static.example-shop.com/assets/v2.14.3/img/product-{index:04}.webp?w=1280&h=720"
            ),
        ),
    };
    let (status, process, description) = match index % 5 {
        2 => (TaskStatus::Refreshing, Process::from_basis_points(9_937), None),
        4 => (
            TaskStatus::Failed,
            Process::from_basis_points(3_350),
            Some(FailureReason::OriginTimeout),
        ),
        _ => (TaskStatus::Complete, Some(Process::COMPLETE), None),
    };
    Task::new(
        TaskId::try_from(16_620_931_541 + 7 * n).unwrap_or_else(|_| unreachable!("11 digits")),
        object_path,
        created_at(n),
    )
    .with_object_type(object_type)
    .with_status(status)
    .with_process(process.unwrap_or(Process::ZERO))
    .with_description(description)
}

fn created_at(n: u64) -> DateTime<Utc> {
    // 2026-11-28T08:54:23Z, then 13 seconds apart.
    let first = DateTime::from_timestamp(1_795_856_063, 0).unwrap_or_default();
    first + TimeDelta::seconds(13 * i64::try_from(n).unwrap_or_default())
}

/// A `DescribeRefreshTaskById` response with `tasks` tasks.
pub fn response(tasks: usize) -> DescribeRefreshTaskByIdResponse {
    DescribeRefreshTaskByIdResponse::new(REQUEST_ID, (0..tasks).map(task).collect())
}

/// The JSON body the service sends for `tasks` tasks (compact, fields in the service's order).
pub fn json_body(tasks: usize) -> String {
    response(tasks).encode_json()
}

/// The XML body the service sends for `tasks` tasks (prolog, compact).
pub fn xml_body(tasks: usize) -> String {
    response(tasks).encode_xml()
}

/// The JSON body of a `DescribeRefreshTasks` page of `tasks` tasks:
/// `{"PageNumber":1,"PageSize":100,"RequestId":…,"Tasks":{"CDNTask":[…]},"TotalCount":…}`.
pub fn task_page_json(tasks: usize) -> String {
    let tasks: Vec<Task> = (0..tasks).map(task).collect();
    serde_json::json!({
        "PageNumber": 1,
        "PageSize": PAGE_TASK_COUNT,
        "RequestId": REQUEST_ID,
        "Tasks": { "CDNTask": tasks },
        "TotalCount": tasks.len(),
    })
    .to_string()
}

/// A `TaskId` parameter of `ids` distinct IDs, as a person types it (`", "` between IDs).
pub fn task_id_list_text(ids: usize) -> String {
    (0..ids)
        .map(|index| task(index).task_id.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The request signed in the signing benchmarks: `DescribeRefreshTaskById` of the ten fixture IDs.
pub fn signed_request() -> ApiRequest {
    let ids = TaskIdList::new((0..10).map(|index| task(index).task_id))
        .unwrap_or_else(|error| unreachable!("ten distinct IDs: {error}"));
    ApiRequest::new(&DescribeRefreshTaskById::new(ids), Format::Json)
}

/// The path list of a deploy (the `plan` benchmark's input): a comment, a blank line, then
/// `count` URLs over 12 domains, hashed asset names, one in a hundred with a non-ASCII name
/// (encoded by the planner), one in fifty a duplicate of an earlier one.
pub fn deploy_list(count: usize) -> String {
    let mut text = String::from("# changed files of build 4711\n\n");
    for n in 0..count {
        let id = if n % 50 == 49 { n - 7 } else { n };
        let name = if id % 100 == 3 { "bücher" } else { "app" };
        text.push_str(&format!(
            "https://static{}.example.com/assets/{}/{name}.{:08x}.js\n",
            id % 12,
            id / 12,
            id * 2_654_435_761 % 4_294_967_296
        ));
    }
    text
}

/// The `plan` benchmark's baseline: the lines of a path list split into chunks of 1,000 and joined
/// (no validation, no encoding, no duplicate or domain check), the floor of walking the input.
pub fn lines_in_chunks(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    lines.chunks(1_000).map(|chunk| chunk.join("\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_decode_to_the_fixture() {
        for tasks in TASK_COUNTS {
            let expected = response(tasks);
            assert_eq!(
                DescribeRefreshTaskByIdResponse::decode_json(json_body(tasks).as_bytes()),
                Ok(expected.clone())
            );
            assert_eq!(
                DescribeRefreshTaskByIdResponse::decode_xml(xml_body(tasks).as_bytes()),
                Ok(expected)
            );
        }
    }

    #[test]
    fn ten_tasks_cover_every_kind_and_status() {
        let body = response(10);
        for object_type in [
            ObjectType::File,
            ObjectType::Directory,
            ObjectType::Preload,
            ObjectType::Regex,
        ] {
            assert!(
                body.tasks.iter().any(|t| t.object_type == object_type),
                "{object_type}"
            );
        }
        for status in [TaskStatus::Complete, TaskStatus::Refreshing, TaskStatus::Failed] {
            assert!(body.tasks.iter().any(|t| t.status == status), "{status}");
        }
        assert!(xml_body(10).contains("&amp;"));
    }

    #[test]
    fn id_list_has_distinct_ids() {
        let list: cdn_task_core::TaskIdList = task_id_list_text(10).parse().unwrap();
        assert_eq!(list.len(), 10);
    }
}
