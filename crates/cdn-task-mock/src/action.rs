//! The actions the mock serves, named and rate-limited by the core's operations.

use cdn_task_core::{
    DescribeRefreshQuota, DescribeRefreshTaskById, DescribeRefreshTasks, Operation, PushObjectCache,
    RateLimit, RefreshObjectCaches,
};

/// One of the five actions the mock serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Action {
    DescribeRefreshTaskById,
    RefreshObjectCaches,
    PushObjectCache,
    DescribeRefreshQuota,
    DescribeRefreshTasks,
}

impl Action {
    pub(crate) const ALL: [Action; 5] = [
        Action::DescribeRefreshTaskById,
        Action::RefreshObjectCaches,
        Action::PushObjectCache,
        Action::DescribeRefreshQuota,
        Action::DescribeRefreshTasks,
    ];

    /// The action named `name` (exactly, as the service matches it).
    pub(crate) fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|action| action.name() == name)
    }

    /// The `Action` name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Action::DescribeRefreshTaskById => DescribeRefreshTaskById::ACTION,
            Action::RefreshObjectCaches => RefreshObjectCaches::ACTION,
            Action::PushObjectCache => PushObjectCache::ACTION,
            Action::DescribeRefreshQuota => DescribeRefreshQuota::ACTION,
            Action::DescribeRefreshTasks => DescribeRefreshTasks::ACTION,
        }
    }

    /// The service's documented per-user limit for this action.
    pub(crate) fn documented_rate_limit(self) -> Option<RateLimit> {
        match self {
            Action::DescribeRefreshTaskById => DescribeRefreshTaskById::RATE_LIMIT,
            Action::RefreshObjectCaches => RefreshObjectCaches::RATE_LIMIT,
            Action::PushObjectCache => PushObjectCache::RATE_LIMIT,
            Action::DescribeRefreshQuota => DescribeRefreshQuota::RATE_LIMIT,
            Action::DescribeRefreshTasks => DescribeRefreshTasks::RATE_LIMIT,
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_exactly() {
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.name()), Some(action));
            assert_eq!(Action::ALL[action.index()], action);
        }
        assert_eq!(Action::from_name("describerefreshtaskbyid"), None);
        assert_eq!(
            Action::from_name("DescribeRefreshTasks"),
            Some(Action::DescribeRefreshTasks)
        );
        assert_eq!(Action::from_name("DescribeDcdnRefreshTasks"), None);
    }
}
