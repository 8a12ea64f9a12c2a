//! The five actions, over the task store and the quota book.

use crate::action::Action;
use crate::quota::QuotaKind;
use crate::reply::{Failure, Reply};
use crate::state::{Shared, State};
use cdn_task_core::signing::VerifiedRequest;
use cdn_task_core::{
    CreateTasksResponse, CreatedTaskKind, DescribeRefreshQuota, DescribeRefreshTaskById,
    DescribeRefreshTaskByIdResponse, DescribeRefreshTasks, DescribeRefreshTasksResponse, ErrorCode, Format,
    ObjectPaths, ObjectType, Operation, PushObjectCache, RefreshObjectCaches, RefreshQuota, RefreshType,
};
use chrono::{DateTime, Utc};

/// One verified, admitted call.
pub(crate) struct Call<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) request: &'a VerifiedRequest,
    pub(crate) now: DateTime<Utc>,
    pub(crate) request_id: &'a str,
    pub(crate) format: Format,
}

impl Call<'_> {
    fn caller(&self) -> &str {
        &self.request.access_key_id
    }

    /// The operation, parsed from the request's parameters by the core.
    fn operation<O: Operation>(&self) -> Result<O, Failure> {
        O::from_parameters(|name| self.request.parameter(name)).map_err(Failure::from)
    }

    fn success(&self, body: &impl cdn_task_core::WireBody) -> Reply {
        Reply::success(body, self.format, self.request_id)
    }
}

/// Performs `action`.
pub(crate) fn perform(action: Action, call: &Call<'_>) -> Result<Reply, Failure> {
    match action {
        Action::DescribeRefreshTaskById => describe(call),
        Action::RefreshObjectCaches => {
            let operation: RefreshObjectCaches = call.operation()?;
            let object_type = match operation.kind() {
                RefreshType::File | RefreshType::IgnoreParams => ObjectType::File,
                RefreshType::Directory => ObjectType::Directory,
                RefreshType::Regex => ObjectType::Regex,
            };
            let quota = QuotaKind::of_refresh(operation.kind());
            create(
                call,
                operation.paths(),
                object_type,
                quota,
                CreatedTaskKind::Refresh,
            )
        }
        Action::PushObjectCache => {
            let operation: PushObjectCache = call.operation()?;
            create(
                call,
                operation.paths(),
                ObjectType::Preload,
                QuotaKind::Preload,
                CreatedTaskKind::Push,
            )
        }
        Action::DescribeRefreshQuota => {
            let _: DescribeRefreshQuota = call.operation()?;
            let [url, directory, regex, preload, ignore_params] = call
                .shared
                .state()
                .quotas
                .report(call.caller(), call.now.date_naive());
            let mut answer = RefreshQuota::new(call.request_id);
            answer.url = url;
            answer.directory = directory;
            answer.preload = preload;
            answer.regex = regex;
            answer.ignore_params = Some(ignore_params);
            Ok(call.success(&answer))
        }
        Action::DescribeRefreshTasks => list(call),
    }
}

fn list(call: &Call<'_>) -> Result<Reply, Failure> {
    let operation: DescribeRefreshTasks = call.operation()?;
    operation.check_window(call.now).map_err(Failure::from)?;
    let (tasks, total) = call
        .shared
        .state()
        .tasks
        .list(call.caller(), &operation, call.now);
    let page = DescribeRefreshTasksResponse::new(call.request_id, tasks).with_paging(
        operation.page_number(),
        operation.page_size(),
        total,
    );
    Ok(call.success(&page))
}

fn describe(call: &Call<'_>) -> Result<Reply, Failure> {
    let operation: DescribeRefreshTaskById = call.operation()?;
    let tasks = call
        .shared
        .state()
        .tasks
        .describe(call.caller(), &operation.task_ids, call.now);
    Ok(call.success(&DescribeRefreshTaskByIdResponse::new(call.request_id, tasks)))
}

/// Creates one task per path, all or none: the quota is taken and the tasks stored under one
/// lock.
fn create(
    call: &Call<'_>,
    paths: &ObjectPaths,
    object_type: ObjectType,
    quota: QuotaKind,
    kind: CreatedTaskKind,
) -> Result<Reply, Failure> {
    let paths: Vec<String> = paths.iter().map(str::to_owned).collect();
    let paths = paths.as_slice();
    let task_ids = {
        let mut state = call.shared.state();
        let State {
            tasks,
            quotas,
            random,
            ..
        } = &mut *state;
        if quota == QuotaKind::Preload {
            // The prefetch queue holds unfinished prefetches; when this call would overflow it,
            // the service refuses new tasks (API-FAMILY B.2).
            let queued = tasks.unfinished(call.caller(), &object_type, call.now);
            let room = call.shared.preload_queue.saturating_sub(queued);
            if paths.len() as u64 > room {
                return Err(Failure::detailed(
                    ErrorCode::PreloadQueueFull,
                    format!("({queued} URLs queued, room for {room}.)"),
                ));
            }
        }
        quotas
            .take(call.caller(), quota, paths.len() as u64, call.now.date_naive())
            .map_err(|exceeded| {
                Failure::detailed(
                    ErrorCode::QuotaExceededRefresh,
                    format!(
                        "({} remaining today, {} requested.)",
                        exceeded.remaining, exceeded.requested
                    ),
                )
            })?;
        let fates = paths.iter().map(|_| random.fate(call.shared.fail_rate)).collect();
        tasks.create(call.caller(), paths, &object_type, fates, call.now)
    };
    Ok(call.success(&CreateTasksResponse::new(call.request_id, kind, task_ids)))
}
