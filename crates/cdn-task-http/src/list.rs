//! Listing tasks: `DescribeRefreshTasks`, page after page, as a stream.

use crate::client::Client;
use crate::error::Error;
use cdn_task_core::{DescribeRefreshTasks, DescribeRefreshTasksResponse, Task};
use futures_util::{Stream, StreamExt, TryStreamExt};

impl Client {
    /// The pages of `DescribeRefreshTasks` for `filter`, from its page on, each fetched when the
    /// stream is polled for it (under the action's rate limit, 5 calls a second by default), until
    /// a page is not full or the total is reached. A failed page ends the stream with its error.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
    /// # let client = cdn_task_http::Client::builder().endpoint(mock.base_url())
    /// #     .credentials(cdn_task_http::Credentials::new("testid", "testsecret")).build()?;
    /// use cdn_task_http::cdn_task_core::DescribeRefreshTasks;
    /// use futures_util::TryStreamExt;
    /// let pages: Vec<_> = client.list_pages(DescribeRefreshTasks::default()).try_collect().await?;
    /// println!("{} tasks in the last three days", pages.first().map_or(0, |page| page.total_count));
    /// # Ok(())
    /// # }
    /// ```
    pub fn list_pages(
        &self,
        filter: DescribeRefreshTasks,
    ) -> impl Stream<Item = Result<DescribeRefreshTasksResponse, Error>> + Send + 'static {
        let client = self.clone();
        futures_util::stream::try_unfold(Some(filter), move |next| {
            let client = client.clone();
            async move {
                let Some(filter) = next else {
                    return Ok(None);
                };
                let page = client.call(&filter).await?;
                let following = if page.has_more() {
                    filter.page_number().next().map(|number| filter.with_page(number))
                } else {
                    None
                };
                Ok(Some((page, following)))
            }
        })
    }

    /// The tasks matching `filter`, newest first as the service lists them, page after page
    /// ([`list_pages`](Self::list_pages)); stop polling to stop fetching.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
    /// # let client = cdn_task_http::Client::builder().endpoint(mock.base_url())
    /// #     .credentials(cdn_task_http::Credentials::new("testid", "testsecret")).build()?;
    /// use cdn_task_http::cdn_task_core::{DescribeRefreshTasks, TaskStatusFilter, TaskTypeFilter};
    /// use futures_util::{StreamExt, TryStreamExt};
    /// let failed = DescribeRefreshTasks::builder()
    ///     .object_type(TaskTypeFilter::File)
    ///     .status(TaskStatusFilter::Failed)
    ///     .build()?;
    /// let first_50: Vec<_> = client.list(failed).take(50).try_collect().await?;
    /// assert!(first_50.is_empty()); // nothing failed on the mock
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(
        &self,
        filter: DescribeRefreshTasks,
    ) -> impl Stream<Item = Result<Task, Error>> + Send + 'static {
        self.list_pages(filter)
            .map_ok(|page| futures_util::stream::iter(page.tasks.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}
