//! Daily refresh and prefetch quotas per AccessKey, reset at midnight UTC by the mock's clock.

use crate::config::DailyQuotas;
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
    /// Refreshes that ignore query strings.
    IgnoreParams,
}

impl QuotaKind {
    const ALL: [QuotaKind; 5] = [
        QuotaKind::Url,
        QuotaKind::Directory,
        QuotaKind::Regex,
        QuotaKind::Preload,
        QuotaKind::IgnoreParams,
    ];

    /// The daily allowance of this kind in `quotas`.
    pub(crate) fn daily_allowance(self, quotas: &DailyQuotas) -> u64 {
        match self {
            QuotaKind::Url => quotas.url,
            QuotaKind::Directory => quotas.directory,
            QuotaKind::Regex => quotas.regex,
            QuotaKind::Preload => quotas.preload,
            QuotaKind::IgnoreParams => quotas.ignore_params,
        }
    }

    /// The quota a refresh of this type draws on.
    pub(crate) fn of_refresh(kind: RefreshType) -> QuotaKind {
        match kind {
            RefreshType::File => QuotaKind::Url,
            RefreshType::IgnoreParams => QuotaKind::IgnoreParams,
            RefreshType::Directory => QuotaKind::Directory,
            RefreshType::Regex => QuotaKind::Regex,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Today's usage by AccessKey, against the allowances.
#[derive(Debug, Default)]
pub(crate) struct QuotaBook {
    allowances: DailyQuotas,
    usage: HashMap<String, Usage>,
}

#[derive(Debug, Clone, Copy)]
struct Usage {
    day: NaiveDate,
    used: [u64; 5],
}

/// Taking `requested` more would exceed the day's allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QuotaExceeded {
    pub(crate) kind: QuotaKind,
    pub(crate) remaining: u64,
    pub(crate) requested: u64,
}

impl QuotaBook {
    /// A book with these daily allowances.
    pub(crate) fn new(allowances: DailyQuotas) -> QuotaBook {
        QuotaBook {
            allowances,
            usage: HashMap::new(),
        }
    }

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
            used: [0; 5],
        });
        if usage.day != today {
            *usage = Usage {
                day: today,
                used: [0; 5],
            };
        }
        let used = &mut usage.used[kind.index()];
        let remaining = kind.daily_allowance(&self.allowances).saturating_sub(*used);
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
    /// preload, ignore-params), by AccessKeyId.
    pub(crate) fn entries(&self) -> Vec<(String, NaiveDate, [u64; 5])> {
        let mut entries: Vec<_> = self
            .usage
            .iter()
            .map(|(key, usage)| (key.clone(), usage.day, usage.used))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries
    }

    /// Sets `key`'s usage on `day` (what [`entries`](Self::entries) listed).
    pub(crate) fn insert(&mut self, key: String, day: NaiveDate, used: [u64; 5]) {
        self.usage.insert(key, Usage { day, used });
    }

    /// Forgets all usage; the daily allowances stay.
    pub(crate) fn clear_usage(&mut self) {
        self.usage.clear();
    }

    /// `key`'s quotas for `today`, in the order url, directory, regex, preload, ignore-params.
    pub(crate) fn report(&self, key: &str, today: NaiveDate) -> [Quota; 5] {
        let used = match self.usage.get(key) {
            Some(usage) if usage.day == today => usage.used,
            _ => [0; 5],
        };
        QuotaKind::ALL.map(|kind| {
            let quota = kind.daily_allowance(&self.allowances);
            Quota::new(quota, quota.saturating_sub(used[kind.index()]))
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
        assert_eq!(book.report("a", day(1))[2], Quota::new(20, 0));
        // Other keys and other quotas are untouched.
        assert_eq!(book.report("b", day(1))[2].remain, 20);
        assert_eq!(book.report("a", day(1))[0].remain, 10_000);
    }

    #[test]
    fn allowances_come_from_the_configuration() {
        let mut book = QuotaBook::new(DailyQuotas {
            url: 3,
            ..DailyQuotas::default()
        });
        assert_eq!(book.report("a", day(1))[0], Quota::new(3, 3));
        assert!(book.take("a", QuotaKind::Url, 4, day(1)).is_err());
        assert_eq!(book.report("a", day(1))[4], Quota::new(100, 100));
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
        assert_eq!(
            QuotaKind::of_refresh(RefreshType::IgnoreParams),
            QuotaKind::IgnoreParams
        );
        assert_eq!(
            QuotaKind::of_refresh(RefreshType::Directory),
            QuotaKind::Directory
        );
        assert_eq!(QuotaKind::of_refresh(RefreshType::Regex), QuotaKind::Regex);
    }
}
