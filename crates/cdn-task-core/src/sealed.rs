//! The sealed-trait pattern: [`Operation`](crate::Operation) and [`WireBody`](crate::WireBody) are
//! for callers to use, not to implement, so that the crate may add items to them in a minor
//! release.

/// The private supertrait of the crate's sealed traits.
pub trait Sealed {}

impl Sealed for crate::DescribeRefreshTaskById {}
impl Sealed for crate::RefreshObjectCaches {}
impl Sealed for crate::PushObjectCache {}
impl Sealed for crate::DescribeRefreshQuota {}
impl Sealed for crate::DescribeRefreshTasks {}
impl Sealed for crate::sts::AssumeRole {}
impl Sealed for crate::sts::AssumeRoleWithOidc {}

impl Sealed for crate::DescribeRefreshTaskByIdResponse {}
impl Sealed for crate::DescribeRefreshTasksResponse {}
impl Sealed for crate::CreateTasksResponse {}
impl Sealed for crate::RefreshQuota {}
impl Sealed for crate::ServiceErrorBody {}
