//! Daily refresh and prefetch quotas per AccessKey, reset at midnight UTC by the mock's clock.

use cdn_task_core::{Quota, RefreshType};
use chrono::NaiveDate;
use std::collections::HashMap;

/// What a quota counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuotaKind {
    /// URL refreshes (`File` and `IgnoreParams`).
    Url,
    /// Directory refreshes.
    Directory,
    /// Regex refreshes.
    Regex,
    /// Prefetches.
    Preload,
}

impl QuotaKind {
    const ALL: [QuotaKind; 4] = [
        QuotaKind::Url,
        QuotaKind::Directory,
        QuotaKind::Regex,
        QuotaKind::Preload,
    ];

    /// The daily allowance: 10,000 URLs, 100 directories, 20 regexes (API.md), and 1,000
    /// prefetched URLs (the service's default prefetch quota; API.md gives no figure).
    pub(crate) fn daily_allowance(self) -> u64 {
        match self {
            QuotaKind::Url => 10_000,
            QuotaKind::Directory => 100,
            QuotaKind::Regex => 20,
            QuotaKind::Preload => 1_000,
        }
    }

    /// The quota a refresh of this type draws on.
    pub(crate) fn of_refresh(kind: RefreshType) -> QuotaKind {
        match kind {
            RefreshType::File | RefreshType::IgnoreParams => QuotaKind::Url,
            RefreshType::Directory => QuotaKind::Directory,
            RefreshType::Regex => QuotaKind::Regex,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Today's usage by AccessKey.
#[derive(Debug, Default)]
pub(crate) struct QuotaBook {
    usage: HashMap<String, Usage>,
}

#[derive(Debug, Clone, Copy)]
struct Usage {
    day: NaiveDate,
    used: [u64; 4],
}

/// Taking `requested` more would exceed the day's allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QuotaExceeded {
    pub(crate) kind: QuotaKind,
    pub(crate) remaining: u64,
    pub(crate) requested: u64,
}

impl QuotaBook {
    /// Takes `count` from `key`'s `kind` quota for `today`, or takes nothing and says why not.
    pub(crate) fn take(
        &mut self,
        key: &str,
        kind: QuotaKind,
        count: u64,
        today: NaiveDate,
    ) -> Result<(), QuotaExceeded> {
        let usage = self.usage.entry(key.to_owned()).or_insert(Usage {
            day: today,
            used: [0; 4],
        });
        if usage.day != today {
            *usage = Usage {
                day: today,
                used: [0; 4],
            };
        }
        let used = &mut usage.used[kind.index()];
        let remaining = kind.daily_allowance().saturating_sub(*used);
        if count > remaining {
            return Err(QuotaExceeded {
                kind,
                remaining,
                requested: count,
            });
        }
        *used += count;
        Ok(())
    }

    /// Every key's usage: (AccessKeyId, day, used per kind in the order url, directory, regex,
    /// preload), by AccessKeyId.
    pub(crate) fn entries(&self) -> Vec<(String, NaiveDate, [u64; 4])> {
        let mut entries: Vec<_> = self
            .usage
            .iter()
            .map(|(key, usage)| (key.clone(), usage.day, usage.used))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries
    }

    /// Sets `key`'s usage on `day` (what [`entries`](Self::entries) listed).
    pub(crate) fn insert(&mut self, key: String, day: NaiveDate, used: [u64; 4]) {
        self.usage.insert(key, Usage { day, used });
    }

    /// `key`'s quotas for `today`, in the order url, directory, regex, preload.
    pub(crate) fn report(&self, key: &str, today: NaiveDate) -> [Quota; 4] {
        let used = match self.usage.get(key) {
            Some(usage) if usage.day == today => usage.used,
            _ => [0; 4],
        };
        QuotaKind::ALL.map(|kind| {
            let quota = kind.daily_allowance();
            Quota {
                quota,
                remain: quota.saturating_sub(used[kind.index()]),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
    }

    #[test]
    fn takes_until_the_allowance_then_refuses_whole_requests() {
        let mut book = QuotaBook::default();
        book.take("a", QuotaKind::Regex, 19, day(1)).unwrap();
        assert_eq!(
            book.take("a", QuotaKind::Regex, 2, day(1)),
            Err(QuotaExceeded {
                kind: QuotaKind::Regex,
                remaining: 1,
                requested: 2
            })
        );
        book.take("a", QuotaKind::Regex, 1, day(1)).unwrap();
        assert_eq!(book.report("a", day(1))[2], Quota { quota: 20, remain: 0 });
        // Other keys and other quotas are untouched.
        assert_eq!(book.report("b", day(1))[2].remain, 20);
        assert_eq!(book.report("a", day(1))[0].remain, 10_000);
    }

    #[test]
    fn a_new_day_resets_usage() {
        let mut book = QuotaBook::default();
        book.take("a", QuotaKind::Directory, 100, day(1)).unwrap();
        assert!(book.take("a", QuotaKind::Directory, 1, day(1)).is_err());
        assert_eq!(book.report("a", day(2))[1].remain, 100);
        book.take("a", QuotaKind::Directory, 1, day(2)).unwrap();
        assert_eq!(book.report("a", day(2))[1].remain, 99);
        let mut copy = QuotaBook::default();
        for (key, day, used) in book.entries() {
            copy.insert(key, day, used);
        }
        assert_eq!(copy.report("a", day(2)), book.report("a", day(2)));
    }

    #[test]
    fn refresh_types_map_to_quotas() {
        assert_eq!(QuotaKind::of_refresh(RefreshType::IgnoreParams), QuotaKind::Url);
        assert_eq!(
            QuotaKind::of_refresh(RefreshType::Directory),
            QuotaKind::Directory
        );
        assert_eq!(QuotaKind::of_refresh(RefreshType::Regex), QuotaKind::Regex);
    }
}
