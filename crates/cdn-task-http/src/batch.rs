//! Describing any number of tasks: batches of ten, under the rate limit, a bounded number at once.

use crate::client::Client;
use crate::error::Error;
use cdn_task_core::{Task, TaskId, TaskIdList};
use futures_util::StreamExt;
use std::collections::HashMap;

/// What [`Client::describe_all`] found. Every ID asked about is accounted for exactly once: in
/// `tasks`, in `not_found`, or in one of `failed_batches`.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct DescribeReport {
    /// The tasks found, in the order their IDs were given.
    pub tasks: Vec<Task>,
    /// IDs the service did not return (unknown, someone else's, or older than three days), in
    /// the order given.
    pub not_found: Vec<TaskId>,
    /// Batches whose call failed (after retries), with the IDs they covered.
    pub failed_batches: Vec<BatchFailure>,
    /// The service's request IDs of the calls that succeeded, in batch order.
    pub request_ids: Vec<String>,
}

impl DescribeReport {
    /// Whether every batch succeeded: every ID is in `tasks` or `not_found`. (Not whether the
    /// tasks are complete: see [`Task::status`].)
    pub fn no_failed_batches(&self) -> bool {
        self.failed_batches.is_empty()
    }

    /// The IDs of the failed batches, in order.
    pub fn failed_ids(&self) -> Vec<TaskId> {
        self.failed_batches
            .iter()
            .flat_map(|failure| failure.ids.ids())
            .copied()
            .collect()
    }
}

/// One batch of [`Client::describe_all`] that failed.
#[derive(Debug)]
#[non_exhaustive]
pub struct BatchFailure {
    /// The IDs the batch covered.
    pub ids: TaskIdList,
    /// Why it failed, after retries.
    pub error: Error,
}

impl Client {
    /// `DescribeRefreshTaskById` for any number of IDs: duplicates dropped, batches of ten run
    /// under the rate limit, at most [`max_concurrency`](crate::ClientBuilder::max_concurrency) at
    /// once. Never fails as a whole: a failed batch is reported with its IDs.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
    /// # let client = cdn_task_http::Client::builder().endpoint(mock.base_url())
    /// #     .credentials(cdn_task_http::Credentials::new("testid", "testsecret")).build()?;
    /// use cdn_task_http::cdn_task_core::TaskId;
    /// use cdn_task_http::DisplayChain;
    /// // 25 IDs: three calls (10, 10, 5), results in the order given.
    /// let ids: Vec<TaskId> = (1..=25u64).filter_map(|n| TaskId::try_from(n).ok()).collect();
    /// let report = client.describe_all(ids).await;
    /// println!("{} found, {} not found", report.tasks.len(), report.not_found.len());
    /// for failure in &report.failed_batches {
    ///     eprintln!("{}: {}", failure.ids, DisplayChain(&failure.error));
    /// }
    /// assert!(report.no_failed_batches() && report.not_found.len() == 25);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn describe_all(&self, ids: impl IntoIterator<Item = TaskId>) -> DescribeReport {
        let batches = TaskIdList::batches(ids);
        let results: Vec<(TaskIdList, Result<_, Error>)> = futures_util::stream::iter(batches)
            .map(|batch| async move {
                let result = self.describe(&batch).await;
                (batch, result)
            })
            .buffered(self.max_concurrency)
            .collect()
            .await;
        let mut report = DescribeReport::default();
        let mut found: HashMap<TaskId, Task> = HashMap::new();
        let mut answered: Vec<TaskIdList> = Vec::new();
        for (batch, result) in results {
            match result {
                Ok(response) => {
                    report.request_ids.push(response.request_id);
                    for task in response.tasks {
                        if batch.contains(&task.task_id) {
                            found.entry(task.task_id).or_insert(task);
                        }
                    }
                    answered.push(batch);
                }
                Err(error) => report.failed_batches.push(BatchFailure { ids: batch, error }),
            }
        }
        for id in answered.iter().flat_map(TaskIdList::ids) {
            match found.remove(id) {
                Some(task) => report.tasks.push(task),
                None => report.not_found.push(*id),
            }
        }
        report
    }
}
