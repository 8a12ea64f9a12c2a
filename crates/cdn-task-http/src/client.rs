//! The client: one call per operation, each signed, rate-limited and retried.

use crate::config::ClientBuilder;
use crate::credentials::{CachedProvider, ProvidedCredentials};
use crate::error::{Error, InvalidInput};
use crate::transport::Transport;
use cdn_task_core::{
    CreateTasksResponse, DescribeRefreshQuota, DescribeRefreshTaskById, DescribeRefreshTaskByIdResponse,
    Force, Operation, PreloadArea, PushObjectCache, RefreshObjectCaches, RefreshQuota, RefreshType,
    TaskIdList,
};
use std::fmt;
use std::sync::Arc;

/// The Alibaba Cloud CDN client for refresh and prefetch tasks. Cheap to clone: clones share the
/// connection pool and the rate limiter.
///
/// ```no_run
/// use cdn_task_http::{Client, Credentials};
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::builder()
///     .credentials(Credentials::new("LTAI-example", "example-secret"))
///     .build()?;
/// let response = client.describe(&"12345678,23456789".parse()?).await?;
/// for task in &response.tasks {
///     println!("{} {} {}", task.task_id, task.status, task.process);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) transport: Arc<Transport>,
    pub(crate) max_concurrency: usize,
}

impl Client {
    /// A builder with every setting at its default: endpoint `https://cdn.aliyuncs.com`,
    /// credentials from the official default chain, ACS3 signatures, JSON, each action at its
    /// documented rate limit per AccessKeyId (30 calls a second for `DescribeRefreshTaskById`).
    ///
    /// ```
    /// use cdn_task_http::Client;
    /// use std::time::Duration;
    /// // Nothing is resolved or sent until the first call.
    /// let client = Client::builder().timeout(Duration::from_secs(20)).build()?;
    /// # let _ = client;
    /// # Ok::<(), cdn_task_http::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn from_settings(
        settings: ClientBuilder,
        credentials: Arc<CachedProvider>,
    ) -> Result<Client, Error> {
        Ok(Client {
            transport: Arc::new(Transport::new(&settings, credentials)?),
            max_concurrency: settings.max_concurrency,
        })
    }

    /// The credentials the next call signs with, resolved now through the client's cache (the
    /// provider is asked only when the cache holds none fresh): which provider answered, the
    /// AccessKeyId, and the expiry.
    ///
    /// ```no_run
    /// # async fn run(client: cdn_task_http::Client) -> Result<(), cdn_task_http::Error> {
    /// let provided = client.credentials().await?;
    /// println!("{} from {}, expires {:?}", provided.credentials().access_key_id(), provided.provider(), provided.expiration());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn credentials(&self) -> Result<ProvidedCredentials, Error> {
        Ok(self.transport.credentials().await?)
    }

    /// Calls any operation of the API: signed, rate-limited and retried (a call that creates tasks
    /// only when the service provably did not process it; see [`RetryPolicy`](crate::RetryPolicy)).
    /// The typed methods below are shorthands for it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
    /// # let client = cdn_task_http::Client::builder().endpoint(mock.base_url())
    /// #     .credentials(cdn_task_http::Credentials::new("testid", "testsecret")).build()?;
    /// use cdn_task_http::cdn_task_core::{DescribeRefreshTaskById, TaskIdList};
    /// let ids: TaskIdList = "100000001,100000002".parse()?;
    /// let response = client.call(&DescribeRefreshTaskById::new(ids.clone())).await?;
    /// assert_eq!(response.missing_ids(&ids).len(), 2); // the mock knows neither
    /// # Ok(())
    /// # }
    /// ```
    pub async fn call<O: Operation>(&self, operation: &O) -> Result<O::Response, Error> {
        self.transport.call(operation).await
    }

    /// `DescribeRefreshTaskById` for 1 to 10 tasks: one call. The tasks the service did not
    /// return are in [`DescribeRefreshTaskByIdResponse::missing_ids`]. For any number of IDs, use
    /// [`describe_all`](Self::describe_all).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
    /// # let client = cdn_task_http::Client::builder().endpoint(mock.base_url())
    /// #     .credentials(cdn_task_http::Credentials::new("testid", "testsecret")).build()?;
    /// use cdn_task_http::Force;
    /// use cdn_task_http::cdn_task_core::{RefreshType, TaskIdList};
    /// let created = client.refresh(["https://example.com/a.js"], RefreshType::File, Force::IfChanged).await?;
    /// let ids = TaskIdList::new(created.task_ids.iter().copied().chain(["12345678".parse()?]))?;
    /// let response = client.describe(&ids).await?;
    /// assert_eq!(response.tasks.len(), 1);
    /// println!("not found: {:?}", response.missing_ids(&ids));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn describe(&self, ids: &TaskIdList) -> Result<DescribeRefreshTaskByIdResponse, Error> {
        self.call(&DescribeRefreshTaskById::new(ids.clone())).await
    }

    /// `RefreshObjectCaches`: purges `paths` (URLs, directories or one regex, by `kind`; up to the
    /// per-call limit of the kind) in one call and returns the IDs of the tasks created.
    /// [`Force::Always`] purges unchanged content too (`Force=true`). For any
    /// number of paths, plan them ([`PurgePlan`](cdn_task_core::PurgePlan)) and
    /// [`submit`](Self::submit) the plan.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
    /// # let client = cdn_task_http::Client::builder().endpoint(mock.base_url())
    /// #     .credentials(cdn_task_http::Credentials::new("testid", "testsecret")).build()?;
    /// use cdn_task_http::cdn_task_core::RefreshType;
    /// use cdn_task_http::Force;
    /// let created = client.refresh(["https://example.com/app.js"], RefreshType::File, Force::IfChanged).await?;
    /// println!("tasks {:?} (request {})", created.task_ids, created.request_id);
    /// // A whole directory, unchanged content too.
    /// client.refresh(["https://example.com/static/"], RefreshType::Directory, Force::Always).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn refresh(
        &self,
        paths: impl IntoIterator<Item = impl Into<String>>,
        kind: RefreshType,
        force: Force,
    ) -> Result<CreateTasksResponse, Error> {
        let op = RefreshObjectCaches::new(paths, kind).map_err(invalid)?;
        self.call(&op.with_force(force)).await
    }

    /// `PushObjectCache`: prefetches `urls` (up to 100, the per-call limit) to `area` (`None`: the
    /// domain's default) and returns the IDs of the tasks created. For any number, plan them
    /// ([`PurgePlan`](cdn_task_core::PurgePlan)) and [`submit`](Self::submit) the plan.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
    /// # let client = cdn_task_http::Client::builder().endpoint(mock.base_url())
    /// #     .credentials(cdn_task_http::Credentials::new("testid", "testsecret")).build()?;
    /// use cdn_task_http::cdn_task_core::PreloadArea;
    /// let created = client.preload(["https://example.com/video/intro.mp4"], None).await?;
    /// assert_eq!(created.task_ids.len(), 1);
    /// client.preload(["https://example.com/app.js"], Some(PreloadArea::Overseas)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn preload(
        &self,
        urls: impl IntoIterator<Item = impl Into<String>>,
        area: Option<PreloadArea>,
    ) -> Result<CreateTasksResponse, Error> {
        let op = PushObjectCache::new(urls).map_err(invalid)?;
        match area {
            Some(area) => self.call(&op.with_area(area)).await,
            None => self.call(&op).await,
        }
    }

    /// `DescribeRefreshQuota`: the day's refresh and prefetch quotas.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
    /// # let client = cdn_task_http::Client::builder().endpoint(mock.base_url())
    /// #     .credentials(cdn_task_http::Credentials::new("testid", "testsecret")).build()?;
    /// let quota = client.quota().await?;
    /// println!("{quota:?}");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn quota(&self) -> Result<RefreshQuota, Error> {
        self.call(&DescribeRefreshQuota).await
    }
}

fn invalid(error: cdn_task_core::ParameterError) -> Error {
    Error::InvalidInput(InvalidInput::Parameter(error))
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.transport)
            .field("max_concurrency", &self.max_concurrency)
            .finish()
    }
}
