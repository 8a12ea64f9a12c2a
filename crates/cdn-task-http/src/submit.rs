//! A purge or prefetch of any number of paths: the plan of the core executed. Quota first, then
//! the calls under the rate limit, then a report of every path. A call whose answer was lost is
//! never sent again: its tasks are looked up and adopted, or its paths reported as of unknown
//! outcome.

use crate::client::Client;
use crate::error::Error;
use cdn_task_core::{
    DescribeRefreshTasks, PageSize, PlannedCall, PlannedPath, PreloadArea, PurgeKind, PurgePlan,
    PushObjectCache, Quota, Reconciliation, RefreshObjectCaches, TaskId, listed_type, reconcile_window,
};
use chrono::{DateTime, Utc};
use futures_util::{StreamExt, TryStreamExt};
use std::time::{Duration, SystemTime};

/// How long to wait before looking a second time for the tasks of a call whose answer was lost,
/// when the first look did not find them all: a task may take a moment to be listed.
const RECONCILE_SETTLE: Duration = Duration::from_secs(1);

/// What to do when a job needs more of today's quota than is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum QuotaPolicy {
    /// Submit nothing and fail with [`Error::QuotaInsufficient`] (the default).
    #[default]
    AllOrNothing,
    /// Submit the first paths (in input order) that fit; report the rest as not submitted.
    WhatFits,
}

pub use cdn_task_core::Force;

/// How [`Client::submit`] submits a plan.
///
/// ```
/// use cdn_task_core::PreloadArea;
/// use cdn_task_http::{Force, QuotaPolicy, SubmitOptions};
/// let options = SubmitOptions::new()
///     .with_quota_policy(QuotaPolicy::WhatFits)
///     .with_force(Force::Always)
///     .with_area(PreloadArea::Overseas);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SubmitOptions {
    quota: QuotaPolicy,
    force: Force,
    area: Option<PreloadArea>,
}

impl SubmitOptions {
    /// All or nothing, purge only what changed, prefetch to the domain's default area.
    pub fn new() -> SubmitOptions {
        SubmitOptions::default()
    }

    /// What to do when the job does not fit today's quota.
    #[must_use]
    pub fn with_quota_policy(mut self, policy: QuotaPolicy) -> Self {
        self.quota = policy;
        self
    }

    /// Whether a refresh purges unchanged content too.
    #[must_use]
    pub fn with_force(mut self, force: Force) -> Self {
        self.force = force;
        self
    }

    /// Where a prefetch goes (default: the domain's acceleration region).
    #[must_use]
    pub fn with_area(mut self, area: PreloadArea) -> Self {
        self.area = Some(area);
        self
    }
}

/// What happened to one call of a plan.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallOutcome {
    /// The service created the tasks.
    #[non_exhaustive]
    Created {
        /// The service's ID for the call.
        request_id: String,
        /// The tasks created.
        task_ids: Vec<TaskId>,
    },
    /// The service refused the call, or the call failed before the service could act on it:
    /// nothing was created.
    Failed(Error),
    /// The answer was lost after the service may have acted on the call, so it was not sent
    /// again; the tasks made from `searched.0` to `searched.1` on the call's paths were looked
    /// up instead (`DescribeRefreshTasks`).
    #[non_exhaustive]
    Reconciled {
        /// How the answer was lost.
        error: Error,
        /// The tasks found, adopted as the call's.
        task_ids: Vec<TaskId>,
        /// The paths no task was found for: whether they were purged is unknown.
        unknown: Vec<String>,
        /// The creation times searched (UTC).
        searched: (DateTime<Utc>, DateTime<Utc>),
        /// Why the look-up itself failed, if it did (then every path is unknown).
        lookup_error: Option<Error>,
    },
}

/// One call of a plan and what happened to it.
#[derive(Debug)]
#[non_exhaustive]
pub struct CallReport {
    /// The paths of the call, as sent, with where they came from.
    pub paths: Vec<PlannedPath>,
    /// What happened.
    pub outcome: CallOutcome,
}

/// What happened to one path.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum PathStatus<'a> {
    /// Tasks were created: the IDs of its call (one per path when the service gave one per path,
    /// else all of the call's, since the service may merge tasks).
    Created(&'a [TaskId]),
    /// Its call failed; nothing was created.
    Failed(&'a Error),
    /// Its call's answer was lost and no task for it was found.
    Unknown(&'a Error),
    /// Not submitted: today's quota was used by the paths before it.
    NotSubmitted,
}

/// What [`Client::submit`] did: every path of the plan is in exactly one call or in
/// `not_submitted`.
#[derive(Debug)]
#[non_exhaustive]
pub struct SubmitReport {
    /// What was submitted.
    pub kind: PurgeKind,
    /// Today's quota for it before submitting (`None` when the service did not report it).
    pub quota: Option<Quota>,
    /// The calls, in the plan's order.
    pub calls: Vec<CallReport>,
    /// Paths left out because today's quota could not hold them (with
    /// [`QuotaPolicy::WhatFits`]), in input order.
    pub not_submitted: Vec<PlannedPath>,
}

impl SubmitReport {
    /// Every task ID created or adopted, in call order, each once.
    pub fn task_ids(&self) -> Vec<TaskId> {
        let mut ids: Vec<TaskId> = Vec::new();
        for call in &self.calls {
            let found = match &call.outcome {
                CallOutcome::Created { task_ids, .. } | CallOutcome::Reconciled { task_ids, .. } => task_ids,
                CallOutcome::Failed(_) => continue,
            };
            for id in found {
                if !ids.contains(id) {
                    ids.push(*id);
                }
            }
        }
        ids
    }

    /// The service's request IDs of the calls that were answered.
    pub fn request_ids(&self) -> Vec<&str> {
        self.calls
            .iter()
            .filter_map(|call| match &call.outcome {
                CallOutcome::Created { request_id, .. } => Some(request_id.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Whether every path got its tasks (created, or found after a lost answer): nothing left
    /// out for the quota, no call failed, no path of a reconciled call unaccounted for. (Whether
    /// the tasks then complete is [`Client::wait`]'s to say.)
    pub fn every_path_has_its_tasks(&self) -> bool {
        self.not_submitted.is_empty()
            && self.calls.iter().all(|call| match &call.outcome {
                CallOutcome::Created { .. } => true,
                CallOutcome::Reconciled { unknown, .. } => unknown.is_empty(),
                CallOutcome::Failed(_) => false,
            })
    }

    /// Every path with what happened to it: the calls' paths in call order, then those not
    /// submitted.
    pub fn paths(&self) -> Vec<(&PlannedPath, PathStatus<'_>)> {
        let mut out = Vec::new();
        for call in &self.calls {
            for (index, path) in call.paths.iter().enumerate() {
                let status = match &call.outcome {
                    CallOutcome::Created { task_ids, .. } => {
                        PathStatus::Created(ids_of(task_ids, &call.paths, index))
                    }
                    CallOutcome::Failed(error) => PathStatus::Failed(error),
                    CallOutcome::Reconciled {
                        error,
                        task_ids,
                        unknown,
                        ..
                    } => {
                        if unknown.contains(&path.path) {
                            PathStatus::Unknown(error)
                        } else {
                            PathStatus::Created(task_ids)
                        }
                    }
                };
                out.push((path, status));
            }
        }
        out.extend(
            self.not_submitted
                .iter()
                .map(|path| (path, PathStatus::NotSubmitted)),
        );
        out
    }
}

/// The IDs of path `index` of a call: its own when the call got one ID per path.
fn ids_of<'a>(ids: &'a [TaskId], paths: &[PlannedPath], index: usize) -> &'a [TaskId] {
    if ids.len() == paths.len() {
        ids.get(index..=index).unwrap_or(ids)
    } else {
        ids
    }
}

fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from(SystemTime::now())
}

impl Client {
    /// Submits a planned purge or prefetch of any number of paths.
    ///
    /// First `DescribeRefreshQuota`: by default nothing is submitted when the job needs more than
    /// today's remaining quota ([`Error::QuotaInsufficient`] says how much is needed and left);
    /// with [`QuotaPolicy::WhatFits`], the first paths that fit are. Then the plan's calls, at
    /// most [`max_concurrency`](crate::ClientBuilder::max_concurrency) at once under the rate
    /// limit (50 calls a second for both create actions). A call is retried only when the service
    /// provably did not process it; when its answer was lost after the service may have acted, its
    /// tasks are looked up with `DescribeRefreshTasks` (its paths, the time it was sent) and
    /// adopted, or its paths reported as of unknown outcome. Never a duplicate purge, never a lost
    /// task ID.
    ///
    /// Fails as a whole only before anything is submitted (the quota look-up, the quota check);
    /// afterwards every call's fate is in the report.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
    /// use cdn_task_core::{PathSource, PurgeKind, PurgePlan, RefreshType, read_path_list};
    /// use cdn_task_http::{Client, Credentials, SubmitOptions};
    ///
    /// let client = Client::builder()
    ///     .endpoint(mock.base_url())
    ///     .credentials(Credentials::new("testid", "testsecret"))
    ///     .build()?;
    /// let changed = "https://example.com/index.html\n# assets\nhttps://example.com/app.js\n";
    /// let plan = PurgePlan::new(PurgeKind::Refresh(RefreshType::File), read_path_list(changed))?;
    /// let report = client.submit(plan, SubmitOptions::new()).await?;
    /// assert!(report.every_path_has_its_tasks());
    /// assert_eq!(report.task_ids().len(), 2);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn submit(&self, plan: PurgePlan, options: SubmitOptions) -> Result<SubmitReport, Error> {
        let kind = plan.kind();
        let quota = self.quota().await?.for_kind(kind);
        let needed = plan.path_count() as u64;
        let (plan, not_submitted) = match quota {
            Some(left) if needed > left.remain => match options.quota {
                QuotaPolicy::AllOrNothing => {
                    return Err(Error::quota_insufficient(kind, needed, left.remain));
                }
                QuotaPolicy::WhatFits => plan.split_at(usize::try_from(left.remain).unwrap_or(usize::MAX)),
            },
            _ => (Some(plan), Vec::new()),
        };
        let calls: Vec<PlannedCall> = plan.map(|plan| plan.calls().to_vec()).unwrap_or_default();
        let calls = futures_util::stream::iter(calls)
            .map(|call| self.submit_call(kind, call, options))
            .buffered(self.max_concurrency)
            .collect()
            .await;
        Ok(SubmitReport {
            kind,
            quota,
            calls,
            not_submitted,
        })
    }

    /// `RefreshObjectCaches` for any number of `paths` of one `kind`: planned
    /// ([`PurgePlan`], each path's origin its 1-based position) and [`submit`](Self::submit)ted.
    /// Fails before anything is sent when a path is invalid
    /// ([`InvalidInput::Plan`](crate::InvalidInput::Plan), naming every one) or the job does not
    /// fit today's quota (with the default policy).
    ///
    /// ```no_run
    /// # async fn run(client: cdn_task_http::Client) -> Result<(), cdn_task_http::Error> {
    /// use cdn_task_core::RefreshType;
    /// use cdn_task_http::SubmitOptions;
    /// let urls = (1..=2_500).map(|n| format!("https://example.com/assets/{n}.js"));
    /// let report = client.refresh_all(urls, RefreshType::File, SubmitOptions::new()).await?;
    /// println!("{} tasks in {} calls", report.task_ids().len(), report.calls.len());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn refresh_all(
        &self,
        paths: impl IntoIterator<Item = impl Into<String>>,
        kind: cdn_task_core::RefreshType,
        options: SubmitOptions,
    ) -> Result<SubmitReport, Error> {
        self.submit(plan_arguments(PurgeKind::Refresh(kind), paths)?, options)
            .await
    }

    /// `PushObjectCache` for any number of `urls`, as [`refresh_all`](Self::refresh_all).
    pub async fn preload_all(
        &self,
        urls: impl IntoIterator<Item = impl Into<String>>,
        options: SubmitOptions,
    ) -> Result<SubmitReport, Error> {
        self.submit(plan_arguments(PurgeKind::Preload, urls)?, options)
            .await
    }

    async fn submit_call(&self, kind: PurgeKind, call: PlannedCall, options: SubmitOptions) -> CallReport {
        let sent = now();
        let result = match kind {
            PurgeKind::Refresh(refresh) => {
                match RefreshObjectCaches::from_paths(call.paths.clone(), refresh) {
                    Ok(op) => self.call(&op.with_force(options.force)).await,
                    Err(invalid) => Err(Error::InvalidInput(invalid.into())),
                }
            }
            PurgeKind::Preload => match PushObjectCache::from_paths(call.paths.clone()) {
                Ok(op) => match options.area {
                    Some(area) => self.call(&op.with_area(area)).await,
                    None => self.call(&op).await,
                },
                Err(invalid) => Err(Error::InvalidInput(invalid.into())),
            },
        };
        let outcome = match result {
            Ok(created) => CallOutcome::Created {
                request_id: created.request_id,
                task_ids: created.task_ids,
            },
            Err(error) if error.may_have_been_processed() => {
                tracing::warn!(%error, "the answer to a create call was lost; looking its tasks up");
                self.reconcile(kind, &call, sent, error).await
            }
            Err(error) => CallOutcome::Failed(error),
        };
        let paths = call
            .paths
            .iter()
            .zip(&call.origins)
            .map(|(path, origin)| planned(path, *origin))
            .collect();
        CallReport { paths, outcome }
    }

    /// Looks up the tasks a call sent at `sent` made, when its answer was lost with `error`.
    async fn reconcile(
        &self,
        kind: PurgeKind,
        call: &PlannedCall,
        sent: DateTime<Utc>,
        error: Error,
    ) -> CallOutcome {
        let paths: Vec<String> = call.paths.iter().map(str::to_owned).collect();
        let paths = paths.as_slice();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let searched = reconcile_window(sent, now());
            let mut filter = DescribeRefreshTasks::builder()
                .object_type(listed_type(kind))
                .window(searched.0, searched.1)
                .page_size(PageSize::MAX);
            if let [only] = paths {
                filter = filter.object_path(only.clone());
            }
            let listed = match filter.build() {
                Ok(filter) => self.list(filter).try_collect::<Vec<_>>().await,
                Err(invalid) => Err(Error::InvalidInput(invalid.into())),
            };
            let tasks = match listed {
                Ok(tasks) => tasks,
                Err(lookup_error) => {
                    return CallOutcome::Reconciled {
                        error,
                        task_ids: Vec::new(),
                        unknown: paths.to_vec(),
                        searched,
                        lookup_error: Some(lookup_error),
                    };
                }
            };
            let found = Reconciliation::of(paths, &tasks, searched);
            if found.unknown.is_empty() || attempt == 2 {
                return CallOutcome::Reconciled {
                    error,
                    task_ids: found.adopted,
                    unknown: found.unknown,
                    searched,
                    lookup_error: None,
                };
            }
            tokio::time::sleep(RECONCILE_SETTLE).await;
        }
    }
}

/// The plan of `paths` given as arguments (numbered from 1).
fn plan_arguments(
    kind: PurgeKind,
    paths: impl IntoIterator<Item = impl Into<String>>,
) -> Result<PurgePlan, Error> {
    let sources = paths
        .into_iter()
        .enumerate()
        .map(|(index, path)| cdn_task_core::PathSource::argument(index + 1, path.into()));
    PurgePlan::new(kind, sources).map_err(|error| Error::InvalidInput(error.into()))
}

/// A planned path rebuilt from a call's parts.
fn planned(path: &str, origin: cdn_task_core::PathOrigin) -> PlannedPath {
    PlannedPath::new(path, origin)
}
